"""Home, dashboard and meters pages in Chromium, JavaScript on and off.

A customer signs in through the form, walks `/`, `/konto`, `/odczyty` and its older
readings; every page has no axe violations in either contrast mode, no console
errors, and no sideways scrolling at 320 CSS px.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import format_violations

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
Check = Callable[[Page], Awaitable[int]]
Prefs = Callable[..., Awaitable[None]]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


async def _sign_in(page: Page) -> None:
    await page.goto("/login")
    main = page.locator("main")
    await main.get_by_label("Login").fill("jan.kowalski")
    await main.get_by_label("Hasło").fill("Woda-Demo-2026!")
    await main.get_by_role("button", name="Zaloguj się").click()
    await expect(page).to_have_url(re.compile(r"/konto$"))
    await expect(page.locator("h1")).to_have_text("Pulpit")


async def _check_page(page: Page, axe: Axe, viewport_320: Check, set_preferences: Prefs) -> None:
    """One h1, no axe violations and reflow at 320 px, in normal and high contrast."""
    await expect(page.locator("h1")).to_have_count(1)
    for contrast in ("normal", "high"):
        await set_preferences(page, contrast=contrast)
        await page.reload()
        await expect(page.locator("html")).to_have_class(re.compile(rf"\bcontrast-{contrast}\b"))
        violations = await axe(page)
        assert not violations, f"{page.url} ({contrast}):\n" + format_violations(violations)
        await viewport_320(page)
    await set_preferences(page, contrast="normal")


async def test_customer_walks_home_dashboard_and_readings(
    page_both: Page,
    js_enabled: bool,
    axe_violations: Axe,
    viewport_320: Check,
    set_preferences: Prefs,
) -> None:
    page = page_both
    await page.goto("/")
    await expect(page.locator("h1")).to_contain_text("eBOK")
    await expect(page.get_by_role("table")).to_contain_text("Woda")
    await expect(page.locator("main")).to_contain_text("otwiera się 25.11.2026")
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    await _sign_in(page)
    main = page.locator("main")
    await expect(main.get_by_role("heading", name="Saldo konta")).to_be_visible()
    await expect(main).to_contain_text("Po terminie")
    await expect(main.locator("svg[role=img]:visible")).to_have_count(1)
    # The chart's data, collapsed under a summary that works without JavaScript.
    await main.get_by_text("Dane wykresu w tabeli").click()
    await expect(main.locator(".usage-table tbody tr")).to_have_count(24)
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    await (
        page.get_by_role("navigation", name="Menu główne")
        .get_by_role("link", name="Odczyty")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/odczyty$"))
    await expect(page.locator("h1")).to_have_text("Wodomierze i odczyty")
    history = page.locator(".history__table tbody tr")
    await expect(history).to_have_count(12)
    newest = await history.first.inner_text()
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    if js_enabled:
        await page.evaluate("window.ebokNoReload = true")
    await page.get_by_role("link", name="Starsze odczyty").click()
    await expect(page).to_have_url(re.compile(r"/odczyty\?.*po="))
    await expect(page.get_by_role("heading", name="Starsze odczyty")).to_be_focused()
    await expect(history).to_have_count(12)
    assert await history.first.inner_text() != newest
    if js_enabled:
        # htmx swapped only the history in place; the page itself stayed.
        assert await page.evaluate("window.ebokNoReload === true")
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    await page.get_by_role("link", name="Najnowsze odczyty").click()
    await expect(history.first).to_have_text(newest)


@pytest.mark.parametrize("contrast", ["normal", "high"])
async def test_dashboard_screenshot(page_js: Page, contrast: str, set_preferences: Prefs) -> None:
    """A picture of /konto in each contrast mode, for people to look at."""
    await _sign_in(page_js)
    await set_preferences(page_js, contrast=contrast)
    await page_js.reload()
    await expect(page_js.locator("html")).to_have_class(re.compile(rf"\bcontrast-{contrast}\b"))
    SCREENSHOTS.mkdir(exist_ok=True)
    await page_js.screenshot(path=str(SCREENSHOTS / f"konto-{contrast}.png"), full_page=True)

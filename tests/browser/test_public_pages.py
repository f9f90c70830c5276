"""The public static pages and the display preferences, in Chromium, JavaScript on and off."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import format_violations

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/deklaracja-dostepnosci", "/regulamin", "/login"]

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
Check = Callable[[Page], Awaitable[int]]


async def _computed(page: Page, selector: str, prop: str) -> str:
    return str(
        await page.evaluate(
            "([s, p]) => getComputedStyle(document.querySelector(s)).getPropertyValue(p)",
            [selector, prop],
        )
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
async def test_public_page_is_accessible_in_both_contrasts(
    page_both: Page,
    path: str,
    axe_violations: Axe,
    viewport_320: Check,
    set_preferences: Callable[..., Awaitable[None]],
) -> None:
    page = page_both
    response = await page.goto(path)
    assert response is not None and response.status == 200
    await expect(page.locator("h1")).to_have_count(1)
    assert await page.locator("main#tresc").count() == 1
    assert "eBOK" in await page.title()

    violations = await axe_violations(page)
    assert not violations, format_violations(violations)
    await viewport_320(page)

    await set_preferences(page, contrast="high", font="150")
    await page.goto(path)
    await expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)
    # The largest text must still reflow into the narrowest screen.
    await viewport_320(page)


async def test_preferences_change_the_look_and_persist(page_both: Page, js_enabled: bool) -> None:
    page = page_both
    await page.goto("/deklaracja-dostepnosci")
    assert await _computed(page, "body", "background-color") == "rgb(255, 255, 255)"
    assert await _computed(page, "html", "font-size") == "16px"
    if js_enabled:
        # A marker that a reload would wipe: with JavaScript the change is instant.
        await page.evaluate("window.ebokNoReload = true")

    high = page.get_by_role("link", name="Kontrast wysoki")
    await high.click()
    await expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    await expect(high).to_have_attribute("aria-current", "true")
    await expect(page.get_by_role("link", name="Kontrast zwykły")).not_to_have_attribute(
        "aria-current", "true"
    )
    assert await _computed(page, "body", "background-color") == "rgb(0, 0, 0)"
    assert await _computed(page, "body", "color") == "rgb(255, 255, 0)"

    await page.get_by_role("link", name="Wielkość tekstu 125%").click()
    await expect(page.locator("html")).to_have_class(re.compile(r"\bfont-125\b"))
    assert await _computed(page, "html", "font-size") == "20px"
    assert page.url.endswith("/deklaracja-dostepnosci"), "returns to the same page"
    if js_enabled:
        assert await page.evaluate("window.ebokNoReload === true"), "no reload with JavaScript"

    # The next page (a link, boosted with JavaScript) and a fresh load keep the choice.
    await page.get_by_role("link", name="Regulamin eBOK").click()
    await expect(page).to_have_url(re.compile(r"/regulamin$"))
    await expect(page.locator("h1")).to_contain_text("Regulamin")
    assert await _computed(page, "body", "background-color") == "rgb(0, 0, 0)"
    assert await _computed(page, "html", "font-size") == "20px"
    await page.goto("/regulamin")
    await expect(page.locator("html")).to_have_class(re.compile(r"contrast-high.*font-125"))
    await expect(page.get_by_role("link", name="Wielkość tekstu 125%")).to_have_attribute(
        "aria-current", "true"
    )

    await page.get_by_role("link", name="Kontrast zwykły").click()
    await expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-normal\b"))
    assert await _computed(page, "body", "background-color") == "rgb(255, 255, 255)"
    await page.get_by_role("link", name="Wielkość tekstu 150%").click()
    await expect(page.locator("html")).to_have_class(re.compile(r"\bfont-150\b"))
    assert await _computed(page, "html", "font-size") == "24px"


async def test_skip_link_moves_to_the_content(page_both: Page) -> None:
    page = page_both
    await page.goto("/regulamin")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Przejdź do treści")
    await expect(skip).to_be_focused()
    assert await skip.is_visible()
    await page.keyboard.press("Enter")
    await expect(page.locator("main#tresc")).to_be_focused()


async def test_unknown_page_is_a_friendly_404(
    page_both: Page, axe_violations: Axe, console_errors: Any
) -> None:
    # Chromium logs the 404 of the document itself; that one is expected.
    console_errors.allow(r"status of 404")
    response = await page_both.goto("/nie-ma-takiej-strony")
    assert response is not None and response.status == 404
    await expect(page_both.locator("h1")).to_have_text("Nie znaleziono strony")
    violations = await axe_violations(page_both)
    assert not violations, format_violations(violations)


async def test_a_failed_sign_in_shows_a_focused_error_summary(
    page_both: Page,
    js_enabled: bool,
    axe_violations: Axe,
    set_preferences: Callable[..., Awaitable[None]],
) -> None:
    page = page_both
    for contrast in ("normal", "high"):
        await set_preferences(page, contrast=contrast, font="100")
        await page.goto("/login")
        await page.get_by_label("Login").fill("jan.kowalski")
        await page.get_by_label("Hasło").fill("not the password")
        await page.locator("main").get_by_role("button", name="Zaloguj się").click()
        summary = page.locator(".error-summary")
        await expect(summary).to_be_visible()
        await expect(summary).to_be_focused()
        assert (await page.title()).startswith("Błąd:")
        # The typed login stays; the password never comes back.
        await expect(page.get_by_label("Login")).to_have_value("jan.kowalski")
        await expect(page.get_by_label("Hasło")).to_have_value("")
        violations = await axe_violations(page)
        assert not violations, format_violations(violations)

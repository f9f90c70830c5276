"""/awaria and /awarie-i-wylaczenia in Chromium, JavaScript on and off: axe finds
nothing in either contrast, the form's errors included, and a report goes through."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_no_violations

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]


@pytest.mark.parametrize("path", ["/awaria", "/awarie-i-wylaczenia"])
async def test_the_public_pages_are_accessible(
    page_both: Page, path: str, axe_violations: Axe, set_preferences: Any
) -> None:
    response = await page_both.goto(path)
    assert response is not None and response.status == 200
    await expect(page_both.locator("h1")).to_have_count(1)
    await assert_no_violations(page_both, axe_violations, set_preferences)


async def test_a_failure_report_with_errors_and_then_sent(
    page_both: Page, axe_violations: Axe, set_preferences: Any
) -> None:
    page = page_both
    await page.goto("/awaria")
    main = page.locator("main")
    await expect(main.get_by_role("link", name=re.compile("994"))).to_be_visible()
    await main.get_by_label("Co się dzieje?").fill("Brak wody w całym budynku od rana.")
    await main.get_by_role("button", name="Wyślij zgłoszenie").click()
    await expect(page).to_have_title(re.compile("^Błąd:"))
    await expect(page.locator("#address-error")).to_be_visible()
    await expect(main.get_by_label("Co się dzieje?")).to_have_value(
        "Brak wody w całym budynku od rana."
    )
    violations = await axe_violations(page)
    assert not violations, violations

    await main.get_by_label("Adres lub miejsce awarii").fill("ul. Słoneczna 14")
    await main.get_by_role("button", name="Wyślij zgłoszenie").click()
    await expect(page.locator("h1")).to_have_text("Zgłoszenie przyjęte")
    await expect(main).to_contain_text(re.compile(r"AW/\d{4}/\d{6}"))
    await assert_no_violations(page, axe_violations, set_preferences)

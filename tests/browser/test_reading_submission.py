"""A customer gives a meter reading inside the window, with JavaScript and without."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_no_violations, format_violations, sign_in

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]


async def test_check_and_send_a_reading(
    page_in_window: Page, js_enabled: bool, axe_violations: Axe, set_preferences: Any
) -> None:
    page = page_in_window
    # Each run uses its own account: a meter takes one customer reading a month.
    login, value = ("jan.kowalski", "786,25") if js_enabled else ("wspolnota.lipowa", "4100")
    await sign_in(page, login)
    main = page.locator("main")
    # The dashboard offers the same form on the meter's card while the window is open.
    await page.goto("/konto")
    await expect(main.get_by_label("Stan wodomierza w m³")).to_have_count(1)
    await assert_no_violations(page, axe_violations, set_preferences)
    await page.goto("/odczyty")
    await expect(main).to_contain_text("Do końca przyjmowania odczytów zostało dni: 4")
    await assert_no_violations(page, axe_violations, set_preferences)

    # A wrong value comes back beside the field, focused through the error summary.
    await main.get_by_label("Stan wodomierza w m³").fill("12")
    await main.get_by_role("button", name="Wyślij odczyt").click()
    await expect(main.locator(".input--error")).to_have_count(1)
    await expect(main).to_contain_text("niższy niż poprzedni odczyt")
    if not js_enabled:
        await assert_no_violations(page, axe_violations, set_preferences)

    await main.get_by_label("Stan wodomierza w m³").fill(value)
    if js_enabled:
        # The check appears while typing, before anything is sent.
        await expect(main.locator(".reading-preview")).to_contain_text("zużycie")
    else:
        await main.get_by_role("button", name="Sprawdź zużycie").click()
        await expect(main.locator(".reading-preview")).to_contain_text("zużycie")
    await main.get_by_role("button", name="Wyślij odczyt").click()
    await expect(main.get_by_role("status")).to_contain_text("Odczyt przyjęty")
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)
    await page.goto("/odczyty")
    await expect(main).to_contain_text("Odczyt za ten miesiąc został już podany")

"""Staff's readings, billing-cycle and account pages (recording a reading there), and
the customer's billing-cycle page: usable without JavaScript, no axe violations in
either contrast mode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from models.clock import Clock
from models.rules.totp import totp_at
from tests.browser.conftest import assert_no_violations, sign_in

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]


async def test_billing_cycle_request_and_staff_pages(
    page_in_window: Page, js_enabled: bool, axe_violations: Axe, set_preferences: Any
) -> None:
    page = page_in_window
    main = page.locator("main")
    if js_enabled:  # one run asks (the request then waits in the staff queue)
        await sign_in(page, "jan.kowalski")
        await page.goto("/dane/rozliczenia")
        await expect(page.locator("h1")).to_have_text("Okres rozliczeniowy")
        await assert_no_violations(page, axe_violations, set_preferences)
        await main.get_by_role("button", name="Poproś o rozliczanie co miesiąc").click()
        await expect(main.get_by_role("status")).to_contain_text("Wniosek został wysłany")
        await page.context.clear_cookies()

    # A code is accepted once: the second run uses the next one (within the allowed drift).
    code = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now(), offset_steps=0 if js_enabled else 1)
    await sign_in(page, "obsluga", "Obsluga-Demo-2026!", code)
    for path in ("/obsluga/wnioski", "/obsluga/odczyty", "/obsluga/rozliczenia"):
        await page.goto(path)
        await expect(page.locator("h1")).to_have_count(1)
        await assert_no_violations(page, axe_violations, set_preferences)

    # The account page's reading form: refused input beside the fields, then saved. On
    # 100002: the customers' own submissions in test_reading_submission.py (jan.kowalski's
    # 100001, the community's 100003) share this server and must not find it moved.
    await page.goto("/obsluga/konto/100002")
    await assert_no_violations(page, axe_violations, set_preferences)
    form = main.locator("form[action='/obsluga/konto/100002/odczyt']")
    await form.get_by_label("Stan liczydła (m³)").fill("")
    await form.get_by_role("button", name="Zapisz odczyt").click()
    await expect(main.locator("#value-error")).to_contain_text("Wpisz stan liczydła")
    assert not await axe_violations(page)
    # Two runs, two days: whichever runs first, the other's value is not lower.
    day, value = ("2026-11-25", "430") if js_enabled else ("2026-11-26", "435")
    await form.get_by_label("Stan liczydła (m³)").fill(value)
    await form.get_by_label("Data odczytu").fill(day)
    await form.get_by_label("Odczyt inkasenta").check()
    await form.get_by_role("button", name="Zapisz odczyt").click()
    await expect(main.get_by_role("status")).to_contain_text("Zapisano odczyt wodomierza")

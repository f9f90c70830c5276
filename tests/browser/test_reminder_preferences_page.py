"""The reminder form on /dane in Chromium, with JavaScript on and off: labelled
checkboxes, no axe violations, and a choice that survives the round trip."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from models.services.outbox import render_email
from tests.browser.conftest import assert_no_violations, format_violations, sign_in

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]

LABELS = (
    "Otwarcie okresu podawania odczytów",
    "Koniec okresu podawania odczytów",
    "Zbliżający się termin płatności",
    "Przekroczony termin płatności",
)


async def test_reminders_are_switched_off_and_on_from_the_data_page(
    page_both: Page, axe_violations: Axe, set_preferences: Callable[..., Awaitable[None]]
) -> None:
    page = page_both
    await sign_in(page, "wspolnota.lipowa")
    await page.goto("/dane")
    form = page.locator("form[action='/dane/przypomnienia']")
    boxes = [form.get_by_label(label) for label in LABELS]
    for box in boxes:
        await expect(box).to_be_checked()
    await assert_no_violations(page, axe_violations, set_preferences)

    await boxes[3].uncheck()
    await form.get_by_role("button", name="Zapisz przypomnienia").click()
    await expect(page.locator("[role=status]")).to_contain_text("Zapisaliśmy Twój wybór")
    await expect(boxes[3]).not_to_be_checked()
    await expect(boxes[0]).to_be_checked()
    await assert_no_violations(page, axe_violations, set_preferences)

    # Left as found: every reminder on again.
    await boxes[3].check()
    await form.get_by_role("button", name="Zapisz przypomnienia").click()
    await expect(page.locator("[role=status]")).to_contain_text("Zapisaliśmy Twój wybór")
    await expect(boxes[3]).to_be_checked()


REMINDER_CONTEXT = {
    "number": "100001",
    "holder": "Jan Kowalski",
    "window": "25.11.2026–30.11.2026",
    "opens_on": "25.11.2026",
    "closes_on": "30.11.2026",
    "readings_link": "https://ebok.example.pl/odczyty",
    "invoice": "FV/2026/10/000001",
    "due_date": "05.12.2026",
    "amount": "123,45 zł",
    "payments_link": "https://ebok.example.pl/platnosci",
    "settings_link": "https://ebok.example.pl/dane#przypomnienia",
}


@pytest.mark.parametrize(
    "template",
    [
        "reminder_window_opens",
        "reminder_window_closing",
        "reminder_invoice_due_soon",
        "reminder_invoice_overdue",
    ],
)
async def test_the_reminder_emails_are_accessible_and_say_how_to_switch_them_off(
    browser: Browser, axe_violations: Axe, template: str
) -> None:
    _, text, html = render_email(template, REMINDER_CONTEXT)
    assert html is not None
    assert REMINDER_CONTEXT["settings_link"] in text and "Wyłączysz je" in text
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.set_content(html)
        assert await page.locator("h1").count() == 1
        await expect(
            page.get_by_role("link", name=REMINDER_CONTEXT["settings_link"])
        ).to_be_visible()
        violations = await axe_violations(page)
        assert violations == [], format_violations(violations)
    finally:
        await context.close()

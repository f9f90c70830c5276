"""The reminder form on /dane in Chromium, with JavaScript on and off: labelled
checkboxes, no axe violations, and a choice that survives the round trip."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_no_violations, sign_in

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

"""jan.kowalski pays his unpaid and his overdue invoice in one go through the sandbox
operator, in Chromium with JavaScript on and off, and sees both paid at once; axe
finds nothing on the pages on the way, in both contrast modes.

Each run has its own demo server: paying changes the account that the other browser
tests read on the shared one.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import (
    CLOCK,
    AxeCheck,
    ConsoleErrors,
    _new_page,
    assert_no_violations,
    sign_in,
)
from tests.servers import running_server

pytestmark = pytest.mark.browser


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[str]:
    with running_server(tmp_path, env={"EBOK_CLOCK": CLOCK}) as base_url:
        yield base_url


@pytest.fixture
async def page(
    browser: Browser, own_server: str, console_errors: ConsoleErrors, js_enabled: bool
) -> AsyncIterator[Page]:
    context, page = await _new_page(browser, own_server, console_errors, js=js_enabled)
    yield page
    await context.close()


async def test_paying_the_unpaid_and_the_overdue_invoice_in_one_go(
    page: Page, js_enabled: bool, axe_violations: AxeCheck, set_preferences: Any
) -> None:
    await sign_in(page)
    await page.goto("/platnosci")
    main = page.locator("main")
    boxes = main.get_by_role("checkbox", name=re.compile(r"^Zapłać fakturę "))
    await expect(boxes).to_have_count(2)
    await assert_no_violations(page, axe_violations, set_preferences)

    await boxes.nth(0).check()
    await boxes.nth(1).check()
    total = main.locator("#platnosc-suma")
    if js_enabled:
        # htmx updates the total as the boxes change.
        await expect(total).to_contain_text("Zaznaczone faktury: 2.")
    else:
        await main.get_by_role("button", name="Przelicz").click()
        await expect(main.get_by_role("checkbox", name=re.compile("^Zapłać"))).to_have_count(2)
        await expect(total).to_contain_text("Zaznaczone faktury: 2.")
    amount = (await total.locator("strong").inner_text()).strip()
    assert amount.endswith("zł")

    await main.get_by_role("button", name="Zapłać online").click()
    await expect(page).to_have_url(re.compile(r"/platnosci/sandbox/"))
    await expect(main.get_by_text(amount, exact=True)).to_be_visible()
    await assert_no_violations(page, axe_violations, set_preferences)

    await main.get_by_role("button", name="Zapłać", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/platnosci/potwierdzenie/\d+$"))
    await expect(main.get_by_role("heading", name="Wpłata zaksięgowana")).to_be_visible()
    await expect(main.get_by_text("Nie masz nic do zapłaty.")).to_be_visible()
    paid = main.locator(".allocations li")
    await expect(paid).to_have_count(2)
    for index in range(2):
        await expect(paid.nth(index)).to_contain_text("Zapłacona")
    await assert_no_violations(page, axe_violations, set_preferences)

    await page.goto("/platnosci")
    await expect(main.get_by_text("Wszystkie faktury są zapłacone.")).to_be_visible()

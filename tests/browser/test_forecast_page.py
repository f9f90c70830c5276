"""/prognoza in Chromium, with JavaScript on and off: a period's forecast, a payment
simulation, a refused date beside its field, and axe in both contrast modes."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_no_violations, sign_in

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]


async def test_forecast_and_simulation(
    page_both: Page, axe_violations: Axe, set_preferences: Any
) -> None:
    page = page_both
    await sign_in(page)
    await page.goto("/konto")
    await (
        page.locator("main")
        .get_by_role("link", name="Prognoza rachunku i symulacja płatności")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Prognoza i symulacja płatności"
    )
    await expect(page.get_by_role("heading", name=re.compile(r"^Prognoza od "))).to_be_visible()
    await assert_no_violations(page, axe_violations, set_preferences)

    main = page.locator("main")
    await main.get_by_label("Od dnia").fill("2026-12-01")
    await main.get_by_label("Do dnia").fill("2027-02-28")
    await main.get_by_role("button", name="Pokaż prognozę").click()
    await expect(
        main.get_by_role("heading", name="Prognoza od 01.12.2026 do 28.02.2027")
    ).to_be_visible()
    await expect(main.get_by_role("link", name="Pobierz prognozę (PDF)")).to_have_attribute(
        "href", "/prognoza.pdf?konto=100001&od=2026-12-01&do=2027-02-28"
    )

    field = main.get_by_label(re.compile(r"^Stan wodomierza .* w m³"))
    hint = await main.locator(".hint", has_text="Ostatni odczyt").first.inner_text()
    found = re.search(r"Ostatni odczyt: ([\d\s]+,\d+)\sm³", hint)
    assert found, hint
    last = Decimal(re.sub(r"\s", "", found[1]).replace(",", "."))
    await field.fill(format(last + 7, "f").replace(".", ","))
    await main.get_by_role("button", name="Oblicz rachunek").click()
    await expect(main.get_by_role("heading", name=re.compile(r"^Symulacja od "))).to_be_visible()
    await expect(
        main.locator(".forecast__total", has_text=re.compile(r"zużycie 7,000\sm³"))
    ).to_be_visible()
    await expect(
        main.get_by_role("heading", name="Prognoza od 01.12.2026 do 28.02.2027")
    ).to_be_visible()
    await assert_no_violations(page, axe_violations, set_preferences)


async def test_a_bad_period_is_shown_beside_the_field(
    page_both: Page, axe_violations: Axe, set_preferences: Any
) -> None:
    page = page_both
    await sign_in(page)
    await page.goto("/prognoza")
    main = page.locator("main")
    await main.get_by_label("Od dnia").fill("2027-03-01")
    await main.get_by_label("Do dnia").fill("2027-01-01")
    await main.get_by_role("button", name="Pokaż prognozę").click()
    await expect(page.locator("#do-error")).to_contain_text("nie może być wcześniejsza")
    await expect(page).to_have_title(re.compile(r"^Błąd:"))
    await assert_no_violations(page, axe_violations, set_preferences)

"""Invoices, payments and the ledger in Chromium, with JavaScript on and off.

A customer signs in through the form, filters the invoice list, opens an invoice,
looks at the payments and changes the ledger's range; every page passes axe in
both contrast modes, reflows at 320 CSS px and prints without its controls.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from models.rules.money import format_decimal_pl
from tests.browser.conftest import ConsoleErrors, format_violations

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
Check = Callable[[Page], Awaitable[int]]
Preferences = Callable[..., Awaitable[None]]

INVOICE = "FV/2026/09/000001"  # the overdue one: every section of the page is shown
FIGURES = """mutation { issueToken(input: {login: "jan.kowalski", password: "Woda-Demo-2026!"})
  { token } }"""
ACCOUNT = (
    '{ account(number: "100001") { balance { amount } '
    'opening: balanceOn(day: "2026-05-04") { amount } '
    'invoice(number: "' + INVOICE + '") { gross { amount } } } }'
)


def _graphql(base_url: str, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(base_url + "/graphql", body, headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        return dict(json.load(response)["data"])


@pytest.fixture(scope="module")
def figures(live_server: str) -> dict[str, str]:
    """What the API says of the demo household, in the pages' Polish format."""
    token = _graphql(live_server, FIGURES)["issueToken"]["token"]
    account = _graphql(live_server, ACCOUNT, token)["account"]

    def pln(money: dict[str, str]) -> str:
        return format_decimal_pl(Decimal(money["amount"]), 2)

    return {
        "gross": pln(account["invoice"]["gross"]),
        "balance": pln(account["balance"]),
        "opening": pln(account["opening"]),
    }


async def _sign_in(page: Page, console_errors: ConsoleErrors) -> None:
    await page.goto("/login")
    await page.get_by_label("Login").fill("jan.kowalski")
    await page.get_by_label("Hasło").fill("Woda-Demo-2026!")
    await page.locator("main").get_by_role("button", name="Zaloguj się").click()
    await expect(page).to_have_url(re.compile(r"/konto$"))


async def _check_page(
    page: Page, axe_violations: Axe, viewport_320: Check, set_preferences: Preferences
) -> None:
    """One h1, no axe findings in either contrast mode, no sideways scrolling at 320 px."""
    await expect(page.locator("h1")).to_have_count(1)
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)
    await viewport_320(page)

    await set_preferences(page, contrast="high", font="150")
    await page.reload()
    await expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)
    await viewport_320(page)
    await set_preferences(page, contrast="normal", font="100")
    await page.reload()


async def test_a_customer_walks_invoices_payments_and_the_ledger(
    page_both: Page,
    js_enabled: bool,
    console_errors: ConsoleErrors,
    axe_violations: Axe,
    viewport_320: Check,
    set_preferences: Preferences,
    figures: dict[str, str],
) -> None:
    page = page_both
    await _sign_in(page, console_errors)

    # /faktury: the list, then the status filter.
    await (
        page.get_by_role("navigation", name="Menu główne")
        .get_by_role("link", name="Faktury")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/faktury$"))
    await expect(page.locator("h1")).to_have_text("Faktury")
    rows = page.locator("table.invoice-list tbody tr")
    await expect(rows).to_have_count(12)
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    await page.get_by_label("Status").select_option(label="Po terminie")
    await page.get_by_role("button", name="Pokaż faktury").click()
    await expect(page).to_have_url(re.compile(r"status=po-terminie"))
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(INVOICE)
    await expect(rows.first).to_contain_text("Po terminie")

    # A reversed range: the error summary, "Błąd:" in the title, the message by the field.
    # Chromium logs the deliberate 422 as a failed load; nothing else may be logged.
    console_errors.allow(r"status of 422 .*/faktury\?konto=100001&status=po-terminie&od=2026-10-01")
    await page.get_by_label("Wystawione od").fill("2026-10-01")
    await page.get_by_label("Wystawione do").fill("2026-01-01")
    await page.get_by_role("button", name="Pokaż faktury").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Błąd: Faktury"))
    await expect(page.locator("#do-error")).to_contain_text("nie może być wcześniejsza")
    await expect(page.get_by_label("Wystawione od")).to_have_value("2026-10-01")
    if js_enabled:
        await expect(summary).to_be_focused()
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)

    # Corrected, the list shows again and the title loses "Błąd:".
    await page.get_by_label("Wystawione od").fill("2026-01-01")
    await page.get_by_label("Wystawione do").fill("2026-10-31")
    await page.get_by_role("button", name="Pokaż faktury").click()
    await expect(summary).to_have_count(0)
    await expect(page).to_have_title(re.compile(r"^Faktury"))
    await expect(rows).to_have_count(1)

    # One invoice.
    await page.get_by_role("link", name=INVOICE, exact=True).click()
    await expect(page.locator("h1")).to_contain_text(INVOICE)
    await expect(page.locator("table.invoice-lines tfoot")).to_contain_text(figures["gross"])
    await expect(page.locator("#przelew-tytul")).to_have_text(
        f"Nr klienta 100001, faktura {INVOICE}"
    )
    await expect(page.locator("#przelew-rachunek")).to_have_text(
        "PL87 1090 1014 8001 0000 0010 0001"
    )
    await _check_page(page, axe_violations, viewport_320, set_preferences)

    # /platnosci.
    await (
        page.get_by_role("navigation", name="Menu główne")
        .get_by_role("link", name="Płatności")
        .click()
    )
    await expect(page.locator("h1")).to_have_text("Płatności")
    await expect(page.locator("#platnosc-rachunek")).to_have_text(
        "PL87 1090 1014 8001 0000 0010 0001"
    )
    await expect(page.locator("table.payment-history tbody tr")).to_have_count(10)
    await _check_page(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_role("link", name="Następna strona").click()
    await expect(page.locator("table.payment-history tbody tr")).to_have_count(1)

    # /saldo: the default year, then another range.
    await (
        page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Saldo").click()
    )
    await expect(page.locator("h1")).to_have_text("Saldo i rozrachunki")
    await expect(page.locator("tr.ledger__closing")).to_contain_text(figures["balance"])
    await page.get_by_label("Od dnia").fill("2026-05-05")
    await page.get_by_label("Do dnia").fill("2026-07-31")
    await page.get_by_role("button", name="Pokaż zestawienie").click()
    await expect(page.locator("table.ledger caption")).to_have_text(
        "Operacje od 05.05.2026 do 31.07.2026"
    )
    await expect(page.locator("tr.ledger__opening")).to_contain_text(figures["opening"])
    await expect(page).to_have_url(re.compile(r"od=2026-05-05"))
    await _check_page(page, axe_violations, viewport_320, set_preferences)


@pytest.mark.parametrize("path", [f"/faktury/{INVOICE}", "/saldo?od=2025-11-21&do=2026-11-21"])
async def test_the_invoice_and_the_ledger_print_without_controls(
    page_js: Page, console_errors: ConsoleErrors, path: str
) -> None:
    page = page_js
    await _sign_in(page, console_errors)
    await page.goto(path)
    for selector in (".main-nav", ".prefs", ".site-header__account", ".skip-link"):
        await expect(page.locator(selector).first).to_be_attached()
    await page.emulate_media(media="print")
    for selector in (".main-nav", ".prefs", ".site-header__account", ".site-footer"):
        await expect(page.locator(selector).first).to_be_hidden()
    await expect(page.locator("h1")).to_be_visible()
    await expect(page.locator("table").first).to_be_visible()
    controls = await page.locator(".filters, .breadcrumbs, .invoice-documents").all()
    assert controls, "the page has controls to hide"
    for control in controls:
        await expect(control).to_be_hidden()
    # Black on white on paper, whatever the screen theme.
    color = await page.evaluate("getComputedStyle(document.body).color")
    assert color == "rgb(0, 0, 0)"


async def test_an_invoice_page_looks_right(
    page_js: Page, console_errors: ConsoleErrors, tmp_path: Path
) -> None:
    """A screenshot to look at (kept in pytest's temporary directory)."""
    page = page_js
    await _sign_in(page, console_errors)
    await page.goto(f"/faktury/{INVOICE}")
    await expect(page.get_by_role("button", name=re.compile("Kopiuj")).first).to_be_visible()
    shot = tmp_path / "faktura.png"
    await page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

"""/faktury, /faktury/{number}, /platnosci and /saldo over HTTP, on the demo data.

The figures on the pages are checked against the API the pages run on: the same
user asking the schema directly must see the same invoices, payments and balances.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from models.clock import Clock
from models.rules.iban import format_iban
from models.rules.money import format_pln
from models.rules.totp import totp_at
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

PASSWORD = "Woda-Demo-2026!"
JAN = "jan.kowalski"

ACCOUNT = """
query ($n: String!) {
  account(number: $n) {
    paymentAccountNumber
    balance { amount }
    invoices(first: 100) { edges { node { number status issuedOn amountDue { amount } } } }
    payments(first: 100) { edges { node { reference allocations { invoice { number } } } } }
    ledger { date debit { amount } credit { amount } balanceAfter { amount } }
  }
}
"""


# --- helpers -----------------------------------------------------------------------------


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "every form carries a CSRF token"
    return match.group(1)


async def _sign_in(
    http: httpx.AsyncClient, login: str = JAN, password: str = PASSWORD, otp: str | None = None
) -> None:
    page = await http.get("/login")
    form = {"login": login, "password": password, "csrf_token": _csrf(page.text)}
    if otp:
        form["otp"] = otp
    response = await http.post("/login", data=form)
    assert response.status_code == 303, response.text


@pytest.fixture
async def jan(api: Api) -> dict[str, Any]:
    data = await api.data(ACCOUNT, {"n": "100001"}, as_user=JAN)
    return data["account"]


def _amount(text: str) -> Decimal:
    """ "1 234,56 zł" (no-break spaces) -> Decimal("1234.56")."""
    cleaned = html.unescape(text).replace("zł", "").replace("\xa0", "").replace(" ", "")
    return Decimal(cleaned.replace(",", "."))


def _cells(page: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="[^"]*\b{css_class}\b[^"]*">([^<]*)</td>', page)


def _invoice_numbers(page: str) -> list[str]:
    """Invoice numbers in the list's row headers, in order."""
    return re.findall(
        r'<th scope="row" class="invoice-list__number"><a [^>]*href="/faktury/[^"]+">([^<]+)</a>',
        page,
    )


def _next_link(page: str) -> str | None:
    match = re.search(r'<a class="pagination__link" href="([^"]+)" rel="next">', page)
    return html.unescape(match.group(1)) if match else None


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


# --- signing in and who may see what ---------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/faktury", "/faktury/FV/2026/11/000001", "/platnosci", "/saldo?od=2026-01-01"]
)
async def test_signed_out_visitors_are_sent_to_sign_in(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/faktury", "/platnosci", "/saldo"])
async def test_pages_say_they_vary_by_htmx_and_are_kept_only_privately(
    signed_in: httpx.AsyncClient, path: str
) -> None:
    response = await signed_in.get(path)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    # Never in a shared cache; in the browser's only to be revalidated by ETag.
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["etag"]
    assert response.text.count("<h1") == 1


async def test_a_staff_user_gets_a_short_message_not_an_error(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    await _sign_in(http, "obsluga", "Obsluga-Demo-2026!", otp)
    for path in ("/faktury", "/platnosci", "/saldo", "/faktury?konto=100001"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert "nie jest przypisane żadne konto odbiorcy" in response.text
        assert "FV/2026" not in response.text


async def test_an_account_that_is_not_the_viewers_is_not_found(
    signed_in: httpx.AsyncClient,
) -> None:
    for path in ("/faktury?konto=100003", "/platnosci?konto=100003", "/saldo?konto=100003"):
        assert (await signed_in.get(path)).status_code == 404, path


# --- /faktury ----------------------------------------------------------------------------------


async def test_the_list_shows_the_customers_invoices_with_one_overdue(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    response = await signed_in.get("/faktury")
    assert response.status_code == 200
    page = response.text
    api_numbers = [e["node"]["number"] for e in jan["invoices"]["edges"]]
    assert _invoice_numbers(page) == api_numbers[:12]
    assert "liczba wyników: 13" in page
    # Status in words; exactly one invoice is overdue, and the list says so in text.
    assert page.count(">Po terminie</strong>") == 1
    assert page.count(">Nieopłacona</strong>") == 1
    overdue_row = page[page.index("FV/2026/09/000001</a>") :].split("</tr>")[0]
    assert "Po terminie" in overdue_row
    assert "<caption>" in page and 'scope="col"' in page


async def test_the_status_filter_keeps_only_the_chosen_invoices(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    overdue = await signed_in.get("/faktury", params={"status": "po-terminie"})
    assert _invoice_numbers(overdue.text) == ["FV/2026/09/000001"]
    assert 'value="po-terminie" selected' in overdue.text

    paid = await signed_in.get("/faktury", params={"status": "zaplacone"})
    expected = [
        e["node"]["number"] for e in jan["invoices"]["edges"] if e["node"]["status"] == "PAID"
    ]
    shown = _invoice_numbers(paid.text)
    assert shown == expected[: len(shown)]
    assert "Po terminie</strong>" not in paid.text and "Nieopłacona</strong>" not in paid.text


async def test_the_date_filter_keeps_invoices_issued_in_the_range(
    signed_in: httpx.AsyncClient,
) -> None:
    response = await signed_in.get("/faktury", params={"od": "01.05.2026", "do": "2026-07-31"})
    assert response.status_code == 200
    assert _invoice_numbers(response.text) == ["FV/2026/07/000001", "FV/2026/05/000001"]
    assert 'value="01.05.2026"' in response.text  # shown back as typed


async def test_bad_dates_re_render_the_form_with_messages_beside_the_fields(
    signed_in: httpx.AsyncClient,
) -> None:
    response = await signed_in.get(
        "/faktury", params={"status": "zaplacone", "od": "31.02.2026", "do": "2026-01-01"}
    )
    assert response.status_code == 422
    page = response.text
    assert "<title>Błąd:" in page
    assert 'class="error-summary"' in page and 'href="#od"' in page
    # The message sits beside its field and the field points to it.
    assert re.search(r'<p id="od-error" class="error-message">.*prawdziwą datę', page)
    assert re.search(
        r'id="od" name="od" type="date" value="31.02.2026" aria-describedby="[^"]*od-error', page
    )
    assert 'aria-invalid="true"' in page
    # Everything typed is kept.
    assert 'value="2026-01-01"' in page and 'value="zaplacone" selected' in page
    assert "<table" not in _main(page)


async def test_from_after_to_is_refused_on_the_to_field(signed_in: httpx.AsyncClient) -> None:
    response = await signed_in.get("/faktury", params={"od": "2026-06-01", "do": "2026-01-01"})
    assert response.status_code == 422
    assert re.search(
        r'<p id="do-error" class="error-message">.*nie może być wcześniejsza', response.text
    )
    assert re.search(
        r'id="do" name="do" type="date" value="2026-01-01" aria-describedby="[^"]*do-error',
        response.text,
    )


async def test_pagination_walks_every_invoice_once_and_keeps_the_filter(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    seen: list[str] = []
    url: str | None = "/faktury?od=2024-01-01"
    pages = 0
    while url:
        response = await signed_in.get(url)
        assert response.status_code == 200
        seen += _invoice_numbers(response.text)
        url = _next_link(response.text)
        if url:
            assert "od=2024-01-01" in url and "po=" in url
        pages += 1
    assert pages == 2
    assert len(seen) == len(set(seen)) == 13
    assert seen == [e["node"]["number"] for e in jan["invoices"]["edges"]]


async def test_a_forged_cursor_restarts_the_list_keeping_the_filter(
    signed_in: httpx.AsyncClient,
) -> None:
    response = await signed_in.get("/faktury?status=zaplacone&po=not-a-cursor")
    assert response.status_code == 303
    assert response.headers["location"] == "/faktury?status=zaplacone"


async def test_an_htmx_filter_request_gets_the_listing_fragment(
    signed_in: httpx.AsyncClient,
) -> None:
    response = await signed_in.get(
        "/faktury", params={"status": "po-terminie"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "<footer" not in response.text
    assert response.text.lstrip().startswith("<title>Faktury")
    assert 'id="faktury"' in response.text
    assert _invoice_numbers(response.text) == ["FV/2026/09/000001"]

    refused = await signed_in.get("/faktury?od=xx", headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith("<title>Błąd: Faktury")
    assert 'class="error-summary"' in refused.text


# --- /faktury/{number} -------------------------------------------------------------------------


async def test_an_invoice_shows_lines_that_add_up_to_its_totals(
    signed_in: httpx.AsyncClient,
) -> None:
    response = await signed_in.get("/faktury/FV/2026/11/000001")
    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and "FV/2026/11/000001</span></h1>" in page
    for part in ("net", "vat", "gross"):
        lines = [_amount(c) for c in _cells(page, f"line-{part}")]
        (total,) = [_amount(c) for c in _cells(page, f"total-{part}")]
        assert lines and sum(lines) == total, part
    net, vat, gross = (_amount(_cells(page, f"total-{p}")[0]) for p in ("net", "vat", "gross"))
    assert net + vat == gross


async def test_an_unpaid_invoice_gives_the_transfer_details(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    page = (await signed_in.get("/faktury/FV/2026/11/000001")).text
    assert "Nr klienta 100001, faktura FV/2026/11/000001" in page
    iban = format_iban(jan["paymentAccountNumber"])
    assert iban.startswith("PL87 1090 1014") and iban in page
    assert "Miejskie Wodociągi i Kanalizacja" in page
    newest = next(
        e["node"] for e in jan["invoices"]["edges"] if e["node"]["number"] == "FV/2026/11/000001"
    )
    due = format_pln(Decimal(newest["amountDue"]["amount"]))
    assert due in page and ">Nieopłacona</strong>" in page
    assert 'href="/faktury/FV/2026/11/000001.pdf"' in page
    assert 'href="/faktury/FV/2026/11/000001.xml"' in page


async def test_an_estimated_invoice_says_so_and_links_its_correction(
    signed_in: httpx.AsyncClient,
) -> None:
    page = (await signed_in.get("/faktury/FV/2025/09/000001")).text
    assert page.count(">szacunkowe</span>") == 2  # water and sewage, not the fee
    assert "odczyt szacunkowy" in page
    assert "Część zużycia jest szacunkowa" in page
    assert '<a href="/faktury/KOR/2025/11/000001">' in page

    correction = (await signed_in.get("/faktury/KOR/2025/11/000001")).text
    assert "Faktura korygująca" in correction
    assert "Koryguje fakturę" in correction
    assert '<a href="/faktury/FV/2025/09/000001">' in correction


async def test_someone_elses_invoice_is_not_found(signed_in: httpx.AsyncClient, api: Api) -> None:
    theirs = await api.data(
        "{ accounts { invoices(first: 1) { edges { node { number } } } } }",
        as_user="wspolnota.lipowa",
    )
    number = theirs["accounts"][0]["invoices"]["edges"][0]["node"]["number"]
    response = await signed_in.get(f"/faktury/{number}")
    assert response.status_code == 404
    assert number not in _main(response.text)
    assert (await signed_in.get("/faktury/FV/1999/01/999999")).status_code == 404
    assert (await signed_in.get("/faktury/" + "X" * 100)).status_code == 404


# --- /platnosci --------------------------------------------------------------------------------


async def test_payments_show_how_to_pay_and_what_is_due(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    page = (await signed_in.get("/platnosci")).text
    assert format_iban(jan["paymentAccountNumber"]) in page
    assert "Nr klienta 100001" in page
    balance = format_pln(Decimal(jan["balance"]["amount"]))
    assert balance in page  # the balance, as the API gives it
    due = page[page.index('due-invoices"') : page.index("Historia wpłat")]
    assert "FV/2026/09/000001" in due and "FV/2026/11/000001" in due
    assert due.index("FV/2026/09/000001") < due.index("FV/2026/11/000001"), "due first on top"
    assert "Nr klienta 100001, faktura FV/2026/09/000001" in due


async def test_payment_history_lists_every_payment_with_what_it_paid(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    references: list[str] = []
    allocated: list[str] = []
    url: str | None = "/platnosci"
    while url:
        page = (await signed_in.get(url)).text
        history = page[page.index('payment-history"') :]
        references += re.findall(r'<td class="break-anywhere">([^<]+)</td>', history)
        allocated += re.findall(r'<li><a href="/faktury/[^"]+">([^<]+)</a>:', history)
        url = _next_link(page)
    payments = [e["node"] for e in jan["payments"]["edges"]]
    assert references == [p["reference"] for p in payments]
    assert len(references) == len(set(references)) == 11
    assert allocated == [a["invoice"]["number"] for p in payments for a in p["allocations"]]
    assert "Przelew" in page or "Płatność online" in page


# --- /saldo ------------------------------------------------------------------------------------


async def test_the_ledger_ends_at_the_account_balance(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    response = await signed_in.get("/saldo")
    assert response.status_code == 200
    page = response.text
    # Defaults: the last 12 months up to the clock's today.
    assert 'value="2025-11-21"' in page and 'value="2026-11-21"' in page
    closing = re.search(
        r'<tr class="ledger__closing">\s*<th[^>]*>Saldo na dzień 21.11.2026[^<]*</th>\s*'
        r'<td class="num ledger__balance">([^<]+)</td>',
        page,
    )
    assert closing
    assert _amount(closing.group(1)) == Decimal(jan["balance"]["amount"])


async def test_a_mid_range_ledger_opens_with_the_balance_carried_over(
    signed_in: httpx.AsyncClient, jan: dict[str, Any]
) -> None:
    # From the day after an invoice was issued: it is owed when the range opens.
    issued = next(
        e["node"]["issuedOn"] for e in jan["invoices"]["edges"]
        if e["node"]["number"] == "FV/2026/05/000001"
    )  # fmt: skip
    start = (date.fromisoformat(issued) + timedelta(days=1)).isoformat()
    page = (await signed_in.get("/saldo", params={"od": start, "do": "2026-07-31"})).text
    before = [e for e in jan["ledger"] if e["date"] < start]
    expected = Decimal(before[-1]["balanceAfter"]["amount"])
    assert expected != 0, "the window must start with something owed to test this"
    day_before = date.fromisoformat(issued).strftime("%d.%m.%Y")
    opening = re.search(
        r'<tr class="ledger__opening">\s*<th[^>]*>Saldo na dzień '
        + re.escape(day_before)
        + r'[^<]*</th>\s*<td class="num ledger__balance">([^<]+)</td>',
        page,
    )
    assert opening and _amount(opening.group(1)) == expected
    inside = [e for e in jan["ledger"] if start <= e["date"] <= "2026-07-31"]
    assert page.count('<td class="num ledger__balance">') == len(inside) + 2
    assert "Wpłata" in page and "Faktura" in page and "Obciążenie" in page


async def test_the_ledger_refuses_a_reversed_range(signed_in: httpx.AsyncClient) -> None:
    response = await signed_in.get("/saldo", params={"od": "2026-08-01", "do": "2026-01-01"})
    assert response.status_code == 422
    assert "<title>Błąd:" in response.text
    assert re.search(r'<p id="do-error" class="error-message">', response.text)
    assert 'value="2026-08-01"' in response.text


async def test_an_empty_range_says_so_and_still_shows_the_balance(
    signed_in: httpx.AsyncClient, api: Api
) -> None:
    page = (await signed_in.get("/saldo", params={"od": "2026-10-01", "do": "2026-10-31"})).text
    assert "nie było żadnych faktur ani wpłat" in page
    query = '{ account(number: "100001") { balanceOn(day: "2026-10-31") { amount } } }'
    data = await api.data(query, as_user="jan.kowalski")
    expected = format_pln(Decimal(data["account"]["balanceOn"]["amount"]))
    assert Decimal(data["account"]["balanceOn"]["amount"]) > 0
    assert expected in page

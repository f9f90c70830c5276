"""/saldo.csv and /saldo.pdf over HTTP on the demo data: the statement of any range,
read back as its users read it (the csv module as a spreadsheet would, pypdf as a PDF
reader and a screen reader would), its figures checked against the API, and who may
fetch it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from models.clock import Clock
from models.enums import PaymentMethod
from models.orm import Account
from models.rules.money import format_pln
from models.rules.totp import totp_at
from models.services.payments import Receipt, book_payment
from tests.support import Api
from web.pages.statement import CSV_HEADER, plain_decimal, safe_cell

pytestmark = pytest.mark.usefixtures("demo")

PASSWORD = "Woda-Demo-2026!"
JAN = "jan.kowalski"
TODAY = date(2026, 11, 21)  # the test clock's day

BALANCES = """query ($n: String!, $day: Date!) {
  account(number: $n) { balance { amount } balanceOn(day: $day) { amount } }
}"""
STATEMENT = """query ($n: String!, $from: Date, $to: Date) {
  account(number: $n) {
    statement(from: $from, to: $to) {
      from to opening { amount } closing { amount } csvUrl pdfUrl
      entries { reference debit { amount } credit { amount } balanceAfter { amount } }
    }
  }
}"""
CREATE_TOKEN = """mutation ($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token errors { code } }
}"""


# --- helpers -----------------------------------------------------------------------------


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
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


async def _sign_in_staff(http: httpx.AsyncClient) -> None:
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    await _sign_in(http, "obsluga", "Obsluga-Demo-2026!", otp)


async def _token(api: Api, scopes: list[str]) -> str:
    variables = {"input": {"name": "Arkusz", "scopes": scopes, "expiresInDays": 30}}
    data = await api.data(CREATE_TOKEN, variables, as_user=JAN)
    return str(data["createApiToken"]["token"])


def _decimal(cell: str) -> Decimal:
    """A CSV amount cell ("1234,50", "" for none) as a Decimal."""
    return Decimal(cell.replace(",", ".")) if cell else Decimal(0)


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""), delimiter=";"))


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())


def _pln(amount: Decimal) -> str:
    return format_pln(amount).replace("\xa0", " ")


async def _balance_on(api: Api, day: date) -> Decimal:
    data = await api.data(BALANCES, {"n": "100001", "day": day.isoformat()}, as_user=JAN)
    return Decimal(data["account"]["balanceOn"]["amount"])


# --- the CSV -------------------------------------------------------------------------------


async def test_the_csv_opens_in_polish_excel_and_adds_up_from_opening_to_closing(
    http: httpx.AsyncClient, api: Api
) -> None:
    await _sign_in(http)
    response = await http.get("/saldo.csv?from=2025-06-01&to=2026-06-30")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="saldo-100001-2025-06-01-2026-06-30.csv"'
    )
    assert "private" in response.headers["cache-control"]
    rows = _rows(response.content)
    assert rows[0] == CSV_HEADER
    opening, *entries, closing = rows[1:]
    assert opening[:2] == ["2025-05-31", "Saldo początkowe"]
    assert closing[:2] == ["2026-06-30", "Saldo końcowe"]
    assert len(entries) >= 6, "a year of bimonthly invoices and their payments"

    # Each row's balance is the one before it plus its charge minus its payment, and
    # the closing balance is the opening one plus every row.
    balance = _decimal(opening[6])
    for row in entries:
        assert date(2025, 6, 1) <= date.fromisoformat(row[0]) <= date(2026, 6, 30)
        assert row[1] in {"Faktura", "Korekta", "Nota odsetkowa", "Wpłata", "Zwrot"}
        assert bool(row[4]) != bool(row[5]), "a charge or a payment, never both"
        balance += _decimal(row[4]) - _decimal(row[5])
        assert _decimal(row[6]) == balance
        # Plain decimals: a comma, two places, no spaces, no currency.
        for cell in row[4:7]:
            assert cell == "" or re.fullmatch(r"-?\d+,\d\d", cell), cell
    assert _decimal(closing[6]) == balance
    # The same balances the API gives for the days around the range.
    assert _decimal(opening[6]) == await _balance_on(api, date(2025, 5, 31))
    assert _decimal(closing[6]) == await _balance_on(api, date(2026, 6, 30))
    kinds = {row[1] for row in entries}
    assert {"Faktura", "Wpłata"} <= kinds
    invoice = next(row for row in entries if row[1] == "Faktura")
    assert invoice[2].startswith("FV/") and invoice[3].startswith("Okres ")


async def test_from_the_start_of_history_to_today_the_csv_closes_on_the_api_balance(
    http: httpx.AsyncClient, api: Api
) -> None:
    await _sign_in(http)
    rows = _rows((await http.get("/saldo.csv?from=2020-01-01&to=2026-11-21")).content)
    data = await api.data(BALANCES, {"n": "100001", "day": "2026-11-21"}, as_user=JAN)
    assert _decimal(rows[1][6]) == Decimal(0), "nothing before the account's history"
    assert _decimal(rows[-1][6]) == Decimal(data["account"]["balance"]["amount"])
    total = sum((_decimal(r[4]) - _decimal(r[5]) for r in rows[2:-1]), Decimal(0))
    assert total == Decimal(data["account"]["balance"]["amount"])


async def test_without_dates_the_statement_covers_this_year_so_far(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http)
    response = await http.get("/saldo.csv")
    assert response.status_code == 200
    assert (
        'filename="saldo-100001-2026-01-01-2026-11-21.csv"'
        in (response.headers["content-disposition"])
    )
    rows = _rows(response.content)
    assert rows[1][0] == "2025-12-31" and rows[-1][0] == "2026-11-21"
    # Either end alone keeps the other one's default; dates typed the Polish way too.
    only_from = await http.get("/saldo.csv?from=1.03.2026")
    assert "saldo-100001-2026-03-01-2026-11-21.csv" in only_from.headers["content-disposition"]


async def test_a_range_with_nothing_in_it_carries_the_balance_through(
    http: httpx.AsyncClient, api: Api
) -> None:
    await _sign_in(http)
    rows = _rows((await http.get("/saldo.csv?from=2030-01-01&to=2030-01-31")).content)
    assert len(rows) == 3
    assert _decimal(rows[1][6]) == _decimal(rows[2][6]) == await _balance_on(api, TODAY)


async def test_text_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(
    http: httpx.AsyncClient, api: Api
) -> None:
    account = await Account.get(number="100001")
    evil = '=HYPERLINK("http://zly.example/","Kliknij")'
    await book_payment(
        Receipt(
            account_id=account.id,
            amount=Decimal("12.34"),
            method=PaymentMethod.BANK_TRANSFER,
            reference=evil,
            booked_on=date(2026, 11, 20),
            received_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            title="+48 600 100 200 @wpłata",
        )
    )
    await _sign_in(http)
    rows = _rows((await http.get("/saldo.csv?from=2026-11-01&to=2026-11-21")).content)
    row = next(r for r in rows if evil in r[2])
    assert row[2] == "'" + evil
    assert row[3] == "Przelew: +48 600 100 200 @wpłata"
    assert row[5] == "12,34"
    for cell in (c for r in rows[1:] for c in r[1:4]):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_only_cells_that_would_start_a_formula_get_the_apostrophe() -> None:
    assert [safe_cell(t) for t in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "FV/1", "")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "FV/1",
        "",
    ]
    # Amounts are written by eBOK itself: a negative balance stays a number.
    assert plain_decimal(Decimal("-1234.5")) == "-1234,50"
    assert plain_decimal(Decimal("0")) == "0,00"
    assert plain_decimal(None) == ""


# --- the PDF -------------------------------------------------------------------------------


async def test_the_pdf_states_the_range_the_holder_and_both_balances(
    http: httpx.AsyncClient, api: Api
) -> None:
    await _sign_in(http)
    response = await http.get("/saldo.pdf?from=2025-06-01&to=2026-06-30")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        'filename="saldo-100001-2025-06-01-2026-06-30.pdf"'
        in (response.headers["content-disposition"])
    )
    text = _pdf_text(response.content)
    assert "Zestawienie rozrachunków" in text
    assert "01.06.2025 – 30.06.2026" in text
    assert "Jan Kowalski" in text and "100001" in text
    opening = await _balance_on(api, date(2025, 5, 31))
    closing = await _balance_on(api, date(2026, 6, 30))
    assert f"Saldo na dzień 31.05.2025 {_pln(opening)}" in text
    assert f"Saldo na dzień 30.06.2026 {_pln(closing)}" in text
    assert "Saldo początkowe" in text and "Saldo końcowe" in text
    assert re.search(r"Faktura FV/\d{4}/\d\d/\d{6}", text)


async def test_the_pdf_is_tagged_like_the_invoice(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    pdf = (await http.get("/saldo.pdf?from=2026-01-01&to=2026-11-21")).content
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "pl"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata is not None
    assert reader.metadata.title == "Zestawienie rozrachunków 100001 01.01.2026–21.11.2026"

    kinds: set[str] = set()

    def walk(element: Any) -> None:
        element = element.get_object()
        if isinstance(element, dict) and "/S" in element:
            kinds.add(str(element["/S"]))
        children = element.get("/K", []) if isinstance(element, dict) else []
        for child in children if isinstance(children, list) else [children]:
            if hasattr(child, "get_object"):
                walk(child)

    walk(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= kinds


# --- the API behind them ---------------------------------------------------------------


async def test_the_api_statement_opens_where_the_ledger_stands_and_links_its_files(
    api: Api,
) -> None:
    variables = {"n": "100001", "from": "2025-06-01", "to": "2026-06-30"}
    found = (await api.data(STATEMENT, variables, as_user=JAN))["account"]["statement"]
    assert Decimal(found["opening"]["amount"]) == await _balance_on(api, date(2025, 5, 31))
    entries = found["entries"]
    assert Decimal(found["closing"]["amount"]) == Decimal(entries[-1]["balanceAfter"]["amount"])
    assert found["csvUrl"] == "/saldo.csv?konto=100001&from=2025-06-01&to=2026-06-30"
    assert found["pdfUrl"] == "/saldo.pdf?konto=100001&from=2025-06-01&to=2026-06-30"
    defaults = (await api.data(STATEMENT, {"n": "100001"}, as_user=JAN))["account"]["statement"]
    assert (defaults["from"], defaults["to"]) == ("2026-01-01", "2026-11-21")


async def test_the_opening_balance_is_one_aggregate_however_long_the_history(
    api: Api, sql_statements: Any
) -> None:
    variables = {"n": "100001", "from": "2026-09-01", "to": "2026-11-21"}
    await api.data(STATEMENT, {"n": "100001"}, as_user=JAN)  # sessions, loaders warm
    sql_statements.statements.clear()
    await api.data(STATEMENT, variables, as_user=JAN)
    reads = [s for s in sql_statements.statements if "invoices" in s or "payments" in s]
    # The opening balance, the range's documents, the range's payments.
    assert len(reads) == 3, reads


async def test_bad_ranges_are_refused_with_bad_request(api: Api) -> None:
    for start, end in (("2026-06-01", "2026-01-01"), ("2000-01-01", "2026-01-01")):
        variables = {"n": "100001", "from": start, "to": end}
        result = await api.run(STATEMENT, variables, as_user=JAN)
        assert result.codes == ["BAD_REQUEST"]


# --- bad links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=2026-02-30", "prawdziwą datę"),
        ("from=jutro&to=2026-01-01", "prawdziwą datę"),
        ("to=3000-01-01", "z lat 1900–2199"),
        ("from=2026-06-01&to=2026-01-01", "późniejsza"),
        ("from=2000-01-01&to=2026-01-01", "najwyżej 10 lat"),
        ("from=2027-01-01", "późniejsza"),
    ],
)
@pytest.mark.parametrize("kind", ["csv", "pdf"])
async def test_a_bad_range_is_a_400_that_says_what_is_wrong(
    http: httpx.AsyncClient, query: str, says: str, kind: str
) -> None:
    await _sign_in(http)
    response = await http.get(f"/saldo.{kind}?{query}")
    assert response.status_code == 400
    assert "odnośnik do zestawienia jest nieprawidłowy" in response.text
    assert says in response.text


# --- who may fetch them ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "pdf"])
async def test_another_customers_account_is_the_same_404_as_none_at_all(
    http: httpx.AsyncClient, kind: str
) -> None:
    await _sign_in(http, "wspolnota.lipowa")
    someone_elses = await http.get(f"/saldo.{kind}?konto=100001")
    unknown = await http.get(f"/saldo.{kind}?konto=999999")
    nonsense = await http.get(f"/saldo.{kind}?konto=" + "1" * 40)
    assert someone_elses.status_code == unknown.status_code == nonsense.status_code == 404
    own = await http.get(f"/saldo.{kind}?konto=100003")
    assert own.status_code == 200


async def test_a_read_token_gets_the_statement_without_a_cookie(
    http: httpx.AsyncClient, api: Api
) -> None:
    token = await _token(api, ["READ"])
    headers = {"authorization": f"Bearer {token}"}
    response = await http.get("/saldo.csv?from=2026-01-01", headers=headers)
    assert response.status_code == 200
    assert _rows(response.content)[0] == CSV_HEADER
    assert (await http.get("/saldo.pdf", headers=headers)).status_code == 200
    assert (await http.get("/saldo.csv?konto=100003", headers=headers)).status_code == 404
    # A program is told about a bad range as a browser is, never sent to sign in.
    assert (await http.get("/saldo.csv?from=x", headers=headers)).status_code == 400


@pytest.mark.parametrize("token", ["write-only", "ebok_pt_forged"])
async def test_a_token_that_may_not_read_gets_404(
    http: httpx.AsyncClient, api: Api, token: str
) -> None:
    if token == "write-only":
        token = await _token(api, ["WRITE"])
    for path in ("/saldo.csv", "/saldo.pdf", "/saldo.csv?from=2026-06-01&to=2026-01-01"):
        response = await http.get(path, headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 404


async def test_staff_get_any_customers_statement_by_its_number(http: httpx.AsyncClient) -> None:
    await _sign_in_staff(http)
    response = await http.get("/saldo.csv?konto=100001&from=2026-01-01")
    assert response.status_code == 200
    assert "saldo-100001-2026-01-01" in response.headers["content-disposition"]
    assert (await http.get("/saldo.pdf?konto=100003")).status_code == 200
    # Staff have no account of their own to default to.
    assert (await http.get("/saldo.csv")).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "pdf"])
async def test_a_signed_out_visitor_is_sent_to_sign_in(http: httpx.AsyncClient, kind: str) -> None:
    response = await http.get(f"/saldo.{kind}?from=2026-01-01")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


# --- where they are linked ---------------------------------------------------------------


async def test_the_saldo_page_offers_both_files_for_the_range_shown(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http)
    page = (await http.get("/saldo?od=2026-03-01&do=2026-10-31")).text
    form = page[page.index('id="saldo-pobierz"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form and 'action="/saldo.csv"' in form
    assert 'formaction="/saldo.pdf"' in form
    assert 'name="from" value="2026-03-01"' in form or 'value="2026-03-01"' in form
    assert "Pobierz CSV" in form and "Pobierz PDF" in form
    for name in ("from", "to"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*id="([^"]+)"', form) or re.search(
            rf'<input[^>]*id="([^"]+)"[^>]*name="{name}"', form
        )
        assert match, name
        assert f'for="{match.group(1)}"' in form, "each field has its label"
    assert (TODAY - timedelta(days=1)).year == 2026

"""/faktury/{number}.pdf over HTTP on the demo data: who may fetch it, and what a
customer's PDF reader, screen reader and banking app get out of it.

The PDF is read back the way its readers read it: text extraction (pypdf), the tag
tree a screen reader walks, and the payment QR code decoded from page 1 rendered at
200 dpi (pypdfium2, zxing-cpp), each compared with the invoice the API gives.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from models.clock import Clock
from models.enums import Scope
from models.rules.money import format_pln
from models.rules.payment_qr import parse_payment_qr
from models.rules.totp import totp_at
from models.settings import UtilitySettings
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

PASSWORD = "Woda-Demo-2026!"
JAN = "jan.kowalski"
UTILITY = UtilitySettings()

INVOICES = """query ($konto: String!, $status: InvoiceStatus) {
  account(number: $konto) {
    paymentAccountNumber
    invoices(first: 100, status: $status) {
      edges {
        node { number kind amountDue { amount } transferTitle pdfUrl correctedInvoice { number } }
      }
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
    http: httpx.AsyncClient, login: str, password: str = PASSWORD, otp: str | None = None
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


async def _invoices(api: Api, konto: str, status: str | None = None) -> list[dict[str, Any]]:
    data = await api.data(INVOICES, {"konto": konto, "status": status}, as_user="obsluga")
    account = data["account"]
    return [
        {**edge["node"], "nrb": account["paymentAccountNumber"].removeprefix("PL")}
        for edge in account["invoices"]["edges"]
    ]


@pytest.fixture
async def unpaid(api: Api) -> dict[str, Any]:
    """Jan's invoice with something still to pay."""
    return (await _invoices(api, "100001", "UNPAID"))[0]


def _pdf_path(number: str) -> str:
    return "/faktury/" + quote(number, safe="/") + ".pdf"


def _text(pdf: bytes) -> str:
    """The text of every page, white space (no-break spaces too) as single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())


def _qr_codes(pdf: bytes) -> list[str]:
    """The QR codes on page 1, rendered at 200 dpi as a printer would."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=200 / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


async def _token(api: Api, login: str, scopes: list[str]) -> str:
    variables = {"input": {"name": "Aplikacja", "scopes": scopes, "expiresInDays": 30}}
    data = await api.data(CREATE_TOKEN, variables, as_user=login)
    return data["createApiToken"]["token"]


# --- what the PDF says -------------------------------------------------------------------


async def test_the_owner_gets_a_pdf_with_the_invoice_and_the_payment_details(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    await _sign_in(http, JAN)
    response = await http.get(unpaid["pdfUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    safe_number = unpaid["number"].replace("/", "-")
    assert response.headers["content-disposition"] == (
        f'inline; filename="faktura-{safe_number}.pdf"'
    )
    assert "private" in response.headers["cache-control"]
    assert response.content.startswith(b"%PDF-")

    text = _text(response.content)
    assert unpaid["number"] in text
    due = format_pln(Decimal(unpaid["amountDue"]["amount"])).replace("\xa0", " ")
    assert f"Do zapłaty {due}" in text
    # The individual account, printed in groups of four, carries the NRB's 26 digits.
    assert unpaid["nrb"] in re.sub(r"(?<=\d) (?=\d)", "", text)
    assert f"NIP {UTILITY.tax_id}" in text
    assert unpaid["transferTitle"] in text
    # Polish letters come out as letters, not boxes or decomposed pairs.
    assert "Wodociągi" in text
    assert "Odprowadzanie ścieków" in text
    assert "Podsumowanie według stawek VAT" in text


async def test_the_qr_code_on_page_one_carries_the_zbp_fields_of_the_invoice(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    await _sign_in(http, JAN)
    pdf = (await http.get(unpaid["pdfUrl"])).content
    codes = _qr_codes(pdf)
    assert len(codes) == 1
    fields = parse_payment_qr(codes[0])
    assert fields.nip == UTILITY.tax_id
    assert fields.country == "PL"
    assert fields.nrb == unpaid["nrb"]
    assert fields.amount_grosze == int(Decimal(unpaid["amountDue"]["amount"]) * 100)
    assert unpaid["number"] in fields.title
    assert fields.recipient == "Wodociągi Dąbrowa"


async def test_the_pdf_is_tagged_for_screen_readers(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    await _sign_in(http, JAN)
    reader = PdfReader(io.BytesIO((await http.get(unpaid["pdfUrl"])).content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "pl"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata is not None
    assert reader.metadata.title == f"Faktura {unpaid['number']}"

    kinds: set[str] = set()
    alt_texts: list[str] = []

    def walk(element: Any) -> None:
        element = element.get_object()
        if isinstance(element, dict) and "/S" in element:
            kinds.add(str(element["/S"]))
            if "/Alt" in element:
                alt_texts.append(str(element["/Alt"]))
        children = element.get("/K", []) if isinstance(element, dict) else []
        for child in children if isinstance(children, list) else [children]:
            if hasattr(child, "get_object"):
                walk(child)

    walk(catalog["/StructTreeRoot"])
    # Headings, tables with header cells, and the QR code as a figure with alt text.
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    assert any("Kod QR" in alt for alt in alt_texts)


async def test_a_paid_invoice_says_so_and_has_no_qr_code(http: httpx.AsyncClient, api: Api) -> None:
    paid = (await _invoices(api, "100001", "PAID"))[0]
    await _sign_in(http, JAN)
    pdf = (await http.get(paid["pdfUrl"])).content
    assert "Faktura jest zapłacona" in _text(pdf)
    assert _qr_codes(pdf) == []


async def test_a_correction_names_the_invoice_it_corrects(
    http: httpx.AsyncClient, api: Api
) -> None:
    correction = next(i for i in await _invoices(api, "100001") if i["kind"] == "CORRECTION")
    await _sign_in(http, JAN)
    text = _text((await http.get(correction["pdfUrl"])).content)
    assert f"Faktura korygująca nr {correction['number']}" in text
    assert f"Koryguje fakturę {correction['correctedInvoice']['number']}" in text
    assert "rozliczymy po następnym odczycie" not in text


async def test_the_housing_communitys_nip_is_printed_for_the_buyer(
    http: httpx.AsyncClient, api: Api
) -> None:
    invoice = (await _invoices(api, "100003"))[0]
    await _sign_in(http, "wspolnota.lipowa")
    text = _text((await http.get(invoice["pdfUrl"])).content)
    assert "Nabywca" in text
    assert "NIP 5252874132" in text


# --- who may fetch it --------------------------------------------------------------------


async def test_a_partner_app_with_a_read_token_gets_the_pdf_without_a_cookie(
    http: httpx.AsyncClient, api: Api, unpaid: dict[str, Any]
) -> None:
    token = await _token(api, JAN, ["READ"])
    response = await http.get(unpaid["pdfUrl"], headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert unpaid["number"] in _text(response.content)
    assert not http.cookies.get("ebok_sesja")


@pytest.mark.parametrize("token", ["write-only", "ebok_pt_forged"])
async def test_a_token_that_may_not_read_gets_404_not_a_sign_in_page(
    http: httpx.AsyncClient, api: Api, unpaid: dict[str, Any], token: str
) -> None:
    if token == "write-only":
        token = await _token(api, JAN, [Scope.WRITE.value])
    response = await http.get(unpaid["pdfUrl"], headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 404


async def test_staff_get_any_customers_pdf(http: httpx.AsyncClient, unpaid: dict[str, Any]) -> None:
    await _sign_in_staff(http)
    response = await http.get(unpaid["pdfUrl"])
    assert response.status_code == 200
    assert unpaid["number"] in _text(response.content)


async def test_another_customer_gets_the_same_404_as_for_a_number_that_does_not_exist(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    await _sign_in(http, "wspolnota.lipowa")
    someone_elses = await http.get(unpaid["pdfUrl"])
    unknown = await http.get(_pdf_path("FV/1999/01/999999"))
    too_long = await http.get(_pdf_path("F" * 40))
    assert someone_elses.status_code == unknown.status_code == too_long.status_code == 404
    # The page names its own address (the display-preference links), and nothing else.
    unknown_path = _pdf_path("FV/1999/01/999999")
    assert someone_elses.text.replace(unpaid["pdfUrl"], "") == unknown.text.replace(
        unknown_path, ""
    )


async def test_a_signed_out_visitor_is_sent_to_sign_in_like_on_the_invoice_page(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    response = await http.get(unpaid["pdfUrl"])
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


# --- where it is linked ------------------------------------------------------------------


async def test_the_invoice_page_list_and_staff_account_view_link_to_the_pdf(
    http: httpx.AsyncClient, unpaid: dict[str, Any]
) -> None:
    link = f'href="{unpaid["pdfUrl"]}"'
    await _sign_in(http, JAN)
    assert link in (await http.get("/faktury/" + unpaid["number"])).text
    assert link in (await http.get("/faktury")).text
    await http.post("/logout", data={"csrf_token": _csrf((await http.get("/konto")).text)})
    await _sign_in_staff(http)
    assert link in (await http.get("/obsluga/konto/100001")).text

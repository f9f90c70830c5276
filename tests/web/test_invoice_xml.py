"""/faktury/{number}.xml over HTTP, on the demo data: every invoice as a valid FA(3)
e-invoice that says what the API says, to its owner and to staff only."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from lxml import etree

from models.clock import Clock
from models.enums import Scope
from models.orm import User
from models.rules.totp import totp_at
from models.services.tokens import create_personal_token
from tests.support import Api
from web.documents.ksef import FA3_NAMESPACE, fa3_errors

pytestmark = pytest.mark.usefixtures("demo")

NS = {"fa": FA3_NAMESPACE}
PASSWORD = "Woda-Demo-2026!"
DEMO_ACCOUNTS = ("100001", "100002", "100003")

INVOICES = """
query ($n: String!) {
  account(number: $n) {
    number holderName taxId paymentAccountNumber
    invoices(first: 100) { edges { node {
      number kind issuedOn periodFrom periodTo dueDate
      net { amount } vat { amount } gross { amount }
      lines { quantity unitPrice { amount } net { amount } vat { amount } vatRate estimated }
      correctedInvoice { number issuedOn }
    } } }
  }
}
"""


def _url(number: str) -> str:
    return "/faktury/" + quote(number, safe="/") + ".xml"


async def _sign_in(http: httpx.AsyncClient, login: str, password: str = PASSWORD) -> None:
    page = await http.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    form = {"login": login, "password": password, "csrf_token": match.group(1)}
    if login == "obsluga":
        form["otp"] = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    response = await http.post("/login", data=form)
    assert response.status_code == 303, response.text


async def _token(login: str, scopes: list[Scope], clock: Clock) -> dict[str, str]:
    user = await User.get(login=login)
    _, secret = await create_personal_token(
        user, "Księgowość", scopes, 30, clock, client_address=None
    )
    return {"authorization": f"Bearer {secret}"}


async def _first_invoice(api: Api, account: str) -> str:
    data = await api.data(INVOICES, {"n": account}, as_user="obsluga")
    return str(data["account"]["invoices"]["edges"][0]["node"]["number"])


def _same_404(first: httpx.Response, second: httpx.Response) -> bool:
    """Both 404 pages alike but for the address asked (the page links back to it)."""
    pages = [r.text.replace(r.url.path, "PATH") for r in (first, second)]
    return first.status_code == second.status_code == 404 and pages[0] == pages[1]


def _text(root: etree._Element, path: str) -> str:
    found = root.findtext(path, namespaces=NS)
    assert found is not None, path
    return found


def _money(root: etree._Element, path: str) -> Decimal:
    return Decimal(_text(root, path))


def _check_against_the_api(
    document: bytes, account: dict[str, Any], invoice: dict[str, Any]
) -> None:
    assert fa3_errors(document) == [], invoice["number"]
    root = etree.fromstring(document)
    fa = "fa:Fa/fa:"
    assert _text(root, fa + "P_2") == invoice["number"]
    assert _text(root, fa + "P_1") == invoice["issuedOn"]
    assert _text(root, fa + "OkresFa/fa:P_6_Od") == invoice["periodFrom"]
    assert _text(root, fa + "OkresFa/fa:P_6_Do") == invoice["periodTo"]
    assert _text(root, fa + "Platnosc/fa:TerminPlatnosci/fa:Termin") == invoice["dueDate"]
    # Every line of a water bill is at 8 %: its totals are the invoice's.
    lines = invoice["lines"]
    assert {Decimal(line["vatRate"]) for line in lines} == {Decimal(8)}
    assert _money(root, fa + "P_13_2") == Decimal(invoice["net"]["amount"])
    assert _money(root, fa + "P_14_2") == Decimal(invoice["vat"]["amount"])
    assert _money(root, fa + "P_15") == Decimal(invoice["gross"]["amount"])
    rows = root.findall(fa + "FaWiersz", NS)
    assert len(rows) == len(lines)
    assert sum(Decimal(_text(r, "fa:P_11")) for r in rows) == _money(root, fa + "P_13_2")
    assert sum(Decimal(line["vat"]["amount"]) for line in lines) == _money(root, fa + "P_14_2")
    for row, line in zip(rows, lines, strict=True):
        assert Decimal(_text(row, "fa:P_8B")) == Decimal(line["quantity"])
        assert Decimal(_text(row, "fa:P_9A")) == Decimal(line["unitPrice"]["amount"])
        assert Decimal(_text(row, "fa:P_11")) == Decimal(line["net"]["amount"])
        assert _text(row, "fa:P_12") == "8"
    nrb = _text(root, fa + "Platnosc/fa:RachunekBankowy/fa:NrRB")
    assert "PL" + nrb == account["paymentAccountNumber"]
    assert _text(root, fa + "Platnosc/fa:FormaPlatnosci") == "6"
    buyer = "fa:Podmiot2/fa:DaneIdentyfikacyjne/"
    assert _text(root, buyer + "fa:Nazwa") == account["holderName"]
    if account["taxId"]:
        assert _text(root, buyer + "fa:NIP") == account["taxId"]
    else:
        assert _text(root, buyer + "fa:BrakID") == "1"
    if invoice["kind"] == "CORRECTION":
        assert _text(root, fa + "RodzajFaktury") == "KOR"
        corrected = fa + "DaneFaKorygowanej/"
        assert (
            _text(root, corrected + "fa:NrFaKorygowanej") == invoice["correctedInvoice"]["number"]
        )
        issued = invoice["correctedInvoice"]["issuedOn"]
        assert _text(root, corrected + "fa:DataWystFaKorygowanej") == issued
    else:
        assert _text(root, fa + "RodzajFaktury") == "VAT"


async def test_every_demo_invoice_is_valid_fa3_and_says_what_the_api_says(
    http: httpx.AsyncClient, api: Api
) -> None:
    """Staff fetch every customer's documents, Katarzyna's too (she has no eBOK user)."""
    await _sign_in(http, "obsluga", "Obsluga-Demo-2026!")
    kinds: set[str] = set()
    estimated = holders_with_tax_id = 0
    for number in DEMO_ACCOUNTS:
        account = (await api.data(INVOICES, {"n": number}, as_user="obsluga"))["account"]
        invoices = [edge["node"] for edge in account["invoices"]["edges"]]
        assert invoices
        holders_with_tax_id += bool(account["taxId"])
        for invoice in invoices:
            response = await http.get(_url(invoice["number"]))
            assert response.status_code == 200, invoice["number"]
            _check_against_the_api(response.content, account, invoice)
            kinds.add(invoice["kind"])
            estimated += any(line["estimated"] for line in invoice["lines"])
    # The demo has what an e-invoice must get right: a correction, an estimate, a
    # buyer with a NIP and consumers without one (Polish letters in their names).
    assert kinds == {"INVOICE", "CORRECTION"}
    assert estimated > 0
    assert holders_with_tax_id == 1


async def test_the_owner_gets_it_by_session_and_the_page_links_to_it(
    http: httpx.AsyncClient, api: Api
) -> None:
    own, someone_elses = "FV/2026/11/000001", await _first_invoice(api, "100003")
    # Signed out: to sign in first, as on the invoice's page.
    signed_out = await http.get(_url(own))
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/login")

    await _sign_in(http, "jan.kowalski")
    response = await http.get(_url(own))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="FV-2026-11-000001.xml"'
    )
    assert response.headers["cache-control"].startswith("private")
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert fa3_errors(response.content) == []
    page = await http.get("/faktury/" + own)
    assert f'href="{_url(own)}"' in page.text

    # Another customer's invoice and a number nobody has: the same 404, nothing told.
    other = await http.get(_url(someone_elses))
    unknown = await http.get(_url("FV/2026/11/999999"))
    assert _same_404(other, unknown)


async def test_a_token_that_may_read_gets_it_and_no_other_does(
    http: httpx.AsyncClient, api: Api, clock: Clock
) -> None:
    own, theirs = _url("FV/2026/11/000001"), _url(await _first_invoice(api, "100003"))
    reader = await _token("jan.kowalski", [Scope.READ], clock)
    response = await http.get(own, headers=reader)
    assert response.status_code == 200
    assert fa3_errors(response.content) == []
    assert _text(etree.fromstring(response.content), "fa:Fa/fa:P_2") == "FV/2026/11/000001"

    writer = await _token("jan.kowalski", [Scope.WRITE], clock)
    not_found = await http.get(_url("FV/2026/11/999999"), headers=reader)
    assert not_found.status_code == 404
    for path, headers in ((own, writer), (theirs, reader)):
        refused = await http.get(path, headers=headers)
        assert _same_404(refused, not_found), path
    # The housing community's own token reads its own invoices.
    community = await _token("wspolnota.lipowa", [Scope.READ], clock)
    assert (await http.get(theirs, headers=community)).status_code == 200
    assert (await http.get(own, headers=community)).status_code == 404
    # A forged token is a program, not a browser: a 404, never a sign-in page.
    forged = await http.get(own, headers={"Authorization": "Bearer ebok_pt_forged"})
    assert forged.status_code == 404

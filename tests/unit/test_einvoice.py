"""The FA(3) builder on its own: every document it writes is valid by the official XSD,
says back what it was given, and escapes whatever a name contains."""

from __future__ import annotations

import socket
import urllib.request
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from models.settings import UtilitySettings
from web.documents import ksef
from web.documents.einvoice import (
    CorrectedInvoice,
    EInvoice,
    EInvoiceLine,
    Party,
    build_fa3,
    einvoice_of,
    fa3_filename,
)
from web.documents.ksef import FA3_NAMESPACE, fa3_errors

NS = {"fa": FA3_NAMESPACE}
D = Decimal
KSEF_NUMBER = "5260250995-20260105-0A1B2C3D4E5F-7C"


def _line(net: str, vat: str, rate: str = "8", quantity: str = "12.345") -> EInvoiceLine:
    return EInvoiceLine(
        name="Dostawa wody",
        unit="m³",
        quantity=D(quantity),
        unit_price=D("5.83"),
        net=D(net),
        vat_rate=D(rate),
        vat=D(vat),
    )


def _invoice(**changes: Any) -> EInvoice:
    utility = UtilitySettings()
    invoice = EInvoice(
        number="FV/2026/11/000123",
        issued_on=date(2026, 11, 18),
        place_of_issue=utility.city,
        period_from=date(2026, 9, 1),
        period_to=date(2026, 10, 31),
        due_date=date(2026, 12, 2),
        seller=Party(utility.name, utility.tax_id, utility.street, "00-950 Dąbrowa Wielka"),
        buyer=Party("Jan Kowalski", None, "ul. Słoneczna 14", "00-951 Dąbrowa Wielka"),
        customer_number="100001",
        bank_account="87109010148001000000100001",
        lines=(_line("71.97", "5.76"), _line("98.27", "7.86")),
        gross=D("183.86"),
        corrects=None,
        created_at=datetime(2026, 11, 21, 9, 0, 30, 123456, tzinfo=UTC),
    )
    return replace(invoice, **changes)


def _parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def _text(root: etree._Element, path: str) -> str:
    found = root.findtext(path, namespaces=NS)
    assert found is not None, path
    return found


def _valid(document: bytes) -> etree._Element:
    assert fa3_errors(document) == []
    return _parse(document)


def test_an_invoice_to_a_consumer_is_valid_and_says_what_it_was_given() -> None:
    root = _valid(build_fa3(_invoice()))
    header = root.find("fa:Naglowek/fa:KodFormularza", NS)
    assert header is not None
    assert (header.text, header.get("kodSystemowy"), header.get("wersjaSchemy")) == (
        "FA",
        "FA (3)",
        "1-0E",
    )
    assert _text(root, "fa:Naglowek/fa:WariantFormularza") == "3"
    assert _text(root, "fa:Naglowek/fa:DataWytworzeniaFa") == "2026-11-21T09:00:30Z"
    assert _text(root, "fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == "5260250995"
    # A consumer has no tax id of any kind: BrakID, not a made-up NIP or NrID.
    buyer = root.find("fa:Podmiot2/fa:DaneIdentyfikacyjne", NS)
    assert buyer is not None
    assert [etree.QName(e).localname for e in buyer] == ["BrakID", "Nazwa"]
    assert _text(root, "fa:Podmiot2/fa:JST") == "2"
    assert _text(root, "fa:Podmiot2/fa:GV") == "2"
    assert _text(root, "fa:Fa/fa:P_2") == "FV/2026/11/000123"
    assert _text(root, "fa:Fa/fa:OkresFa/fa:P_6_Od") == "2026-09-01"
    assert _text(root, "fa:Fa/fa:P_13_2") == "170.24"
    assert _text(root, "fa:Fa/fa:P_14_2") == "13.62"
    assert _text(root, "fa:Fa/fa:P_15") == "183.86"
    assert root.find("fa:Fa/fa:P_13_1", NS) is None
    assert _text(root, "fa:Fa/fa:RodzajFaktury") == "VAT"
    assert root.find("fa:Fa/fa:DaneFaKorygowanej", NS) is None
    rows = root.findall("fa:Fa/fa:FaWiersz", NS)
    assert [_text(r, "fa:NrWierszaFa") for r in rows] == ["1", "2"]
    assert [_text(r, "fa:P_8B") for r in rows] == ["12.345", "12.345"]
    assert [_text(r, "fa:P_12") for r in rows] == ["8", "8"]
    assert _text(root, "fa:Fa/fa:Platnosc/fa:FormaPlatnosci") == "6"
    assert _text(root, "fa:Fa/fa:Platnosc/fa:TerminPlatnosci/fa:Termin") == "2026-12-02"
    nrb = _text(root, "fa:Fa/fa:Platnosc/fa:RachunekBankowy/fa:NrRB")
    assert nrb == "87109010148001000000100001"


def test_a_buyer_with_a_tax_id_is_named_by_it() -> None:
    buyer = Party("Wspólnota Mieszkaniowa ul. Lipowa 12", "5252874132", "ul. Lipowa 12", "x")
    root = _valid(build_fa3(_invoice(buyer=buyer)))
    assert _text(root, "fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:NIP") == "5252874132"
    assert root.find("fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:BrakID", NS) is None


@pytest.mark.parametrize("ksef_number", [None, KSEF_NUMBER])
def test_a_correction_names_the_invoice_it_corrects(ksef_number: str | None) -> None:
    corrects = CorrectedInvoice("FV/2026/03/000001", date(2026, 3, 18), ksef_number)
    lines = (_line("-12.40", "-0.99", quantity="-2.127"),)
    invoice = _invoice(number="KOR/2026/05/000001", corrects=corrects, lines=lines)
    root = _valid(build_fa3(replace(invoice, gross=D("-13.39"))))
    assert _text(root, "fa:Fa/fa:RodzajFaktury") == "KOR"
    corrected = "fa:Fa/fa:DaneFaKorygowanej/"
    assert _text(root, corrected + "fa:NrFaKorygowanej") == "FV/2026/03/000001"
    assert _text(root, corrected + "fa:DataWystFaKorygowanej") == "2026-03-18"
    if ksef_number is None:
        assert _text(root, corrected + "fa:NrKSeFN") == "1"
    else:
        assert _text(root, corrected + "fa:NrKSeFFaKorygowanej") == ksef_number
    assert _text(root, "fa:Fa/fa:P_13_2") == "-12.40"
    assert _text(root, "fa:Fa/fa:FaWiersz/fa:P_8B") == "-2.127"
    # Lowering the bill asks for no payment.
    assert root.find("fa:Fa/fa:Platnosc", NS) is None


def test_each_rate_has_its_own_totals() -> None:
    lines = (_line("100.00", "8.00"), _line("10.00", "2.30", rate="23"), _line("1.00", "0.05", "5"))
    root = _valid(build_fa3(_invoice(lines=lines, gross=D("121.35"))))
    totals = {
        field: _text(root, f"fa:Fa/fa:{field}")
        for field in ("P_13_1", "P_14_1", "P_13_2", "P_14_2", "P_13_3", "P_14_3")
    }
    assert totals == {
        "P_13_1": "10.00",
        "P_14_1": "2.30",
        "P_13_2": "100.00",
        "P_14_2": "8.00",
        "P_13_3": "1.00",
        "P_14_3": "0.05",
    }


def test_a_rate_with_no_fa3_field_and_a_rounding_it_would_need_are_refused() -> None:
    with pytest.raises(ValueError, match="VAT rate"):
        build_fa3(_invoice(lines=(_line("1.00", "0.12", rate="12"),)))
    with pytest.raises(ValueError, match="decimal places"):
        build_fa3(_invoice(lines=(_line("1.00", "0.08", quantity="1.0000001"),)))
    with pytest.raises(ValueError, match="decimal places"):
        build_fa3(_invoice(gross=D("1.005")))


def test_amounts_are_written_with_two_places_and_never_as_minus_zero() -> None:
    root = _valid(build_fa3(_invoice(lines=(_line("-0.00", "0", quantity="2"),), gross=D("0"))))
    assert _text(root, "fa:Fa/fa:P_13_2") == "0.00"
    assert _text(root, "fa:Fa/fa:P_14_2") == "0.00"
    assert _text(root, "fa:Fa/fa:P_15") == "0.00"
    assert _text(root, "fa:Fa/fa:FaWiersz/fa:P_8B") == "2"
    assert _text(root, "fa:Fa/fa:FaWiersz/fa:P_9A") == "5.83"


def test_polish_letters_survive_and_markup_in_a_name_is_escaped() -> None:
    name = 'Zakład „Żółw” & Syn <Spółka> "Łąka" Ćma Ęź'
    document = build_fa3(_invoice(buyer=Party(name, None, "ul. Źródlana 1/2", "00-950 Łódź")))
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"&lt;Sp\xc3\xb3\xc5\x82ka&gt;" in document and b"&amp; Syn" in document
    assert b"<Sp" not in document.replace(b"<SystemInfo", b"")
    root = _valid(document)
    assert _text(root, "fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:Nazwa") == name
    assert _text(root, "fa:Podmiot2/fa:Adres/fa:AdresL2") == "00-950 Łódź"


WORD = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")), min_size=1, max_size=12
)


@settings(deadline=None, max_examples=40)
@given(words=st.lists(WORD, min_size=1, max_size=6))
def test_any_printable_name_comes_back_as_it_was_given(words: list[str]) -> None:
    name = " ".join(words)
    root = _valid(build_fa3(_invoice(buyer=Party(name, None, "ul. Wodna 1", "00-950 Miasto"))))
    assert _text(root, "fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:Nazwa") == name


def test_the_data_of_the_page_operation_becomes_the_document() -> None:
    account = {
        "number": "100003",
        "holderName": "Wspólnota Mieszkaniowa ul. Lipowa 12",
        "taxId": "5252874132",
        "paymentAccountNumber": "PL87109010148001000000100003",
        "correspondenceAddress": {
            "street": "ul. Lipowa",
            "buildingNumber": "12",
            "apartmentNumber": "4",
            "postalCode": "00-953",
            "city": "Dąbrowa Wielka",
        },
    }
    line = {
        "description": "Opłata abonamentowa",
        "quantity": "1.00",
        "unit": "MONTH",
        "unitPrice": {"amount": "5.20"},
        "net": {"amount": "5.20"},
        "vatRate": "8",
        "vat": {"amount": "0.42"},
        "gross": {"amount": "5.62"},
        "estimated": False,
    }
    invoice = {
        "number": "KOR/2026/05/000001",
        "kind": "CORRECTION",
        "issuedOn": "2026-05-18",
        "periodFrom": "2026-03-01",
        "periodTo": "2026-04-30",
        "dueDate": "2026-06-01",
        "ksefNumber": None,
        "gross": {"amount": "5.62"},
        "lines": [line],
        "correctedInvoice": {
            "number": "FV/2026/03/1",
            "issuedOn": "2026-03-18",
            "ksefNumber": None,
        },
    }
    moment = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    document = einvoice_of(account, invoice, UtilitySettings(), moment)
    assert document.buyer.address_line1 == "ul. Lipowa 12/4"
    assert document.bank_account == "87109010148001000000100003"
    assert document.lines[0].unit == "mies."
    assert document.corrects == CorrectedInvoice("FV/2026/03/1", date(2026, 3, 18), None)
    _valid(build_fa3(document))
    with pytest.raises(ValueError, match="not a VAT invoice"):
        einvoice_of(account, {**invoice, "kind": "INTEREST_NOTE"}, UtilitySettings(), moment)


@pytest.mark.parametrize(
    ("number", "filename"),
    [
        ("FV/2026/11/000123", "FV-2026-11-000123.xml"),
        ('KOR/2026/"x";\r\nSet-Cookie: a=b', "KOR-2026--x----Set-Cookie--a-b.xml"),
        ("../../ąę", "faktura.xml"),
    ],
)
def test_the_download_name_is_plain_ascii(number: str, filename: str) -> None:
    assert fa3_filename(number) == filename


def test_the_schema_is_read_with_the_network_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the schema tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    fresh = ksef.fa3_schema.__wrapped__()  # not the cached one: built again, offline
    assert fresh.target_namespace == FA3_NAMESPACE
    assert fresh.is_valid(etree.fromstring(build_fa3(_invoice())))


def test_the_published_addresses_map_to_the_shipped_files_and_nothing_else() -> None:
    published = "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/"
    for name in ksef.SCHEMA_FILES:
        assert (ksef.SCHEMA_DIR / name).is_file()
        assert ksef.local_copy(published + name) == (ksef.SCHEMA_DIR / name).as_uri()
    elsewhere = "http://example.com/KodyKrajow_v10-0E.xsd"
    assert ksef.local_copy(elsewhere) == elsewhere
    # An import of anything remote is blocked rather than fetched.
    importing = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
        f'<xsd:import namespace="urn:x" schemaLocation="{elsewhere}"/></xsd:schema>'
    )
    blocked = "block access to remote resource"
    with pytest.warns(xmlschema.XMLSchemaImportWarning, match=blocked):
        xmlschema.XMLSchema(importing, uri_mapper=ksef.local_copy, allow="local")

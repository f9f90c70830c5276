"""The structured e-invoice: one invoice as a KSeF FA(3) document.

`einvoice_of` gathers what the document says from the page operation's data (the
`InvoiceDocument` operation, web/operations/invoice_documents.graphql) and the
utility's settings; `build_fa3` writes it. The builder is pure: the same invoice and
moment give the same bytes. Amounts are written as the schema's types ask (two
decimal places, quantities with up to six, unit prices with up to eight) and never
rounded here: the invoice already holds them as the law rounds them, line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from models.settings import UtilitySettings
from web.documents.ksef import FA3_NAMESPACE

__all__ = [
    "CorrectedInvoice",
    "EInvoice",
    "EInvoiceLine",
    "Party",
    "build_fa3",
    "einvoice_of",
    "fa3_filename",
]

SYSTEM_INFO = "eBOK"
CORRECTION_REASON = "Rozliczenie zużycia według odczytu rzeczywistego zamiast szacunkowego"
# TFormaPlatnosci: 6 is a bank transfer.
PAYMENT_BY_TRANSFER = "6"
# TWybor1_2: 1 yes, 2 no (the flags every invoice states).
YES, NO = "1", "2"
UNITS = {"M3": "m³", "MONTH": "mies."}
# The VAT rates an invoice may carry -> the number of their P_13_n/P_14_n fields.
RATE_FIELDS = {Decimal(23): 1, Decimal(22): 1, Decimal(8): 2, Decimal(7): 2, Decimal(5): 3}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Party:
    """Seller or buyer: name, tax id (None: a consumer without one), two address lines."""

    name: str
    tax_id: str | None
    address_line1: str
    address_line2: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class EInvoiceLine:
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal


@dataclass(frozen=True)
class CorrectedInvoice:
    number: str
    issued_on: date
    ksef_number: str | None


@dataclass(frozen=True)
class EInvoice:
    number: str
    issued_on: date
    place_of_issue: str
    period_from: date
    period_to: date
    due_date: date
    seller: Party
    buyer: Party
    customer_number: str
    # The customer's individual account (NRB, 26 digits) the invoice is paid to.
    bank_account: str
    lines: tuple[EInvoiceLine, ...]
    gross: Decimal
    # For a correction: the invoice it corrects.
    corrects: CorrectedInvoice | None
    created_at: datetime


# --- from the page operation's data --------------------------------------------------------


def _address_line1(address: Mapping[str, Any]) -> str:
    flat = f"/{address['apartmentNumber']}" if address.get("apartmentNumber") else ""
    return f"{address['street']} {address['buildingNumber']}{flat}"


def _line(line: Mapping[str, Any]) -> EInvoiceLine:
    return EInvoiceLine(
        name=line["description"],
        unit=UNITS.get(line["unit"], line["unit"]),
        quantity=Decimal(line["quantity"]),
        unit_price=Decimal(line["unitPrice"]["amount"]),
        net=Decimal(line["net"]["amount"]),
        vat_rate=Decimal(line["vatRate"]),
        vat=Decimal(line["vat"]["amount"]),
    )


def einvoice_of(
    account: Mapping[str, Any],
    invoice: Mapping[str, Any],
    utility: UtilitySettings,
    created_at: datetime,
) -> EInvoice:
    """The e-invoice of the InvoiceDocument operation's invoice and its account.

    Raises ValueError for a document that is not a VAT invoice (an interest note)."""
    if invoice["kind"] not in ("INVOICE", "CORRECTION"):
        raise ValueError(f"{invoice['kind']} is not a VAT invoice")
    corrected = invoice.get("correctedInvoice")
    if invoice["kind"] == "CORRECTION" and not corrected:
        raise ValueError(f"correction {invoice['number']} names no corrected invoice")
    address = account["correspondenceAddress"]
    iban = account["paymentAccountNumber"]
    return EInvoice(
        number=invoice["number"],
        issued_on=date.fromisoformat(invoice["issuedOn"]),
        place_of_issue=utility.city,
        period_from=date.fromisoformat(invoice["periodFrom"]),
        period_to=date.fromisoformat(invoice["periodTo"]),
        due_date=date.fromisoformat(invoice["dueDate"]),
        seller=Party(
            name=utility.name,
            tax_id=utility.tax_id,
            address_line1=utility.street,
            address_line2=f"{utility.postal_code} {utility.city}",
            email=utility.email,
            phone=utility.phone,
        ),
        buyer=Party(
            name=account["holderName"],
            tax_id=account.get("taxId") or None,
            address_line1=_address_line1(address),
            address_line2=f"{address['postalCode']} {address['city']}",
        ),
        customer_number=account["number"],
        bank_account=iban.removeprefix("PL"),
        lines=tuple(_line(line) for line in invoice["lines"]),
        gross=Decimal(invoice["gross"]["amount"]),
        corrects=CorrectedInvoice(
            number=corrected["number"],
            issued_on=date.fromisoformat(corrected["issuedOn"]),
            ksef_number=corrected.get("ksefNumber"),
        )
        if invoice["kind"] == "CORRECTION" and corrected
        else None,
        created_at=created_at,
    )


def fa3_filename(number: str) -> str:
    """FV/2026/11/000123 -> FV-2026-11-000123.xml: ASCII letters, digits, dots and
    dashes only, safe in a Content-Disposition header."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "-" for c in number)
    return f"{safe.strip('.-') or 'faktura'}.xml"


# --- writing FA(3) ------------------------------------------------------------------------


def _places(value: Decimal, most: int, least: int = 0) -> str:
    """A decimal as the schema's pattern wants it: no exponent, at most `most` places
    (more would be a rounding this document has no right to make), at least `least`."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int), f"{value} is not a finite number"
    if -exponent > most:
        raise ValueError(f"{value} has more than {most} decimal places")
    shown = value.quantize(Decimal(1).scaleb(-max(least, -exponent, 0)))
    if shown == 0:
        shown = abs(shown)  # never "-0.00"
    return format(shown, "f")


def _amount(value: Decimal) -> str:
    """TKwotowy: two decimal places."""
    return _places(value, 2, 2)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{FA3_NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _address(parent: etree._Element, party: Party) -> None:
    address = _sub(parent, "Adres")
    _sub(address, "KodKraju", "PL")
    _sub(address, "AdresL1", party.address_line1)
    _sub(address, "AdresL2", party.address_line2)


def _header(root: etree._Element, created_at: datetime) -> None:
    header = _sub(root, "Naglowek")
    form = _sub(header, "KodFormularza", "FA")
    form.set("kodSystemowy", "FA (3)")
    form.set("wersjaSchemy", "1-0E")
    _sub(header, "WariantFormularza", "3")
    moment = created_at.astimezone(UTC).replace(microsecond=0)
    _sub(header, "DataWytworzeniaFa", moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    _sub(header, "SystemInfo", SYSTEM_INFO)


def _seller(root: etree._Element, seller: Party) -> None:
    if seller.tax_id is None:
        raise ValueError("the seller must have a tax id")
    podmiot = _sub(root, "Podmiot1")
    ids = _sub(podmiot, "DaneIdentyfikacyjne")
    _sub(ids, "NIP", seller.tax_id)
    _sub(ids, "Nazwa", seller.name)
    _address(podmiot, seller)
    if seller.email or seller.phone:
        contact = _sub(podmiot, "DaneKontaktowe")
        if seller.email:
            _sub(contact, "Email", seller.email)
        if seller.phone:
            _sub(contact, "Telefon", seller.phone)


def _buyer(root: etree._Element, buyer: Party, customer_number: str) -> None:
    podmiot = _sub(root, "Podmiot2")
    ids = _sub(podmiot, "DaneIdentyfikacyjne")
    if buyer.tax_id:
        _sub(ids, "NIP", buyer.tax_id)
    else:
        # A consumer: no tax id of any kind (not NrID, which is a foreign tax number).
        _sub(ids, "BrakID", "1")
    _sub(ids, "Nazwa", buyer.name)
    _address(podmiot, buyer)
    _sub(podmiot, "NrKlienta", customer_number)
    # Not a unit of a local government (JST) nor a member of a VAT group (GV).
    _sub(podmiot, "JST", NO)
    _sub(podmiot, "GV", NO)


def rate_totals(lines: Iterable[EInvoiceLine]) -> dict[int, tuple[Decimal, Decimal]]:
    """Net and VAT of the lines by FA(3) rate field (1: 23 %, 2: 8 %, 3: 5 %)."""
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for line in lines:
        field = RATE_FIELDS.get(line.vat_rate)
        if field is None:
            raise ValueError(f"no FA(3) field for a VAT rate of {line.vat_rate} %")
        net, vat = totals.get(field, (Decimal(0), Decimal(0)))
        totals[field] = (net + line.net, vat + line.vat)
    return dict(sorted(totals.items()))


def _annotations(fa: etree._Element) -> None:
    """Adnotacje: no cash accounting, self-billing, reverse charge or split payment;
    no exemption, no new means of transport, no simplified triangular procedure and
    no margin scheme."""
    notes = _sub(fa, "Adnotacje")
    for tag in ("P_16", "P_17", "P_18", "P_18A"):
        _sub(notes, tag, NO)
    _sub(_sub(notes, "Zwolnienie"), "P_19N", "1")
    _sub(_sub(notes, "NoweSrodkiTransportu"), "P_22N", "1")
    _sub(notes, "P_23", NO)
    _sub(_sub(notes, "PMarzy"), "P_PMarzyN", "1")


def _correction(fa: etree._Element, corrects: CorrectedInvoice) -> None:
    _sub(fa, "PrzyczynaKorekty", CORRECTION_REASON)
    corrected = _sub(fa, "DaneFaKorygowanej")
    _sub(corrected, "DataWystFaKorygowanej", corrects.issued_on.isoformat())
    _sub(corrected, "NrFaKorygowanej", corrects.number)
    if corrects.ksef_number:
        _sub(corrected, "NrKSeF", "1")
        _sub(corrected, "NrKSeFFaKorygowanej", corrects.ksef_number)
    else:
        _sub(corrected, "NrKSeFN", "1")


def _rate_text(rate: Decimal) -> str:
    return _places(rate, 0)


def _lines(fa: etree._Element, lines: Iterable[EInvoiceLine]) -> None:
    for position, line in enumerate(lines, start=1):
        row = _sub(fa, "FaWiersz")
        _sub(row, "NrWierszaFa", str(position))
        _sub(row, "P_7", line.name)
        _sub(row, "P_8A", line.unit)
        _sub(row, "P_8B", _places(line.quantity, 6))
        _sub(row, "P_9A", _places(line.unit_price, 8, 2))
        _sub(row, "P_11", _amount(line.net))
        _sub(row, "P_12", _rate_text(line.vat_rate))


def _payment(fa: etree._Element, invoice: EInvoice) -> None:
    payment = _sub(fa, "Platnosc")
    _sub(_sub(payment, "TerminPlatnosci"), "Termin", invoice.due_date.isoformat())
    _sub(payment, "FormaPlatnosci", PAYMENT_BY_TRANSFER)
    account = _sub(payment, "RachunekBankowy")
    _sub(account, "NrRB", invoice.bank_account)
    _sub(account, "OpisRachunku", "Indywidualny rachunek odbiorcy do wpłat")


def build_fa3(invoice: EInvoice) -> bytes:
    """The invoice as an FA(3) XML document (UTF-8, with its declaration)."""
    root = etree.Element(f"{{{FA3_NAMESPACE}}}Faktura", nsmap={None: FA3_NAMESPACE})
    _header(root, invoice.created_at)
    _seller(root, invoice.seller)
    _buyer(root, invoice.buyer, invoice.customer_number)
    fa = _sub(root, "Fa")
    _sub(fa, "KodWaluty", "PLN")
    _sub(fa, "P_1", invoice.issued_on.isoformat())
    _sub(fa, "P_1M", invoice.place_of_issue)
    _sub(fa, "P_2", invoice.number)
    period = _sub(fa, "OkresFa")
    _sub(period, "P_6_Od", invoice.period_from.isoformat())
    _sub(period, "P_6_Do", invoice.period_to.isoformat())
    for field, (net, vat) in rate_totals(invoice.lines).items():
        _sub(fa, f"P_13_{field}", _amount(net))
        _sub(fa, f"P_14_{field}", _amount(vat))
    _sub(fa, "P_15", _amount(invoice.gross))
    _annotations(fa)
    _sub(fa, "RodzajFaktury", "VAT" if invoice.corrects is None else "KOR")
    if invoice.corrects is not None:
        _correction(fa, invoice.corrects)
    _lines(fa, invoice.lines)
    if invoice.gross > 0:
        # Nothing to pay on a correction that lowers the bill: the credit stays on the
        # account (or is refunded), so no payment terms are stated.
        _payment(fa, invoice)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)

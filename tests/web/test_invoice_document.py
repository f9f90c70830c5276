"""The invoice document drawn from an invoice as the API gives it, without a database:
the cases the demo data has none of (an amount too large for the QR code, a buyer
with a NIP and an apartment number)."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import zxingcpp
from pypdf import PdfReader
from starlette.requests import Request

from models.rules.iban import individual_account_number
from models.rules.payment_qr import parse_payment_qr
from web.documents.pdf import render_pdf
from web.pages.invoice_pdf import TEMPLATE, document_context, pdf_filename

NRB = individual_account_number("10901014", "200345")


def _money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "PLN"}


def _invoice(due: str) -> dict[str, Any]:
    line = {
        "service": "WATER",
        "description": "Dostawa wody (5,83 zł/m³, od 01.12.2025)",
        "quantity": "2000.000",
        "unit": "M3",
        "unitPrice": _money("5.83"),
        "net": _money("11660.00"),
        "vatRate": "8",
        "vat": _money("932.80"),
        "gross": _money("12592.80"),
        "estimated": True,
    }
    return {
        "number": "FV/2026/11/000777",
        "kind": "INVOICE",
        "issuedOn": "2026-11-18",
        "periodFrom": "2026-10-01",
        "periodTo": "2026-10-31",
        "dueDate": "2026-12-02",
        "ksefNumber": None,
        "transferTitle": "Nr klienta 200345, faktura FV/2026/11/000777",
        "net": _money("11660.00"),
        "vat": _money("932.80"),
        "gross": _money("12592.80"),
        "amountDue": _money(due),
        "lines": [line],
        "readings": [
            {
                "value": "51234.000",
                "readOn": "2026-10-31",
                "source": "ESTIMATED",
                "meter": {"serialNumber": "WS-20-000001"},
            }
        ],
        "correctedInvoice": None,
        "account": {
            "number": "200345",
            "holderName": "Spółdzielnia Mieszkaniowa „Źródło”",
            "taxId": "5252874132",
            "paymentAccountNumber": "PL" + NRB,
            "correspondenceAddress": {
                "street": "ul. Żurawia",
                "buildingNumber": "7",
                "apartmentNumber": "12",
                "postalCode": "00-952",
                "city": "Dąbrowa Wielka",
            },
        },
    }


def _request() -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    )


def _render(due: str) -> tuple[str, list[str]]:
    pdf = render_pdf(TEMPLATE, document_context(_request(), _invoice(due)))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    return " ".join(text.replace("\xa0", " ").split()), [
        code.text for code in zxingcpp.read_barcodes(image)
    ]


def test_an_amount_over_9999_99_leaves_the_amount_to_the_payer() -> None:
    text, codes = _render("12592.80")
    assert "Do zapłaty 12 592,80 zł" in text
    assert "Kwotę wpisz sam" in text
    fields = parse_payment_qr(codes[0])
    assert fields.amount_grosze == 0
    assert fields.nrb == NRB
    assert "FV/2026/11/000777" in fields.title


def test_the_buyer_estimates_and_polish_letters_are_printed() -> None:
    text, codes = _render("9999.99")
    assert parse_payment_qr(codes[0]).amount_grosze == 999999
    assert "Kwotę wpisz sam" not in text
    assert "Spółdzielnia Mieszkaniowa „Źródło”" in text
    assert "ul. Żurawia 7/12" in text
    assert "NIP 5252874132" in text
    assert "odczyt szacunkowy" in text
    assert "szacunkowe" in text


def test_the_download_name_is_plain_ascii() -> None:
    assert pdf_filename("FV/2026/11/000777") == "faktura-FV-2026-11-000777.pdf"
    assert pdf_filename('K"OR/ż\r\n1') == "faktura-K-OR-1.pdf"

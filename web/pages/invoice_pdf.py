"""/faktury/{number}.pdf: the invoice image, a tagged PDF with the payment QR code.

Who may fetch it, and how the invoice is found: web/pages/_documents.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.payment_qr import MAX_AMOUNT_GROSZE, payment_qr, qr_title
from models.rules.vat_summary import vat_summary
from web.documents.pdf import pdf_response, render_pdf_in_thread
from web.documents.qr import qr_data_uri
from web.pages._documents import document_route, invoice_by_number
from web.pages.invoices import invoice_view
from web.rendering import utility_settings

TEMPLATE = "documents/invoice.html"


def pdf_filename(number: str) -> str:
    """FV/2026/11/000123 -> faktura-FV-2026-11-000123.pdf: ASCII letters, digits and
    dashes only, so the header needs no quoting and no browser mangles it."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")
    return f"faktura-{safe or 'dokument'}.pdf"


def _money(money: dict[str, Any]) -> Decimal:
    """A Money result ({"amount": "12.30"}, never null here) as a Decimal."""
    return Decimal(str(money["amount"]))


def _qr(utility: Any, account: dict[str, Any], invoice: dict[str, Any]) -> str | None:
    """The payment QR code of what is still due, or None when nothing is."""
    due = _money(invoice["amountDue"])
    if due <= 0:
        return None
    text = payment_qr(
        nip=utility.tax_id,
        nrb=account["paymentAccountNumber"],
        amount=due,
        recipient=utility.short_name,
        title=qr_title(invoice["transferTitle"], f"Faktura {invoice['number']}", invoice["number"]),
    )
    return qr_data_uri(text)


def document_context(request: Request, invoice: dict[str, Any]) -> dict[str, Any]:
    """What documents/invoice.html reads, from the InvoiceDocument operation's invoice."""
    account = invoice["account"]
    utility = utility_settings(request)
    view = invoice_view(account, invoice)
    summary = vat_summary(
        (
            Decimal(str(line["vatRate"])),
            _money(line["net"]),
            _money(line["vat"]),
            _money(line["gross"]),
        )
        for line in invoice["lines"]
    )
    return {
        "utility": utility,
        "account": account,
        "invoice": view,
        "vat_summary": summary,
        "qr": _qr(utility, account, invoice),
        "qr_amount_typed": view["due"] * 100 > MAX_AMOUNT_GROSZE,
    }


@document_route
async def invoice_pdf(request: Request) -> Response:
    invoice = await invoice_by_number(request, "InvoiceDocument")
    pdf = await render_pdf_in_thread(TEMPLATE, document_context(request, invoice))
    return pdf_response(pdf, pdf_filename(invoice["number"]))


routes: list[BaseRoute] = [
    # Before /faktury/{number:path}, which would otherwise take the whole path.
    Route("/faktury/{number:path}.pdf", invoice_pdf, methods=["GET"], name="invoice_pdf"),
]

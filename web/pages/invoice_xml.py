"""/faktury/{number}.xml: the structured e-invoice (KSeF FA(3)) of one invoice.

Who may fetch it, and how the invoice is found: web/pages/_documents.py.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.clock import Clock
from models.settings import Settings
from web.documents.einvoice import build_fa3, einvoice_of, fa3_filename
from web.pages._documents import document_route, invoice_by_number

MEDIA_TYPE = "application/xml; charset=utf-8"


@document_route
async def invoice_xml(request: Request) -> Response:
    invoice = await invoice_by_number(request, "InvoiceDocument")
    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock
    try:
        document = einvoice_of(invoice["account"], invoice, settings.utility, clock.now())
    except ValueError as not_an_invoice:
        # An interest note is no VAT invoice: it has no FA(3) form.
        raise HTTPException(status_code=404) from not_an_invoice
    return Response(
        build_fa3(document),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{fa3_filename(invoice["number"])}"',
            "Cache-Control": "private, no-store",
        },
    )


routes: list[BaseRoute] = [
    # Before /faktury/{number:path}, which would take the suffix for part of a number.
    Route("/faktury/{number:path}.xml", invoice_xml, methods=["GET"], name="invoice_xml"),
]

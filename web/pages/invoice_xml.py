"""/faktury/{number}.xml: the structured e-invoice (KSeF FA(3)) of one invoice.

Its owner fetches it signed in to the pages or with an API token that may read
(`Authorization: Bearer`, which the auth middleware resolves for every route); staff
fetch any customer's. Anyone else, and an unknown number, get the same 404. The
signed-out go to /login, as on the invoice's page.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.clock import Clock
from models.enums import Role
from models.settings import Settings
from web.documents.einvoice import build_fa3, einvoice_of, fa3_filename
from web.gql import OperationFailed, run_operation
from web.pages._account import customer_page

MEDIA_TYPE = "application/xml; charset=utf-8"
# Refusals that mean "not yours to read" here (a token without the READ scope):
# answered like an unknown number, so nothing tells the two apart.
NOT_YOURS = {"BAD_REQUEST", "FORBIDDEN"}


def _is_staff(request: Request) -> bool:
    viewer = getattr(request.state, "viewer", None)
    return viewer is not None and viewer.role == Role.STAFF


def _found(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(account, invoice) of the number asked, among the accounts the viewer may see."""
    accounts = list(data.get("accounts") or [])
    search = data.get("searchAccounts")
    if search:
        accounts += [edge["node"] for edge in search["edges"]]
    for account in accounts:
        if account["invoice"] is not None:
            return account, account["invoice"]
    raise HTTPException(status_code=404)


@customer_page
async def invoice_xml(request: Request) -> Response:
    number = request.path_params["number"].strip()
    if not number:
        raise HTTPException(status_code=404)
    variables = {"number": number, "staff": _is_staff(request)}
    try:
        data = await run_operation(request, "EInvoice", variables)
    except OperationFailed as failed:
        if failed.codes & NOT_YOURS:
            raise HTTPException(status_code=404) from failed
        raise
    account, invoice = _found(data)
    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock
    try:
        document = einvoice_of(account, invoice, settings.utility, clock.now())
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

"""/faktury (the invoice list with its filter) and /faktury/{number} (one invoice)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.iban import format_iban
from models.rules.money import format_decimal_pl
from web.conditional import conditional
from web.forms import FormErrors
from web.gql import OperationFailed, run_operation
from web.pages._account import PageExit, choose_account, customer_page
from web.pages._billing import (
    CURSOR_PARAM,
    PAGE_SIZE,
    RANGE_TOO_WIDE,
    amount,
    date_range,
    page_context,
    visible_account,
    without_cursor,
)
from web.rendering import render

LIST_TEMPLATE = "invoices/list.html"
DETAIL_TEMPLATE = "invoices/detail.html"
LIST_BLOCK = "listing"

# The filter's words in the address bar -> the API's InvoiceStatus.
STATUS_FILTERS = {
    "nieoplacone": "UNPAID",
    "czesciowo-oplacone": "PARTIALLY_PAID",
    "zaplacone": "PAID",
    "po-terminie": "OVERDUE",
}

DATE_FIELDS = ("od", "do")
# As on the form's labels: the messages name the fields the way the person sees them.
DATE_LABELS = ("Wystawione od", "Wystawione do")

# An invoice's documents have their own routes (invoice_pdf.py, invoice_xml.py), listed
# first; should one of them not answer, its address still must not be looked up here
# as an invoice number.
DOCUMENT_SUFFIXES = (".pdf", ".xml")


# --- the list --------------------------------------------------------------------------


def _filters(request: Request) -> tuple[dict[str, Any], FormErrors]:
    """The list's variables from the query string, and what is wrong with them."""
    params = request.query_params
    errors = FormErrors()
    status_word = params.get("status", "").strip()
    if status_word and status_word not in STATUS_FILTERS:
        errors.add("status", "Wybierz status z listy.")
    issued_from, issued_to = date_range(params, errors, DATE_LABELS, DATE_FIELDS)
    variables = {
        "status": STATUS_FILTERS.get(status_word),
        "from": issued_from.isoformat() if issued_from else None,
        "to": issued_to.isoformat() if issued_to else None,
        "after": params.get(CURSOR_PARAM) or None,
    }
    return variables, errors


def _form_values(request: Request) -> dict[str, str]:
    params = request.query_params
    return {name: params.get(name, "") for name in ("status", "od", "do")}


async def _list_data(
    request: Request, konto: str, variables: dict[str, Any], errors: FormErrors
) -> dict[str, Any] | None:
    """The page of invoices, or None when the API refuses the range (message added)."""
    try:
        return await run_operation(
            request, "InvoiceList", {"konto": konto, "first": PAGE_SIZE, **variables}
        )
    except OperationFailed as failed:
        if "BAD_REQUEST" not in failed.codes:
            raise
        if variables["after"]:
            raise PageExit(without_cursor(request)) from failed
        errors.add("od", RANGE_TOO_WIDE)
        return None


@conditional
@customer_page
async def invoice_list(request: Request) -> Response:
    konto = (await choose_account(request)).number
    context: dict[str, Any] = {"values": _form_values(request), "account": None}
    if konto is None:
        return render(request, LIST_TEMPLATE, {**context, **page_context(request, None)})
    variables, errors = _filters(request)
    data = None if errors else await _list_data(request, konto, variables, errors)
    if data is None:
        # Bad input: the form again with the messages, and the account for its heading.
        data = await run_operation(request, "BillingAccountHeading", {"konto": konto})
    account = visible_account(data, konto)
    context.update(page_context(request, data), account=account, errors=errors or None)
    status = 422 if errors else 200
    return render(request, LIST_TEMPLATE, context, status_code=status, block=LIST_BLOCK)


# --- one invoice -------------------------------------------------------------------------


def _quantity(quantity: str, unit: str) -> str:
    """Cubic metres as read (three decimals), months as a whole number."""
    value = Decimal(quantity)
    if unit == "M3":
        return format_decimal_pl(value, 3)
    return format_decimal_pl(value.normalize() if value == value.to_integral() else value)


def _line_view(line: dict[str, Any]) -> dict[str, Any]:
    return {**line, "quantity_text": _quantity(line["quantity"], line["unit"])}


def invoice_view(account: dict[str, Any], invoice: dict[str, Any]) -> dict[str, Any]:
    lines = [_line_view(line) for line in invoice["lines"]]
    return {
        **invoice,
        "lines": lines,
        "has_estimates": any(line["estimated"] for line in lines)
        or any(r["source"] == "ESTIMATED" for r in invoice["readings"]),
        "due": amount(invoice["amountDue"]),
        "account_iban": format_iban(account["paymentAccountNumber"]),
    }


def _find_invoice(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(account, invoice) among the viewer's accounts; someone else's number is a 404."""
    for account in data["accounts"]:
        if account["invoice"] is not None:
            return account, account["invoice"]
    raise HTTPException(status_code=404)


@conditional
@customer_page
async def invoice_detail(request: Request) -> Response:
    number = request.path_params["number"].strip()
    if not number or number.endswith(DOCUMENT_SUFFIXES):
        raise HTTPException(status_code=404)
    try:
        data = await run_operation(request, "InvoiceDetail", {"number": number})
    except OperationFailed as failed:
        if "BAD_REQUEST" not in failed.codes:
            raise
        # Longer than any invoice number (the API bounds it): no such invoice.
        raise HTTPException(status_code=404) from failed
    context: dict[str, Any] = {**page_context(request, data), "account": None, "invoice": None}
    if data["accounts"]:
        account, invoice = _find_invoice(data)
        context.update(account=account, invoice=invoice_view(account, invoice))
    return render(request, DETAIL_TEMPLATE, context)


routes: list[BaseRoute] = [
    Route("/faktury", invoice_list, methods=["GET"]),
    # `path`: invoice numbers contain slashes (FV/2026/11/000123).
    Route("/faktury/{number:path}", invoice_detail, methods=["GET"]),
]

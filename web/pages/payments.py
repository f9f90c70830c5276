"""/platnosci: how to pay (the customer's own account number), what is due, what was paid,
and paying chosen invoices online.

The due invoices are checkboxes of one GET form: "Przelicz" shows the total of those
ticked (htmx updates it as boxes change), and "Zapłać online" posts the same form to
/platnosci/zaplac, which starts the payment and sends the customer to the operator's
page. Afterwards /platnosci/potwierdzenie/{id} shows the order and the new balance.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.relay import to_base64

from models.rules.iban import format_iban
from models.rules.transfer import transfer_title
from web.conditional import conditional
from web.forms import FormErrors, errors_from_user_errors
from web.gql import OperationFailed, run_operation
from web.pages._account import PageExit, choose_account, customer_form, customer_page
from web.pages._billing import (
    CURSOR_PARAM,
    amount,
    page_context,
    visible_account,
    without_cursor,
)
from web.rendering import render

TEMPLATE = "payments/index.html"
# Payments are shorter rows than invoices but there are more of them: ten a page.
PAGE_SIZE = 10
DUE_ALIASES = ("overdueInvoices", "partlyPaidInvoices", "unpaidInvoices")
CHOICE = "faktura"
TOTAL_TARGET = "platnosc-suma"


def _due_invoices(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Every invoice with something left to pay, the one due first at the top."""
    nodes = [edge["node"] for alias in DUE_ALIASES for edge in account[alias]["edges"]]
    return sorted(nodes, key=lambda node: (node["dueDate"], node["number"]))


def _account_view(account: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
    due = _due_invoices(account)
    ticked = [i for i in due if i["id"] in chosen]
    return {
        **account,
        "iban": format_iban(account["paymentAccountNumber"]),
        # Transfers to the individual account are matched without a title; a title
        # with the customer number still helps if someone uses the general account.
        "title_hint": transfer_title(account["number"]),
        "due_invoices": due,
        "chosen": [i["id"] for i in ticked],
        "chosen_total": sum((Decimal(str(i["amountDue"]["amount"])) for i in ticked), Decimal(0)),
        "balance_value": amount(account["balance"]),
        "overdue_value": amount(account["overdue"]),
    }


async def _page_data(request: Request, konto: str) -> dict[str, Any]:
    after = request.query_params.get(CURSOR_PARAM) or None
    variables = {"konto": konto, "first": PAGE_SIZE, "after": after}
    try:
        return await run_operation(request, "PaymentsPage", variables)
    except OperationFailed as failed:
        if after and "BAD_REQUEST" in failed.codes:
            raise PageExit(without_cursor(request)) from failed
        raise


async def _context(request: Request, chosen: list[str]) -> dict[str, Any]:
    konto = (await choose_account(request)).number
    if konto is None:
        return {**page_context(request, None), "account": None}
    data = await _page_data(request, konto)
    account = visible_account(data, konto)
    return {
        **page_context(request, data),
        "account": _account_view(account, chosen) if account else None,
    }


def _chosen(values: Any) -> list[str]:
    return [str(v)[:100] for v in values.getlist(CHOICE)][:100]


@conditional
@customer_page
async def payments_page(request: Request) -> Response:
    context = await _context(request, _chosen(request.query_params))
    # htmx asks for the total alone as boxes are ticked; everyone else gets the page.
    block = "total" if request.headers.get("hx-target") == TOTAL_TARGET else None
    return render(request, TEMPLATE, context, block=block)


@customer_form
async def pay(request: Request) -> Response:
    """Start paying the ticked invoices; on success off to the operator's page."""
    chosen = _chosen(request.state.form)
    context = await _context(request, chosen)
    account = context["account"]
    if account is None:
        raise HTTPException(404)
    if request.state.form.get("akcja") == "przelicz":
        # Without JavaScript, the total of the ticked invoices is worked out here.
        return render(request, TEMPLATE, context)
    errors = FormErrors()
    if not chosen:
        errors.add(CHOICE, "Zaznacz co najmniej jedną fakturę do zapłaty.")
    else:
        variables = {"input": {"invoiceIds": chosen}}
        payload = (await run_operation(request, "StartPayment", variables))["startPayment"]
        if not payload["errors"]:
            return RedirectResponse(payload["redirectUrl"], status_code=303)
        for _field, message in errors_from_user_errors(payload["errors"]).items():
            errors.add(CHOICE, message)
    return render(request, TEMPLATE, {**context, "errors": errors}, status_code=422)


def _payment_id(request: Request) -> str:
    pk = request.path_params["id"]
    if not 1 <= pk < 2**63:  # no order has such a number
        raise HTTPException(404)
    return to_base64("Payment", pk)


@customer_page
async def confirmation(request: Request) -> Response:
    """The order's status and, once the operator's notification is booked, the new
    balance and the invoices it paid; someone else's or an unknown order is a 404."""
    data = await run_operation(request, "PaymentConfirmation", {"id": _payment_id(request)})
    payment = data.get("node")
    if not payment or payment.get("account") is None:
        raise HTTPException(404)
    account = payment["account"]
    context = {
        "payment": payment,
        "account": account,
        "balance_value": amount(account["balance"]),
        "pending": payment["status"] == "PENDING",
    }
    block = "status" if request.headers.get("hx-target") == "potwierdzenie" else None
    return render(request, "payments/confirmation.html", context, block=block)


routes: list[BaseRoute] = [
    Route("/platnosci", payments_page, methods=["GET"]),
    Route("/platnosci/zaplac", pay, methods=["POST"]),
    Route("/platnosci/potwierdzenie/{id:int}", confirmation, methods=["GET"]),
]

"""/platnosci: how to pay (the customer's own account number), what is due, what was paid."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.iban import format_iban
from models.rules.transfer import transfer_title
from web.conditional import conditional
from web.gql import OperationFailed, run_operation
from web.pages._account import PageExit, choose_account, customer_page
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


def _due_invoices(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Every invoice with something left to pay, the one due first at the top."""
    nodes = [edge["node"] for alias in DUE_ALIASES for edge in account[alias]["edges"]]
    return sorted(nodes, key=lambda node: (node["dueDate"], node["number"]))


def _account_view(account: dict[str, Any]) -> dict[str, Any]:
    return {
        **account,
        "iban": format_iban(account["paymentAccountNumber"]),
        # Transfers to the individual account are matched without a title; a title
        # with the customer number still helps if someone uses the general account.
        "title_hint": transfer_title(account["number"]),
        "due_invoices": _due_invoices(account),
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


@conditional
@customer_page
async def payments_page(request: Request) -> Response:
    konto = (await choose_account(request)).number
    if konto is None:
        return render(request, TEMPLATE, {**page_context(request, None), "account": None})
    data = await _page_data(request, konto)
    account = visible_account(data, konto)
    context = {
        **page_context(request, data),
        "account": _account_view(account) if account else None,
    }
    return render(request, TEMPLATE, context)


routes: list[BaseRoute] = [Route("/platnosci", payments_page, methods=["GET"])]

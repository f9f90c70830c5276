"""/saldo: the balance analysis, every charge and payment of a date range with the
running balance, from the balance carried over to the balance at the range's end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.clock import Clock
from web.conditional import conditional
from web.forms import FormErrors
from web.gql import OperationFailed, run_operation
from web.pages._account import choose_account, customer_page
from web.pages._billing import (
    RANGE_TOO_WIDE,
    amount,
    date_range,
    page_context,
    range_order_message,
    visible_account,
)
from web.rendering import render

TEMPLATE = "ledger/index.html"
BLOCK = "listing"
DATE_FIELDS = ("od", "do")
# As on the form's labels: the messages name the fields the way the person sees them.
DATE_LABELS = ("Od dnia", "Do dnia")


def default_range(today: date) -> tuple[date, date]:
    """The last 12 months up to today (29 February falls back to the 28th)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago, today


def _entry_view(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        **entry,
        "debit_value": amount(entry["debit"]),
        "credit_value": amount(entry["credit"]),
        "balance_value": amount(entry["balanceAfter"]),
    }


def _statement(account: dict[str, Any], start: date, end: date) -> dict[str, Any]:
    return {
        "entries": [_entry_view(e) for e in account["ledger"]],
        "start": start,
        "end": end,
        "opening_day": start - timedelta(days=1),
        "opening": amount(account["opening"]),
        "closing": amount(account["closing"]),
    }


def _range(request: Request, errors: FormErrors) -> tuple[date, date, dict[str, str]]:
    """The chosen range (defaults for empty fields) and the values to show in the form."""
    clock: Clock = request.app.state.clock
    default_start, default_end = default_range(clock.today())
    start, end = date_range(request.query_params, errors, DATE_LABELS, DATE_FIELDS)
    start, end = start or default_start, end or default_end
    if not errors and start > end:
        # Only one end was typed and it lies beyond the other end's default.
        errors.add("do", range_order_message(DATE_LABELS))
    params = request.query_params
    values = {
        "od": params.get("od") or start.isoformat(),
        "do": params.get("do") or end.isoformat(),
    }
    return start, end, values


async def _ledger_data(
    request: Request, konto: str, start: date, end: date, errors: FormErrors
) -> dict[str, Any] | None:
    variables = {
        "konto": konto,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "openingDay": (start - timedelta(days=1)).isoformat(),
    }
    try:
        return await run_operation(request, "LedgerPage", variables)
    except OperationFailed as failed:
        if "BAD_REQUEST" not in failed.codes:
            raise
        errors.add("od", RANGE_TOO_WIDE)
        return None


@conditional
@customer_page
async def ledger_page(request: Request) -> Response:
    konto = (await choose_account(request)).number
    errors = FormErrors()
    start, end, values = _range(request, errors)
    context: dict[str, Any] = {"values": values, "account": None, "statement": None}
    if konto is None:
        return render(request, TEMPLATE, {**context, **page_context(request, None)})
    data = None if errors else await _ledger_data(request, konto, start, end, errors)
    if data is None:
        data = await run_operation(request, "BillingAccountHeading", {"konto": konto})
    account = visible_account(data, konto)
    context.update(page_context(request, data), account=account, errors=errors or None)
    if account is not None and not errors:
        context["statement"] = _statement(account, start, end)
    status = 422 if errors else 200
    return render(request, TEMPLATE, context, status_code=status, block=BLOCK)


routes: list[BaseRoute] = [Route("/saldo", ledger_page, methods=["GET"])]

"""`/konto`: the customer's dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.talk import names_street
from web.charts import month_charts, month_points, months_back, summarise
from web.conditional import conditional
from web.gql import OperationFailed, run_operation
from web.pages._account import (
    account_choice,
    account_url,
    customer_page,
    no_accounts,
    wanted_account,
)
from web.pages.home import DISRUPTIONS
from web.pages.readings import reading_form_view
from web.rendering import render

__all__ = ["routes"]

CHART_MONTHS = 24
# Oldest debt first: what is overdue, then what is partly paid, then what is merely due.
DUE_ORDER = {"OVERDUE": 0, "PARTIALLY_PAID": 1, "UNPAID": 2}


# --- the dashboard ---------------------------------------------------------------------


def due_invoices(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Open invoices, overdue first, each group by due date."""
    connections = ("overdueInvoices", "partlyPaidInvoices", "unpaidInvoices")
    invoices = [edge["node"] for key in connections for edge in account[key]["edges"]]
    return sorted(invoices, key=lambda i: (DUE_ORDER.get(i["status"], 9), i["dueDate"]))


def announcements_for(
    announcements: list[dict[str, Any]], account: dict[str, Any], shown: int = 3
) -> list[dict[str, Any]]:
    """What the dashboard lists: failures and outages that name one of the account's
    streets (its meters' premises) first, marked `ownStreet`, then the rest in the
    API's order; at most `shown`, but never fewer than the account's own."""
    streets = {
        m["premisesAddress"]["street"] for m in account["meters"] if m.get("premisesAddress")
    }

    def own(a: dict[str, Any]) -> bool:
        text = f"{a['title']} {a.get('body') or ''}"
        return a["kind"] in DISRUPTIONS and any(names_street(text, s) for s in streets)

    marked = [{**a, "ownStreet": own(a)} for a in announcements]
    first = [a for a in marked if a["ownStreet"]]
    rest = [a for a in marked if not a["ownStreet"]]
    return first + rest[: max(0, shown - len(first))]


def balance_state(amount: str) -> str:
    """ "due" (the customer owes), "credit" (overpaid) or "settled"."""
    value = Decimal(amount)
    return "due" if value > 0 else "credit" if value < 0 else "settled"


def consumption_context(account: dict[str, Any], start: date, end: date) -> dict[str, Any]:
    points = month_points(account["consumption"], start, end)
    return {"points": points, "charts": month_charts(points), "summary": summarise(points)}


@conditional
@customer_page
async def dashboard(request: Request) -> Response:
    start, end = months_back(request.app.state.clock.today(), CHART_MONTHS)
    # The choice of account and its dashboard come in one request (`myAccount`).
    variables = {
        "number": wanted_account(request),
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    try:
        data = await run_operation(request, "AccountDashboard", variables)
    except OperationFailed as failure:
        if "BAD_REQUEST" in failure.codes and variables["number"]:
            # A `?konto=` no customer number can be (too long): not one of theirs either.
            raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.") from failure
        raise
    choice = account_choice(request, data)
    if choice.number is None:
        return no_accounts(request, choice, "Pulpit")
    account = data["account"]
    if account is None:  # not theirs: account_choice has answered 404 already
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    balance = account["balance"]["amount"]
    # While the window is open the reading form is right on the meter's card; it posts
    # to /odczyty (htmx swaps the answer in place, without JavaScript that page answers).
    for meter in account["meters"]:
        if meter["canSubmitReading"]:
            meter.update(reading_form_view(meter["id"]))
    context = {
        "choice": choice,
        "account": account,
        "balance": Decimal(balance),
        "balance_state": balance_state(balance),
        "overdue": Decimal(account["overdue"]["amount"]),
        "due": due_invoices(account),
        "window": data["readingWindow"],
        "announcements": announcements_for(data["announcements"], account),
        "usage": consumption_context(account, start, end),
        "links": {
            "payments": account_url("/platnosci", choice),
            "invoices": account_url("/faktury", choice),
            "ledger": account_url("/saldo", choice),
            "readings": account_url("/odczyty", choice),
            "forecast": account_url("/prognoza", choice),
        },
    }
    return render(request, "dashboard/page.html", context)


routes: list[BaseRoute] = [Route("/konto", dashboard, methods=["GET"])]

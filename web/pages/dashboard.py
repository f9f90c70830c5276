"""`/konto`: the customer's dashboard, and what every account page shares.

The shared part (signing-in checks, choosing one of the viewer's accounts with
`?konto=`) lives here because /konto is where the account pages start; /odczyty
imports it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.charts import month_charts, month_points, months_back, summarise
from web.gql import OperationFailed, run_operation
from web.rendering import render, url_with

__all__ = [
    "AccountChoice",
    "account_url",
    "choose_account",
    "customer_page",
    "routes",
]

LOGIN_URL = "/login"
CHART_MONTHS = 24
# Oldest debt first: what is overdue, then what is partly paid, then what is merely due.
DUE_ORDER = {"OVERDUE": 0, "PARTIALLY_PAID": 1, "UNPAID": 2}

Endpoint = Callable[[Request], Awaitable[Response]]


# --- shared by the account pages -------------------------------------------------------


def _to_login(request: Request) -> Response:
    """303 to the sign-in page; an htmx request is told to load it as a whole page,
    not to squeeze it into the part of the page it meant to update."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": LOGIN_URL})
    return RedirectResponse(LOGIN_URL, status_code=303)


# What a signed-in person must do first, when the API refuses account data until then.
_FIRST_STEPS = {
    "PASSWORD_CHANGE_REQUIRED": (
        "Najpierw zmień hasło",
        "Hasło, którym się zalogowano, jest jednorazowe. Zanim zobaczysz dane konta, "
        "ustaw własne hasło.",
    ),
    "TERMS_NOT_ACCEPTED": (
        "Najpierw zaakceptuj regulamin",
        "Regulamin eBOK zmienił się od Twojej ostatniej wizyty. Zanim zobaczysz dane "
        "konta, zapoznaj się z nim i go zaakceptuj.",
    ),
}


def _refusal(request: Request, failure: OperationFailed) -> Response:
    codes = failure.codes
    if "UNAUTHENTICATED" in codes:
        return _to_login(request)
    for code, (heading, detail) in _FIRST_STEPS.items():
        if code in codes:
            context = {"status": 403, "heading": heading, "detail": detail}
            return render(request, "errors/error.html", context, status_code=403)
    raise failure


def customer_page(handler: Endpoint) -> Endpoint:
    """A page for signed-in people: the signed-out go to /login (303), and the API's
    refusals become pages instead of errors."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        if getattr(request.state, "viewer", None) is None:
            return _to_login(request)
        try:
            return await handler(request)
        except OperationFailed as failure:
            return _refusal(request, failure)

    return endpoint


@dataclass(frozen=True)
class AccountChoice:
    """The viewer's accounts and the one this page shows (None: they have none)."""

    login: str
    role: str
    accounts: list[dict[str, Any]]
    number: str | None

    @property
    def is_staff(self) -> bool:
        return self.role == "STAFF"

    @property
    def several(self) -> bool:
        return len(self.accounts) > 1


async def choose_account(request: Request) -> AccountChoice:
    """The account named by `?konto=`, else the first; 404 for a number not theirs."""
    data = await run_operation(request, "AccountChoice")
    me = data.get("me") or {}
    accounts = list(data.get("accounts") or [])
    numbers = [a["number"] for a in accounts]
    wanted = request.query_params.get("konto", "").strip()
    if wanted and wanted not in numbers:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    number = wanted or (numbers[0] if numbers else None)
    return AccountChoice(str(me.get("login", "")), str(me.get("role", "")), accounts, number)


def account_url(path: str, choice: AccountChoice, **params: Any) -> str:
    """A link to another account page for the same account: `?konto=` only when the
    viewer has several accounts (one account needs no choosing)."""
    return url_with(path, konto=choice.number if choice.several else None, **params)


def no_accounts(request: Request, choice: AccountChoice, page_title: str) -> Response:
    """A staff user (or a customer whose accounts are not linked yet): a short message."""
    return render(request, "dashboard/no_accounts.html", {"choice": choice, "page": page_title})


# --- the dashboard ---------------------------------------------------------------------


def due_invoices(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Open invoices, overdue first, each group by due date."""
    connections = ("overdueInvoices", "partlyPaidInvoices", "unpaidInvoices")
    invoices = [edge["node"] for key in connections for edge in account[key]["edges"]]
    return sorted(invoices, key=lambda i: (DUE_ORDER.get(i["status"], 9), i["dueDate"]))


def balance_state(amount: str) -> str:
    """ "due" (the customer owes), "credit" (overpaid) or "settled"."""
    value = Decimal(amount)
    return "due" if value > 0 else "credit" if value < 0 else "settled"


def consumption_context(account: dict[str, Any], start: date, end: date) -> dict[str, Any]:
    points = month_points(account["consumption"], start, end)
    return {"points": points, "charts": month_charts(points), "summary": summarise(points)}


@customer_page
async def dashboard(request: Request) -> Response:
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Pulpit")
    start, end = months_back(request.app.state.clock.today(), CHART_MONTHS)
    variables = {"number": choice.number, "from": start.isoformat(), "to": end.isoformat()}
    data = await run_operation(request, "Dashboard", variables)
    account = data["account"]
    if account is None:  # unlinked between the two operations
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    balance = account["balance"]["amount"]
    context = {
        "choice": choice,
        "account": account,
        "balance": Decimal(balance),
        "balance_state": balance_state(balance),
        "overdue": Decimal(account["overdue"]["amount"]),
        "due": due_invoices(account),
        "window": data["readingWindow"],
        "announcements": data["announcements"][:3],
        "usage": consumption_context(account, start, end),
        "links": {
            "payments": account_url("/platnosci", choice),
            "invoices": account_url("/faktury", choice),
            "ledger": account_url("/saldo", choice),
            "readings": account_url("/odczyty", choice),
        },
    }
    return render(request, "dashboard/page.html", context)


routes: list[BaseRoute] = [Route("/konto", dashboard, methods=["GET"])]

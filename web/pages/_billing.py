"""What the invoice, payment and ledger pages share.

They all need a signed-in customer, one of the customer's accounts (`?konto=`, the
first by default), the same handling of refusals from their GraphQL operations, and
(two of them) a date range typed into a GET form. Keeping that here keeps each page
module to its own data and template.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.forms import FormErrors, parse_date_input
from web.gql import OperationFailed, run_operation
from web.rendering import is_fragment_request, render, url_with

__all__ = [
    "ACCOUNT_PARAM",
    "CURSOR_PARAM",
    "PAGE_SIZE",
    "PageExit",
    "account_number",
    "amount",
    "customer_page",
    "date_range",
    "page_context",
    "range_order_message",
    "run",
    "visible_account",
    "without_cursor",
]

ACCOUNT_PARAM = "konto"
CURSOR_PARAM = "po"
# A year of monthly invoices fits on one page; bimonthly customers see two years.
PAGE_SIZE = 12

# Codes that mean "signed in, but not allowed to see account data yet".
_NOT_YET = {"PASSWORD_CHANGE_REQUIRED", "TERMS_NOT_ACCEPTED"}

Endpoint = Callable[[Request], Awaitable[Response]]


class PageExit(Exception):
    """Leave a page early with a ready response (a redirect, an explanation)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def customer_page(handler: Endpoint) -> Endpoint:
    """A page for a signed-in person: anyone else is sent to the sign-in form."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        if getattr(request.state, "viewer", None) is None:
            return RedirectResponse("/login", status_code=303)
        try:
            return await handler(request)
        except PageExit as exit_:
            return exit_.response

    return endpoint


def _first_sign_in_unfinished(request: Request) -> Response:
    # The pages for changing the first password and accepting the regulations come
    # with their own issue; until then say plainly what stands in the way.
    return render(
        request,
        "errors/error.html",
        {
            "status": 403,
            "heading": "Dokończ pierwsze logowanie",
            "detail": "Zanim zobaczysz dane konta, zmień hasło startowe "
            "i zaakceptuj aktualny regulamin eBOK.",
        },
        status_code=403,
    )


async def run(request: Request, name: str, variables: dict[str, Any] | None = None) -> dict:
    """Run a page's operation; refusals that are about the person end the page."""
    try:
        return await run_operation(request, name, variables)
    except OperationFailed as failed:
        if "UNAUTHENTICATED" in failed.codes:
            raise PageExit(RedirectResponse("/login", status_code=303)) from failed
        if failed.codes & _NOT_YET:
            raise PageExit(_first_sign_in_unfinished(request)) from failed
        raise


async def account_number(request: Request) -> str | None:
    """The account the page is about: `?konto=`, else the viewer's first one.

    None when the viewer has no accounts of their own (a staff user).
    """
    chosen = request.query_params.get(ACCOUNT_PARAM, "").strip()
    if chosen:
        return chosen
    data = await run(request, "BillingAccounts")
    accounts = data["accounts"]
    return str(accounts[0]["number"]) if accounts else None


def visible_account(data: Mapping[str, Any], number: str) -> dict[str, Any] | None:
    """The operation's `account`, if it is one of the viewer's own; 404 otherwise.

    Staff may read any account through the API, but these are the customer's own
    pages: a viewer without accounts gets the "no accounts" message (None) instead.
    """
    own = {a["number"] for a in data["accounts"]}
    if not own:
        return None
    if number not in own or data.get("account") is None:
        raise HTTPException(status_code=404)
    return dict(data["account"])


def page_context(request: Request, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """What every one of these templates reads besides its own data."""
    return {
        "accounts": list(data["accounts"]) if data else [],
        "fragment": is_fragment_request(request),
        "konto_param": ACCOUNT_PARAM,
    }


def without_cursor(request: Request) -> Response:
    """A stale or forged cursor: the same list from its first page, filters kept."""
    path = request.url.path + ("?" + request.url.query if request.url.query else "")
    return RedirectResponse(url_with(path, **{CURSOR_PARAM: None}), status_code=303)


def amount(money: Mapping[str, Any] | None) -> Decimal | None:
    """A Money result ({"amount": "12.30"}) as a Decimal, for comparisons in templates."""
    return None if money is None else Decimal(str(money["amount"]))


def _parse_date_field(
    params: QueryParams, name: str, label: str, errors: FormErrors
) -> date | None:
    try:
        return parse_date_input(params.get(name))
    except ValueError:
        errors.add(name, f"W polu „{label}” wpisz prawdziwą datę, np. 21.11.2026.")
        return None


def range_order_message(labels: tuple[str, str]) -> str:
    return f"Data w polu „{labels[1]}” nie może być wcześniejsza niż w polu „{labels[0]}”."


def date_range(
    params: QueryParams, errors: FormErrors, labels: tuple[str, str], names: tuple[str, str]
) -> tuple[date | None, date | None]:
    """Both ends of a date range typed into a GET form; problems go into `errors`.

    `names` are the fields' names, `labels` the words on their labels (the messages
    name the field the way the person sees it).
    """
    first = _parse_date_field(params, names[0], labels[0], errors)
    last = _parse_date_field(params, names[1], labels[1], errors)
    if first is not None and last is not None and first > last:
        errors.add(names[1], range_order_message(labels))
    return first, last


RANGE_TOO_WIDE = "Wybierz krótszy okres – najwyżej 10 lat."

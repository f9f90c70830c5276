"""What the invoice, payment and ledger pages share.

Besides what every account page shares (web/pages/_account.py), they show one
account's figures with the same account switcher, page through cursors, and (two of
them) read a date range typed into a GET form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.forms import FormErrors, date_input_message, parse_date_input
from web.pages._account import ACCOUNT_PARAM
from web.rendering import is_fragment_request, url_with

__all__ = [
    "CURSOR_PARAM",
    "PAGE_SIZE",
    "amount",
    "date_range",
    "page_context",
    "range_order_message",
    "visible_account",
    "without_cursor",
]

CURSOR_PARAM = "po"
# A year of monthly invoices fits on one page; bimonthly customers see two years.
PAGE_SIZE = 12


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
    except ValueError as error:
        errors.add(name, date_input_message(error, label))
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

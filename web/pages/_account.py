"""What every page about a customer's account shares.

A signed-in viewer (the signed-out go to /login), the API's refusals turned into
redirects to the step due (a first password to change, regulations to accept, staff's
two-step sign-in), and one of the viewer's
accounts chosen with `?konto=` (the first by default). The back office's pages are
guarded alike by `staff_page`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.csrf import read_form
from web.gql import OperationFailed, run_operation
from web.rendering import render, url_with

LOGIN_URL = "/login"
ACCOUNT_PARAM = "konto"

Endpoint = Callable[[Request], Awaitable[Response]]


class PageExit(Exception):
    """Leave a page early with a ready response (a redirect, an explanation)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _to_login(request: Request) -> Response:
    """303 to the sign-in page; an htmx request is told to load it as a whole page,
    not to squeeze it into the part of the page it meant to update."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": LOGIN_URL})
    return RedirectResponse(LOGIN_URL, status_code=303)


# Where each first step is done (web/pages/credentials.py).
FIRST_STEP_URLS = {
    "PASSWORD_CHANGE_REQUIRED": "/dane/haslo",
    "TWO_STEP_REQUIRED": "/dane/dwuetapowe",
    "TERMS_NOT_ACCEPTED": "/regulamin/akceptacja",
}


def _refusal(request: Request, failure: OperationFailed) -> Response:
    codes = failure.codes
    if "UNAUTHENTICATED" in codes:
        return _to_login(request)
    for code, url in FIRST_STEP_URLS.items():
        if code in codes:
            if request.headers.get("hx-request") == "true":
                return Response(status_code=204, headers={"HX-Redirect": url})
            return RedirectResponse(url, status_code=303)
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
        except PageExit as exit_:
            return exit_.response
        except OperationFailed as failure:
            return _refusal(request, failure)

    return endpoint


def customer_form(handler: Endpoint) -> Endpoint:
    """A form post on a signed-in page: the form's origin and CSRF token are checked
    first, for anyone (403), then it is a `customer_page`; the handler finds the form
    in `request.state.form`."""
    guarded = customer_page(handler)

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        request.state.form = await read_form(request)
        return await guarded(request)

    return endpoint


def staff_page(handler: Endpoint) -> Endpoint:
    """A back-office page or form post, for staff only. A post's origin and CSRF token
    are checked first, whoever sends it (403), and the handler finds the form in
    `request.state.form`; then the signed-out go to /login, customers get a 403 page,
    the API's refusals become redirects as on `customer_page` (staff's two-step
    sign-in), and a malformed cursor or id in the address is a 400."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        # A form with files was read (and its CSRF token checked) by its upload guard.
        if request.method == "POST" and getattr(request.state, "form", None) is None:
            request.state.form = await read_form(request)
        viewer = getattr(request.state, "viewer", None)
        if viewer is None:
            return _to_login(request)
        if str(viewer.role) != "STAFF":
            context = {
                "status": 403,
                "heading": "Tylko dla pracowników",
                "detail": "Panel obsługi jest dostępny tylko dla pracowników biura obsługi.",
            }
            return render(request, "errors/error.html", context, status_code=403)
        try:
            return await handler(request)
        except PageExit as exit_:
            return exit_.response
        except OperationFailed as failure:
            if "BAD_REQUEST" in failure.codes:
                raise HTTPException(400, "Nieprawidłowy adres strony.") from failure
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
    """The account named by `?konto=`, else the first; 404 for a number not theirs.

    A viewer with no accounts of their own (staff) gets no account at all, whatever
    `?konto=` says: these are customers' own pages, not the back office.
    """
    return account_choice(request, await run_operation(request, "AccountChoice"))


def wanted_account(request: Request) -> str | None:
    """The number `?konto=` asks for, if any."""
    return request.query_params.get(ACCOUNT_PARAM, "").strip() or None


def account_choice(request: Request, data: dict[str, Any]) -> AccountChoice:
    """`choose_account` for a page whose own operation asked for `me { login role }` and
    `accounts { number holderName kind }` beside the rest (one request instead of two)."""
    me = data.get("me") or {}
    accounts = list(data.get("accounts") or [])
    numbers = [a["number"] for a in accounts]
    wanted = wanted_account(request) or ""
    if not numbers:
        wanted = ""
    elif wanted and wanted not in numbers:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    number = wanted or (numbers[0] if numbers else None)
    return AccountChoice(str(me.get("login", "")), str(me.get("role", "")), accounts, number)


# "/platnosci", "/konta/dodaj": no query, fragment or host for url_with to take apart.
_PLAIN_PATH = re.compile(r"/(?:[\w-]+/)*[\w-]*")  # one way to match: no backtracking


def account_url(path: str, choice: AccountChoice, **params: Any) -> str:
    """A link to another account page for the same account: `?konto=` only when the
    viewer has several accounts (one account needs no choosing)."""
    if not choice.several and not params and _PLAIN_PATH.fullmatch(path):
        return path  # what url_with would give back: a plain path, nothing to add
    return url_with(path, konto=choice.number if choice.several else None, **params)


def no_accounts(request: Request, choice: AccountChoice, page_title: str) -> Response:
    """A staff user (or a customer whose accounts are not linked yet): a short message."""
    return render(request, "dashboard/no_accounts.html", {"choice": choice, "page": page_title})

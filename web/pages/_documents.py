"""What the routes of an invoice's documents (/faktury/{number}.pdf and .xml) share:
who may fetch them, and the invoice looked up by its number alone.

The owner fetches a document signed in to the pages or with a partner app's bearer
token that may read; staff fetch anyone's. For anyone else, as for a number that does
not exist, the same 404. A signed-out browser goes to /login, as on the invoice page;
a bearer token that fails for any reason (unknown, expired, no READ scope, first steps
not done) gets the 404 too: a program is never sent to a sign-in page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from web.gql import OperationFailed, run_operation
from web.pages._account import customer_page

__all__ = ["document_route", "invoice_by_number"]

Endpoint = Callable[[Request], Awaitable[Response]]

# Refusals that mean "not yours to read" (a token without READ, a number longer than
# any invoice number): the same 404 as an invoice that does not exist.
NOT_FOUND_CODES = frozenset({"FORBIDDEN", "BAD_REQUEST"})


def _from_a_program(request: Request) -> bool:
    """The request came with a bearer token (web/auth.py), good or bad."""
    state = request.state
    return getattr(state, "auth", None) == "token" or getattr(state, "bad_credentials", False)


def document_route(handler: Endpoint) -> Endpoint:
    """A document endpoint for browsers (a customer page) and for programs (404s)."""
    browser = customer_page(handler)

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        if not _from_a_program(request):
            return await browser(request)
        try:
            return await handler(request)
        except OperationFailed as failed:  # a bad token, no READ scope, first steps not done
            raise HTTPException(status_code=404) from failed

    return endpoint


async def invoice_by_number(request: Request, operation: str) -> dict[str, Any]:
    """The invoice of the path's `number` through `operation` (whose `invoice(number:)`
    finds the viewer's own or, for staff, anyone's), or a 404."""
    number = request.path_params["number"].strip()
    if not number:
        raise HTTPException(status_code=404)
    try:
        data = await run_operation(request, operation, {"number": number})
    except OperationFailed as failed:
        if failed.codes & NOT_FOUND_CODES:
            raise HTTPException(status_code=404) from failed
        raise
    if data["invoice"] is None:
        raise HTTPException(status_code=404)
    return dict(data["invoice"])

"""`/obsluga/odczyty`: accounts whose e-readings a missed window blocked (with "Odblokuj")
and readings far above the usual (with "Przejrzane"), for staff.

Both lists page on their own (`?zablokowane=<cursor>`, `?nietypowe=<cursor>`); each
button is a plain form that posts and comes back here (303), so no JavaScript is needed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import staff_page
from web.rendering import url_with

PAGE = "/obsluga/odczyty"
PAGE_SIZE = 20
TEMPLATE = "staff/readings.html"


async def _context(request: Request) -> dict[str, Any]:
    variables = {
        "first": PAGE_SIZE,
        "blockedAfter": request.query_params.get("zablokowane") or None,
        "unusualAfter": request.query_params.get("nietypowe") or None,
    }
    data = await run_operation(request, "StaffReadings", variables)
    here = str(request.url.path) + "?" + request.url.query
    blocked, unusual = data["readingsBlockedAccounts"], data["unusualReadings"]
    return {
        "blocked": blocked,
        "unusual": unusual,
        "more_blocked": url_with(here, zablokowane=blocked["pageInfo"]["endCursor"])
        if blocked["pageInfo"]["hasNextPage"]
        else None,
        "more_unusual": url_with(here, nietypowe=unusual["pageInfo"]["endCursor"])
        if unusual["pageInfo"]["hasNextPage"]
        else None,
        "done": request.query_params.get("zrobione"),
    }


@staff_page
async def staff_readings(request: Request) -> Response:
    return form_response(request, TEMPLATE, await _context(request), None)


@staff_page
async def lift_block(request: Request) -> Response:
    form = request.state.form
    note = str(form.get("note") or "").strip()[:2000] or None
    variables = {"input": {"accountId": str(form.get("accountId") or "")[:64], "note": note}}
    payload = (await run_operation(request, "LiftReadingBlock", variables))["liftReadingBlock"]
    if payload["errors"]:
        return await _refused(request, payload["errors"])
    return RedirectResponse(f"{PAGE}?zrobione=odblokowane", status_code=303)


@staff_page
async def mark_reviewed(request: Request) -> Response:
    form = request.state.form
    variables = {"id": str(form.get("readingId") or "")[:64]}
    payload = (await run_operation(request, "MarkReadingReviewed", variables))[
        "markReadingReviewed"
    ]
    if payload["errors"]:
        return await _refused(request, payload["errors"])
    return RedirectResponse(f"{PAGE}?zrobione=przejrzane", status_code=303)


async def _refused(request: Request, errors: list[dict[str, Any]]) -> Response:
    messages = errors_from_user_errors(errors)
    summary = FormErrors((None, message) for _, message in messages.items())
    return form_response(request, TEMPLATE, await _context(request), summary)


routes: list[BaseRoute] = [
    Route(PAGE, staff_readings, methods=["GET"]),
    Route(PAGE + "/odblokuj", lift_block, methods=["POST"]),
    Route(PAGE + "/przejrzane", mark_reviewed, methods=["POST"]),
]

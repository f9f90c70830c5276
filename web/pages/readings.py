"""`/odczyty`: the account's meters, whether a reading can be given now, and history.

Each meter shows the newest page of its readings. "Starsze odczyty" links to
`?wodomierz=<meter id>&po=<cursor>`: that meter's next page (other meters stay on
their newest). With htmx the link swaps only that meter's history in place; without
JavaScript it loads the whole page, which works the same.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.conditional import conditional
from web.gql import OperationFailed, run_operation
from web.pages._account import AccountChoice, choose_account, customer_page, no_accounts
from web.rendering import is_fragment_request, render, url_with

PAGE_SIZE = 12
HISTORY_TEMPLATE = "readings/_history.html"


def history_id(meter_id: str) -> str:
    """An HTML id for a meter's history section (global ids carry '=' and '/')."""
    return "historia-" + "".join(c if c.isalnum() else "-" for c in meter_id)


def history_links(
    request: Request, choice: AccountChoice | None, meter: dict[str, Any]
) -> dict[str, str | None]:
    """The links under a meter's history: the next (older) page and back to the newest."""
    base = url_with(str(request.url.path) + "?" + request.url.query, wodomierz=None, po=None)
    if choice is not None and choice.several:
        base = url_with(base, konto=choice.number)
    page_info = meter["readings"]["pageInfo"]
    older = (
        url_with(base, wodomierz=meter["id"], po=page_info["endCursor"])
        if page_info["hasNextPage"]
        else None
    )
    return {"older": older, "newest": base + "#" + history_id(meter["id"])}


async def older_readings(request: Request, meter_id: str, cursor: str) -> dict[str, Any]:
    """One meter's page of history after `cursor`; 404 when the meter is not the
    viewer's (or the cursor is not one the API gave)."""
    variables = {"meter": meter_id, "first": PAGE_SIZE, "after": cursor}
    try:
        data = await run_operation(request, "MeterReadingsPage", variables)
    except OperationFailed as failure:
        if failure.codes & {"BAD_REQUEST", "NOT_FOUND"}:
            raise HTTPException(404, "Nie ma takiej strony historii odczytów.") from failure
        raise
    meter = data.get("node")
    if not meter or "readings" not in meter:
        raise HTTPException(404, "Nie ma takiego wodomierza na Twoim koncie.")
    return meter


def _history_context(
    request: Request, choice: AccountChoice | None, meter: dict[str, Any], paged: bool
) -> dict[str, Any]:
    return {
        "meter": meter,
        "history_id": history_id(meter["id"]),
        "links": history_links(request, choice, meter),
        "paged": paged,
    }


def _paged_meter_id(request: Request, meters: list[dict[str, Any]]) -> str | None:
    """Which meter `?po=` pages: the one `?wodomierz=` names, or the only one there is."""
    if not request.query_params.get("po", "").strip():
        return None
    named = request.query_params.get("wodomierz", "").strip()
    if named:
        return named
    return meters[0]["id"] if len(meters) == 1 else None


async def _meters_with_history(
    request: Request, choice: AccountChoice, meters: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every meter with its page of history (the newest, or the older one asked for)."""
    paged_id = _paged_meter_id(request, meters)
    older = None
    if paged_id is not None:
        older = await older_readings(request, paged_id, request.query_params["po"].strip())
    result = []
    for meter in meters:
        is_paged = older is not None and older["id"] == meter["id"]
        if older is not None and is_paged:
            meter = {**meter, "readings": older["readings"]}
        result.append({**meter, "view": _history_context(request, choice, meter, is_paged)})
    return result


@conditional
@customer_page
async def readings(request: Request) -> Response:
    meter_id = request.query_params.get("wodomierz", "").strip()
    cursor = request.query_params.get("po", "").strip()
    if meter_id and cursor and is_fragment_request(request):
        # htmx asks for one meter's older page: only that history is sent back.
        meter = await older_readings(request, meter_id, cursor)
        return render(request, HISTORY_TEMPLATE, _history_context(request, None, meter, True))
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Odczyty")
    variables = {"number": choice.number, "first": PAGE_SIZE}
    data = await run_operation(request, "ReadingsPage", variables)
    account = data["account"]
    if account is None:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    context = {
        "choice": choice,
        "account": account,
        "meters": await _meters_with_history(request, choice, account["meters"]),
        "window": data["readingWindow"],
    }
    return render(request, "readings/page.html", context)


routes: list[BaseRoute] = [Route("/odczyty", readings, methods=["GET"])]

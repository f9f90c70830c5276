"""`/odczyty`: the account's meters, whether a reading can be given now, and history.

Each meter shows the newest page of its readings. "Starsze odczyty" links to
`?wodomierz=<meter id>&po=<cursor>`: that meter's next page (other meters stay on
their newest). With htmx the link swaps only that meter's history in place; without
JavaScript it loads the whole page, which works the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.reading_preview import Preview, preview_reading
from web.conditional import conditional
from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import OperationFailed, run_operation
from web.pages._account import (
    AccountChoice,
    choose_account,
    customer_form,
    customer_page,
    no_accounts,
)
from web.rendering import is_fragment_request, render, url_with

PAGE_SIZE = 12
PAGE_TEMPLATE = "readings/page.html"
HISTORY_TEMPLATE = "readings/_history.html"
FORM_TEMPLATE = "readings/_form.html"


def dom_id(prefix: str, meter_id: str) -> str:
    """An HTML id for a part of a meter's section (global ids carry '=' and '/')."""
    return prefix + "-" + "".join(c if c.isalnum() else "-" for c in meter_id)


def history_id(meter_id: str) -> str:
    return dom_id("historia", meter_id)


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
    return render(request, PAGE_TEMPLATE, await _page_context(request, choice, data))


async def _page_context(
    request: Request,
    choice: AccountChoice,
    data: dict[str, Any],
    forms: dict[str, ReadingForm] | None = None,
) -> dict[str, Any]:
    account = data["account"]
    meters = await _meters_with_history(request, choice, account["meters"])
    for meter in meters:
        meter.update(reading_form_view(meter["id"], (forms or {}).get(meter["id"])))
    window = data["readingWindow"]
    return {
        "choice": choice,
        "account": account,
        "meters": meters,
        "window": window,
        "days_left": _days_left(request, window),
    }


def _days_left(request: Request, window: dict[str, Any]) -> int | None:
    """Days the open window still has, today included (the countdown on the page)."""
    if not window["isOpen"]:
        return None
    today = request.app.state.clock.today()
    return (date.fromisoformat(str(window["closesOn"])) - today).days + 1


# --- the reading form ------------------------------------------------------------------


@dataclass
class ReadingForm:
    """One meter's form as the page shows it: what was typed, the check before
    sending, the refusal beside the field, or the receipt after."""

    value: str = ""
    errors: FormErrors = field(default_factory=FormErrors)
    preview: Preview | None = None
    receipt: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def value_id(meter_id: str) -> str:
    """The id of a meter's value field, also the key of its message in FormErrors."""
    return dom_id("stan", meter_id)


def reading_form_view(meter_id: str, state: ReadingForm | None = None) -> dict[str, Any]:
    """What the form template needs of a meter besides its data: state and element ids
    (also on /konto, which shows the same form while the window is open)."""
    return {
        "form": state or ReadingForm(),
        "form_id": dom_id("odczyt", meter_id),
        "value_id": value_id(meter_id),
        "preview_id": dom_id("podglad", meter_id),
    }


def parse_register(text: str) -> Decimal | None:
    """A register value as people type it: "785,5", "785.5", "1 234,567"; None if not."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned or len(cleaned) > 20:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


async def _preview(request: Request, meter_id: str, value: Decimal) -> Preview | None:
    data = await run_operation(request, "ReadingPreview", {"meter": meter_id})
    meter, tariff = data.get("node"), data["tariff"]
    edges = (meter or {}).get("readings", {}).get("edges") or []
    if not edges:
        return None
    return preview_reading(
        Decimal(edges[0]["node"]["value"]),
        value,
        int(meter["digits"]),
        Decimal(tariff["waterPriceGross"]["amount"]),
        Decimal(tariff["sewagePriceGross"]["amount"]),
    )


async def _handle_form(request: Request, form: FormData) -> tuple[str, ReadingForm]:
    meter_id = str(form.get("meterId") or "").strip()[:64]
    typed = str(form.get("value") or "")[:40]
    state = ReadingForm(value=typed.strip())
    value = parse_register(typed)
    if value is None:
        state.errors.add(value_id(meter_id), "Wpisz stan wodomierza w m³, np. 785,5.")
        return meter_id, state
    if form.get("akcja") == "sprawdz":
        state.preview = await _preview(request, meter_id, value)
        return meter_id, state
    variables = {"input": {"meterId": meter_id, "value": str(value)}}
    payload = (await run_operation(request, "SubmitReading", variables))["submitReading"]
    if payload["errors"]:
        # The form has one field: every refusal (value, date, meter) is shown beside it.
        refusals = errors_from_user_errors(payload["errors"])
        state.errors = FormErrors((value_id(meter_id), message) for _, message in refusals.items())
        return meter_id, state
    return meter_id, ReadingForm(receipt=payload["reading"], warnings=payload["warnings"])


@customer_form
async def submit_reading(request: Request) -> Response:
    """POST /odczyty: check (akcja=sprawdz) or send one meter's reading; the page comes
    back with the check, the refusal beside the field (422), or the receipt."""
    form = request.state.form
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Odczyty")
    meter_id, state = await _handle_form(request, form)
    if is_fragment_request(request):
        # htmx: the live check while typing replaces only the preview, a button the form.
        preview_only = request.headers.get("hx-target", "").startswith("podglad-")
        return render(
            request,
            FORM_TEMPLATE,
            {"meter": {"id": meter_id, **reading_form_view(meter_id, state)}, "choice": choice},
            status_code=422 if state.errors and not preview_only else 200,
            block="preview" if preview_only else None,
        )
    data = await run_operation(
        request, "ReadingsPage", {"number": choice.number, "first": PAGE_SIZE}
    )
    if data["account"] is None:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    context = await _page_context(request, choice, data, {meter_id: state})
    return form_response(request, PAGE_TEMPLATE, context, state.errors or None)


routes: list[BaseRoute] = [
    Route("/odczyty", readings, methods=["GET"]),
    Route("/odczyty", submit_reading, methods=["POST"]),
]

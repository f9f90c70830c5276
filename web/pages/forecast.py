"""/prognoza: the forecast of the bill for a period the customer picks (the next two
months unless they pick), and the payment simulation from meter values entered now;
/prognoza.pdf: either of them as a PDF document.

Both forms are GET forms: without JavaScript they load the whole page with the
result; with htmx they swap the page's main part (the "listing" block). The
simulation form keeps the period, so the forecast stays beside the simulation.
Query names: `konto`, `od`, `do`, and for the simulation pairs of `wodomierz` (the
meter's id) and `stan` (its value), one pair per meter, in the page's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.clock import Clock
from models.errors import ForecastPeriodInvalid
from models.rules.forecast import check_period
from models.rules.money import format_decimal_pl
from models.rules.reading_window import add_months
from web.conditional import conditional
from web.documents.pdf import pdf_response, render_pdf
from web.forms import FormErrors, date_input_message, parse_date_input
from web.gql import OperationFailed, run_operation
from web.pages._account import choose_account, customer_page
from web.pages._billing import page_context, visible_account
from web.pages.readings import dom_id, parse_register
from web.rendering import render, utility_settings

TEMPLATE = "forecast/page.html"
PDF_TEMPLATE = "documents/forecast.html"
BLOCK = "listing"
DATE_FIELDS = ("od", "do")
DATE_LABELS = ("Od dnia", "Do dnia")
# Where an API refusal of the period belongs on the form.
_PERIOD_FIELD = {"from": "od", "to": "do"}
VALUE_HELP = "Wpisz stan wodomierza w m³, np. 785,5."


def default_period(today: date) -> tuple[date, date]:
    """The next two months: from today to the day before the same day two months on."""
    return today, add_months(today, 2) - timedelta(days=1)


def value_id(meter_id: str) -> str:
    """The id of a meter's field in the simulation form (and its key in FormErrors)."""
    return dom_id("stan", meter_id)


@dataclass
class Choice:
    """What the query string asks for, with the problems found beside each field."""

    start: date
    end: date
    values: dict[str, str]
    readings: list[tuple[str, str]] = field(default_factory=list)
    errors: FormErrors = field(default_factory=FormErrors)

    @property
    def period_ok(self) -> bool:
        return not any(name in self.errors for name in DATE_FIELDS)


def _date(request: Request, name: str, label: str, errors: FormErrors) -> date | None:
    try:
        return parse_date_input(request.query_params.get(name))
    except ValueError as error:
        errors.add(name, date_input_message(error, label))
        return None


def read_choice(request: Request) -> Choice:
    """The period (defaults for empty fields) and the typed meter values, checked."""
    clock: Clock = request.app.state.clock
    today = clock.today()
    errors = FormErrors()
    default_start, default_end = default_period(today)
    start = _date(request, "od", DATE_LABELS[0], errors) or default_start
    end = _date(request, "do", DATE_LABELS[1], errors) or default_end
    if not errors:
        try:
            check_period(start, end, today)
        except ForecastPeriodInvalid as refused:
            errors.add(_PERIOD_FIELD.get(refused.field or "", "od"), refused.message("pl"))
    params = request.query_params
    values = {
        "od": params.get("od") or start.isoformat(),
        "do": params.get("do") or end.isoformat(),
    }
    meters = [m.strip()[:64] for m in params.getlist("wodomierz")]
    typed = [v.strip()[:40] for v in params.getlist("stan")]
    readings = [(m, v) for m, v in zip(meters, typed, strict=False) if m and v]
    return Choice(start, end, values, readings, errors)


def _quantity(quantity: str, unit: str) -> str:
    """Cubic metres to the litre, months as a whole number or to two decimals."""
    value = Decimal(quantity)
    if unit == "M3":
        return format_decimal_pl(value, 3)
    return format_decimal_pl(value.normalize() if value == value.to_integral() else value)


def result_view(found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is None:
        return None
    lines = [
        {**line, "quantity_text": _quantity(line["quantity"], line["unit"])}
        for line in found["lines"]
    ]
    return {**found, "lines": lines}


async def _simulation(
    request: Request, konto: str, choice: Choice, meters: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The simulation of the values typed, or None with the refusals in `choice.errors`;
    a meter that is not one of this account's is a 404, like any id not yours."""
    own = {m["id"] for m in meters}
    given = []
    for meter_id, typed in choice.readings:
        if meter_id not in own:
            raise HTTPException(404, "Nie ma takiego wodomierza na tym koncie.")
        value = parse_register(typed)
        if value is None:
            choice.errors.add(value_id(meter_id), VALUE_HELP)
        else:
            given.append({"meterId": meter_id, "value": str(value)})
    if not given or any(value_id(m) in choice.errors for m, _ in choice.readings):
        return None
    try:
        data = await run_operation(
            request, "ForecastSimulation", {"konto": konto, "readings": given}
        )
    except OperationFailed as failed:
        for error in failed.errors:
            extensions = error.get("extensions") or {}
            place = str(extensions.get("field") or "readings.0.value").split(".")
            index = int(place[1]) if len(place) > 1 and place[1].isdigit() else 0
            meter_id = choice.readings[min(index, len(choice.readings) - 1)][0]
            message = error.get("message") if extensions.get("code") != "BAD_REQUEST" else None
            choice.errors.add(value_id(meter_id), str(message or VALUE_HELP))
        return None
    return result_view(data["account"]["simulate"])


def _meter_view(meter: dict[str, Any], choice: Choice) -> dict[str, Any]:
    typed = dict(choice.readings)
    return {
        **meter,
        "field_id": value_id(meter["id"]),
        "value": typed.get(meter["id"], ""),
        "error": choice.errors.get(value_id(meter["id"])),
    }


async def _gather(request: Request, konto: str, choice: Choice) -> dict[str, Any]:
    variables = {
        "konto": konto,
        "from": choice.start.isoformat(),
        "to": choice.end.isoformat(),
        "withForecast": choice.period_ok,
    }
    data = await run_operation(request, "ForecastPage", variables)
    account = visible_account(data, konto)
    context: dict[str, Any] = {**page_context(request, data), "account": account}
    if account is None:
        return context
    simulation = await _simulation(request, konto, choice, account["meters"])
    context.update(
        forecast=result_view(account.get("forecast")),
        simulation=simulation,
        meters=[_meter_view(m, choice) for m in account["meters"]],
    )
    return context


@conditional
@customer_page
async def forecast_page(request: Request) -> Response:
    konto = (await choose_account(request)).number
    choice = read_choice(request)
    context: dict[str, Any] = {"values": choice.values, "account": None}
    if konto is None:
        return render(request, TEMPLATE, {**context, **page_context(request, None)})
    context.update(await _gather(request, konto, choice))
    context["errors"] = choice.errors or None
    status = 422 if choice.errors else 200
    return render(request, TEMPLATE, context, status_code=status, block=BLOCK)


@customer_page
async def forecast_pdf(request: Request) -> Response:
    """The forecast (or, with meter values, the simulation) as a PDF document; a link
    with a period or values the page would refuse is a 400."""
    konto = (await choose_account(request)).number
    if konto is None:
        raise HTTPException(404, "Do tego loginu nie jest przypisane żadne konto.")
    choice = read_choice(request)
    if choice.errors:
        raise HTTPException(400, "Ten odnośnik do prognozy jest nieprawidłowy.")
    context = await _gather(request, konto, choice)
    if choice.errors or context.get("account") is None:
        raise HTTPException(400, "Ten odnośnik do prognozy jest nieprawidłowy.")
    result = context["simulation"] if choice.readings else context["forecast"]
    if result is None:
        raise HTTPException(400, "Ten odnośnik do prognozy jest nieprawidłowy.")
    document = {
        **context,
        "result": result,
        "simulated": bool(choice.readings),
        "utility": utility_settings(request),
        "today": request.app.state.clock.today(),
    }
    pdf = render_pdf(PDF_TEMPLATE, document)
    name = f"prognoza-{konto}-{result['from']}-{result['to']}.pdf"
    return pdf_response(pdf, "".join(c for c in name if c.isalnum() or c in "-._"))


routes: list[BaseRoute] = [
    Route("/prognoza", forecast_page, methods=["GET"], name="forecast"),
    Route("/prognoza.pdf", forecast_pdf, methods=["GET"], name="forecast_pdf"),
]

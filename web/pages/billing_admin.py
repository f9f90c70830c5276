"""`/obsluga/rozliczenia`: staff run the monthly billing and enter new tariffs.

Plain forms: the billing run answers on the same page with how many invoices it
issued; a new tariff comes back (303) to the list. Bad input is shown beside the field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.rules.reading_window import add_months, month_start
from web.forms import FormErrors, errors_from_user_errors, form_response, parse_date_input
from web.gql import run_operation
from web.pages._account import staff_page

PAGE = "/obsluga/rozliczenia"
TEMPLATE = "staff/billing.html"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
TARIFF_FIELDS = ("waterPrice", "sewagePrice", "subscriptionFee", "vatRate")


async def _context(request: Request, **extra: Any) -> dict[str, Any]:
    data = await run_operation(request, "BillingAdminPage")
    today = request.app.state.clock.today()
    last_month = add_months(month_start(today), -1)
    return {
        "tariffs": data["tariffs"],
        "default_period": f"{last_month:%Y-%m}",
        "added": request.query_params.get("dodano") == "1",
        "values": {},
        **extra,
    }


@staff_page
async def page(request: Request) -> Response:
    return form_response(request, TEMPLATE, await _context(request), None)


def _period(text: str) -> date | None:
    match = _MONTH.fullmatch(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1) if 2000 <= year <= 2199 and 1 <= month <= 12 else None


@staff_page
async def run(request: Request) -> Response:
    form = request.state.form
    typed = str(form.get("period") or "")[:20]
    period = _period(typed)
    values = {"period": typed}
    if period is None:
        errors = FormErrors([("period", "Wpisz miesiąc jako RRRR-MM, np. 2026-11.")])
        return form_response(request, TEMPLATE, await _context(request, values=values), errors)
    payload = (
        await run_operation(request, "RunBilling", {"input": {"period": period.isoformat()}})
    )["runBilling"]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        errors = FormErrors(("period", message) for _, message in refused.items())
        return form_response(request, TEMPLATE, await _context(request, values=values), errors)
    context = await _context(request, values=values, issued=payload["invoicesIssued"], ran=period)
    return form_response(request, TEMPLATE, context, None)


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned or len(cleaned) > 12:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@staff_page
async def add_tariff(request: Request) -> Response:
    form = request.state.form
    values = {k: str(form.get(k) or "")[:20] for k in ("validFrom", *TARIFF_FIELDS)}
    errors = FormErrors()
    try:
        valid_from = parse_date_input(values["validFrom"])
    except ValueError:
        valid_from = None
    if valid_from is None:
        errors.add("validFrom", "Wpisz datę, od której cennik obowiązuje, np. 01.01.2027.")
    numbers = {k: _decimal(values[k]) for k in TARIFF_FIELDS}
    for key, number in numbers.items():
        if number is None:
            errors.add(key, "Wpisz liczbę, np. 5,83.")
    if errors:
        return form_response(request, TEMPLATE, await _context(request, values=values), errors)
    variables = {
        "input": {"validFrom": valid_from.isoformat(), **{k: str(v) for k, v in numbers.items()}}  # type: ignore[union-attr]
    }
    payload = (await run_operation(request, "AddTariff", variables))["addTariff"]
    if payload["errors"]:
        errors = errors_from_user_errors(payload["errors"])
        return form_response(request, TEMPLATE, await _context(request, values=values), errors)
    return RedirectResponse(f"{PAGE}?dodano=1", status_code=303)


routes: list[BaseRoute] = [
    Route(PAGE, page, methods=["GET"]),
    Route(PAGE + "/uruchom", run, methods=["POST"]),
    Route(PAGE + "/cennik", add_tariff, methods=["POST"]),
]

"""`/dane/rozliczenia`: the customer's billing cycle and a request to change it;
`/obsluga/wnioski`: staff decide such requests (approve, or reject with a note); the
list itself is web/pages/staff_requests.py's.

Both are plain forms that post and come back (303 on success, the page with the
message on a refusal), so they work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import (
    account_url,
    choose_account,
    customer_form,
    customer_page,
    no_accounts,
    staff_page,
)
from web.pages.staff_requests import decide_from_form

CUSTOMER_PAGE = "/dane/rozliczenia"
STAFF_PAGE = "/obsluga/wnioski"
CYCLES = ("MONTHLY", "BIMONTHLY")


async def _customer_context(request: Request) -> dict[str, Any] | Response:
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Okres rozliczeniowy")
    data = await run_operation(request, "BillingCyclePage", {"number": choice.number})
    if data["account"] is None:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    account = data["account"]
    requests = account["billingCycleChangeRequests"]
    return {
        "choice": choice,
        "account": account,
        "requests": requests,
        "pending": any(r["status"] == "PENDING" for r in requests),
        "wanted": "BIMONTHLY" if account["billingCycle"] == "MONTHLY" else "MONTHLY",
        "action": account_url(CUSTOMER_PAGE, choice),
        "sent": request.query_params.get("wyslano") == "1",
    }


@customer_page
async def cycle_page(request: Request) -> Response:
    context = await _customer_context(request)
    if isinstance(context, Response):
        return context
    return form_response(request, "billing_cycle/page.html", context, None)


@customer_form
async def request_change(request: Request) -> Response:
    form = request.state.form
    context = await _customer_context(request)
    if isinstance(context, Response):
        return context
    cycle = str(form.get("cycle") or "")
    errors = FormErrors()
    if cycle not in CYCLES:
        errors.add("cycle", "Wybierz, jak chcesz być rozliczany.")
        return form_response(request, "billing_cycle/page.html", context, errors)
    variables = {"input": {"accountId": context["account"]["id"], "cycle": cycle}}
    payload = (await run_operation(request, "RequestBillingCycleChange", variables))[
        "requestBillingCycleChange"
    ]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        general = FormErrors((None, message) for _, message in refused.items())
        return form_response(request, "billing_cycle/page.html", context, general)
    sep = "&" if "?" in context["action"] else "?"
    return RedirectResponse(context["action"] + sep + "wyslano=1", status_code=303)


# --- staff -------------------------------------------------------------------------------


@staff_page
async def staff_decide(request: Request) -> Response:
    return await decide_from_form(request, "DecideBillingCycleChange", done="")


routes: list[BaseRoute] = [
    Route(CUSTOMER_PAGE, cycle_page, methods=["GET"]),
    Route(CUSTOMER_PAGE, request_change, methods=["POST"]),
    Route(STAFF_PAGE, staff_decide, methods=["POST"]),
]

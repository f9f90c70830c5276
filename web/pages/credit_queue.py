"""`/obsluga/wyciagi/do-przypisania`: bank credits no account was found for. Each has
its own small form: staff type the customer number and the credit is booked to that
account (the API allocates it); a refusal comes back beside that credit's field."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import staff_page
from web.rendering import url_with

QUEUE_URL = "/obsluga/wyciagi/do-przypisania"
QUEUE_PAGE_SIZE = 20
TEMPLATE = "staff/credit_queue.html"


async def _queue_page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    after = request.query_params.get("po", "").strip()[:64] or None
    data = await run_operation(
        request, "StaffCreditQueue", {"first": QUEUE_PAGE_SIZE, "after": after}
    )
    queue = data["unmatchedCredits"]
    next_url = None
    if queue["pageInfo"]["hasNextPage"]:
        next_url = url_with(QUEUE_URL, po=queue["pageInfo"]["endCursor"])
    values = values or {}
    shown = [e["node"]["id"] for e in queue["edges"]]
    if errors and values.get("paymentId") not in shown:
        # The credit left the queue meanwhile (someone assigned it): no field to show it by.
        errors = FormErrors((None, message) for _field, message in errors.items())
    context = {
        "queue": queue,
        "next_url": next_url,
        "first_url": QUEUE_URL if after else None,
        "values": values,
        "failed_id": values.get("paymentId"),
        "assigned": request.query_params.get("przypisano", "")[:16],
    }
    return form_response(request, TEMPLATE, context, errors)


@staff_page
async def credit_queue(request: Request) -> Response:
    return await _queue_page(request)


@staff_page
async def assign_credit(request: Request) -> Response:
    form = request.state.form
    values = {
        "paymentId": str(form.get("paymentId") or "").strip()[:64],
        "accountNumber": str(form.get("accountNumber") or "").strip()[:16],
    }
    if not values["accountNumber"]:
        errors = FormErrors({"accountNumber": "Wpisz numer klienta, np. 100001."})
        return await _queue_page(request, values, errors)
    data = await run_operation(request, "AssignCreditPage", {"input": values})
    payload = data["assignCredit"]
    if payload["errors"]:
        # Whatever is wrong with this credit's assignment is shown by its one field.
        errors = FormErrors(
            ("accountNumber", message)
            for _field, message in errors_from_user_errors(payload["errors"]).items()
        )
        return await _queue_page(request, values, errors)
    done = url_with(QUEUE_URL, przypisano=values["accountNumber"])
    return RedirectResponse(done, status_code=303)


routes: list[BaseRoute] = [
    Route(QUEUE_URL, credit_queue, methods=["GET"], name="staff_credit_queue"),
    Route(QUEUE_URL, assign_credit, methods=["POST"], name="staff_assign_credit"),
]

"""`/dane/zmiana`: the account's data as we hold it, and a request to correct it;
`/obsluga/wnioski/dane`: staff decide such requests (the list is on `/obsluga/wnioski`).

The form shows every field filled with today's value; only the fields the customer
changed go into the request. Plain forms that post and come back (303 on success,
the page with the messages beside the fields on a refusal): no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.rules.data_change import BY_NAME, FIELDS
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
from web.pages.staff_requests import data_requests_view, decide_from_form

CUSTOMER_PAGE = "/dane/zmiana"
STAFF_DECISIONS = "/obsluga/wnioski/dane"
TEMPLATE = "data_changes/page.html"
# Longer than any field may be: the API refuses the value with its own message.
MAX_TYPED = 300


def current_values(account: dict[str, Any]) -> dict[str, str]:
    """Today's value of each changeable field, by its API name, as the form shows it."""
    address = account["correspondenceAddress"]
    found = {
        "holderName": account["holderName"],
        "taxId": account["taxId"],
        "email": account["email"],
        "phone": account["phone"],
        **{name: address[name] for name in ("street", "buildingNumber", "apartmentNumber")},
        "postalCode": address["postalCode"],
        "city": address["city"],
    }
    return {name: found[name] or "" for name in BY_NAME}


async def _context(request: Request) -> dict[str, Any] | Response:
    choice = await choose_account(request)
    if choice.number is None:
        return no_accounts(request, choice, "Moje dane")
    data = await run_operation(request, "DataChangePage", {"number": choice.number})
    account = data["account"]
    if account is None:
        raise HTTPException(404, "Nie masz w eBOK konta o tym numerze.")
    requests = data_requests_view(account["dataChangeRequests"])
    current = current_values(account)
    return {
        "choice": choice,
        "account": account,
        "fields": FIELDS,
        "current": current,
        "values": current,
        "requests": requests,
        "pending": any(r["status"] == "PENDING" for r in requests),
        "action": account_url(CUSTOMER_PAGE, choice),
        "sent": request.query_params.get("wyslano") == "1",
    }


@customer_page
async def data_page(request: Request) -> Response:
    context = await _context(request)
    if isinstance(context, Response):
        return context
    return form_response(request, TEMPLATE, context, None)


@customer_form
async def request_change(request: Request) -> Response:
    form = request.state.form
    context = await _context(request)
    if isinstance(context, Response):
        return context
    typed = {f.name: str(form.get(f.name) or "")[:MAX_TYPED] for f in FIELDS}
    context["values"] = typed
    current = context["current"]
    # Only what the customer changed: the API also drops values equal to today's.
    changes = [
        {"field": name, "newValue": value}
        for name, value in typed.items()
        if " ".join(value.split()) != " ".join(current[name].split())
    ]
    if not changes:
        errors = FormErrors([(None, "Nic nie zmieniono: wpisz nową wartość w polu do poprawy.")])
        return form_response(request, TEMPLATE, context, errors)
    variables = {"input": {"accountId": context["account"]["id"], "changes": changes}}
    payload = (await run_operation(request, "RequestDataChange", variables))["requestDataChange"]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        errors = FormErrors(
            (field if field in BY_NAME else None, message) for field, message in refused.items()
        )
        return form_response(request, TEMPLATE, context, errors)
    sep = "&" if "?" in context["action"] else "?"
    return RedirectResponse(context["action"] + sep + "wyslano=1", status_code=303)


# --- staff -------------------------------------------------------------------------------


@staff_page
async def staff_decide(request: Request) -> Response:
    return await decide_from_form(request, "DecideDataChangeRequest", done="dane-")


routes: list[BaseRoute] = [
    Route(CUSTOMER_PAGE, data_page, methods=["GET"]),
    Route(CUSTOMER_PAGE, request_change, methods=["POST"]),
    Route(STAFF_DECISIONS, staff_decide, methods=["POST"]),
]

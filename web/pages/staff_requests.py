"""`/obsluga/wnioski`: every customer request waiting for staff, data changes and
billing-cycle changes; each kind's decision form posts to its own module's route."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.rules.data_change import BY_NAME
from web.forms import FormErrors, errors_from_user_errors, form_response
from web.gql import run_operation
from web.pages._account import staff_page

STAFF_LIST = "/obsluga/wnioski"
TEMPLATE = "billing_cycle/staff.html"
STATUS_PL = {"PENDING": "czeka na decyzję", "APPROVED": "zatwierdzony", "REJECTED": "odrzucony"}


def data_requests_view(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Data-change requests with Polish status and field names, for the pages."""
    return [
        {
            **r,
            "status_pl": STATUS_PL.get(r.get("status", ""), r.get("status", "")),
            "changes": [
                {**c, "label": BY_NAME[c["field"]].label if c["field"] in BY_NAME else c["field"]}
                for c in r["changes"]
            ],
        }
        for r in requests
    ]


async def staff_context(request: Request) -> dict[str, Any]:
    cycles = await run_operation(request, "PendingBillingCycleChanges")
    data = await run_operation(request, "PendingDataChangeRequests")
    return {
        "requests": cycles["pendingBillingCycleChanges"],
        "data_requests": data_requests_view(data["pendingDataChangeRequests"]),
        "done": request.query_params.get("zrobione"),
    }


async def decide_from_form(request: Request, operation: str, done: str) -> Response:
    """Run a Decide* mutation from a request's decision form (approve, or reject with a
    note); its refusal comes back on the list, a decision returns to it (303)."""
    form = request.state.form
    decision = str(form.get("decyzja") or "")
    if decision not in ("zatwierdz", "odrzuc"):
        errors = FormErrors([(None, "Wybierz: zatwierdź albo odrzuć.")])
        return form_response(request, TEMPLATE, await staff_context(request), errors)
    variables = {
        "input": {
            "id": str(form.get("requestId") or "")[:64],
            "approve": decision == "zatwierdz",
            "note": str(form.get("note") or "").strip()[:2000] or None,
        }
    }
    data = await run_operation(request, operation, variables)
    payload = data[operation[0].lower() + operation[1:]]
    if payload["errors"]:
        refused = errors_from_user_errors(payload["errors"])
        general = FormErrors((None, message) for _, message in refused.items())
        return form_response(request, TEMPLATE, await staff_context(request), general)
    return RedirectResponse(f"{STAFF_LIST}?zrobione={done}{decision}", status_code=303)


@staff_page
async def staff_requests(request: Request) -> Response:
    return form_response(request, TEMPLATE, await staff_context(request), None)


routes: list[BaseRoute] = [Route(STAFF_LIST, staff_requests, methods=["GET"])]

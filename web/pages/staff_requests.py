"""`/obsluga/wnioski`: every customer request waiting for staff, data changes and
billing-cycle changes; each kind's decision form posts to its own module's route."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from models.rules.data_change import BY_NAME
from web.forms import form_response
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


@staff_page
async def staff_requests(request: Request) -> Response:
    return form_response(request, TEMPLATE, await staff_context(request), None)


routes: list[BaseRoute] = [Route(STAFF_LIST, staff_requests, methods=["GET"])]

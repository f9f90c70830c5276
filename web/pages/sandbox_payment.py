"""/platnosci/sandbox/{session}: the demo payment operator's page (EBOK_PAYMENT_PROVIDER
sandbox, the default).

It plays what Przelewy24's payment page does: it shows the merchant and the amount,
and "Zapłać" sends the operator's signed notification to the notification endpoint
(over HTTP, in process: the same endpoint and checks as Przelewy24's) and then sends
the customer back to the order's return page; "Anuluj" cancels the order. The session
id in the address is the order's unguessable reference, as Przelewy24's token is.
"""

from __future__ import annotations

import httpx
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from models.services import online_payments
from models.services.payment_providers import SandboxProvider, provider_from_settings
from web.pages._account import customer_form, customer_page
from web.rendering import render

TEMPLATE = "payments/sandbox.html"


async def _order(request: Request) -> online_payments.SandboxOrder:
    settings = request.app.state.settings
    if settings.payment_provider != "sandbox":
        raise HTTPException(404)
    session = str(request.path_params["session"])[:64]
    order = await online_payments.sandbox_order(session)
    if order is None:
        raise HTTPException(404)
    return order


@customer_page
async def sandbox_page(request: Request) -> Response:
    return render(request, TEMPLATE, {"order": await _order(request), "failed": False})


async def _notify(request: Request, order: online_payments.SandboxOrder) -> bool:
    """POST the signed notification to this app's own notification endpoint."""
    provider = provider_from_settings(request.app.state.settings)
    assert isinstance(provider, SandboxProvider)
    body = online_payments.sandbox_notification(order, provider)
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.internal") as client:
        response = await client.post(online_payments.NOTIFICATION_PATH, json=body)
    return response.status_code == 200


@customer_form
async def sandbox_decide(request: Request) -> Response:
    order = await _order(request)
    action = request.state.form.get("akcja")
    if action == "zaplac" and order.status != "COMPLETED":
        if not await _notify(request, order):
            context = {"order": order, "failed": True}
            return render(request, TEMPLATE, context, status_code=502)
    elif action == "anuluj":
        await online_payments.cancel(order.session_id, clock=request.app.state.clock)
    return RedirectResponse(order.return_url, status_code=303)


routes: list[BaseRoute] = [
    Route("/platnosci/sandbox/{session}", sandbox_page, methods=["GET"]),
    Route("/platnosci/sandbox/{session}", sandbox_decide, methods=["POST"]),
]

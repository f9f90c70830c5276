"""`POST /platnosci/powiadomienie`: the payment operator's notification that an order
is paid (Przelewy24's `urlStatus`; the sandbox operator posts here too).

Not a page: the operator's server posts it, with no session and no CSRF token, so it
is trusted only for its signature (models/services/online_payments.py checks it, and
the amount, and asks the operator, before anything is booked). 200 when the payment
is booked (now or before); 400, saying nothing more, when it is refused.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse

from models.services import online_payments
from models.services.payment_providers import provider_from_settings

log = logging.getLogger("ebok.payments")

MAX_BODY = 16 * 1024


async def _body(request: Request) -> dict[str, Any] | None:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            return None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


async def payment_notification(request: Request) -> JSONResponse:
    body = await _body(request)
    if body is None:
        return JSONResponse({"status": "refused"}, status_code=400)
    settings = request.app.state.settings
    try:
        booked = await online_payments.receive_notification(
            body, provider=provider_from_settings(settings), clock=request.app.state.clock
        )
    except online_payments.NotificationRefused:
        return JSONResponse({"status": "refused"}, status_code=400)
    log.info(
        "payment %s: notification %s", booked.payment_id, "booked" if booked.newly else "repeated"
    )
    return JSONResponse({"status": "ok"})

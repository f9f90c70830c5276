"""A local HTTP server that speaks Przelewy24's REST API v1, as far as eBOK uses it.

It checks what the real one checks (basic auth posId:apiKey, each request's `sign`,
computed here independently with hashlib over the documented JSON) and records every
request. `register` answers a token; `verify` answers success when the transaction
is one it registered with that amount, unless told to refuse.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.servers import free_port


def sha384_of(text: str) -> str:
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


@dataclass
class FakePrzelewy24:
    merchant_id: int
    pos_id: int
    api_key: str
    crc: str
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    registered: dict[str, int] = field(default_factory=dict)  # sessionId -> amount
    refuse_verify: bool = False
    url: str = ""

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.pos_id}:{self.api_key}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    async def register(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(("register", body))
        if not self._authorised(request):
            return JSONResponse({"error": "Incorrect authentication", "code": 401}, 401)
        signed = (
            f'{{"sessionId":{json.dumps(body["sessionId"])},"merchantId":{self.merchant_id},'
            f'"amount":{body["amount"]},"currency":"PLN","crc":{json.dumps(self.crc)}}}'
        )
        if body.get("sign") != sha384_of(signed) or body.get("merchantId") != self.merchant_id:
            return JSONResponse({"error": "Incorrect sign", "code": 400}, 400)
        self.registered[body["sessionId"]] = body["amount"]
        token = "T" + hashlib.sha1(body["sessionId"].encode()).hexdigest()[:34].upper()
        return JSONResponse({"data": {"token": token}, "responseCode": 0})

    async def verify(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(("verify", body))
        if not self._authorised(request):
            return JSONResponse({"error": "Incorrect authentication", "code": 401}, 401)
        signed = (
            f'{{"sessionId":{json.dumps(body["sessionId"])},"orderId":{body["orderId"]},'
            f'"amount":{body["amount"]},"currency":"PLN","crc":{json.dumps(self.crc)}}}'
        )
        known = self.registered.get(body["sessionId"]) == body["amount"]
        if self.refuse_verify or body.get("sign") != sha384_of(signed) or not known:
            return JSONResponse({"error": "Transaction not found", "code": 400}, 400)
        return JSONResponse({"data": {"status": "success"}, "responseCode": 0})

    def notification(
        self, session_id: str, amount: int, order_id: int = 317000123, crc: str | None = None
    ) -> dict[str, Any]:
        """What Przelewy24 posts to urlStatus, signed (with `crc`, default its own)."""
        statement = f"p24-A{order_id}"
        signed = (
            f'{{"merchantId":{self.merchant_id},"posId":{self.pos_id},'
            f'"sessionId":{json.dumps(session_id)},"amount":{amount},"originAmount":{amount},'
            f'"currency":"PLN","orderId":{order_id},"methodId":154,'
            f'"statement":{json.dumps(statement)},"crc":{json.dumps(crc or self.crc)}}}'
        )
        return {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": session_id,
            "amount": amount,
            "originAmount": amount,
            "currency": "PLN",
            "orderId": order_id,
            "methodId": 154,
            "statement": statement,
            "sign": sha384_of(signed),
        }


@contextmanager
def running_p24(fake: FakePrzelewy24) -> Iterator[FakePrzelewy24]:
    """The fake on a free local port in a thread; `fake.url` is its base URL."""
    app = Starlette(
        routes=[
            Route("/api/v1/transaction/register", fake.register, methods=["POST"]),
            Route("/api/v1/transaction/verify", fake.verify, methods=["PUT"]),
        ]
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake Przelewy24 server did not start")
        time.sleep(0.02)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)

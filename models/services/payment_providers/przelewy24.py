"""Przelewy24's REST API v1: register a transaction, send the customer to its page,
verify the transaction once its notification has arrived.

Basic auth is posId:apiKey; every request carries a `sign` (models/rules/przelewy24.py).
"""

from __future__ import annotations

import logging

import httpx

from models.rules.przelewy24 import CURRENCY, Notification, register_sign, verify_sign
from models.services.payment_providers import OrderRequest, ProviderError
from models.settings import Przelewy24Settings

log = logging.getLogger("ebok.payments")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class Przelewy24:
    name = "przelewy24"

    def __init__(
        self, settings: Przelewy24Settings, transport: httpx.AsyncBaseTransport | None = None
    ):
        self._settings = settings
        self.merchant_id = settings.merchant_id
        self.pos_id = settings.pos_id
        self._transport = transport

    @property
    def crc(self) -> str:
        return self._settings.crc

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self._settings.url,
            auth=(str(self._settings.pos_id), self._settings.api_key),
            timeout=TIMEOUT,
            transport=self._transport,
        )

    async def _call(self, method: str, path: str, body: dict[str, object]) -> dict[str, object]:
        try:
            async with self._client() as client:
                response = await client.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise ProviderError(f"{path}: {type(error).__name__}") from error
        if response.status_code != 200:
            raise ProviderError(f"{path}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as error:
            raise ProviderError(f"{path}: not JSON") from error
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            raise ProviderError(f"{path}: no data in the answer")
        return data

    async def register(self, order: OrderRequest) -> str:
        body: dict[str, object] = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": order.session_id,
            "amount": order.amount,
            "currency": CURRENCY,
            "description": order.description,
            "email": order.email,
            "country": "PL",
            "language": "pl",
            "urlReturn": order.url_return,
            "urlStatus": order.url_status,
            "sign": register_sign(order.session_id, self.merchant_id, order.amount, self.crc),
        }
        data = await self._call("POST", "/api/v1/transaction/register", body)
        token = data.get("token")
        if not isinstance(token, str) or not token.replace("-", "").isalnum():
            raise ProviderError("register: no token")
        return f"{self._settings.url}/trnRequest/{token}"

    async def verify(self, notification: Notification) -> None:
        body: dict[str, object] = {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": notification.session_id,
            "amount": notification.amount,
            "currency": notification.currency,
            "orderId": notification.order_id,
            "sign": verify_sign(
                notification.session_id, notification.order_id, notification.amount, self.crc
            ),
        }
        data = await self._call("PUT", "/api/v1/transaction/verify", body)
        if data.get("status") != "success":
            raise ProviderError("verify: status is not success")

"""Payment operators that take a customer's online payment: one interface, two kinds.

`przelewy24` speaks Przelewy24's REST API v1; `sandbox` (the demo default) is a page of
this app that plays the operator. Both sign their notifications the same way
(models/rules/przelewy24.py) and both are received by the same endpoint and code
(models/services/online_payments.py), so the demo exercises the real path.
`EBOK_PAYMENT_PROVIDER` picks one (`provider_from_settings`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from models.rules.przelewy24 import Notification
from models.settings import Settings


@dataclass(frozen=True)
class OrderRequest:
    """What the operator is told about an order when it is registered."""

    session_id: str
    amount: int  # grosze
    description: str
    email: str
    url_return: str
    url_status: str


class ProviderError(Exception):
    """The operator refused or could not be reached (the text is for the logs)."""


class PaymentProvider(Protocol):
    name: str
    merchant_id: int
    pos_id: int

    @property
    def crc(self) -> str: ...

    async def register(self, order: OrderRequest) -> str:
        """Register the order; the address to send the customer to."""
        ...

    async def verify(self, notification: Notification) -> None:
        """Confirm a notification with the operator; ProviderError when it does not."""
        ...


class SandboxProvider:
    """The demo operator: its payment page is /platnosci/sandbox/{session}, and its
    CRC key is derived from the app's secret key, so nobody outside can sign for it."""

    name = "sandbox"
    merchant_id = 100001
    pos_id = 100001

    def __init__(self, secret_key: str) -> None:
        self._crc = hmac.new(
            secret_key.encode(), b"sandbox-payment-crc", hashlib.sha256
        ).hexdigest()

    @property
    def crc(self) -> str:
        return self._crc

    async def register(self, order: OrderRequest) -> str:
        return f"/platnosci/sandbox/{order.session_id}"

    async def verify(self, notification: Notification) -> None:
        """The sandbox is this app: a notification it signed is its own confirmation."""
        if not notification.signed_with(self._crc):
            raise ProviderError("sandbox notification not signed by the sandbox")


def provider_from_settings(settings: Settings) -> PaymentProvider:
    if settings.payment_provider == "przelewy24":
        from models.services.payment_providers.przelewy24 import Przelewy24

        assert settings.p24 is not None  # load_settings requires it
        return Przelewy24(settings.p24)
    return SandboxProvider(settings.secret_key)

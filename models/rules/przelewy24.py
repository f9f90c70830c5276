"""Przelewy24's REST API v1 signatures: SHA-384 over a JSON of named fields and the CRC key.

Przelewy24 documents each `sign` as the SHA-384 (hex) of a JSON object whose keys come
in a fixed order, encoded as PHP's `json_encode($data, JSON_UNESCAPED_UNICODE |
JSON_UNESCAPED_SLASHES)` encodes it: no spaces, Unicode and slashes unescaped, numbers
as integers. Amounts are integer grosze. Pure functions, no I/O: the provider code and
the tests both build on them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CURRENCY = "PLN"

# The keys each signature is taken over, in Przelewy24's order (the CRC key goes last).
REGISTER_FIELDS = ("sessionId", "merchantId", "amount", "currency")
NOTIFICATION_FIELDS = (
    "merchantId",
    "posId",
    "sessionId",
    "amount",
    "originAmount",
    "currency",
    "orderId",
    "methodId",
    "statement",
)
VERIFY_FIELDS = ("sessionId", "orderId", "amount", "currency")
_INTEGER_FIELDS = frozenset(
    {"merchantId", "posId", "amount", "originAmount", "orderId", "methodId"}
)


def signed_json(values: Mapping[str, Any], keys: tuple[str, ...], crc: str) -> str:
    """The exact text that is hashed: the keys in order, then "crc"."""
    ordered = {key: values[key] for key in keys}
    ordered["crc"] = crc
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def sign(values: Mapping[str, Any], keys: tuple[str, ...], crc: str) -> str:
    return hashlib.sha384(signed_json(values, keys, crc).encode("utf-8")).hexdigest()


def register_sign(session_id: str, merchant_id: int, amount: int, crc: str) -> str:
    values = {
        "sessionId": session_id,
        "merchantId": merchant_id,
        "amount": amount,
        "currency": CURRENCY,
    }
    return sign(values, REGISTER_FIELDS, crc)


def verify_sign(session_id: str, order_id: int, amount: int, crc: str) -> str:
    values = {"sessionId": session_id, "orderId": order_id, "amount": amount, "currency": CURRENCY}
    return sign(values, VERIFY_FIELDS, crc)


@dataclass(frozen=True)
class Notification:
    """What Przelewy24 POSTs to `urlStatus` once a transaction is paid."""

    merchant_id: int
    pos_id: int
    session_id: str
    amount: int
    origin_amount: int
    currency: str
    order_id: int
    method_id: int
    statement: str
    sign: str

    def values(self) -> dict[str, Any]:
        return {
            "merchantId": self.merchant_id,
            "posId": self.pos_id,
            "sessionId": self.session_id,
            "amount": self.amount,
            "originAmount": self.origin_amount,
            "currency": self.currency,
            "orderId": self.order_id,
            "methodId": self.method_id,
            "statement": self.statement,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.values(), "sign": self.sign}

    def expected_sign(self, crc: str) -> str:
        return sign(self.values(), NOTIFICATION_FIELDS, crc)

    def signed_with(self, crc: str) -> bool:
        """True when `sign` is this notification's signature under `crc` (constant time)."""
        return hmac.compare_digest(self.expected_sign(crc), self.sign.lower())


class MalformedNotification(ValueError):
    """A notification body that lacks a field or carries one of the wrong type."""


def parse_notification(body: Mapping[str, Any]) -> Notification:
    """A notification from its JSON (or form) fields; integers may come as digit strings."""

    def integer(key: str) -> int:
        value = body.get(key)
        if isinstance(value, bool):
            raise MalformedNotification(key)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
        raise MalformedNotification(key)

    def text(key: str, limit: int) -> str:
        value = body.get(key)
        if not isinstance(value, str) or len(value) > limit:
            raise MalformedNotification(key)
        return value

    return Notification(
        merchant_id=integer("merchantId"),
        pos_id=integer("posId"),
        session_id=text("sessionId", 100),
        amount=integer("amount"),
        origin_amount=integer("originAmount"),
        currency=text("currency", 3),
        order_id=integer("orderId"),
        method_id=integer("methodId"),
        statement=text("statement", 200),
        sign=text("sign", 100),
    )


def notification(
    *,
    merchant_id: int,
    pos_id: int,
    session_id: str,
    amount: int,
    order_id: int,
    method_id: int,
    statement: str,
    crc: str,
    currency: str = CURRENCY,
) -> Notification:
    """A correctly signed notification (what the sandbox provider sends, and tests)."""
    unsigned = Notification(
        merchant_id,
        pos_id,
        session_id,
        amount,
        amount,
        currency,
        order_id,
        method_id,
        statement,
        "",
    )
    return Notification(**{**unsigned.__dict__, "sign": unsigned.expected_sign(crc)})

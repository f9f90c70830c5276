"""Security events as structured log lines: who, what, from where, never a secret.

One JSON object per line on the `ebok.security` logger, e.g.
`{"event": "sign_in_failed", "login": "jan.kowalski", "ip": "10.0.0.7", ...}`, so a
log shipper or `grep` finds sign-ins, failures, lockouts, refused authorization and
token use without parsing prose. Callers pass identifiers (a login, a token id, an
address), never a password, a token's secret or a reset link.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

log = logging.getLogger("ebok.security")

# Field names that must never carry a value into the log, whatever a caller passes.
_SECRET_FIELDS = frozenset({"password", "token", "refresh_token", "otp", "secret", "reset_link"})


def security_event(event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one security event; None values are left out, secrets refused."""
    leaked = _SECRET_FIELDS.intersection(fields)
    if leaked:
        raise ValueError(f"security_event({event!r}) was given secret fields: {sorted(leaked)}")
    record = {"event": event, **{k: v for k, v in fields.items() if v is not None}}
    log.log(level, "%s", orjson.dumps(record, default=str).decode())

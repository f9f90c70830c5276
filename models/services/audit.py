"""The audit trail: who did what to which object, when and from where.

Written in the transaction of the change it records, so an entry exists exactly
when the change does. Details hold identifiers and decisions, never a secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.orm import AuditEntry, User

_SECRET_KEYS = frozenset({"password", "token", "secret", "otp", "code", "recovery_codes"})


async def record(
    action: str,
    *,
    at: datetime,
    actor: User | None,
    object_type: str,
    object_id: str | int | None = None,
    client_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action (e.g. "REGISTRATION_APPROVED") on one object."""
    leaked = _SECRET_KEYS.intersection(details or {})
    if leaked:
        raise ValueError(f"audit details must not hold secrets: {sorted(leaked)}")
    return await AuditEntry.create(
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details or None,
        client_address=client_address,
    )

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


async def recent_actions(action: str, client_address: str, *, since: datetime) -> list[datetime]:
    """When this address did `action` since then (for per-address limits)."""
    return await AuditEntry.filter(
        action=action, client_address=client_address, at__gt=since
    ).values_list("at", flat=True)  # type: ignore[return-value]


async def entries(
    *, offset: int, limit: int, action: str | None = None, actor: str | None = None
) -> tuple[list[AuditEntry], int]:
    """One page of the trail, newest first, with the total matching the filters."""
    query = AuditEntry.all()
    if action:
        query = query.filter(action=action.strip().upper())
    if actor:
        query = query.filter(actor__login=actor.strip().lower())
    total = await query.count()
    rows = await query.order_by("-id").offset(offset).limit(limit).prefetch_related("actor")
    return list(rows), total


async def actions() -> list[str]:
    """Every action name the trail holds (the filter's choices)."""
    names = await AuditEntry.all().distinct().values_list("action", flat=True)
    return sorted({str(n) for n in names})

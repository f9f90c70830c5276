"""Who a bearer token belongs to: the one lookup every partner-app request makes.

Fixed SQL instead of the ORM's query building, which cost a bearer request more than
its whole GraphQL operation; the user still comes back as the ORM's `User` (the
context's viewer), built from the row the way the ORM builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from models.orm import User
from models.reads.sql import as_optional_datetime, fetch


@dataclass(frozen=True, slots=True)
class LiveToken:
    """A token neither revoked nor rotated away (its expiry is for the caller to check)."""

    id: int
    user_id: int
    scopes: str
    expires_at: datetime | None
    last_used_at: datetime | None


@cache
def _user_columns() -> tuple[str, ...]:
    return tuple(User._meta.fields_db_projection.values())


@cache
def _sql() -> str:
    users = ", ".join(f"u.{c} AS u_{c}" for c in _user_columns())
    return f"""SELECT t.id AS t_id, t.scopes AS t_scopes, t.expires_at AS t_expires_at,
        t.last_used_at AS t_last_used_at, {users}
        FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.rotated_at IS NULL"""


async def live_token(token_hash: str) -> tuple[LiveToken, User] | None:
    """The live token with this hash and its user, if there is one."""
    rows = await fetch(_sql(), [token_hash])
    if not rows:
        return None
    row = rows[0]
    user = User._init_from_db(**{c: row[f"u_{c}"] for c in _user_columns()})
    token = LiveToken(
        id=row["t_id"],
        user_id=user.id,
        scopes=row["t_scopes"],
        expires_at=as_optional_datetime(row["t_expires_at"]),
        last_used_at=as_optional_datetime(row["t_last_used_at"]),
    )
    return token, user

"""Who is asking: the bearer token or browser session every request is looked up by.

Fixed SQL instead of the ORM's query building, which cost a bearer request more than
its whole GraphQL operation; the user (the context's viewer) and the session still
come back as the ORM's objects, built from the row the way the ORM builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from tortoise.models import Model

from models.orm import Session, User
from models.reads.sql import as_optional_datetime, fetch
from models.reads.versions import version_columns, version_in


@dataclass(frozen=True, slots=True)
class LiveToken:
    """A token neither revoked nor rotated away (its expiry is for the caller to check)."""

    id: int
    user_id: int
    scopes: str
    expires_at: datetime | None
    last_used_at: datetime | None


@cache
def _columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(model._meta.fields_db_projection.values())


def _select(model: type[Model], alias: str) -> str:
    return ", ".join(f"{alias}.{c} AS {alias}_{c}" for c in _columns(model))


def _built(model: type[Model], row: Any, alias: str) -> Any:
    return model._init_from_db(**{c: row[f"{alias}_{c}"] for c in _columns(model)})


@cache
def _token_sql() -> str:
    return f"""SELECT t.id AS t_id, t.scopes AS t_scopes, t.expires_at AS t_expires_at,
        t.last_used_at AS t_last_used_at, {_select(User, "u")}
        FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.rotated_at IS NULL"""


@cache
def _session_sql(with_version: bool) -> str:
    version = f", {version_columns('s.user_id')}" if with_version else ""
    return f"""SELECT {_select(Session, "s")}, {_select(User, "u")}{version}
        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key_hash = ?"""


async def live_token(token_hash: str) -> tuple[LiveToken, User] | None:
    """The live token with this hash and its user, if there is one."""
    rows = await fetch(_token_sql(), [token_hash])
    if not rows:
        return None
    row = rows[0]
    user: User = _built(User, row, "u")
    token = LiveToken(
        id=row["t_id"],
        user_id=user.id,
        scopes=row["t_scopes"],
        expires_at=as_optional_datetime(row["t_expires_at"]),
        last_used_at=as_optional_datetime(row["t_last_used_at"]),
    )
    return token, user


async def session_with_user(
    key_hash: str, *, with_version: bool = False
) -> tuple[Session, str | None] | None:
    """The session with this key hash, its `user` loaded, whether still alive or not;
    and when asked, the user's data version (models/reads/versions.py) read with it."""
    rows = await fetch(_session_sql(with_version), [key_hash])
    if not rows:
        return None
    session: Session = _built(Session, rows[0], "s")
    session.user = _built(User, rows[0], "u")
    return session, version_in(rows[0]) if with_version else None

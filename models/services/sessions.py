"""Browser sessions: a random id in the cookie, only its hash in the database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from models.clock import Clock
from models.orm import Session, User
from models.reads.identity import session_with_user
from models.services.secrets import new_secret, secret_hash

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every page would turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    session: Session
    user: User
    # What the user can see, as of this lookup (models/reads/versions.py), when asked.
    data_version: str | None = None


async def start_session(
    user: User, clock: Clock, *, client_address: str | None, user_agent: str | None
) -> str:
    """A new session for a fresh sign-in; returns the raw id for the cookie."""
    key = new_secret()
    now = clock.now()
    await Session.create(
        key_hash=secret_hash(key),
        user=user,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + IDLE_TIMEOUT,
        client_address=client_address,
        user_agent=(user_agent or "")[:255] or None,
    )
    return key


async def resume_session(key: str, clock: Clock, *, with_version: bool = False) -> SignedIn | None:
    """The session behind a cookie, if it is still alive; slides its idle expiry.
    `with_version`: read the user's data version in the same statement."""
    found = await session_with_user(secret_hash(key), with_version=with_version)
    if found is None:
        return None
    session, version = found
    now = clock.now()
    too_old = now - session.created_at > ABSOLUTE_TIMEOUT
    if session.expires_at <= now or too_old or not session.user.is_active:
        await session.delete()
        return None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        session.expires_at = min(now + IDLE_TIMEOUT, session.created_at + ABSOLUTE_TIMEOUT)
        await session.save(update_fields=["last_seen_at", "expires_at"])
    return SignedIn(session=session, user=session.user, data_version=version)


async def end_session(key: str) -> None:
    await Session.filter(key_hash=secret_hash(key)).delete()

"""Bearer tokens for partner apps: short-lived access tokens with rotating refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import Scope, TokenKind
from models.orm import ApiToken, User
from models.services.secrets import new_secret, secret_hash

ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=30)
LAST_USED_RESOLUTION = timedelta(minutes=1)
ACCESS_PREFIX = "ebok_at_"
REFRESH_PREFIX = "ebok_rt_"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    refresh_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Bearer:
    user: User
    scopes: frozenset[Scope]


def _scopes(text: str) -> frozenset[Scope]:
    return frozenset(Scope(s) for s in text.split(",") if s)


async def issue_access_token(user: User, clock: Clock) -> IssuedToken:
    now = clock.now()
    token, refresh = new_secret(ACCESS_PREFIX), new_secret(REFRESH_PREFIX)
    await ApiToken.create(
        user=user,
        kind=TokenKind.ACCESS,
        name="partner app sign-in",
        token_hash=secret_hash(token),
        refresh_hash=secret_hash(refresh),
        scopes=",".join(s.value for s in Scope),
        created_at=now,
        expires_at=now + ACCESS_LIFETIME,
        refresh_expires_at=now + REFRESH_LIFETIME,
    )
    return IssuedToken(token, refresh, now + ACCESS_LIFETIME)


class RefreshRefused(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "unknown")
        self.expired = expired


async def refresh_access_token(refresh_token: str, clock: Clock) -> IssuedToken:
    """Trade a refresh token for a new pair; the old pair stops working at once."""
    now = clock.now()
    async with in_transaction():
        old = await ApiToken.get_or_none(
            refresh_hash=secret_hash(refresh_token), revoked_at__isnull=True
        ).select_related("user")
        if old is None or not old.user.is_active:
            raise RefreshRefused(expired=False)
        if old.refresh_expires_at is None or old.refresh_expires_at <= now:
            raise RefreshRefused(expired=True)
        # Retire it only if nobody else did meanwhile: of two requests racing with the
        # same refresh token, exactly one changes the row and gets a new pair.
        retired = await ApiToken.filter(id=old.id, revoked_at__isnull=True).update(revoked_at=now)
        if retired != 1:
            raise RefreshRefused(expired=False)
        return await issue_access_token(old.user, clock)


async def authenticate_bearer(token: str, clock: Clock) -> Bearer | None:
    now = clock.now()
    row = (
        await ApiToken.filter(token_hash=secret_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        await ApiToken.filter(id=row.id).update(last_used_at=now)
    return Bearer(user=row.user, scopes=_scopes(row.scopes))

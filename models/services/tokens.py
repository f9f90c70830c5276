"""Bearer tokens for partner apps: short-lived access tokens with rotating refresh tokens.

A sign-in through `issueToken` starts a *family*: every pair `refreshToken` trades
it for belongs to the same family and the family ends 30 days after the sign-in,
however often it is refreshed. A refresh token works once; presenting a rotated one
again means someone else holds a copy, so the whole family is revoked at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import Scope, TokenKind
from models.errors import (
    InvalidExpiry,
    InvalidScopes,
    InvalidTokenName,
    NotFound,
    RefreshTokenExpired,
    RefreshTokenUnknown,
)
from models.orm import ApiToken, User
from models.reads.identity import live_token
from models.security_log import security_event
from models.services import audit
from models.services.secrets import new_secret, secret_hash

ACCESS_LIFETIME = timedelta(hours=1)
FAMILY_LIFETIME = timedelta(days=30)
LAST_USED_RESOLUTION = timedelta(minutes=1)
ACCESS_PREFIX = "ebok_at_"
REFRESH_PREFIX = "ebok_rt_"
PERSONAL_PREFIX = "ebok_pt_"
SIGN_IN_NAME = "partner app sign-in"
DEFAULT_TOKEN_DAYS = 365
MAX_TOKEN_DAYS = 730
MAX_TOKEN_NAME = 100


@dataclass(frozen=True)
class IssuedToken:
    token: str
    refresh_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Bearer:
    user: User
    scopes: frozenset[Scope]
    token_id: int


def _scopes(text: str) -> frozenset[Scope]:
    return frozenset(Scope(s) for s in text.split(",") if s)


def _family(row: ApiToken) -> int:
    # Tokens made before families existed are a family of their own.
    return row.family_id or row.id


async def _create_pair(
    user: User, now: datetime, signed_in_at: datetime, family_id: int | None
) -> tuple[ApiToken, IssuedToken]:
    token, refresh = new_secret(ACCESS_PREFIX), new_secret(REFRESH_PREFIX)
    family_ends = signed_in_at + FAMILY_LIFETIME
    expires_at = min(now + ACCESS_LIFETIME, family_ends)
    row = await ApiToken.create(
        user=user,
        kind=TokenKind.ACCESS,
        name=SIGN_IN_NAME,
        token_hash=secret_hash(token),
        refresh_hash=secret_hash(refresh),
        scopes=",".join(s.value for s in Scope),
        created_at=now,
        expires_at=expires_at,
        refresh_expires_at=family_ends,
        family_id=family_id,
        signed_in_at=signed_in_at,
        # A refresh is a use of the sign-in; a new sign-in has not been used yet.
        last_used_at=now if family_id is not None else None,
    )
    if family_id is None:
        row.family_id = row.id
        await row.save(update_fields=["family_id"])
    return row, IssuedToken(token, refresh, expires_at)


async def issue_access_token(
    user: User, clock: Clock, *, client_address: str | None
) -> IssuedToken:
    """A new family for a partner app's sign-in (the password was checked before)."""
    now = clock.now()
    async with in_transaction():
        row, issued = await _create_pair(user, now, now, None)
    security_event("token_issued", user_id=user.id, token_id=row.id, ip=client_address)
    return issued


async def refresh_access_token(
    refresh_token: str, clock: Clock, *, client_address: str | None
) -> IssuedToken:
    """Trade a refresh token for a new pair; the old pair stops working at once."""
    now = clock.now()
    old = await ApiToken.get_or_none(refresh_hash=secret_hash(refresh_token)).select_related("user")
    if old is None or old.kind != TokenKind.ACCESS:
        raise RefreshTokenUnknown(field="refreshToken")
    if old.rotated_at is not None:
        # Committed before refusing: the refusal must not roll the revocation back.
        await _revoke_family(_family(old), now)
        security_event(
            "refresh_token_reused",
            level=logging.WARNING,
            user_id=old.user_id,
            family=_family(old),
            ip=client_address,
        )
        raise RefreshTokenUnknown(field="refreshToken")
    async with in_transaction():
        if old.revoked_at is not None or not old.user.is_active:
            raise RefreshTokenUnknown(field="refreshToken")
        if old.refresh_expires_at is None or old.refresh_expires_at <= now:
            raise RefreshTokenExpired(field="refreshToken")
        # Retire it only if nobody else did meanwhile: of two requests racing with the
        # same refresh token, exactly one changes the row and gets a new pair.
        rotated = await ApiToken.filter(
            id=old.id, rotated_at__isnull=True, revoked_at__isnull=True
        ).update(rotated_at=now)
        if rotated != 1:
            raise RefreshTokenUnknown(field="refreshToken")
        signed_in_at = old.signed_in_at or old.created_at
        row, issued = await _create_pair(old.user, now, signed_in_at, _family(old))
    security_event("token_refreshed", user_id=old.user_id, token_id=row.id, ip=client_address)
    return issued


async def _revoke_family(family_id: int, now: datetime) -> None:
    await ApiToken.filter(Q(family_id=family_id) | Q(id=family_id), revoked_at__isnull=True).update(
        revoked_at=now
    )


async def authenticate_bearer(
    token: str, clock: Clock, *, client_address: str | None = None
) -> Bearer | None:
    now = clock.now()
    found = await live_token(secret_hash(token))
    if found is None or not found[1].is_active:
        return None
    row, user = found
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        # Once a minute at most: every request writing would turn reads into writes.
        await ApiToken.filter(id=row.id).update(last_used_at=now)
        security_event("token_used", user_id=row.user_id, token_id=row.id, ip=client_address)
    return Bearer(user=user, scopes=_scopes(row.scopes), token_id=row.id)


def _live(now: datetime) -> Q:
    """Tokens that still work, or (a sign-in family) can still be refreshed."""
    personal = Q(kind=TokenKind.PERSONAL) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    sign_in = Q(kind=TokenKind.ACCESS) & Q(rotated_at__isnull=True) & Q(refresh_expires_at__gt=now)
    return Q(revoked_at__isnull=True) & (personal | sign_in)


async def live_tokens(user_ids: list[int], now: datetime) -> list[ApiToken]:
    """Every live token of these users, newest first: the tokens they made and the
    current pair of every partner-app sign-in."""
    return await ApiToken.filter(_live(now), user_id__in=user_ids).order_by("-created_at", "-id")


def public_id(row: ApiToken) -> int:
    """The id a token is listed and revoked by: a sign-in keeps its family's id across
    refreshes, so a partner app's entry does not change under the user's eyes."""
    return _family(row) if row.kind == TokenKind.ACCESS else row.id


async def revoke_token(
    user: User, token_id: int, clock: Clock, *, client_address: str | None
) -> None:
    """End one of the user's tokens at once; for a sign-in, its whole family."""
    now = clock.now()
    named = (Q(kind=TokenKind.PERSONAL) & Q(id=token_id)) | (
        Q(kind=TokenKind.ACCESS)
        & (Q(family_id=token_id) | (Q(family_id__isnull=True) & Q(id=token_id)))
    )
    async with in_transaction():
        row = await ApiToken.filter(_live(now), named, user_id=user.id).first()
        if row is None:
            raise NotFound(field="id")
        if row.kind == TokenKind.ACCESS:
            await _revoke_family(_family(row), now)
        else:
            await ApiToken.filter(id=row.id).update(revoked_at=now)
        await audit.record(
            "TOKEN_REVOKED",
            at=now,
            actor=user,
            object_type="ApiToken",
            object_id=public_id(row),
            client_address=client_address,
        )
    security_event("token_revoked", user_id=user.id, token_id=public_id(row), ip=client_address)


async def create_personal_token(
    user: User,
    name: str,
    scopes: list[Scope],
    expires_in_days: int | None,
    clock: Clock,
    *,
    client_address: str | None,
) -> tuple[ApiToken, str]:
    """A token the user makes for a partner app: its secret is returned once, and only
    its hash is kept."""
    label = name.strip()
    if not label or len(label) > MAX_TOKEN_NAME or not label.isprintable():
        raise InvalidTokenName(field="name")
    chosen = frozenset(scopes)
    if not chosen:
        raise InvalidScopes(field="scopes")
    days = DEFAULT_TOKEN_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidExpiry(field="expiresInDays", most=MAX_TOKEN_DAYS)
    now = clock.now()
    secret = new_secret(PERSONAL_PREFIX)
    async with in_transaction():
        row = await ApiToken.create(
            user=user,
            kind=TokenKind.PERSONAL,
            name=label,
            token_hash=secret_hash(secret),
            scopes=",".join(s.value for s in Scope if s in chosen),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        await audit.record(
            "TOKEN_CREATED",
            at=now,
            actor=user,
            object_type="ApiToken",
            object_id=row.id,
            client_address=client_address,
            details={"name": label, "scopes": sorted(s.value for s in chosen), "days": days},
        )
    security_event("token_created", user_id=user.id, token_id=row.id, ip=client_address)
    return row, secret

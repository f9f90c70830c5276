"""Two-step sign-in: a TOTP authenticator app (RFC 6238), and ten recovery codes.

Setting it up takes two steps, so that nobody is left with a secret their phone does
not know: `begin` keeps a new secret aside (`totp_pending_secret`) and the page shows
it as a QR code; `confirm` takes the first code the app shows, switches two-step
sign-in on, and returns ten single-use recovery codes, shown once (only their hashes
are kept). Codes are checked against real time (Clock.real_now), never the demo clock.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from urllib.parse import quote

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import Role
from models.errors import (
    TwoStepAlreadyOn,
    TwoStepMandatory,
    TwoStepNotOn,
    TwoStepNotStarted,
    WrongCode,
    WrongPassword,
)
from models.errors import local_time as _local_time
from models.orm import RecoveryCode, User
from models.rules.totp import matching_step
from models.security_log import security_event
from models.services import audit, outbox, passwords
from models.services.credentials import Origin
from models.services.secrets import secret_hash

RECOVERY_CODES = 10
ISSUER = "eBOK"
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_totp_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends and authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def otpauth_uri(secret: str, login: str, issuer: str = ISSUER) -> str:
    label = quote(f"{issuer}:{login}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&algorithm=SHA1&digits=6&period=30"


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _recovery_hash(user_id: int, code: str) -> str:
    # Salted by the user: the same code of two users hashes differently.
    return secret_hash(f"{user_id}:{_normalise_code(code)}")


async def begin(user: User) -> str:
    """A new pending secret for the set-up page (any earlier pending one is replaced)."""
    if user.totp_secret:
        raise TwoStepAlreadyOn()
    secret = new_totp_secret()
    await User.filter(id=user.id).update(totp_pending_secret=secret)
    user.totp_pending_secret = secret
    return secret


async def pending_secret(user: User) -> str | None:
    row = await User.get(id=user.id)
    return None if row.totp_secret else row.totp_pending_secret


async def confirm(user: User, code: str, clock: Clock, origin: Origin) -> list[str]:
    """Switch two-step sign-in on with the first code; returns the recovery codes."""
    fresh = await User.get(id=user.id)
    if fresh.totp_secret:
        raise TwoStepAlreadyOn()
    pending = fresh.totp_pending_secret
    if pending is None:
        raise TwoStepNotStarted()
    step = matching_step(pending, code, Clock.real_now())
    if step is None:
        raise WrongCode(field="code")
    now = clock.now()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    async with in_transaction():
        switched = await User.filter(
            id=user.id, totp_secret__isnull=True, totp_pending_secret=pending
        ).update(
            totp_secret=pending,
            totp_pending_secret=None,
            totp_last_step=step,
            version=fresh.version + 1,
        )
        if switched != 1:
            raise TwoStepNotStarted()
        await RecoveryCode.filter(user_id=user.id).delete()
        await RecoveryCode.bulk_create(
            [RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, c)) for c in codes]
        )
        await audit.record(
            "TWO_STEP_ENABLED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
        )
        await _tell(fresh, "two_step_enabled", now)
    security_event("two_step_enabled", user_id=user.id, ip=origin.client_address)
    return codes


async def disable(user: User, password: str, code: str, clock: Clock, origin: Origin) -> User:
    """Switch two-step sign-in off: the password and a current code (or a recovery code)."""
    fresh = await User.get(id=user.id)
    if fresh.role == Role.STAFF:
        raise TwoStepMandatory()
    if not fresh.totp_secret:
        raise TwoStepNotOn()
    if not await passwords.verify_password(fresh.password_hash, password):
        raise WrongPassword(field="password")
    now = clock.now()
    if not (await accept_totp(fresh, code) or await use_recovery_code(fresh, code, now)):
        raise WrongCode(field="code")
    async with in_transaction():
        await User.filter(id=user.id).update(
            totp_secret=None,
            totp_pending_secret=None,
            totp_last_step=None,
            version=fresh.version + 1,
        )
        await RecoveryCode.filter(user_id=user.id).delete()
        await audit.record(
            "TWO_STEP_DISABLED",
            at=now,
            actor=user,
            object_type="User",
            object_id=user.id,
            client_address=origin.client_address,
        )
        await _tell(fresh, "two_step_disabled", now)
    security_event("two_step_disabled", user_id=user.id, ip=origin.client_address)
    return await User.get(id=user.id)


async def accept_totp(user: User, code: str | None) -> bool:
    """A current code (real time), accepted once: its time step must come after the last
    one used, which is moved forward atomically."""
    if not code or user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, Clock.real_now())
    if step is None:
        return False
    claim = User.filter(id=user.id)
    if user.totp_last_step is None:
        claim = claim.filter(totp_last_step__isnull=True)
    else:
        claim = claim.filter(totp_last_step__lt=step)
    return await claim.update(totp_last_step=step) == 1


async def use_recovery_code(user: User, code: str | None, now: datetime) -> bool:
    """Spend one of the user's recovery codes; True when it was unused."""
    if not code or not 8 <= len(_normalise_code(code)) <= 16:
        return False
    spent = await RecoveryCode.filter(
        user_id=user.id, code_hash=_recovery_hash(user.id, code), used_at__isnull=True
    ).update(used_at=now)
    if spent:
        security_event("recovery_code_used", user_id=user.id)
    return spent == 1


async def recovery_codes_left(user_id: int) -> int:
    return await RecoveryCode.filter(user_id=user_id, used_at__isnull=True).count()


async def _tell(user: User, template: str, now: datetime) -> None:
    await outbox.queue_email(
        user.email,
        template,
        {"login": user.login, "at": _local_time(now)},
        now=now,
        key=f"{template}:{user.id}:{now.isoformat()}",
    )

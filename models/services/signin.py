"""Signing in with a login, a password and (for two-step users) a one-time code.

One service for the pages' /login and the API's issueToken, so both get the same
protection (models/rules/signin_throttle.py). The state lives in the database
(`login_attempts`), so every worker process and every machine behind a proxy count
the same failures.

Every attempt is written as PENDING *before* the password is checked and counts as
a failure until it is settled: of a hundred guesses sent at once, the tenth already
finds the login locked instead of all hundred being checked.

Per client address, past 30 failures in 10 minutes every attempt is slowed and a
wrong one answers RATE_LIMITED; a right password for any login still signs in.

A browser that signed in to a login before carries a known-device proof for it
(models/services/known_devices.py): its attempts skip the login's lock and the
address limit, and count only against that device, so an attacker hammering a
login cannot keep its owner out.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Count, Max, Min

from models.clock import Clock
from models.enums import LoginOutcome
from models.errors import (
    AccountLocked,
    FirstPasswordExpired,
    InvalidCredentials,
    SignInRateLimited,
)
from models.orm import LoginAttempt, User
from models.rules.signin_throttle import (
    ADDRESS_PAUSE,
    ADDRESS_WINDOW,
    LOCK_FROM_FAILURE,
    LOGIN_MEMORY,
    LoginHistory,
    address_blocked_until,
    locked_until,
    remaining_wait,
)
from models.security_log import security_event
from models.services import audit, passwords, two_step

# What a successful sign-in hands to the session or token service.
SignedInUser = User

# Longer input is refused before any hashing: argon2 over megabytes is a cheap DoS.
MAX_LOGIN_LENGTH = 64
MAX_PASSWORD_LENGTH = 1024
_COUNTED = (LoginOutcome.PENDING, LoginOutcome.FAILED)

# Waiting is done by the event loop, never by blocking it; tests replace it.
pause = asyncio.sleep


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str
    otp: str | None
    client_address: str
    # A known device of this very login, proved by the caller (None: none proved).
    device_id: str | None = None


def possible_login(login: str) -> bool:
    """Whether anyone could have this login: at most 64 printable characters (a NUL
    byte would even be an error on PostgreSQL)."""
    return len(login.strip()) <= MAX_LOGIN_LENGTH and login.isprintable()


def normalise_login(login: str) -> str:
    """The login as stored; an impossible one is recorded as empty (nobody's)."""
    return login.strip().lower() if possible_login(login) else ""


async def sign_in(credentials: Credentials, clock: Clock) -> User:
    """The user, when login, password and (for two-step users) code all match.

    Raises InvalidCredentials without saying which part was wrong: a right password
    without its code answers exactly as a wrong password does, so a password cannot
    be guessed on its own first. Raises AccountLocked or SignInRateLimited when the
    protection refuses to check at all.
    """
    login = normalise_login(credentials.login)
    address = credentials.client_address
    now = clock.now()
    trusted = await _known_device_in_good_standing(credentials.device_id, now)
    address_until = None if trusted else await _address_blocked_until(address, now)
    attempt = await LoginAttempt.create(
        login=login,
        client_address=address,
        outcome=LoginOutcome.PENDING,
        device_id=credentials.device_id if trusted else None,
        at=now,
    )
    if not trusted:
        history = await _login_history(login, now, before_id=attempt.id)
        await _refuse_if_locked(attempt, history, now)
        wait = remaining_wait(history, now)
        if address_until is not None:
            wait = max(wait, ADDRESS_PAUSE)
        if wait > timedelta(0):
            await pause(wait.total_seconds())
    user = await _check(login, credentials, now)
    if user is None:
        await _settle(attempt, LoginOutcome.FAILED)
        if address_until is not None:
            security_event("sign_in_rate_limited", level=logging.WARNING, login=login, ip=address)
            await _audit("SIGN_IN_RATE_LIMITED", None, login, address, now)
            raise SignInRateLimited(address_until)
        security_event(
            "sign_in_failed", level=logging.WARNING, login=login, ip=address, device=trusted
        )
        await _audit("SIGN_IN_FAILED", None, login, address, now)
        raise InvalidCredentials()
    if user.password_expires_at is not None and not await _spend_one_time_password(user, now):
        # A generated first (or one-time) password past its week, or used once
        # already: right, but dead (said only once the password itself matched).
        await _settle(attempt, LoginOutcome.REFUSED)
        security_event("sign_in_password_expired", login=login, user_id=user.id, ip=address)
        await _audit("SIGN_IN_PASSWORD_EXPIRED", user, login, address, now)
        raise FirstPasswordExpired()
    await passwords.rehash_if_outdated(user, credentials.password)
    await _settle(attempt, LoginOutcome.SUCCEEDED)
    security_event("sign_in_succeeded", login=login, user_id=user.id, ip=address, device=trusted)
    await _audit("SIGN_IN", user, login, address, now)
    return user


async def _audit(action: str, user: User | None, login: str, address: str, now: datetime) -> None:
    """Sign-ins and their failures in the audit log, for staff: the login tried and the
    address, never the password."""
    await audit.record(
        action,
        at=now,
        actor=user,
        object_type="Login",
        object_id=login or None,
        client_address=address,
    )


async def _check(login: str, credentials: Credentials, now: datetime) -> User | None:
    """The user if every part matches; the same work whether or not the login exists."""
    password = credentials.password
    user = await User.get_or_none(login=login, is_active=True) if login else None
    if len(password) > MAX_PASSWORD_LENGTH:
        password = ""  # still spend one verification, so the answer takes as long
    ok = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not password:
        return None
    if user.totp_secret and not await _second_step(user, credentials.otp, now):
        return None
    return user


async def _second_step(user: User, otp: str | None, now: datetime) -> bool:
    """A current code from the app or, when the phone is lost, a recovery code (once)."""
    if await two_step.accept_totp(user, otp):
        return True
    return await two_step.use_recovery_code(user, otp, now)


async def _spend_one_time_password(user: User, now: datetime) -> bool:
    """A generated first (or staff one-time) password signs in once, before it expires:
    the sign-in that uses it moves its expiry to now, so a second one finds it spent."""
    expires_at = user.password_expires_at
    if expires_at is None or expires_at <= now:
        security_event("one_time_password_refused", level=logging.WARNING, user_id=user.id)
        return False
    spent = await User.filter(id=user.id, password_expires_at=expires_at).update(
        password_expires_at=now
    )
    return spent == 1


async def _settle(attempt: LoginAttempt, outcome: LoginOutcome) -> None:
    attempt.outcome = outcome
    await attempt.save(update_fields=["outcome"])


async def _address_blocked_until(address: str, now: datetime) -> datetime | None:
    """When the address is over its failure limit: until when. Its attempts are then
    slowed and a wrong one answers RATE_LIMITED, but a right password still signs in:
    the limit must never keep out someone else behind the same address."""
    row = (
        await LoginAttempt.filter(
            client_address=address, at__gt=now - ADDRESS_WINDOW, outcome__in=_COUNTED
        )
        .annotate(failures=Count("id"), oldest=Min("at"))
        .values("failures", "oldest")
    )
    failures, oldest = (row[0]["failures"], row[0]["oldest"]) if row else (0, None)
    return address_blocked_until(failures, oldest)


async def _login_history(login: str, now: datetime, *, before_id: int) -> LoginHistory:
    """Failures of the login since its last success (and within a day), attempts
    still being checked included, this one excluded. Attempts are ordered by id,
    which follows the order they were made in."""
    recent = LoginAttempt.filter(login=login, at__gt=now - LOGIN_MEMORY, id__lt=before_id)
    success = (
        await recent.filter(outcome=LoginOutcome.SUCCEEDED).annotate(last=Max("id")).values("last")
    )
    last_success_id = (success[0]["last"] if success else None) or 0
    row = (
        await recent.filter(outcome__in=_COUNTED, id__gt=last_success_id)
        .annotate(failures=Count("id"), last=Max("at"))
        .values("failures", "last")
    )
    if not row:
        return LoginHistory(0, None)
    return LoginHistory(row[0]["failures"], row[0]["last"])


async def _refuse_if_locked(attempt: LoginAttempt, history: LoginHistory, now: datetime) -> None:
    until = locked_until(history)
    if until is None or until <= now:
        return
    await _settle(attempt, LoginOutcome.REFUSED)
    await _audit("SIGN_IN_LOCKED", None, attempt.login, attempt.client_address, now)
    security_event(
        "sign_in_locked",
        level=logging.WARNING,
        login=attempt.login,
        ip=attempt.client_address,
        failures=history.failures,
        until=until.isoformat(),
    )
    raise AccountLocked(until)


async def _known_device_in_good_standing(device_id: str | None, now: datetime) -> bool:
    """A known device loses its privilege after as many failures as lock a login."""
    if device_id is None:
        return False
    failures = await LoginAttempt.filter(
        device_id=device_id, at__gt=now - LOGIN_MEMORY, outcome__in=_COUNTED
    ).count()
    return failures < LOCK_FROM_FAILURE

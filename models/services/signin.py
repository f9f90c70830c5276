"""Checking a login and password (and a one-time code where the user has one)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models.clock import Clock
from models.orm import User
from models.rules.totp import verify_totp
from models.services.passwords import verify_password


class SignInProblem(Enum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    OTP_REQUIRED = "OTP_REQUIRED"
    OTP_INVALID = "OTP_INVALID"


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    problem: SignInProblem | None


async def check_credentials(
    login: str, password: str, otp: str | None, clock: Clock
) -> SignInResult:
    """The user if login, password (and code) match; never says which part was wrong."""
    user = await User.get_or_none(login=login.strip().lower(), is_active=True)
    ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        return SignInResult(None, SignInProblem.INVALID_CREDENTIALS)
    if user.totp_secret:
        if not otp:
            return SignInResult(None, SignInProblem.OTP_REQUIRED)
        if not verify_totp(user.totp_secret, otp, clock.now()):
            return SignInResult(None, SignInProblem.OTP_INVALID)
    return SignInResult(user, None)

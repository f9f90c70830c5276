"""Signing in partner apps: issuing and refreshing bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import ErrorCode
from models.services.signin import SignInProblem, check_credentials
from models.services.tokens import (
    IssuedToken,
    RefreshRefused,
    issue_access_token,
    refresh_access_token,
)
from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.messages import problem


@dataclass
class TokenOutcome:
    issued: IssuedToken | None = None
    errors: list[Problem] = field(default_factory=list)


_SIGN_IN_ERRORS = {
    SignInProblem.INVALID_CREDENTIALS: (ErrorCode.INVALID_CREDENTIALS, "INVALID_CREDENTIALS", None),
    SignInProblem.OTP_REQUIRED: (ErrorCode.REQUIRED, "OTP_REQUIRED", "otp"),
    SignInProblem.OTP_INVALID: (ErrorCode.INVALID_CREDENTIALS, "OTP_INVALID", "otp"),
}


async def issue_token(ctx: Context, login: str, password: str, otp: str | None) -> TokenOutcome:
    result = await check_credentials(login, password, otp, ctx.clock)
    if result.problem is not None or result.user is None:
        code, key, field_name = _SIGN_IN_ERRORS[result.problem or SignInProblem.INVALID_CREDENTIALS]
        return TokenOutcome(errors=[problem(code, key, ctx.language, field_name)])
    return TokenOutcome(issued=await issue_access_token(result.user, ctx.clock))


async def refresh_token(ctx: Context, refresh: str) -> TokenOutcome:
    try:
        return TokenOutcome(issued=await refresh_access_token(refresh, ctx.clock))
    except RefreshRefused as refused:
        if refused.expired:
            error = problem(ErrorCode.TOKEN_EXPIRED, "TOKEN_EXPIRED", ctx.language, "refreshToken")
        else:
            error = problem(
                ErrorCode.INVALID_CREDENTIALS, "TOKEN_UNKNOWN", ctx.language, "refreshToken"
            )
        return TokenOutcome(errors=[error])

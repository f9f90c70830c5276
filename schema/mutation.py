"""The write side of the API. Bad input comes back as UserErrors in the payload."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import identity
from resolvers.context import Context
from resolvers.errors import Problem
from schema.errors import UserError


def _user_errors(problems: list[Problem]) -> list[UserError]:
    return [UserError.from_problem(p) for p in problems]


@strawberry.input
class IssueTokenInput:
    login: str
    password: str
    otp: str | None = strawberry.field(
        default=None,
        description="the current TOTP code, for users with two-step sign-in (required for staff)",
    )


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.type
class IssueTokenPayload:
    token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="PUBLIC: bearer token (and refresh token) for a partner app acting as this user"
    )
    async def issue_token(
        self, info: strawberry.Info[Context], input: IssueTokenInput
    ) -> IssueTokenPayload:
        outcome = await identity.issue_token(info.context, input.login, input.password, input.otp)
        if outcome.errors:
            return IssueTokenPayload(errors=_user_errors(outcome.errors))
        issued = outcome.issued
        return IssueTokenPayload(
            token=issued.token, refresh_token=issued.refresh_token, expires_at=issued.expires_at
        )

    @strawberry.mutation(description="PUBLIC")
    async def refresh_token(
        self, info: strawberry.Info[Context], input: RefreshTokenInput
    ) -> IssueTokenPayload:
        outcome = await identity.refresh_token(info.context, input.refresh_token)
        if outcome.errors:
            return IssueTokenPayload(errors=_user_errors(outcome.errors))
        issued = outcome.issued
        return IssueTokenPayload(
            token=issued.token, refresh_token=issued.refresh_token, expires_at=issued.expires_at
        )

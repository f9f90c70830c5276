"""Partner apps' sign-in: issuing, refreshing and revoking bearer tokens.

Each mutation declares who may call it (`permission_classes`, schema/permissions.py)
and is built with `schema.errors.mutation`, which turns a domain error raised by
the resolver into the payload's `errors`.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers import identity
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite, Public


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
class OkPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TokenMutation:
    @mutation(
        permission_classes=[Public],
        description="PUBLIC: bearer token (and refresh token) "
        "for a partner app acting as this user",
    )
    async def issue_token(
        self, info: strawberry.Info[Context], input: IssueTokenInput
    ) -> IssueTokenPayload:
        issued = await identity.issue_token(info.context, input.login, input.password, input.otp)
        return IssueTokenPayload(
            token=issued.token, refresh_token=issued.refresh_token, expires_at=issued.expires_at
        )

    @mutation(permission_classes=[Public], description="PUBLIC")
    async def refresh_token(
        self, info: strawberry.Info[Context], input: RefreshTokenInput
    ) -> IssueTokenPayload:
        issued = await identity.refresh_token(info.context, input.refresh_token)
        return IssueTokenPayload(
            token=issued.token, refresh_token=issued.refresh_token, expires_at=issued.expires_at
        )

    @mutation(
        permission_classes=[CanWrite],
        description="end a token at once: one the user made, or a partner app's sign-in "
        "(with every token refreshed from it)",
    )
    async def revoke_api_token(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> OkPayload:
        await identity.revoke_api_token(info.context, id)
        return OkPayload(ok=True)

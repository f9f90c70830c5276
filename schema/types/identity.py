"""Users and their partner-app tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from models import rows
from models.enums import TokenKind
from resolvers import accounts as account_resolvers
from resolvers import credentials as credential_resolvers
from resolvers import identity
from resolvers import reminders as reminder_resolvers
from resolvers.context import Context
from schema.permissions import CanRead, IsSignedIn
from schema.types.enums import Role, Scope
from schema.types.reminders import ReminderPreference

if TYPE_CHECKING:
    from schema.types.accounts import Account


@strawberry.type
class ApiToken(relay.Node):
    id: relay.NodeID[int]
    name: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def from_row(cls, row: rows.ApiTokenRow) -> ApiToken:
        if row.kind == TokenKind.ACCESS:
            # A partner app's sign-in: listed by its family, from the sign-in until
            # the family's end, whatever pair is current.
            return cls(
                id=row.family_id or row.id,
                name=row.name,
                scopes=[Scope(s) for s in row.scopes.split(",") if s],
                created_at=row.signed_in_at or row.created_at,
                expires_at=row.refresh_expires_at,
                last_used_at=row.last_used_at,
            )
        return cls(
            id=row.id,
            name=row.name,
            scopes=[Scope(s) for s in row.scopes.split(",") if s],
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


@strawberry.type
class TwoStepSetup:
    "a two-step sign-in secret waiting for its first code (confirmTwoStepSetup)"

    secret: str
    otpauth_uri: str


@strawberry.type
class User(relay.Node):
    id: relay.NodeID[int]
    login: str
    email: str
    role: Role
    must_change_password: bool = strawberry.field(
        description="true until the generated first password (or a reset one) has been changed"
    )
    accepted_terms_version: str | None = strawberry.field(
        description="the regulations version this user accepted last; null before first acceptance"
    )
    two_step_enabled: bool = strawberry.field(
        default=False,
        description="true when signing in also takes a code from an authenticator app "
        "(or one of the recovery codes)",
    )

    @classmethod
    def from_row(cls, row: rows.UserRow) -> User:
        return cls(
            id=row.id,
            login=row.login,
            email=row.email,
            role=row.role,
            must_change_password=row.must_change_password,
            accepted_terms_version=row.accepted_terms_version,
            two_step_enabled=bool(row.totp_secret),
        )

    @strawberry.field(permission_classes=[CanRead])
    async def accounts(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[Account, strawberry.lazy("schema.types.accounts")]]:
        from schema.types.accounts import Account

        return [Account.from_row(r) for r in await account_resolvers.viewer_accounts(info.context)]

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="every live token of the user: the tokens they made and every partner-app "
        "sign-in that can still be refreshed, newest first",
    )
    async def api_tokens(self, info: strawberry.Info[Context]) -> list[ApiToken]:
        return [ApiToken.from_row(r) for r in await identity.api_tokens(info.context, self.id)]

    @strawberry.field(
        permission_classes=[CanRead],
        description="the e-mail reminders and whether each is on (setReminderPreferences)",
    )
    async def reminder_preferences(
        self, info: strawberry.Info[Context]
    ) -> list[ReminderPreference]:
        choices = await reminder_resolvers.preferences(info.context, self.id)
        return [ReminderPreference.from_choice(c) for c in choices]

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="how many of the ten recovery codes are still unused (0 without "
        "two-step sign-in)",
    )
    async def recovery_codes_left(self, info: strawberry.Info[Context]) -> int:
        return await credential_resolvers.recovery_codes_left(info.context, self.id)

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="the secret of a two-step set-up begun but not yet confirmed; only for "
        "the user themselves",
    )
    async def pending_two_step_setup(self, info: strawberry.Info[Context]) -> TwoStepSetup | None:
        viewer = info.context.viewer
        if viewer is None or viewer.id != self.id:
            return None
        setup = await credential_resolvers.pending_two_step(info.context)
        return (
            None
            if setup is None
            else TwoStepSetup(secret=setup.secret, otpauth_uri=setup.otpauth_uri)
        )

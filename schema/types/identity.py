"""Users and their partner-app tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from models import orm
from models.enums import TokenKind
from resolvers import accounts as account_resolvers
from resolvers.context import Context
from schema.types.enums import Role, Scope

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
    def from_row(cls, row: orm.ApiToken) -> ApiToken:
        return cls(
            id=row.id,
            name=row.name,
            scopes=[Scope(s) for s in row.scopes.split(",") if s],
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


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

    @classmethod
    def from_row(cls, row: orm.User) -> User:
        return cls(
            id=row.id,
            login=row.login,
            email=row.email,
            role=row.role,
            must_change_password=row.must_change_password,
            accepted_terms_version=row.accepted_terms_version,
        )

    @strawberry.field
    async def accounts(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[Account, strawberry.lazy("schema.types.accounts")]]:
        from schema.types.accounts import Account

        return [Account.from_row(r) for r in await account_resolvers.viewer_accounts(info.context)]

    @strawberry.field
    async def api_tokens(self, info: strawberry.Info[Context]) -> list[ApiToken]:
        """The user's own tokens that are still usable (not revoked)."""
        viewer = info.context.require_viewer()
        rows = await orm.ApiToken.filter(
            user_id=viewer.id, kind=TokenKind.PERSONAL, revoked_at__isnull=True
        ).order_by("-created_at")
        return [ApiToken.from_row(r) for r in rows]

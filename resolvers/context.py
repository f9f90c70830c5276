"""Who is asking, decided once per request, and what they may see.

The same context serves `/graphql` (partner apps with bearer tokens) and the pages
(session cookie), so both clients get the same permissions and loaders.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from models.clock import Clock
from models.enums import Role, Scope
from models.orm import User
from models.rules.allowance import Standing
from models.services.allowances import Allowances
from models.settings import Settings
from resolvers.errors import Forbidden, PasswordChangeRequired, TermsNotAccepted, Unauthenticated
from resolvers.loaders import Loaders


@dataclass
class Context:
    settings: Settings
    clock: Clock
    viewer: User | None = None
    scopes: frozenset[Scope] = frozenset()
    request: Any = None
    response: Any = None
    request_id: str = field(default_factory=lambda: Context.new_request_id())
    # The caller's network address (as the trusted proxy reports it): sign-in
    # throttling and the security log use it.
    client_address: str | None = None
    language: str = "pl"
    loaders: Loaders = field(default_factory=Loaders)
    # True for requests through /graphql (set by web/graphql_app.py): they are charged
    # to the caller's hourly allowance. The pages' in-process operations are not.
    charge_allowance: bool = False
    # This process's allowance buffer (one per app); None reads the shared table only.
    allowances: Allowances | None = None
    # Filled in before execution by the request limits (schema/limits.py): the
    # points this request was charged, and the allowance after that.
    charged: int = 0
    allowance: Standing | None = None
    _account_ids: frozenset[int] | None = None

    @staticmethod
    def new_request_id() -> str:
        return uuid.uuid4().hex[:16]

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.role == Role.STAFF

    def require_viewer(self) -> User:
        if self.viewer is None:
            raise Unauthenticated("Sign in or send a bearer token to see this.")
        return self.viewer

    def require_customer_data(self, scope: Scope = Scope.READ) -> User:
        """A signed-in user who may see account data now.

        Until a first or reset password is changed, and until the current
        regulations are accepted, customer data is refused with a code that tells
        the client what to do next.
        """
        viewer = self.require_viewer()
        if viewer.must_change_password:
            raise PasswordChangeRequired("Change the first password before going on.")
        if (
            viewer.role == Role.CUSTOMER
            and viewer.accepted_terms_version != self.settings.utility.terms_version
        ):
            raise TermsNotAccepted(
                f"Accept the eBOK regulations version {self.settings.utility.terms_version}."
            )
        if scope not in self.scopes:
            raise Forbidden(f"This token lacks the {scope.value} scope.")
        return viewer

    async def visible_account_ids(self) -> frozenset[int]:
        """The accounts linked to the viewer (none for staff: they see all by number)."""
        if self._account_ids is None:
            viewer = self.require_customer_data()
            ids = await self.loaders.account_ids_by_user.load(viewer.id)
            self._account_ids = frozenset(ids)
        return self._account_ids

    async def can_see_account(self, account_id: int | None) -> bool:
        if account_id is None:
            return False
        self.require_customer_data()
        if self.is_staff:
            return True
        return account_id in await self.visible_account_ids()

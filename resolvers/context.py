"""Who is asking, decided once per request, and what they may see.

The same context serves `/graphql` (partner apps with bearer tokens) and the pages
(session cookie), so both clients get the same permissions and loaders. Whether a
field may be used at all is declared on the field (schema/permissions.py); this
module answers the finer question of which accounts' objects the viewer may see.
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
    loaders: Loaders = field(init=False)
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
    # Accounts already proved to be the viewer's (found through their link).
    _seen_linked: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.clock, self.viewer.id if self.viewer else None)

    @staticmethod
    def new_request_id() -> str:
        return uuid.uuid4().hex[:16]

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.role == Role.STAFF

    @property
    def may_read_accounts(self) -> bool:
        """Signed in, first password changed, current regulations accepted (customers),
        and a token that may read: what `CanRead` declares for root fields."""
        viewer = self.viewer
        if viewer is None or viewer.must_change_password or Scope.READ not in self.scopes:
            return False
        if viewer.role == Role.STAFF and not viewer.totp_secret:
            return False  # staff set up two-step sign-in first
        terms = self.settings.utility.terms_version
        return viewer.role != Role.CUSTOMER or viewer.accepted_terms_version == terms

    async def visible_account_ids(self) -> frozenset[int]:
        """The accounts linked to the viewer (none for staff: they see all by number)."""
        if self._account_ids is None:
            ids: list[int] = []
            if self.viewer is not None and self.may_read_accounts:
                ids = await self.loaders.account_ids_by_user.load(self.viewer.id)
            self._account_ids = frozenset(ids)
        return self._account_ids

    def note_linked(self, account_id: int) -> None:
        """An account just found through the viewer's own link to it."""
        self._seen_linked.add(account_id)

    async def can_see_account(self, account_id: int | None) -> bool:
        """Whether objects of this account are visible to the viewer: their own
        accounts for a customer, any for staff, none before the first steps."""
        if account_id is None or not self.may_read_accounts:
            return False
        if self.is_staff or account_id in self._seen_linked:
            return True
        return account_id in await self.visible_account_ids()

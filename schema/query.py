"""The read side of the API: the customer's accounts and the public facts."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from resolvers import accounts as account_resolvers
from resolvers import allowances, public
from resolvers.context import Context
from resolvers.ids import decode_global_id
from resolvers.nodes import FETCHERS
from schema.permissions import CanRead, Public
from schema.types.accounts import Account, ReadingWindow
from schema.types.billing import Invoice, Tariff
from schema.types.enums import AnnouncementKind
from schema.types.identity import User
from schema.types.limits import RateLimit
from schema.types.nodes import to_node
from schema.types.talk import Announcement


@strawberry.type
class ReadQuery:
    @strawberry.field(
        # Public, because each type's fetcher decides (resolvers/nodes.py): an
        # announcement for anyone while it is published, anything else only for
        # those who may see it, and null for the rest.
        permission_classes=[Public],
        description="any object by its global id, if the caller may see it; otherwise null",
    )
    async def node(self, info: strawberry.Info[Context], id: strawberry.ID) -> relay.Node | None:
        decoded = decode_global_id(id)
        if decoded is None:
            return None
        type_name, pk = decoded
        fetch = FETCHERS.get(type_name)
        if fetch is None:
            return None
        row = await fetch(info.context, pk)
        return None if row is None else to_node(type_name, row)

    @strawberry.field(
        permission_classes=[Public], description="the signed-in user; null for anonymous callers"
    )
    def me(self, info: strawberry.Info[Context]) -> User | None:
        viewer = info.context.viewer
        return User.from_row(viewer) if viewer else None

    @strawberry.field(
        permission_classes=[CanRead],
        description="the viewer's accounts (a staff user: none of their own)",
    )
    async def accounts(self, info: strawberry.Info[Context]) -> list[Account]:
        rows = await account_resolvers.viewer_accounts(info.context)
        return [Account.from_row(r) for r in rows]

    @strawberry.field(
        permission_classes=[CanRead],
        description="one of the viewer's accounts by customer number (STAFF: any account)",
    )
    async def account(self, info: strawberry.Info[Context], number: str) -> Account | None:
        row = await account_resolvers.account_by_number(info.context, number)
        return Account.from_row(row) if row else None

    @strawberry.field(
        permission_classes=[CanRead],
        description="one of the viewer's own accounts: the one with this customer number, "
        "else their first; null when the number is not theirs or they have none (staff have "
        "none of their own). One request can show a customer's account without asking for "
        "their numbers first.",
    )
    async def my_account(
        self, info: strawberry.Info[Context], number: str | None = None
    ) -> Account | None:
        row = await account_resolvers.own_account(info.context, number)
        return Account.from_row(row) if row else None

    @strawberry.field(
        permission_classes=[CanRead],
        description="one of the viewer's invoices by its number, whichever account it is "
        "on (STAFF: any invoice)",
    )
    async def invoice(self, info: strawberry.Info[Context], number: str) -> Invoice | None:
        row = await account_resolvers.visible_invoice(info.context, number)
        return Invoice.from_row(row) if row else None

    @strawberry.field(
        permission_classes=[Public],
        description="PUBLIC: the price list in force on the given day (default: today)",
    )
    async def tariff(self, info: strawberry.Info[Context], on: date | None = None) -> Tariff:
        return Tariff.from_row(await public.tariff_in_force(info.context, on))

    @strawberry.field(
        permission_classes=[Public],
        description="PUBLIC: the meter-reading submission window that contains the given day, "
        "or the next one",
    )
    def reading_window(
        self, info: strawberry.Info[Context], on: date | None = None
    ) -> ReadingWindow:
        window = public.reading_window(info.context, on)
        return ReadingWindow(
            opens_on=window.opens_on, closes_on=window.closes_on, is_open=window.is_open
        )

    @strawberry.field(
        permission_classes=[Public],
        description="PUBLIC: the version of the eBOK regulations in force, for acceptTerms",
    )
    def terms_version(self, info: strawberry.Info[Context]) -> str:
        return info.context.settings.utility.terms_version

    @strawberry.field(
        permission_classes=[Public],
        description="PUBLIC: products, promotions, planned outages and failures "
        "currently published",
    )
    async def announcements(
        self, info: strawberry.Info[Context], kind: AnnouncementKind | None = None
    ) -> list[Announcement]:
        rows = await public.published_announcements(info.context, kind)
        return [Announcement.from_row(r) for r in rows]

    @strawberry.field(
        description="the caller's query allowance; cost is what this very request was charged",
        permission_classes=[Public],
    )
    async def rate_limit(self, info: strawberry.Info[Context]) -> RateLimit:
        ctx = info.context
        return RateLimit.of(await allowances.standing(ctx), ctx.charged)

"""`node(id)`: any object by its global id, but only what the viewer may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from models import orm
from resolvers.context import Context
from resolvers.messages import visible_attachment, visible_message
from resolvers.public import is_published


async def _account_owned(ctx: Context, row: Any, account_id: int | None) -> Any:
    return row if row is not None and await ctx.can_see_account(account_id) else None


async def _account(ctx: Context, pk: int) -> Any:
    row = await ctx.loaders.accounts_by_id.load(pk)
    return await _account_owned(ctx, row, row.id if row else None)


async def _invoice(ctx: Context, pk: int) -> Any:
    row = await ctx.loaders.invoices_by_id.load(pk)
    return await _account_owned(ctx, row, row.account_id if row else None)


async def _payment(ctx: Context, pk: int) -> Any:
    row = await ctx.loaders.payments_by_id.load(pk)
    return await _account_owned(ctx, row, row.account_id if row else None)


async def _meter(ctx: Context, pk: int) -> Any:
    row = await ctx.loaders.meters_by_id.load(pk)
    return await _account_owned(ctx, row, row.account_id if row else None)


async def _reading(ctx: Context, pk: int) -> Any:
    row = await ctx.loaders.readings_by_id.load(pk)
    if row is None:
        return None
    meter = await ctx.loaders.meters_by_id.load(row.meter_id)
    return await _account_owned(ctx, row, meter.account_id if meter else None)


async def _contract(ctx: Context, pk: int) -> Any:
    account_id = await orm.Contract.filter(id=pk).values_list("account_id", flat=True)
    if not account_id or not await ctx.can_see_account(account_id[0]):
        return None
    contracts = await ctx.loaders.contracts_by_account.load(account_id[0])
    return next((c for c in contracts if c.id == pk), None)


async def _by_account_fk(model: type[orm.Model], ctx: Context, pk: int) -> Any:
    row = await model.get_or_none(id=pk)
    return await _account_owned(ctx, row, getattr(row, "account_id", None))


async def _announcement(ctx: Context, pk: int) -> Any:
    """Only while `announcements` lists it: never a draft or an expired one by id."""
    row = await ctx.loaders.announcements_by_id.load(pk)
    return row if row is not None and is_published(row, ctx.clock.now()) else None


async def _user(ctx: Context, pk: int) -> Any:
    viewer = ctx.viewer
    if viewer is None or (viewer.id != pk and not ctx.is_staff):
        return None
    return viewer if viewer.id == pk else await orm.User.get_or_none(id=pk)


def _fk(model: type[orm.Model]) -> Callable[[Context, int], Awaitable[Any]]:
    async def load(ctx: Context, pk: int) -> Any:
        return await _by_account_fk(model, ctx, pk)

    return load


# GraphQL type name -> how to fetch one row of it for this viewer.
FETCHERS: dict[str, Callable[[Context, int], Awaitable[Any]]] = {
    "Account": _account,
    "Invoice": _invoice,
    "Payment": _payment,
    "Meter": _meter,
    "Reading": _reading,
    "Contract": _contract,
    "Announcement": _announcement,
    "User": _user,
    "MessageThread": _fk(orm.MessageThread),
    "Message": visible_message,
    "Attachment": visible_attachment,
    "DataChangeRequest": _fk(orm.DataChangeRequest),
    "BillingCycleChangeRequest": _fk(orm.BillingCycleChangeRequest),
}

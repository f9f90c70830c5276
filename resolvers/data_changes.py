"""Requests to correct an account's data: the customer's side and staff's decision."""

from __future__ import annotations

from models.enums import RequestStatus, Role
from models.errors import NotFound
from models.orm import DataChangeRequest, User
from models.services import data_changes
from resolvers.context import Context
from resolvers.ids import pk_of

# The waiting queue is short (one request per account at most); a bound all the same.
PENDING_LIMIT = 500


def _viewer(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    return viewer


async def request_change(
    ctx: Context, account_id: str, changes: list[tuple[str, str]]
) -> DataChangeRequest:
    """The customer's own account only (another's is "not found", as everywhere);
    staff change data by deciding requests, not by filing them."""
    viewer = _viewer(ctx)
    pk = pk_of(account_id, "Account")
    if pk is None or viewer.role != Role.CUSTOMER or not await ctx.can_see_account(pk):
        raise NotFound("accountId")
    request = await data_changes.request_change(
        pk, changes, by=viewer, clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return request


async def decide(
    ctx: Context, request_id: str, approve: bool, note: str | None
) -> DataChangeRequest:
    pk = pk_of(request_id, "DataChangeRequest")
    if pk is None:
        raise NotFound("id")
    request = await data_changes.decide(
        pk, approve, note, by=_viewer(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return request


async def pending(ctx: Context) -> list[DataChangeRequest]:
    """Every request waiting for a decision, oldest first."""
    return list(
        await DataChangeRequest.filter(status=RequestStatus.PENDING)
        .order_by("created_at", "id")
        .limit(PENDING_LIMIT)
    )


async def pending_count(ctx: Context) -> int:
    return await DataChangeRequest.filter(status=RequestStatus.PENDING).count()

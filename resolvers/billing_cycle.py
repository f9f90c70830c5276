"""Requests to change the billing cycle: the customer's side and staff's decision."""

from __future__ import annotations

from models.enums import BillingCycle, RequestStatus, Role
from models.errors import NotFound
from models.orm import BillingCycleChangeRequest, User
from models.services import billing_cycle
from resolvers.context import Context
from resolvers.ids import pk_of


def _viewer(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    return viewer


async def request_change(
    ctx: Context, account_id: str, cycle: BillingCycle
) -> BillingCycleChangeRequest:
    """The customer's own account only (another's is "not found", as everywhere);
    staff change cycles by deciding requests, not by filing them."""
    viewer = _viewer(ctx)
    pk = pk_of(account_id, "Account")
    if pk is None or viewer.role != Role.CUSTOMER or not await ctx.can_see_account(pk):
        raise NotFound("accountId")
    request = await billing_cycle.request_change(
        pk, cycle, by=viewer, clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return request


async def decide(
    ctx: Context, request_id: str, approve: bool, note: str | None
) -> BillingCycleChangeRequest:
    pk = pk_of(request_id, "BillingCycleChangeRequest")
    if pk is None:
        raise NotFound("id")
    request = await billing_cycle.decide(
        pk, approve, note, by=_viewer(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return request


async def pending(ctx: Context) -> list[BillingCycleChangeRequest]:
    """Every request waiting for a decision, oldest first (the queue is short: one per
    account at most)."""
    return list(
        await BillingCycleChangeRequest.filter(status=RequestStatus.PENDING)
        .order_by("created_at", "id")
        .limit(500)
    )


async def pending_count(ctx: Context) -> int:
    return await BillingCycleChangeRequest.filter(status=RequestStatus.PENDING).count()

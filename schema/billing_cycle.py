"""Monthly or bimonthly billing: the customer's request and staff's decision."""

from __future__ import annotations

import strawberry

from models.enums import BillingCycle
from resolvers import billing_cycle
from resolvers.context import Context
from schema.access import DecideInput
from schema.errors import UserError, mutation
from schema.permissions import CanWrite, IsStaff, IsStaffWriting
from schema.types.talk import BillingCycleChangeRequest


@strawberry.input
class RequestBillingCycleChangeInput:
    account_id: strawberry.ID
    cycle: BillingCycle


@strawberry.type
class BillingCycleChangePayload:
    request: BillingCycleChangeRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BillingCycleQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: requests to change the billing cycle waiting for a decision, "
        "oldest first",
    )
    async def pending_billing_cycle_changes(
        self, info: strawberry.Info[Context]
    ) -> list[BillingCycleChangeRequest]:
        found = await billing_cycle.pending(info.context)
        return [BillingCycleChangeRequest.from_row(r) for r in found]


@strawberry.type
class BillingCycleMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="ask to be billed monthly (or bimonthly again); staff decide, and an "
        "approved change applies from the next billing period",
    )
    async def request_billing_cycle_change(
        self, info: strawberry.Info[Context], input: RequestBillingCycleChangeInput
    ) -> BillingCycleChangePayload:
        found = await billing_cycle.request_change(info.context, str(input.account_id), input.cycle)
        return BillingCycleChangePayload(request=BillingCycleChangeRequest.from_row(found))

    @mutation(permission_classes=[IsStaffWriting], description="STAFF")
    async def decide_billing_cycle_change(
        self, info: strawberry.Info[Context], input: DecideInput
    ) -> BillingCycleChangePayload:
        found = await billing_cycle.decide(info.context, str(input.id), input.approve, input.note)
        return BillingCycleChangePayload(request=BillingCycleChangeRequest.from_row(found))

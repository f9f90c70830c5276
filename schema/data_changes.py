"""Corrections of the customer's data: the request and staff's decision."""

from __future__ import annotations

import strawberry

from resolvers import data_changes
from resolvers.context import Context
from schema.access import DecideInput
from schema.errors import UserError, mutation
from schema.permissions import CanWrite, IsStaff, IsStaffWriting
from schema.types.talk import DataChangeRequest


@strawberry.input
class FieldChangeInput:
    field: str
    new_value: str


@strawberry.input
class RequestDataChangeInput:
    account_id: strawberry.ID
    changes: list[FieldChangeInput]


@strawberry.type
class DataChangeRequestPayload:
    request: DataChangeRequest | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DataChangeQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: data-change requests waiting for a decision",
    )
    async def pending_data_change_requests(
        self, info: strawberry.Info[Context]
    ) -> list[DataChangeRequest]:
        found = await data_changes.pending(info.context)
        return [DataChangeRequest.from_row(r) for r in found]


@strawberry.type
class DataChangeMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="ask for corrections of the account's data (fields holderName, street, "
        "buildingNumber, apartmentNumber, postalCode, city, email, phone, taxId); staff "
        "decide, and an approved request is applied at once",
    )
    async def request_data_change(
        self, info: strawberry.Info[Context], input: RequestDataChangeInput
    ) -> DataChangeRequestPayload:
        # More pairs than there are fields can only repeat or invent fields.
        pairs = [(c.field, c.new_value) for c in input.changes[:20]]
        found = await data_changes.request_change(info.context, str(input.account_id), pairs)
        return DataChangeRequestPayload(request=DataChangeRequest.from_row(found))

    @mutation(permission_classes=[IsStaffWriting], description="STAFF")
    async def decide_data_change_request(
        self, info: strawberry.Info[Context], input: DecideInput
    ) -> DataChangeRequestPayload:
        found = await data_changes.decide(info.context, str(input.id), input.approve, input.note)
        return DataChangeRequestPayload(request=DataChangeRequest.from_row(found))

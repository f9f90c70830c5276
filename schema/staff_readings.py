"""Staff's work on readings: accounts whose e-readings a missed window blocked, readings
far above the usual to look at, lifting a block, and readings staff record themselves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from models.enums import ReadingSource
from resolvers import readings
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import IsStaff, IsStaffWriting
from schema.types.accounts import Account, Reading
from schema.types.common import Connection, check_page_size, connection, page_start


@strawberry.input
class RecordReadingInput:
    meter_id: strawberry.ID
    value: Decimal
    read_on: date
    source: ReadingSource


@strawberry.input
class LiftReadingBlockInput:
    account_id: strawberry.ID
    note: str | None = strawberry.field(default=None, description="why, for the audit log")


@strawberry.type
class ReadingPayload:
    reading: Reading | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AccountPayload:
    account: Account | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StaffReadingQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: accounts whose e-readings are blocked after a missed window, "
        "the most recently blocked first",
    )
    async def readings_blocked_accounts(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[Account]:
        size, start = check_page_size(first), page_start(after)
        rows, total = await readings.blocked_accounts(info.context, start, size)
        return connection([Account.from_row(r) for r in rows], start, size, total)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: readings far above the meter's usual use, not reviewed yet",
    )
    async def unusual_readings(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[Reading]:
        size, start = check_page_size(first), page_start(after)
        rows, total = await readings.unusual_readings(info.context, start, size)
        return connection([Reading.from_row(r) for r in rows], start, size, total)


@strawberry.type
class StaffReadingMutation:
    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: a collector's or meter-replacement reading, any day up to today",
    )
    async def record_reading(
        self, info: strawberry.Info[Context], input: RecordReadingInput
    ) -> ReadingPayload:
        row = await readings.record_reading(
            info.context, str(input.meter_id), input.value, input.read_on, input.source
        )
        return ReadingPayload(reading=Reading.from_row(row))

    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: let the customer submit readings again after a missed window",
    )
    async def lift_reading_block(
        self, info: strawberry.Info[Context], input: LiftReadingBlockInput
    ) -> AccountPayload:
        row = await readings.lift_reading_block(info.context, str(input.account_id), input.note)
        return AccountPayload(account=Account.from_row(row))

    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: an unusual reading looked at; it leaves the review list",
    )
    async def mark_reading_reviewed(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> ReadingPayload:
        row = await readings.mark_reading_reviewed(info.context, str(id))
        return ReadingPayload(reading=Reading.from_row(row))

"""A customer's own meter reading, as the regulations allow it (25th to month end,
once a month per meter, never while e-readings are blocked)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from resolvers import readings
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite
from schema.types.accounts import Reading


@strawberry.input
class SubmitReadingInput:
    meter_id: strawberry.ID
    value: Decimal
    read_on: date | None = strawberry.field(default=None, description="default: today")


@strawberry.type
class SubmitReadingPayload:
    reading: Reading | None = None
    warnings: list[str] = strawberry.field(
        default_factory=list,
        description="non-blocking notes, e.g. consumption far above the usual",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReadingMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="the customer's reading of one of their meters: inside the month's "
        "window, once a month per meter; unusual consumption is accepted with a warning",
    )
    async def submit_reading(
        self, info: strawberry.Info[Context], input: SubmitReadingInput
    ) -> SubmitReadingPayload:
        ctx = info.context
        row, assessment = await readings.submit_reading(
            ctx, str(input.meter_id), input.value, input.read_on
        )
        return SubmitReadingPayload(
            reading=Reading.from_row(row),
            warnings=readings.reading_warnings(assessment, ctx.language),
        )

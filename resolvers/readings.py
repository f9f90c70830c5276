"""Whether a reading may be submitted now, and how much water a reading stands for."""

from __future__ import annotations

from decimal import Decimal

from models.enums import ErrorCode, Role
from models.orm import Meter, Reading
from models.rules.reading_window import ReadingWindow, month_start, window_for
from models.rules.rollover import consumption_between
from resolvers.context import Context


def current_window(ctx: Context) -> ReadingWindow:
    return window_for(ctx.clock.today(), ctx.settings.utility.reading_window_opens_on_day)


async def submission_blocked_by(ctx: Context, meter: Meter) -> ErrorCode | None:
    """Why the viewer could not submit a reading for this meter right now, if they couldn't.

    Checked in the order a customer can act on: a block lifted only by staff
    first, then the calendar, then the once-a-month rule.
    """
    viewer = ctx.viewer
    if viewer is None or viewer.role != Role.CUSTOMER:
        return ErrorCode.INVALID
    account = await ctx.loaders.accounts_by_id.load(meter.contract.account_id)
    if account is None or account.e_readings_blocked:
        return ErrorCode.READINGS_BLOCKED
    if meter.removed_on is not None:
        return ErrorCode.INVALID
    if not current_window(ctx).is_open:
        return ErrorCode.OUTSIDE_READING_WINDOW
    this_month = month_start(ctx.clock.today())
    readings = await ctx.loaders.readings_by_meter.load(meter.id)
    if any(r.customer_month == this_month for r in readings):
        return ErrorCode.ALREADY_SUBMITTED_THIS_MONTH
    return None


async def reading_consumption(ctx: Context, reading: Reading, digits: int) -> Decimal | None:
    """m³ since the previous reading of the same meter; None for the first one."""
    readings = await ctx.loaders.readings_by_meter.load(reading.meter_id)
    ordered = [r.id for r in readings]
    position = ordered.index(reading.id)
    if position == 0:
        return None
    previous = readings[position - 1]
    return consumption_between(previous.value, reading.value, digits)

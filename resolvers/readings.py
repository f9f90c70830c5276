"""Whether a reading may be submitted now, and how much water a reading stands for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.enums import ErrorCode, ReadingSource, Role
from models.errors import MeterNotReadable, NotFound, UnusualConsumption
from models.orm import User
from models.reads import readings
from models.rows import AccountRow, MeterRow, ReadingRow
from models.rules.reading_submission import Assessment
from models.rules.reading_window import ReadingWindow, month_start, window_for
from models.rules.rollover import consumption_between
from models.services import reading_review as review
from models.services import readings as reading_service
from models.services.readings import Submission
from resolvers.context import Context
from resolvers.ids import pk_of


def current_window(ctx: Context) -> ReadingWindow:
    return window_for(ctx.clock.today(), ctx.settings.utility.reading_window_opens_on_day)


async def submission_blocked_by(ctx: Context, meter: MeterRow) -> ErrorCode | None:
    """Why the viewer could not submit a reading for this meter right now, if they couldn't.

    Checked in the order a customer can act on: a block lifted only by staff
    first, then the calendar, then the once-a-month rule.
    """
    viewer = ctx.viewer
    if viewer is None or viewer.role != Role.CUSTOMER:
        return ErrorCode.INVALID
    account = await ctx.loaders.accounts_by_id.load(meter.account_id)
    if account is None or account.e_readings_blocked:
        return ErrorCode.READINGS_BLOCKED
    if meter.removed_on is not None:
        return ErrorCode.INVALID
    if not current_window(ctx).is_open:
        return ErrorCode.OUTSIDE_READING_WINDOW
    this_month = month_start(ctx.clock.today())
    recent = await ctx.loaders.recent_readings_by_meter.load(meter.id)
    if any(r.customer_month == this_month for r in recent):
        return ErrorCode.ALREADY_SUBMITTED_THIS_MONTH
    return None


async def last_two_readings(
    ctx: Context, meter: MeterRow
) -> tuple[ReadingRow | None, Decimal | None]:
    """The meter's newest reading and the value of the one before it (for its
    consumption), from the recent readings when they hold both."""
    recent = await ctx.loaders.recent_readings_by_meter.load(meter.id)
    if len(recent) < 2:  # a meter not read for two years, or a new one
        recent = await ctx.loaders.latest_readings_by_meter.load(meter.id)
    if not recent:
        return None, None
    return recent[-1], (recent[-2].value if len(recent) >= 2 else None)


def consumption_since(previous: Decimal | None, reading: ReadingRow, digits: int) -> Decimal | None:
    """m³ since the previous reading of the same meter; None for the first one."""
    return None if previous is None else consumption_between(previous, reading.value, digits)


async def reading_page(meter_id: int, offset: int, size: int) -> tuple[list[ReadingRow], int]:
    """Readings of a page, newest first, and the meter's count of readings. Two more
    than shown are read: one says whether a next page follows, and the one after it
    is what the page's oldest reading is measured from."""
    rows = await readings.readings_page(meter_id, offset=offset, limit=size + 2)
    return rows, await readings.count_readings(meter_id)


async def submit_reading(
    ctx: Context, meter_id: str, value: Decimal, read_on: date | None
) -> tuple[ReadingRow, Assessment]:
    """A customer's reading of one of their own meters (another's meter is "not found",
    as it is everywhere). Staff record readings through their own mutation."""
    viewer = ctx.viewer
    assert viewer is not None  # CanWrite requires a signed-in viewer
    if viewer.role != Role.CUSTOMER:
        raise MeterNotReadable()
    pk = pk_of(meter_id, "Meter")
    meter = await ctx.loaders.meters_by_id.load(pk) if pk is not None else None
    if meter is None or not await ctx.can_see_account(meter.account_id):
        raise NotFound("meterId")
    if meter.removed_on is not None:
        raise MeterNotReadable()
    submitted = await reading_service.submit_reading(
        Submission(meter_id=meter.id, value=value, read_on=read_on),
        by=viewer,
        clock=ctx.clock,
        opens_on_day=ctx.settings.utility.reading_window_opens_on_day,
        client_address=ctx.client_address,
    )
    ctx.loaders.clear_all()
    row = await ctx.loaders.readings_by_id.load(submitted.reading.id)
    assert row is not None  # just stored
    return row, submitted.assessment


def reading_warnings(assessment: Assessment, language: str) -> list[str]:
    """The non-blocking notes of an accepted reading, in the caller's language."""
    if not assessment.unusual or assessment.consumption is None:
        return []
    return [UnusualConsumption(assessment.consumption, assessment.expected).message(language)]


# --- staff -------------------------------------------------------------------------------


def _staff(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # IsStaff / IsStaffWriting require a staff viewer
    return viewer


async def blocked_accounts(ctx: Context, offset: int, size: int) -> tuple[list[AccountRow], int]:
    page = await review.blocked_accounts(offset, size + 1)
    rows = await ctx.loaders.accounts_by_id.load_many(page.ids)
    return [r for r in rows if r is not None], page.total


async def unusual_readings(ctx: Context, offset: int, size: int) -> tuple[list[ReadingRow], int]:
    page = await review.unusual_readings(offset, size + 1)
    rows = await ctx.loaders.readings_by_id.load_many(page.ids)
    return [r for r in rows if r is not None], page.total


async def lift_reading_block(ctx: Context, account_id: str, note: str | None) -> AccountRow:
    pk = pk_of(account_id, "Account")
    if pk is None:
        raise NotFound("accountId")
    account = await review.lift_block(
        pk, note, by=_staff(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    row = await ctx.loaders.accounts_by_id.load(account.id)
    assert row is not None
    return row


async def mark_reading_reviewed(ctx: Context, reading_id: str) -> ReadingRow:
    pk = pk_of(reading_id, "Reading")
    if pk is None:
        raise NotFound("id")
    reading = await review.mark_reviewed(
        pk, by=_staff(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    row = await ctx.loaders.readings_by_id.load(reading.id)
    assert row is not None
    return row


async def record_reading(
    ctx: Context, meter_id: str, value: Decimal, read_on: date, source: ReadingSource
) -> ReadingRow:
    pk = pk_of(meter_id, "Meter")
    if pk is None:
        raise NotFound("meterId")
    reading = await review.record_reading(
        pk,
        value,
        read_on,
        source,
        by=_staff(ctx),
        clock=ctx.clock,
        client_address=ctx.client_address,
    )
    ctx.loaders.clear_all()
    row = await ctx.loaders.readings_by_id.load(reading.id)
    assert row is not None
    return row


async def review_counts(ctx: Context) -> tuple[int, int]:
    """How many accounts have e-readings blocked, and how many readings await review."""
    return await review.blocked_count(), await review.unusual_count()

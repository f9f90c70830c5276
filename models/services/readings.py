"""A customer's own meter reading: checked by the regulations, stored once per month.

The account row is locked first, so two submissions for the same meter (two tabs,
two partner apps) are decided one after the other; the unique (meter,
customer_month) index refuses a second reading of the month even if something
bypassed the lock. The account's version moves with the new reading, so every
cached page and ETag of the account is renewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ReadingSource
from models.errors import AlreadySubmittedThisMonth, MeterNotReadable, NotFound
from models.orm import Account, Meter, Reading, User
from models.rules.estimates import AVERAGE_OVER, RegisterPoint, average_daily_use
from models.rules.reading_submission import (
    Assessment,
    PreviousReading,
    SubmissionFacts,
    assess_submission,
)
from models.rules.reading_window import month_start
from models.services import audit

# Actual readings read to work out the usual daily use: a year of monthly readings,
# with room for collectors' and replacement readings in between.
_HISTORY_LIMIT = 40


@dataclass(frozen=True)
class Submission:
    meter_id: int
    value: Decimal
    read_on: date | None
    """None: today (the business clock's)."""


@dataclass(frozen=True)
class Submitted:
    reading: Reading
    assessment: Assessment


async def _history(meter_id: int, until: date) -> list[Reading]:
    """The meter's newest readings up to `until`, newest first (estimates included:
    the previous reading is whatever the last invoice started from)."""
    return (
        await Reading.filter(meter_id=meter_id, read_on__lte=until)
        .order_by("-read_on", "-id")
        .limit(_HISTORY_LIMIT)
    )


def _facts(
    submission: Submission,
    meter: Meter,
    account: Account,
    history: list[Reading],
    today: date,
    opens_on_day: int,
) -> SubmissionFacts:
    read_on = submission.read_on or today
    this_month = month_start(today)
    actual = [
        RegisterPoint(r.read_on, r.value)
        for r in history
        if r.source != ReadingSource.ESTIMATED and r.read_on >= read_on - 2 * AVERAGE_OVER
    ]
    newest = history[0] if history else None
    return SubmissionFacts(
        today=today,
        read_on=read_on,
        value=submission.value,
        digits=meter.digits,
        opens_on_day=opens_on_day,
        blocked=account.e_readings_blocked,
        already_this_month=any(r.customer_month == this_month for r in history),
        previous=PreviousReading(newest.value, newest.read_on) if newest else None,
        average_daily_use=average_daily_use(actual, read_on, meter.digits),
    )


async def submit_reading(
    submission: Submission,
    *,
    by: User,
    clock: Clock,
    opens_on_day: int,
    client_address: str | None = None,
) -> Submitted:
    """Store the customer's reading, or raise the refusal the regulations give.

    The caller has checked that `by` may act on the meter's account."""
    today = clock.today()
    try:
        async with in_transaction():
            meter = await Meter.get_or_none(id=submission.meter_id).prefetch_related("contract")
            if meter is None:
                raise NotFound("meterId")
            if meter.removed_on is not None:
                raise MeterNotReadable()
            account = await Account.select_for_update().get(id=meter.contract.account_id)
            # Readings dated up to the end of the window count, for the month check.
            history = await _history(meter.id, today + timedelta(days=31))
            facts = _facts(submission, meter, account, history, today, opens_on_day)
            assessment = assess_submission(facts)
            reading = await Reading.create(
                meter=meter,
                value=facts.value,
                read_on=facts.read_on,
                source=ReadingSource.CUSTOMER,
                submitted_at=clock.now(),
                submitted_by=by,
                customer_month=month_start(today),
                flagged_implausible=assessment.unusual,
            )
            account.version = account.version + 1
            await account.save(update_fields=["version"])
            await audit.record(
                "READING_SUBMITTED",
                at=clock.now(),
                actor=by,
                object_type="Reading",
                object_id=reading.id,
                client_address=client_address,
                details={
                    "meter": meter.serial_number,
                    "value": str(facts.value),
                    "unusual": assessment.unusual,
                },
            )
    except IntegrityError as exc:
        # Another submission of this month won the race after our check.
        raise AlreadySubmittedThisMonth() from exc
    return Submitted(reading=reading, assessment=assessment)

"""Whether a customer's meter reading may be accepted, and what it says about usage.

The regulations (DOMAIN.md, "Meter readings"): a customer submits once per calendar
month, inside the month's window (25th to the month's end by default), never while
e-readings are blocked; a value below the previous one is refused unless the register
rolled over; consumption far above the usual is accepted with a warning (and flagged
for staff), consumption no household or building could use is refused.

Everything here is pure: the service gathers the facts, this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.errors import (
    AlreadySubmittedThisMonth,
    ImplausibleReading,
    OutsideReadingWindow,
    ReadingDateInvalid,
    ReadingDecreased,
    ReadingsBlocked,
    ReadingValueInvalid,
)
from models.rules.billing import VOLUME_PLACES
from models.rules.reading_window import ReadingWindow, add_months, window_for, window_of_month
from models.rules.rollover import consumption_between, plausible_rollover

__all__ = [
    "ABSOLUTE_DAILY_LIMIT",
    "IMPLAUSIBLE_FACTOR",
    "UNUSUAL_FACTOR",
    "UNUSUAL_FLOOR",
    "Assessment",
    "PreviousReading",
    "SubmissionFacts",
    "assess_recorded",
    "assess_submission",
    "assess_value",
    "next_window",
]

UNUSUAL_FACTOR = Decimal(3)
"""More than 3x the usual daily use over the days since the last reading is unusual."""
UNUSUAL_FLOOR = Decimal(1)
"""...but never below 1 m³: a few litres over a tiny average are no news."""
IMPLAUSIBLE_FACTOR = Decimal(20)
"""Twenty times the usual use is a mistyped value, not a leak the customer reports."""
ABSOLUTE_DAILY_LIMIT = Decimal(10)
"""m³ per day that no household could use (about 70 full baths a day); with no usual
use known yet, the only bound. A building's main meter has a usual use of its own."""


@dataclass(frozen=True)
class PreviousReading:
    value: Decimal
    read_on: date


@dataclass(frozen=True)
class SubmissionFacts:
    """What the service knows when a customer submits `value` read on `read_on`."""

    today: date
    read_on: date
    value: Decimal
    digits: int
    opens_on_day: int
    blocked: bool
    already_this_month: bool
    previous: PreviousReading | None
    average_daily_use: Decimal
    """m³ a day over the last year's actual readings; 0 when not known yet."""


@dataclass(frozen=True)
class Assessment:
    """An accepted reading: the m³ since the previous one (None for a meter's first)
    and whether that is far above the usual (accepted, but flagged)."""

    consumption: Decimal | None
    expected: Decimal | None
    unusual: bool
    rolled_over: bool


def next_window(today: date, opens_on_day: int) -> tuple[date, date]:
    """The first window that has not closed by `today` and is not open on it: the
    window to name to someone refused outside one."""
    window = window_for(today, opens_on_day)
    if today < window.opens_on:
        return window.opens_on, window.closes_on
    following = add_months(today.replace(day=1), 1)
    return window_of_month(following.year, following.month, opens_on_day)


def _check_value(value: Decimal, digits: int) -> None:
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** digits:
        raise ReadingValueInvalid(digits=digits)
    if value != value.quantize(Decimal(1).scaleb(-VOLUME_PLACES)):
        raise ReadingValueInvalid(digits=digits)


def _check_date(facts: SubmissionFacts, window: ReadingWindow) -> None:
    if facts.read_on > facts.today or facts.read_on < window.opens_on:
        raise ReadingDateInvalid(opens_on=window.opens_on, today=facts.today)
    if facts.previous is not None and facts.read_on < facts.previous.read_on:
        raise ReadingDateInvalid(opens_on=facts.previous.read_on, today=facts.today)


def _limits(average_daily_use: Decimal, days: int) -> tuple[Decimal | None, Decimal]:
    """(expected m³ over `days`, the most that is believable) for this meter."""
    absolute = ABSOLUTE_DAILY_LIMIT * days
    if average_daily_use <= 0:
        return None, absolute
    expected = average_daily_use * days
    return expected, max(absolute, expected * IMPLAUSIBLE_FACTOR)


def assess_submission(facts: SubmissionFacts) -> Assessment:
    """Accept the submission (returning what it means) or raise the refusal, checked
    in the order a customer can act on: staff's block, the calendar, the month's
    reading already given, then the value itself."""
    if facts.blocked:
        raise ReadingsBlocked()
    window = window_for(facts.today, facts.opens_on_day)
    if not window.is_open:
        opens_on, closes_on = next_window(facts.today, facts.opens_on_day)
        raise OutsideReadingWindow(opens_on=opens_on, closes_on=closes_on)
    if facts.already_this_month:
        raise AlreadySubmittedThisMonth()
    _check_value(facts.value, facts.digits)
    _check_date(facts, window)
    return assess_value(
        facts.value, facts.digits, facts.previous, facts.average_daily_use, facts.read_on
    )


def assess_value(
    value: Decimal,
    digits: int,
    previous: PreviousReading | None,
    average_daily_use: Decimal,
    read_on: date,
) -> Assessment:
    """What a register value read on `read_on` says after `previous`, whatever the
    calendar: refused when it is no value of this register, lower than `previous` by
    more than a believable rollover, or more than the meter could pass in the time.
    Used for submissions (after their calendar checks) and for the payment simulation."""
    _check_value(value, digits)
    if previous is None:
        return Assessment(consumption=None, expected=None, unusual=False, rolled_over=False)
    days = max((read_on - previous.read_on).days, 1)
    expected, most = _limits(average_daily_use, days)
    rolled_over = value < previous.value
    if rolled_over and not plausible_rollover(previous.value, value, digits, most):
        raise ReadingDecreased(previous=previous.value)
    used = consumption_between(previous.value, value, digits)
    if used > most:
        raise ImplausibleReading(consumption=used)
    unusual = expected is not None and used > max(expected * UNUSUAL_FACTOR, UNUSUAL_FLOOR)
    return Assessment(consumption=used, expected=expected, unusual=unusual, rolled_over=rolled_over)


def assess_recorded(
    value: Decimal, digits: int, previous: PreviousReading | None, *, replacement: bool
) -> None:
    """A reading staff record: no window and no monthly limit, but the value must fit
    the register and may go down only by a believable rollover, unless it is the first
    reading of a replaced meter."""
    _check_value(value, digits)
    if previous is None or replacement or value >= previous.value:
        return
    days = 365  # a collector's round may come after a long gap: a year's worth at most
    if not plausible_rollover(previous.value, value, digits, ABSOLUTE_DAILY_LIMIT * days):
        raise ReadingDecreased(previous=previous.value)

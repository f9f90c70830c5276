"""The monthly window in which a customer may submit a meter reading.

By default a reading may be submitted from the 25th to the last day of each
calendar month (the opening day is a utility setting). Dates here are calendar
dates in Europe/Warsaw; the caller converts "now" to a local date first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "DEFAULT_OPENS_ON_DAY",
    "ReadingWindow",
    "add_months",
    "month_end",
    "month_start",
    "window_for",
    "window_of_month",
]

DEFAULT_OPENS_ON_DAY = 25


@dataclass(frozen=True)
class ReadingWindow:
    """One month's submission window, and whether the day asked about lies inside it."""

    opens_on: date
    closes_on: date
    is_open: bool


def month_start(d: date) -> date:
    """First day of `d`'s month: months are identified by their first day."""
    return d.replace(day=1)


@lru_cache(maxsize=4096)
def month_end(d: date) -> date:
    """Last day of `d`'s month (28-31, leap years included). Cached: a billing run
    asks it for the same few months tens of thousands of times."""
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


@lru_cache(maxsize=4096)
def add_months(d: date, n: int) -> date:
    """Move `d` by `n` calendar months, clamping the day to the target month's end.

    31 January + 1 month is 28/29 February, not 3 March: billing periods and windows
    must stay inside the intended month.
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def _check_opens_on_day(opens_on_day: int) -> None:
    """The window must open on a day every month has, so at most the 28th."""
    if isinstance(opens_on_day, bool) or not isinstance(opens_on_day, int):
        raise ValueError(f"opens_on_day must be an integer, got {opens_on_day!r}")
    if not 1 <= opens_on_day <= 28:
        raise ValueError(f"opens_on_day must be between 1 and 28, got {opens_on_day}")


def window_of_month(
    year: int, month: int, opens_on_day: int = DEFAULT_OPENS_ON_DAY
) -> tuple[date, date]:
    """Return (opens_on, closes_on) of the given month's window, both inclusive."""
    _check_opens_on_day(opens_on_day)
    opens_on = date(year, month, opens_on_day)
    return opens_on, month_end(opens_on)


def window_for(day: date, opens_on_day: int = DEFAULT_OPENS_ON_DAY) -> ReadingWindow:
    """Return the window containing `day`, or else the next one after it.

    Each window runs to the month's last day, so the answer is always the window of
    `day`'s own month: open from its opening day on, not yet open before it.
    """
    opens_on, closes_on = window_of_month(day.year, day.month, opens_on_day)
    return ReadingWindow(opens_on=opens_on, closes_on=closes_on, is_open=opens_on <= day)

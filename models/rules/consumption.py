"""Metered consumption per calendar month, for the customer's consumption chart.

Readings are taken on arbitrary days, so the consumption between two readings of
a meter is spread evenly over the days between them and then summed per calendar
month. The interval from a reading on day A to the next on day B covers days
A+1 .. B: a reading taken on 31 January closes January, and all of what the next
reading on 28 February shows is February's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from models.rules.billing import VOLUME_PLACES, split_quantity
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.rollover import consumption_between

__all__ = ["MeterReadingPoint", "MonthlyVolume", "merge_meters", "monthly_consumption"]

_ZERO_VOLUME = Decimal("0.000")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class MeterReadingPoint:
    """A register value of one meter on a day; `estimated` when not actually read."""

    read_on: date
    value: Decimal
    estimated: bool


@dataclass(frozen=True)
class MonthlyVolume:
    """m³ used in the month starting on `month`; `estimated` if any of it is estimated."""

    month: date
    volume: Decimal
    estimated: bool


def _months(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s month to `end`'s month inclusive."""
    months: list[date] = []
    month = month_start(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _interval_by_month(first_day: date, last_day: date) -> list[tuple[date, int]]:
    """(month, number of days) for each month the inclusive day range touches."""
    return [
        (m, (min(last_day, month_end(m)) - max(first_day, m)).days + 1)
        for m in _months(first_day, last_day)
    ]


def _spread(
    previous: MeterReadingPoint, current: MeterReadingPoint, digits: int
) -> list[tuple[date, Decimal]]:
    """The interval's consumption per month, evenly by day, parts summing exactly.

    Two readings on the same day have no days between them; whatever they differ by
    is put on that day's month.
    """
    volume = consumption_between(previous.value, current.value, digits)
    if current.read_on == previous.read_on:
        days = [(month_start(current.read_on), 1)]
    else:
        days = _interval_by_month(previous.read_on + _ONE_DAY, current.read_on)
    parts = split_quantity(volume, [n for _, n in days], VOLUME_PLACES)
    return [(m, part) for (m, _), part in zip(days, parts, strict=True)]


def monthly_consumption(
    readings: Sequence[MeterReadingPoint], digits: int, start: date, end: date
) -> list[MonthlyVolume]:
    """Consumption of one meter per calendar month, one point per month of [start, end].

    Rollover-aware between consecutive readings (sorted here by `read_on`). Volumes
    have 3 decimals and, for every interval between readings, the months' shares add
    up exactly to its consumption (`split_quantity`); parts falling outside the
    requested months are left out. A month is estimated when an interval ending in
    an estimated reading contributes to it. Months no interval covers show 0.
    """
    if end < start:
        raise ValueError(f"range ends ({end}) before it starts ({start})")
    volumes = {m: _ZERO_VOLUME for m in _months(start, end)}
    estimated = dict.fromkeys(volumes, False)
    ordered = sorted(readings, key=lambda r: r.read_on)
    for previous, current in pairwise(ordered):
        for month, part in _spread(previous, current, digits):
            if month in volumes:
                volumes[month] += part
                estimated[month] = estimated[month] or current.estimated
    return [MonthlyVolume(m, volumes[m], estimated[m]) for m in volumes]


def merge_meters(series: Sequence[list[MonthlyVolume]]) -> list[MonthlyVolume]:
    """Add up several meters' monthly series (e.g. before and after a meter replacement).

    One point per month present in any series, in month order; estimated if any
    meter's point for that month is.
    """
    volumes: dict[date, Decimal] = {}
    estimated: dict[date, bool] = {}
    for points in series:
        for p in points:
            volumes[p.month] = volumes.get(p.month, _ZERO_VOLUME) + p.volume
            estimated[p.month] = estimated.get(p.month, False) or p.estimated
    return [MonthlyVolume(m, volumes[m], estimated[m]) for m in sorted(volumes)]

"""Estimating use without a reading, and what an actual reading says afterwards.

A period without a reading is billed on an estimate: the average daily use of the
last year of actual readings, times the days since the last billed reading. When an
actual reading arrives, the register value on each estimated day is interpolated
between the actual readings around it (by days), and the difference from each
estimate is corrected; estimates plus corrections then add up to what the meter
measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from models.rules.billing import VOLUME_PLACES, split_quantity
from models.rules.rollover import consumption_between

__all__ = [
    "AVERAGE_OVER",
    "RegisterPoint",
    "average_daily_use",
    "estimated_register",
    "interpolated_registers",
]

AVERAGE_OVER = timedelta(days=365)
"""The average daily use is taken over the actual readings of the last year."""
_LITRE = Decimal(1).scaleb(-VOLUME_PLACES)


@dataclass(frozen=True)
class RegisterPoint:
    """A register value of one meter on a day."""

    read_on: date
    value: Decimal


def average_daily_use(actual: Sequence[RegisterPoint], until: date, digits: int) -> Decimal:
    """m³ per day between the first and the last actual reading of the year before
    `until` (rollover-aware); 0 when fewer than two readings or no days lie between."""
    recent = sorted((p for p in actual if until - AVERAGE_OVER <= p.read_on <= until), key=_day)
    if len(recent) < 2:
        recent = sorted((p for p in actual if p.read_on <= until), key=_day)[-2:]
    if len(recent) < 2:
        return Decimal(0)
    days = (recent[-1].read_on - recent[0].read_on).days
    if days <= 0:
        return Decimal(0)
    used = sum(
        (consumption_between(a.value, b.value, digits) for a, b in pairwise(recent)),
        Decimal(0),
    )
    return used / days


def estimated_register(
    previous: RegisterPoint, daily_use: Decimal, day: date, digits: int
) -> Decimal:
    """The register value on `day` if the meter kept turning at `daily_use` since
    `previous`, to the litre, wrapped past 10^digits like the register."""
    if day < previous.read_on:
        raise ValueError(f"{day} is before the reading it is estimated from ({previous.read_on})")
    used = (daily_use * (day - previous.read_on).days).quantize(_LITRE, rounding=ROUND_HALF_UP)
    return (previous.value + used) % (10**digits)


def interpolated_registers(
    before: RegisterPoint, after: RegisterPoint, days: Sequence[date], digits: int
) -> list[Decimal]:
    """The register values on `days` (strictly between two actual readings, in order),
    sharing what the meter measured between them by days, to the litre, so that the
    parts add up exactly to the measured volume."""
    if not days:
        return []
    if not all(before.read_on <= d <= after.read_on for d in days) or list(days) != sorted(days):
        raise ValueError("the days must lie, in order, between the two readings")
    measured = consumption_between(before.value, after.value, digits)
    edges = [before.read_on, *days, after.read_on]
    weights = [(b - a).days for a, b in pairwise(edges)]
    if sum(weights) == 0:
        weights = [1] * len(weights)
    parts = split_quantity(measured, weights, VOLUME_PLACES)
    values, register = [], before.value
    for part in parts[:-1]:
        register = (register + part) % (10**digits)
        values.append(register)
    return values


def _day(point: RegisterPoint) -> date:
    return point.read_on

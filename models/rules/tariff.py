"""Tariffs (water and sewage prices, subscription fee) and their validity periods.

A tariff is approved by the regulator (Wody Polskie) for three years but may change
mid-period, so a billing period can straddle two tariffs; it is then split pro rata
by days, one invoice line per tariff. All dates are inclusive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

__all__ = ["TariffRates", "TariffSegment", "split_by_tariff", "tariff_on"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class TariffRates:
    """Net prices valid from `valid_from` to `valid_to` inclusive (None: until replaced).

    `water_price` and `sewage_price` are net PLN per m³, `subscription_fee` net PLN per
    account per month, `vat_rate` a percentage such as Decimal("8").
    """

    valid_from: date
    valid_to: date | None
    water_price: Decimal
    sewage_price: Decimal
    subscription_fee: Decimal
    vat_rate: Decimal

    def __post_init__(self) -> None:
        """Refuse tariffs that could never apply or would pay the customer to use water."""
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"tariff ends ({self.valid_to}) before it starts ({self.valid_from})")
        for name in ("water_price", "sewage_price", "subscription_fee", "vat_rate"):
            value: Decimal = getattr(self, name)
            if not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a non-negative amount, got {value}")

    def covers(self, day: date) -> bool:
        """True when the tariff is in force on `day` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class TariffSegment:
    """A run of consecutive days, `start` to `end` inclusive, billed at one tariff."""

    start: date
    end: date
    days: int
    tariff: TariffRates


def tariff_on(day: date, tariffs: Sequence[TariffRates]) -> TariffRates:
    """Return the tariff in force on `day`.

    When several cover the day (an open-ended old tariff nobody closed), the one with
    the latest `valid_from` wins: a newer regulator decision supersedes the older one.
    Two covering tariffs starting the same day are ambiguous and raise ValueError;
    no covering tariff raises LookupError.
    """
    covering = [t for t in tariffs if t.covers(day)]
    if not covering:
        raise LookupError(f"no tariff in force on {day.isoformat()}")
    latest = max(t.valid_from for t in covering)
    newest = [t for t in covering if t.valid_from == latest]
    if len(set(newest)) > 1:
        raise ValueError(f"several tariffs start on {latest.isoformat()} and cover {day}")
    return newest[0]


def _change_days(start: date, end: date, tariffs: Sequence[TariffRates]) -> list[date]:
    """Days in (start, end] on which the tariff in force may change."""
    candidates = {start}
    for t in tariffs:
        candidates.add(t.valid_from)
        if t.valid_to is not None:
            candidates.add(t.valid_to + _ONE_DAY)
    return sorted(d for d in candidates if start <= d <= end)


def split_by_tariff(start: date, end: date, tariffs: Sequence[TariffRates]) -> list[TariffSegment]:
    """Split the inclusive period [start, end] into contiguous runs of one tariff each.

    The segments cover the period exactly, in order, and their days add up to the
    period's length. Raises LookupError if any day has no tariff.
    """
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    bounds = [*_change_days(start, end, tariffs), end + _ONE_DAY]
    segments: list[TariffSegment] = []
    for first, next_first in pairwise(bounds):
        tariff = tariff_on(first, tariffs)
        last = next_first - _ONE_DAY
        if segments and segments[-1].tariff == tariff:
            first = segments.pop().start
        segments.append(TariffSegment(first, last, (last - first).days + 1, tariff))
    return segments

"""Invoice lines: pricing, VAT and the split of a billing period across tariffs.

VAT is computed per line and rounded half-up to the grosz (VAT Act art. 106e
ust. 11); the invoice totals are the sums of its lines, so what the customer sees
line by line always adds up to what they are asked to pay.

A billing period that straddles a tariff change is split pro rata by days: the
volume is shared between the tariff segments in proportion to their days, and the
monthly subscription fee is charged for the fraction of each calendar month the
segment covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from models.rules.money import ZERO, format_decimal_pl, to_grosz
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.tariff import TariffRates, TariffSegment, split_by_tariff

__all__ = [
    "ALL_SERVICES",
    "LineDraft",
    "Totals",
    "bill_period",
    "correction_lines",
    "invoice_totals",
    "price_line",
    "split_quantity",
    "subscription_months",
]

WATER = "WATER"
SEWAGE = "SEWAGE"
SUBSCRIPTION = "SUBSCRIPTION"
ALL_SERVICES = frozenset({WATER, SEWAGE, SUBSCRIPTION})
UNITS = frozenset({"M3", "MONTH"})
VOLUME_PLACES = 3
"""Meters are read to the litre: volumes carry 3 decimal places of m³."""
MONTH_PLACES = 2
"""Subscription quantities are shown in months to 2 decimals (e.g. 1.50)."""


@dataclass(frozen=True)
class LineDraft:
    """One priced invoice line before it is stored (amounts in PLN, vat_rate in %)."""

    service: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal
    estimated: bool
    tariff_valid_from: date

    def __post_init__(self) -> None:
        """Catch typos in service or unit codes before they reach the database."""
        if self.service not in ALL_SERVICES:
            raise ValueError(f"unknown service {self.service!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")


@dataclass(frozen=True)
class Totals:
    """Invoice totals: each is the exact sum of the lines' amounts."""

    net: Decimal
    vat: Decimal
    gross: Decimal


def price_line(
    service: str,
    description: str,
    quantity: Decimal,
    unit: str,
    unit_price: Decimal,
    vat_rate: Decimal,
    estimated: bool,
    tariff_valid_from: date,
) -> LineDraft:
    """Price one line: net and VAT each rounded half-up to the grosz, gross = net + VAT."""
    net = to_grosz(quantity * unit_price)
    vat = to_grosz(net * vat_rate / 100)
    return LineDraft(
        service=service,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        net=net,
        vat_rate=vat_rate,
        vat=vat,
        gross=net + vat,
        estimated=estimated,
        tariff_valid_from=tariff_valid_from,
    )


def _apportion(total_units: int, shares: Sequence[Fraction]) -> list[int]:
    """Round exact non-negative shares to integers summing to `total_units` (largest remainder).

    Each share is floored, then the units still missing go one each to the shares
    with the largest fractional parts (earlier shares first on ties). A share that
    was exactly zero never receives a unit. `total_units` must be round(sum(shares)).
    """
    floors = [share.numerator // share.denominator for share in shares]
    missing = total_units - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


def split_quantity(total: Decimal, weights: Sequence[int], places: int = 3) -> list[Decimal]:
    """Share `total` in proportion to `weights` (e.g. days), each part rounded to `places`.

    Largest-remainder method: the parts add up exactly to `total`, differ from the exact
    pro rata share by less than one unit of the last place, and a zero weight gets zero.
    `total` must already be a whole number of those units (a meter volume to the litre
    can't be split into parts of 0.0001 m³). A negative total is split like its absolute
    value, with every part negative.
    """
    if places < 0:
        raise ValueError("places must be >= 0")
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {weights!r}")
    if not total.is_finite():
        raise ValueError(f"not a finite quantity: {total!r}")
    quantum = Decimal(1).scaleb(-places)
    units = total.scaleb(places)
    if units != units.to_integral_value():
        raise ValueError(f"{total} has more than {places} decimal places")
    magnitude = abs(int(units))
    weight_sum = sum(weights)
    # One weight (a period under one tariff, the usual case) takes it all: no fractions.
    parts = (
        [magnitude]
        if len(weights) == 1
        else _apportion(magnitude, [Fraction(magnitude * w, weight_sum) for w in weights])
    )
    sign = -1 if total < 0 else 1
    return [(Decimal(sign * p).scaleb(-places)).quantize(quantum) for p in parts]


def _months_covered(start: date, end: date) -> Fraction:
    """Exact number of months in [start, end]: each day counts 1/(days in its month)."""
    months = Fraction(0)
    month = month_start(start)
    while month <= end:
        first, last = max(start, month), min(end, month_end(month))
        months += Fraction((last - first).days + 1, month_end(month).day)
        month = add_months(month, 1)
    return months


def subscription_months(segments: Sequence[TariffSegment]) -> list[Decimal]:
    """Months of subscription per segment, to 2 places, summing to the period's rounded total.

    Rounding each segment on its own could bill a full three-month period as 2.99 or
    3.01 months; rounding the whole period once and sharing it by largest remainder
    keeps a whole number of months whole.
    """
    exact = [_months_covered(s.start, s.end) for s in segments]
    scale = 10**MONTH_PLACES
    total = _round_half_up(sum(exact, Fraction(0)) * scale)
    parts = _apportion(total, [e * scale for e in exact])
    return [Decimal(p).scaleb(-MONTH_PLACES).quantize(Decimal("0.01")) for p in parts]


def _round_half_up(value: Fraction) -> int:
    """Round a non-negative fraction to the nearest integer, halves up."""
    return int((value + Fraction(1, 2)) // 1)


def _price_text(price: Decimal) -> str:
    """Price for a description: at least 2 decimals, never hiding a third one."""
    exponent = price.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format_decimal_pl(price, places)


def _describe(label: str, price: Decimal, per: str, valid_from: date, estimated: bool) -> str:
    """Polish line text, e.g. "Dostawa wody (5,83 zł/m³, od 01.01.2026)".

    The date is the tariff's `valid_from`: it names which tariff priced the line.
    """
    # Remembered by the price's text: 5.2 and 5.20 are equal Decimals, not equal texts.
    return _description(label, str(price), per, valid_from, estimated)


@lru_cache(maxsize=1024)  # a run prices thousands of lines at the same few tariffs
def _description(label: str, price_text: str, per: str, valid_from: date, estimated: bool) -> str:
    price = Decimal(price_text)
    estimate = ", zużycie szacunkowe" if estimated else ""
    when = valid_from.strftime("%d.%m.%Y")
    return f"{label}{estimate} ({_price_text(price)} zł/{per}, od {when})"


def _volume_lines(
    service: str, segments: Sequence[TariffSegment], volumes: Sequence[Decimal], estimated: bool
) -> list[LineDraft]:
    """One WATER or SEWAGE line per tariff segment."""
    label = "Dostawa wody" if service == WATER else "Odprowadzanie ścieków"
    lines = []
    for segment, volume in zip(segments, volumes, strict=True):
        t = segment.tariff
        price = t.water_price if service == WATER else t.sewage_price
        text = _describe(label, price, "m³", t.valid_from, estimated)
        lines.append(
            price_line(service, text, volume, "M3", price, t.vat_rate, estimated, t.valid_from)
        )
    return lines


def _subscription_lines(segments: Sequence[TariffSegment]) -> list[LineDraft]:
    """One SUBSCRIPTION line per tariff segment; it does not depend on readings.

    The fee follows the VAT rate of the main service (the tariff's `vat_rate`).
    """
    fees = tuple(str(s.tariff.subscription_fee) for s in segments)  # 5.2 and 5.20 differ
    return list(_subscription_lines_of(tuple(segments), fees))


@lru_cache(maxsize=1024)  # in a run, most accounts share a few periods
def _subscription_lines_of(
    segments: tuple[TariffSegment, ...], fees: tuple[str, ...]
) -> tuple[LineDraft, ...]:
    lines = []
    for segment, months in zip(segments, subscription_months(segments), strict=True):
        t = segment.tariff
        text = _describe("Opłata abonamentowa", t.subscription_fee, "mies.", t.valid_from, False)
        lines.append(
            price_line(
                SUBSCRIPTION,
                text,
                months,
                "MONTH",
                t.subscription_fee,
                t.vat_rate,
                False,
                t.valid_from,
            )
        )
    return tuple(lines)


@lru_cache(maxsize=1024)  # a run bills thousands of accounts over the same few periods
def _segments(
    period_from: date, period_to: date, tariffs: tuple[TariffRates, ...]
) -> tuple[TariffSegment, ...]:
    return tuple(split_by_tariff(period_from, period_to, tariffs))


def bill_period(
    period_from: date,
    period_to: date,
    volume: Decimal,
    tariffs: Sequence[TariffRates],
    *,
    estimated: bool,
    services: frozenset[str] = ALL_SERVICES,
) -> list[LineDraft]:
    """Price a billing period [period_from, period_to] (inclusive) for `volume` m³.

    The volume is shared between tariff segments by days (`split_quantity`, so the
    segment volumes add up exactly); sewage volume equals water volume. Lines come
    grouped by service (water, sewage, subscription), each in date order. `estimated`
    marks the water and sewage lines as based on an estimate, not a reading.
    """
    unknown = services - ALL_SERVICES
    if unknown:
        raise ValueError(f"unknown services: {sorted(unknown)}")
    if not volume.is_finite() or volume < 0:
        raise ValueError(f"volume must be a non-negative number of m³, got {volume}")
    segments = _segments(period_from, period_to, tuple(tariffs))
    volumes = split_quantity(volume, [s.days for s in segments], VOLUME_PLACES)
    lines: list[LineDraft] = []
    for service in (WATER, SEWAGE):
        if service in services:
            lines += _volume_lines(service, segments, volumes, estimated)
    if SUBSCRIPTION in services:
        lines += _subscription_lines(segments)
    return lines


def correction_lines(
    period_from: date,
    period_to: date,
    estimated_volume: Decimal,
    actual_volume: Decimal,
    tariffs: Sequence[TariffRates],
    *,
    services: frozenset[str] = ALL_SERVICES,
) -> list[LineDraft]:
    """The water and sewage lines of a correction of an estimated period: the volume
    the estimate missed (negative when it overshot), shared between the period's
    tariff segments by days and priced at each. The subscription does not depend on
    readings and is not corrected. Each line says both volumes in plain words."""
    difference = actual_volume - estimated_volume
    segments = _segments(period_from, period_to, tuple(tariffs))
    parts = split_quantity(difference, [s.days for s in segments], VOLUME_PLACES)
    actual, estimated = format_decimal_pl(actual_volume, 3), format_decimal_pl(estimated_volume, 3)
    lines = []
    for service, label in ((WATER, "dostawa wody"), (SEWAGE, "odprowadzanie ścieków")):
        if service not in services:
            continue
        for segment, part in zip(segments, parts, strict=True):
            t = segment.tariff
            price = t.water_price if service == WATER else t.sewage_price
            text = (
                f"Korekta: {label}, zużycie rzeczywiste {actual} m³ zamiast szacunkowego "
                f"{estimated} m³ ({_price_text(price)} zł/m³, od {t.valid_from:%d.%m.%Y})"
            )
            lines.append(
                price_line(service, text, part, "M3", price, t.vat_rate, False, t.valid_from)
            )
    return lines


def invoice_totals(lines: Iterable[LineDraft]) -> Totals:
    """Sum the lines: the invoice's net, VAT and gross are never recomputed from totals."""
    net = vat = gross = ZERO
    for line in lines:
        net += line.net
        vat += line.vat
        gross += line.gross
    return Totals(net=net, vat=vat, gross=gross)


def gross_unit_price(net_price: Decimal, vat_rate: Decimal) -> Decimal:
    """A unit price with VAT, as a one-unit invoice line would show it (VAT rounded
    half-up to the grosz on the line): what a price list quotes as the gross price."""
    return net_price + to_grosz(net_price * vat_rate / 100)

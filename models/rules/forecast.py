"""The forecast of a bill for a period the customer picks, and the simulation of the
bill that readings taken today would bring.

Both are priced by the billing engine itself (`bill_period`, `invoice_totals`), so a
forecast shows the lines an invoice for the same period and volume would show,
including a tariff change (a future one too) split pro rata by days.

How much water a forecast assumes, per meter, from its actual readings:

- **seasonal**, when the actual readings of the last three years span at least
  SEASONAL_MIN_DAYS (two years of collectors' rounds, which fall on irregular days):
  the average daily use over those readings, weighted month by month by how much was
  used in the same calendar months of those years. The monthly factors are
  normalised so that over a year they average to 1: a whole year's forecast is the
  plain average times its days, only spread differently over the months;
- **plain**, with less history: the average daily use of the last year's actual
  readings (`estimates.average_daily_use`, as estimated invoices use), the same for
  every day;
- **none**, with fewer than two actual readings: 0 m³, and the basis says so. A norm
  per meter type would invent a use nobody measured; a forecast of the subscription
  alone is honest and the text tells the customer how to get a better one.

The simulation measures each given value against the meter's newest reading with the
reading form's own checks (`reading_submission.assess_value`): a value below it is
refused unless a rollover explains it, a value no meter could reach in the time is
refused. Its period runs from the day after the oldest of those newest readings to
today, billed as read (not estimated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from models.errors import DomainError, ForecastPeriodInvalid, NothingToCompare
from models.rules.billing import (
    VOLUME_PLACES,
    LineDraft,
    Totals,
    bill_period,
    invoice_totals,
)
from models.rules.consumption import MeterReadingPoint, monthly_consumption
from models.rules.estimates import AVERAGE_OVER, RegisterPoint, average_daily_use
from models.rules.money import format_decimal_pl
from models.rules.reading_submission import PreviousReading, assess_value
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.rollover import consumption_between
from models.rules.tariff import TariffRates, split_by_tariff

__all__ = [
    "EARLIEST_START_BEFORE",
    "FLAT",
    "LATEST_END_AFTER",
    "MAX_PERIOD_DAYS",
    "SEASONAL_MIN_DAYS",
    "Forecast",
    "MeterHistory",
    "SimulatedMeter",
    "Usage",
    "check_period",
    "day_pl",
    "forecast",
    "period_volume",
    "seasonal_factors",
    "simulate",
    "usage_of",
]

SEASONAL_MIN_DAYS = 700
"""Actual readings at least this many days apart make a seasonal forecast: two years
of bimonthly rounds, whose days move by a few weeks from year to year."""
SEASONAL_OVER = timedelta(days=3 * 365)
"""The seasonal profile is taken from the actual readings of the last three years."""
MAX_PERIOD_DAYS = 3 * 365 + 1
"""A forecast covers at most three years (a tariff's term), both ends included."""
EARLIEST_START_BEFORE = timedelta(days=366)
"""A period may start up to a year back, to compare with a bill already received."""
LATEST_END_AFTER = timedelta(days=3 * 366)
"""...and end up to three years ahead: beyond that no tariff and no habit is known."""

FLAT: tuple[Decimal, ...] = (Decimal(1),) * 12
_LITRE = Decimal(1).scaleb(-VOLUME_PLACES)
_ONE_DAY = timedelta(days=1)
# Month lengths of a common year: the normalisation's weights.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS_GENITIVE = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
)  # fmt: skip


@dataclass(frozen=True)
class MeterHistory:
    """A meter's actual (not estimated) readings, what its usual use is read from."""

    serial_number: str
    digits: int
    actual: Sequence[RegisterPoint]


@dataclass(frozen=True)
class Usage:
    """A meter's daily use: `daily` m³ a day on average, times `factors[month - 1]` in
    each calendar month (all 1 unless seasonal); `first`..`last` the readings it is
    taken from (None when there were too few)."""

    daily: Decimal
    factors: tuple[Decimal, ...]
    first: date | None
    last: date | None
    seasonal: bool

    @property
    def days(self) -> int:
        return (self.last - self.first).days if self.first and self.last else 0


@dataclass(frozen=True)
class Forecast:
    """A forecast or a simulation: the period, its volume, the priced lines and their
    totals (each the exact sum of the lines), and the basis in plain Polish."""

    start: date
    end: date
    consumption: Decimal
    average_daily: Decimal
    basis: str
    lines: list[LineDraft]
    totals: Totals


@dataclass(frozen=True)
class SimulatedMeter:
    """A register value the customer reads today, with what it is measured against."""

    serial_number: str
    digits: int
    value: Decimal
    previous: PreviousReading | None
    actual: Sequence[RegisterPoint]


# --- the period ------------------------------------------------------------------------


def check_period(start: date, end: date, today: date) -> None:
    """Refuse a period the forecast cannot speak about (ForecastPeriodInvalid)."""
    if start > end:
        raise ForecastPeriodInvalid(
            "to",
            "Data końca okresu nie może być wcześniejsza niż data początku.",
            "`to` must not be before `from`.",
        )
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ForecastPeriodInvalid(
            "to",
            "Prognoza obejmuje najwyżej 3 lata: wybierz krótszy okres.",
            f"A forecast covers at most {MAX_PERIOD_DAYS} days.",
        )
    earliest = today - EARLIEST_START_BEFORE
    if start < earliest:
        raise ForecastPeriodInvalid(
            "from",
            f"Okres może się zaczynać najwcześniej {day_pl(earliest)}.",
            f"`from` may be {earliest.isoformat()} at the earliest.",
        )
    latest = today + LATEST_END_AFTER
    if end > latest:
        raise ForecastPeriodInvalid(
            "to",
            f"Okres może się kończyć najpóźniej {day_pl(latest)}.",
            f"`to` may be {latest.isoformat()} at the latest.",
        )


# --- usual use -------------------------------------------------------------------------


def _total_use(points: Sequence[RegisterPoint], digits: int) -> Decimal:
    return sum(
        (consumption_between(a.value, b.value, digits) for a, b in pairwise(points)), Decimal(0)
    )


def _covered_days(month: date, first: date, last: date) -> int:
    """Days of `month` between two readings: the interval after `first` up to `last`."""
    begin, end = max(month, first + _ONE_DAY), min(month_end(month), last)
    return max((end - begin).days + 1, 0)


def seasonal_factors(points: Sequence[RegisterPoint], digits: int) -> tuple[Decimal, ...]:
    """Twelve factors (January first): each calendar month's average daily use over
    the readings, divided by the year's average so that the factors weighted by the
    months' days of a common year average exactly to 1. Flat when nothing was used
    or a month is not covered by the readings at all."""
    ordered = sorted(points, key=lambda p: p.read_on)
    if len(ordered) < 2:
        return FLAT
    first, last = ordered[0].read_on, ordered[-1].read_on
    months = monthly_consumption(
        [MeterReadingPoint(p.read_on, p.value, False) for p in ordered], digits, first, last
    )
    volume, days = [Decimal(0)] * 12, [0] * 12
    for point in months:
        volume[point.month.month - 1] += point.volume
        days[point.month.month - 1] += _covered_days(point.month, first, last)
    if not all(days):
        return FLAT
    rates = [v / d for v, d in zip(volume, days, strict=True)]
    mean = sum((r * n for r, n in zip(rates, _MONTH_DAYS, strict=True)), Decimal(0)) / 365
    if mean <= 0:
        return FLAT
    return tuple(r / mean for r in rates)


def _plain_window(known: Sequence[RegisterPoint], today: date) -> list[RegisterPoint]:
    """The readings `average_daily_use` takes: the last year's, else the last two."""
    recent = [p for p in known if today - AVERAGE_OVER <= p.read_on]
    return recent if len(recent) >= 2 else list(known[-2:])


def usage_of(actual: Sequence[RegisterPoint], today: date, digits: int) -> Usage:
    """A meter's usual use as of `today` (see the module's text for the three cases)."""
    known = sorted((p for p in actual if p.read_on <= today), key=lambda p: p.read_on)
    window = [p for p in known if p.read_on >= today - SEASONAL_OVER]
    if len(window) >= 2 and (window[-1].read_on - window[0].read_on).days >= SEASONAL_MIN_DAYS:
        days = (window[-1].read_on - window[0].read_on).days
        return Usage(
            daily=_total_use(window, digits) / days,
            factors=seasonal_factors(window, digits),
            first=window[0].read_on,
            last=window[-1].read_on,
            seasonal=True,
        )
    plain = _plain_window(known, today)
    if len(plain) < 2 or plain[-1].read_on == plain[0].read_on:
        return Usage(Decimal(0), FLAT, None, None, seasonal=False)
    return Usage(
        daily=average_daily_use(plain, today, digits),
        factors=FLAT,
        first=plain[0].read_on,
        last=plain[-1].read_on,
        seasonal=False,
    )


def period_volume(usage: Usage, start: date, end: date) -> Decimal:
    """m³ the usage stands for over [start, end] (inclusive), month by month, to the litre."""
    total = Decimal(0)
    month = month_start(start)
    while month <= end:
        days = (min(end, month_end(month)) - max(start, month)).days + 1
        total += usage.daily * usage.factors[month.month - 1] * days
        month = add_months(month, 1)
    return total.quantize(_LITRE, rounding=ROUND_HALF_UP)


# --- words -----------------------------------------------------------------------------


def day_pl(day: date) -> str:
    """A date in words, e.g. "1 grudnia 2024"."""
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year}"


def _m3(value: Decimal) -> str:
    return format_decimal_pl(value, VOLUME_PLACES) + " m³"


def _days(n: int) -> str:
    return "1 dzień" if n == 1 else f"{n} dni"


def _usage_words(usage: Usage) -> str:
    if usage.first is None or usage.last is None:
        return (
            "Brak co najmniej dwóch odczytów rzeczywistych, z których można policzyć średnie "
            "zużycie, więc prognoza przyjmuje zużycie 0 m³ i obejmuje tylko opłatę "
            "abonamentową. Gdy podasz odczyty, kolejne prognozy uwzględnią zużycie."
        )
    daily = format_decimal_pl(usage.daily, VOLUME_PLACES)
    source = (
        f"Na podstawie średniego zużycia {daily} m³ na dobę z odczytów od "
        f"{day_pl(usage.first)} do {day_pl(usage.last)} ({_days(usage.days)})"
    )
    if usage.seasonal:
        return (
            f"{source}, z uwzględnieniem sezonowości: zużycie w każdym miesiącu jest "
            "ważone tym, ile zużywano w tych samych miesiącach poprzednich lat."
        )
    return f"{source}. Odczyty obejmują mniej niż dwa lata, więc bez uwzględnienia sezonowości."


def _tariff_words(start: date, end: date, tariffs: Sequence[TariffRates]) -> str:
    segments = split_by_tariff(start, end, tariffs)
    if len(segments) == 1:
        valid_from = segments[0].tariff.valid_from
        return f"Ceny według taryfy obowiązującej od {day_pl(valid_from)}."
    parts = [
        f"od {day_pl(s.start)} do {day_pl(s.end)} według taryfy z {day_pl(s.tariff.valid_from)}"
        for s in segments
    ]
    return (
        "W tym okresie zmieniają się ceny: "
        + "; ".join(parts)
        + ". Ilości podzielono między taryfy proporcjonalnie do liczby dni."
    )


def _priced(
    start: date,
    end: date,
    volume: Decimal,
    tariffs: Sequence[TariffRates],
    basis: list[str],
    closing: str,
    *,
    estimated: bool,
) -> Forecast:
    lines = bill_period(start, end, volume, tariffs, estimated=estimated)
    days = (end - start).days + 1
    return Forecast(
        start=start,
        end=end,
        consumption=volume,
        average_daily=(volume / days).quantize(_LITRE, rounding=ROUND_HALF_UP),
        basis=" ".join([*basis, _tariff_words(start, end, tariffs), closing]),
        lines=lines,
        totals=invoice_totals(lines),
    )


# --- the forecast and the simulation ---------------------------------------------------


def forecast(
    start: date,
    end: date,
    meters: Sequence[MeterHistory],
    tariffs: Sequence[TariffRates],
    today: date,
) -> Forecast:
    """The estimated bill for [start, end]: each meter's usual use over the period,
    added up and priced at the tariffs in force on each day (LookupError when a day
    has none). The period must pass `check_period`."""
    check_period(start, end, today)
    volume = Decimal(0)
    basis: list[str] = []
    for meter in meters:
        usage = usage_of(meter.actual, today, meter.digits)
        volume += period_volume(usage, start, end)
        words = _usage_words(usage)
        basis.append(f"Wodomierz {meter.serial_number}: {words}" if len(meters) > 1 else words)
    if not meters:
        basis.append("Na koncie nie ma wodomierzy: prognoza obejmuje tylko opłatę abonamentową.")
    days = (end - start).days + 1
    basis.append(
        f"Prognozowane zużycie od {day_pl(start)} do {day_pl(end)} ({_days(days)}): {_m3(volume)}."
    )
    closing = "To prognoza, a nie faktura: faktura zostanie wystawiona według odczytów."
    return _priced(start, end, volume, tariffs, basis, closing, estimated=True)


def simulate(
    meters: Sequence[SimulatedMeter], tariffs: Sequence[TariffRates], today: date
) -> Forecast:
    """The bill readings taken today would bring: what each meter measured since its
    newest reading, refused like a submitted reading would be (the refusal's `field`
    becomes `readings.<index>.value`), billed from the day after the oldest of those
    readings to today."""
    if not meters:
        raise ValueError("nothing to simulate")
    volume = Decimal(0)
    basis: list[str] = []
    since = today
    for index, meter in enumerate(meters):
        try:
            if meter.previous is None:
                raise NothingToCompare()
            average = average_daily_use(meter.actual, today, meter.digits)
            assessment = assess_value(meter.value, meter.digits, meter.previous, average, today)
        except DomainError as refusal:
            refusal.field = f"readings.{index}.{refusal.field or 'value'}"
            raise
        assert assessment.consumption is not None  # measured against a previous reading
        previous = meter.previous
        volume += assessment.consumption
        since = min(since, previous.read_on)
        rollover = " (liczydło przekręciło się przez zero)" if assessment.rolled_over else ""
        unusual = " To znacznie więcej niż zwykle." if assessment.unusual else ""
        basis.append(
            f"Wodomierz {meter.serial_number}: stan {_m3(meter.value)} dziś wobec "
            f"{_m3(previous.value)} z odczytu z {day_pl(previous.read_on)} to zużycie "
            f"{_m3(assessment.consumption)}{rollover}.{unusual}"
        )
    start = min(since + _ONE_DAY, today)
    days = (today - start).days + 1
    basis.append(
        f"Razem {_m3(volume)} od {day_pl(start)} do dziś, {day_pl(today)} ({_days(days)}), "
        "z opłatą abonamentową za ten okres."
    )
    closing = (
        "Tak wyglądałaby faktura, gdyby te odczyty przyjęto dziś; to symulacja, a nie faktura."
    )
    return _priced(start, today, volume, tariffs, basis, closing, estimated=False)

"""The forecast and the payment simulation: usual use, seasons, tariffs, refusals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import (
    ForecastPeriodInvalid,
    ImplausibleReading,
    NothingToCompare,
    ReadingDecreased,
)
from models.rules.billing import bill_period, invoice_totals
from models.rules.estimates import RegisterPoint
from models.rules.forecast import (
    FLAT,
    MAX_PERIOD_DAYS,
    MeterHistory,
    SimulatedMeter,
    Usage,
    check_period,
    forecast,
    period_volume,
    seasonal_factors,
    simulate,
    usage_of,
)
from models.rules.reading_submission import PreviousReading
from models.rules.tariff import TariffRates

TODAY = date(2026, 11, 21)
TARIFF = TariffRates(
    date(2025, 12, 1), None, Decimal("5.83"), Decimal("7.96"), Decimal("5.20"), Decimal("8")
)


def _readings(start: date, days_between: int, count: int, daily: Decimal) -> list[RegisterPoint]:
    """Readings every `days_between` days at a steady `daily` use, from 100 m³."""
    return [
        RegisterPoint(start + timedelta(days=i * days_between), 100 + daily * i * days_between)
        for i in range(count)
    ]


def _seasonal(start: date, end: date) -> list[RegisterPoint]:
    """Monthly readings (on the 1st) where summer months use twice the winter's 0.2 m³/day."""
    points, value, day = [], Decimal(100), start
    while day <= end:
        points.append(RegisterPoint(day, value))
        nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        rate = Decimal("0.4") if day.month in (6, 7, 8) else Decimal("0.2")
        value += rate * (nxt - day).days
        day = nxt
    return points


def test_a_year_of_steady_readings_gives_the_plain_average() -> None:
    usage = usage_of(_readings(date(2025, 12, 1), 61, 6, Decimal("0.3")), TODAY, 5)
    assert not usage.seasonal
    assert usage.daily == Decimal("0.3")
    assert usage.factors == FLAT


def test_two_years_of_readings_make_the_forecast_seasonal() -> None:
    usage = usage_of(_seasonal(date(2024, 11, 1), date(2026, 11, 1)), TODAY, 5)
    assert usage.seasonal
    july, january = usage.factors[6], usage.factors[0]
    assert july == pytest.approx(2 * january)
    summer = period_volume(usage, date(2027, 7, 1), date(2027, 7, 31))
    winter = period_volume(usage, date(2027, 1, 1), date(2027, 1, 31))
    assert summer == pytest.approx(2 * winter, abs=Decimal("0.002"))


def test_no_readings_forecasts_no_water_and_says_so() -> None:
    result = forecast(
        date(2026, 12, 1), date(2027, 1, 31), [MeterHistory("A1", 5, [])], [TARIFF], TODAY
    )
    assert result.consumption == 0
    assert [line.service for line in result.lines if line.net] == ["SUBSCRIPTION"]
    assert "0 m³" in result.basis and "tylko opłatę abonamentową" in result.basis


def test_the_basis_names_the_readings_days_and_seasonality() -> None:
    history = MeterHistory("A1", 5, _seasonal(date(2024, 12, 1), date(2026, 11, 1)))
    result = forecast(date(2026, 12, 1), date(2027, 1, 31), [history], [TARIFF], TODAY)
    assert "z odczytów od 1 grudnia 2024 do 1 listopada 2026 (700 dni)" in result.basis
    assert "z uwzględnieniem sezonowości" in result.basis
    assert "od 1 grudnia 2026 do 31 stycznia 2027 (62 dni)" in result.basis
    assert "To prognoza, a nie faktura" in result.basis


def test_a_future_tariff_prices_the_lines_from_its_first_day() -> None:
    old = TariffRates(
        TARIFF.valid_from, date(2026, 12, 31), TARIFF.water_price, TARIFF.sewage_price,
        TARIFF.subscription_fee, TARIFF.vat_rate,
    )  # fmt: skip
    new = TariffRates(
        date(2027, 1, 1), None, Decimal("6.50"), Decimal("8.40"), Decimal("6.00"), Decimal("8")
    )
    history = MeterHistory("A1", 5, _readings(date(2025, 12, 1), 61, 6, Decimal("0.3")))
    result = forecast(date(2026, 12, 1), date(2027, 1, 31), [history], [old, new], TODAY)
    water = [line for line in result.lines if line.service == "WATER"]
    assert [(w.unit_price, w.tariff_valid_from) for w in water] == [
        (Decimal("5.83"), date(2025, 12, 1)),
        (Decimal("6.50"), date(2027, 1, 1)),
    ]
    assert [w.quantity for w in water] == [Decimal("9.300"), Decimal("9.300")]
    assert "według taryfy z 1 stycznia 2027" in result.basis


def test_several_meters_add_up_and_each_is_named() -> None:
    one = MeterHistory("A1", 5, _readings(date(2025, 12, 1), 61, 6, Decimal("0.3")))
    two = MeterHistory("B2", 5, _readings(date(2025, 12, 1), 61, 6, Decimal("0.1")))
    result = forecast(date(2026, 12, 1), date(2026, 12, 10), [one, two], [TARIFF], TODAY)
    assert result.consumption == Decimal("4.000")
    assert "Wodomierz A1:" in result.basis and "Wodomierz B2:" in result.basis


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2027, 1, 2), date(2027, 1, 1), "to"),
        (date(2026, 12, 1), date(2026, 12, 1) + timedelta(days=MAX_PERIOD_DAYS), "to"),
        (date(2025, 11, 1), date(2025, 12, 1), "from"),
        (date(2029, 11, 1), date(2029, 12, 31), "to"),
    ],
)
def test_periods_out_of_bounds_are_refused(start: date, end: date, field: str) -> None:
    with pytest.raises(ForecastPeriodInvalid) as refused:
        check_period(start, end, TODAY)
    assert refused.value.field == field
    assert refused.value.code == "BAD_REQUEST"


def test_three_years_exactly_are_allowed() -> None:
    check_period(TODAY, TODAY + timedelta(days=MAX_PERIOD_DAYS - 1), TODAY)


# --- the simulation ----------------------------------------------------------------------


def _simulated(value: str, previous: str = "780", on: date = date(2026, 9, 21)) -> SimulatedMeter:
    history = _readings(date(2025, 11, 21), 61, 6, Decimal("0.3"))
    return SimulatedMeter("A1", 5, Decimal(value), PreviousReading(Decimal(previous), on), history)


def test_a_simulation_bills_what_was_used_since_the_last_reading() -> None:
    result = simulate([_simulated("798.5")], [TARIFF], TODAY)
    assert (result.start, result.end) == (date(2026, 9, 22), TODAY)
    assert result.consumption == Decimal("18.5")
    assert not any(line.estimated for line in result.lines)
    water = next(line for line in result.lines if line.service == "WATER")
    assert water.quantity == Decimal("18.500")
    assert "stan 798,500 m³ dziś wobec 780,000 m³ z odczytu z 21 września 2026" in result.basis
    assert "to symulacja, a nie faktura" in result.basis


def test_a_simulated_rollover_is_measured_through_zero() -> None:
    result = simulate([_simulated("5", previous="99990")], [TARIFF], TODAY)
    assert result.consumption == Decimal("15")
    assert "przekręciło się przez zero" in result.basis


def test_a_lower_value_is_refused_like_a_submitted_reading() -> None:
    with pytest.raises(ReadingDecreased) as refused:
        simulate([_simulated("790"), _simulated("700")], [TARIFF], TODAY)
    assert refused.value.field == "readings.1.value"


def test_an_implausible_value_is_refused() -> None:
    with pytest.raises(ImplausibleReading) as refused:
        simulate([_simulated("90000")], [TARIFF], TODAY)
    assert refused.value.field == "readings.0.value"


def test_a_meter_without_readings_has_nothing_to_compare() -> None:
    meter = SimulatedMeter("A1", 5, Decimal(3), None, [])
    with pytest.raises(NothingToCompare):
        simulate([meter], [TARIFF], TODAY)


# --- invariants --------------------------------------------------------------------------

_rates = st.decimals(min_value=0, max_value=5, places=3, allow_nan=False, allow_infinity=False)
_days = st.integers(min_value=0, max_value=MAX_PERIOD_DAYS - 1)
_starts = st.dates(min_value=date(2025, 12, 1), max_value=date(2029, 1, 1))
_factors = st.lists(
    st.decimals(min_value="0.1", max_value=3, places=2), min_size=12, max_size=12
).map(tuple)


@settings(deadline=None)
@given(daily=_rates, factors=_factors, start=_starts, days=_days, more=_days)
def test_lines_sum_to_totals_and_a_longer_period_never_costs_less(
    daily: Decimal, factors: tuple[Decimal, ...], start: date, days: int, more: int
) -> None:
    usage = Usage(daily, factors, date(2024, 1, 1), date(2026, 1, 1), seasonal=True)

    def cost(end: date) -> tuple[Decimal, Decimal]:
        lines = bill_period(start, end, period_volume(usage, start, end), [TARIFF], estimated=True)
        totals = invoice_totals(lines)
        assert totals.net == sum(line.net for line in lines)
        assert totals.vat == sum(line.vat for line in lines)
        assert totals.gross == totals.net + totals.vat
        return period_volume(usage, start, end), totals.gross

    short = cost(start + timedelta(days=days))
    long = cost(start + timedelta(days=days + more))
    assert long[0] >= short[0]
    assert long[1] >= short[1]


@settings(deadline=None)
@given(
    monthly=st.lists(st.decimals(min_value=0, max_value=40, places=3), min_size=25, max_size=36),
    first_day=st.integers(min_value=1, max_value=28),
)
def test_the_seasonal_profile_averages_to_the_plain_average(
    monthly: list[Decimal], first_day: int
) -> None:
    points, value, day = [], Decimal(100), date(2023, 11, first_day)
    for used in monthly:
        points.append(RegisterPoint(day, value))
        value += used
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=first_day)
    points.append(RegisterPoint(day, value))
    factors = seasonal_factors(points, 6)
    weights = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    mean = sum(f * w for f, w in zip(factors, weights, strict=True)) / 365
    assert mean == pytest.approx(Decimal(1), abs=Decimal("1e-20"))
    # A common year forecast seasonally costs as much water as at the plain average.
    daily = Decimal("0.4")
    seasonal = Usage(daily, factors, points[0].read_on, points[-1].read_on, seasonal=True)
    flat = Usage(daily, FLAT, points[0].read_on, points[-1].read_on, seasonal=False)
    year = (date(2027, 1, 1), date(2027, 12, 31))
    assert abs(period_volume(seasonal, *year) - period_volume(flat, *year)) <= Decimal("0.001")


@settings(deadline=None)
@given(
    daily=st.decimals(min_value=0, max_value=3, places=2),
    start=st.dates(min_value=TODAY - timedelta(days=300), max_value=TODAY + timedelta(days=200)),
    days=st.integers(min_value=0, max_value=400),
    more=st.integers(min_value=0, max_value=400),
)
def test_a_longer_forecast_never_costs_less_at_the_same_usage(
    daily: Decimal, start: date, days: int, more: int
) -> None:
    history = [MeterHistory("A1", 5, _readings(date(2025, 12, 1), 61, 6, daily))]
    short = forecast(start, start + timedelta(days=days), history, [TARIFF], TODAY)
    long = forecast(start, start + timedelta(days=days + more), history, [TARIFF], TODAY)
    assert long.consumption >= short.consumption
    assert long.totals.gross >= short.totals.gross
    for result in (short, long):
        assert result.totals.net == sum(line.net for line in result.lines)
        assert result.totals.gross == sum(line.gross for line in result.lines)


def test_a_meter_not_read_for_a_year_uses_its_last_two_readings() -> None:
    old = [
        RegisterPoint(date(2024, 1, 1), Decimal(100)),
        RegisterPoint(date(2024, 3, 1), Decimal(112)),
    ]
    usage = usage_of(old, TODAY, 5)
    assert not usage.seasonal
    assert usage.daily == Decimal(12) / 60
    assert (usage.first, usage.last) == (date(2024, 1, 1), date(2024, 3, 1))

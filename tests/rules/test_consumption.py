from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.consumption import (
    MeterReadingPoint,
    MonthlyVolume,
    merge_meters,
    monthly_consumption,
)
from models.rules.rollover import consumption_between

D = Decimal


def r(day: str, value: str, estimated: bool = False) -> MeterReadingPoint:
    return MeterReadingPoint(date.fromisoformat(day), D(value), estimated)


def test_month_end_readings_give_calendar_months() -> None:
    readings = [r("2026-03-31", "121", True), r("2026-01-31", "100"), r("2026-02-28", "110")]
    result = monthly_consumption(readings, 5, date(2026, 1, 1), date(2026, 4, 30))
    assert result == [
        MonthlyVolume(date(2026, 1, 1), D("0.000"), False),
        MonthlyVolume(date(2026, 2, 1), D("10.000"), False),
        MonthlyVolume(date(2026, 3, 1), D("11.000"), True),
        MonthlyVolume(date(2026, 4, 1), D("0.000"), False),
    ]


def test_interval_spread_evenly_over_its_days() -> None:
    # 15 Jan -> 14 Feb covers 16 January days and 14 February days
    readings = [r("2026-01-15", "100"), r("2026-02-14", "130")]
    result = monthly_consumption(readings, 5, date(2026, 1, 1), date(2026, 2, 1))
    assert [p.volume for p in result] == [D("16.000"), D("14.000")]


def test_uneven_split_keeps_the_exact_total() -> None:
    readings = [r("2025-12-31", "0"), r("2026-03-31", "10")]
    result = monthly_consumption(readings, 5, date(2026, 1, 1), date(2026, 3, 31))
    # 31, 28 and 31 days of 90: 3.444.., 3.111.., 3.444..
    assert [p.volume for p in result] == [D("3.445"), D("3.111"), D("3.444")]
    assert sum(p.volume for p in result) == D("10")


def test_rollover_between_readings() -> None:
    readings = [r("2026-01-31", "99990"), r("2026-02-28", "10")]
    result = monthly_consumption(readings, 5, date(2026, 2, 1), date(2026, 2, 1))
    assert result == [MonthlyVolume(date(2026, 2, 1), D("20.000"), False)]


def test_only_requested_months_and_no_readings() -> None:
    readings = [r("2026-01-15", "100"), r("2026-02-14", "130")]
    assert monthly_consumption(readings, 5, date(2026, 2, 10), date(2026, 2, 10)) == [
        MonthlyVolume(date(2026, 2, 1), D("14.000"), False)
    ]
    empty = monthly_consumption([r("2026-01-15", "100")], 5, date(2026, 1, 1), date(2026, 2, 1))
    assert [(p.volume, p.estimated) for p in empty] == [(D("0"), False)] * 2
    with pytest.raises(ValueError):
        monthly_consumption(readings, 5, date(2026, 2, 1), date(2026, 1, 31))


def test_same_day_readings_count_on_that_day() -> None:
    readings = [r("2026-01-31", "100"), r("2026-02-10", "104"), r("2026-02-10", "105", True)]
    result = monthly_consumption(readings, 5, date(2026, 2, 1), date(2026, 2, 1))
    assert result == [MonthlyVolume(date(2026, 2, 1), D("5.000"), True)]


def test_estimated_only_where_the_estimate_reaches() -> None:
    readings = [r("2026-01-31", "100"), r("2026-02-28", "110", True), r("2026-04-30", "130")]
    result = monthly_consumption(readings, 5, date(2026, 2, 1), date(2026, 4, 1))
    assert [p.estimated for p in result] == [True, False, False]


def test_merge_meters() -> None:
    a = [
        MonthlyVolume(date(2026, 1, 1), D("1.000"), False),
        MonthlyVolume(date(2026, 2, 1), D("2.000"), False),
    ]
    b = [
        MonthlyVolume(date(2026, 2, 1), D("0.500"), True),
        MonthlyVolume(date(2026, 3, 1), D("4.000"), False),
    ]
    assert merge_meters([b, a]) == [
        MonthlyVolume(date(2026, 1, 1), D("1.000"), False),
        MonthlyVolume(date(2026, 2, 1), D("2.500"), True),
        MonthlyVolume(date(2026, 3, 1), D("4.000"), False),
    ]
    assert merge_meters([]) == []


@st.composite
def meter_history(draw: st.DrawFn) -> list[MeterReadingPoint]:
    """Readings of a 5-digit meter, in any order, wrapping past 99 999 sometimes."""
    day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 40)))
    value = draw(st.decimals(min_value=0, max_value=99999, places=3))
    readings = [MeterReadingPoint(day, value, draw(st.booleans()))]
    for _ in range(draw(st.integers(0, 8))):
        day += timedelta(days=draw(st.integers(0, 120)))
        used = draw(st.decimals(min_value=0, max_value=500, places=3))
        value = (value + used) % 100000
        readings.append(MeterReadingPoint(day, value, draw(st.booleans())))
    return draw(st.permutations(readings))


@given(meter_history())
def test_total_over_covering_months_equals_total_consumption(
    readings: list[MeterReadingPoint],
) -> None:
    ordered = sorted(readings, key=lambda p: p.read_on)
    first, last = ordered[0].read_on, ordered[-1].read_on
    result = monthly_consumption(readings, 5, first, last)
    expected = sum(
        (consumption_between(a.value, b.value, 5) for a, b in pairwise(ordered)),
        D(0),
    )
    assert sum(p.volume for p in result) == expected
    assert all(p.volume >= 0 and p.volume.as_tuple().exponent == -3 for p in result)
    assert [p.month for p in result] == sorted({p.month for p in result})
    assert result[0].month == first.replace(day=1) and result[-1].month == last.replace(day=1)
    assert merge_meters([result]) == result
    if not any(p.estimated for p in ordered[1:]):
        assert not any(p.estimated for p in result)

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.reading_window import (
    ReadingWindow,
    add_months,
    month_end,
    month_start,
    window_for,
    window_of_month,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
opening_days = st.integers(1, 28)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 24), ReadingWindow(date(2026, 11, 25), date(2026, 11, 30), False)),
        (date(2026, 11, 25), ReadingWindow(date(2026, 11, 25), date(2026, 11, 30), True)),
        (date(2026, 11, 30), ReadingWindow(date(2026, 11, 25), date(2026, 11, 30), True)),
        (date(2026, 12, 1), ReadingWindow(date(2026, 12, 25), date(2026, 12, 31), False)),
        (date(2024, 2, 29), ReadingWindow(date(2024, 2, 25), date(2024, 2, 29), True)),
        (date(2026, 2, 28), ReadingWindow(date(2026, 2, 25), date(2026, 2, 28), True)),
    ],
)
def test_window_for_default_opening(day: date, expected: ReadingWindow) -> None:
    assert window_for(day) == expected


def test_window_for_custom_opening_day() -> None:
    assert window_for(date(2026, 5, 19), opens_on_day=20) == ReadingWindow(
        date(2026, 5, 20), date(2026, 5, 31), False
    )
    assert window_for(date(2026, 5, 1), opens_on_day=1).is_open


@pytest.mark.parametrize("bad", [0, 29, 31, -1, True])
def test_opening_day_must_exist_in_every_month(bad: int) -> None:
    with pytest.raises(ValueError):
        window_for(date(2026, 5, 1), opens_on_day=bad)
    with pytest.raises(ValueError):
        window_of_month(2026, 5, opens_on_day=bad)


def test_window_of_month() -> None:
    assert window_of_month(2026, 2) == (date(2026, 2, 25), date(2026, 2, 28))
    assert window_of_month(2028, 2, 10) == (date(2028, 2, 10), date(2028, 2, 29))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 1), -13, date(2024, 12, 1)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 5, 31), 24, date(2028, 5, 31)),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


def test_month_start_and_end() -> None:
    assert month_start(date(2026, 7, 19)) == date(2026, 7, 1)
    assert month_end(date(2026, 7, 19)) == date(2026, 7, 31)
    assert month_end(date(2100, 2, 1)) == date(2100, 2, 28)  # not a leap year


@given(days, opening_days)
def test_window_properties(day: date, opens_on_day: int) -> None:
    window = window_for(day, opens_on_day)
    assert window.opens_on <= window.closes_on
    assert window.opens_on.day == opens_on_day
    assert (window.closes_on + timedelta(days=1)).day == 1
    assert window.is_open == (window.opens_on <= day <= window.closes_on)
    if not window.is_open:
        assert day < window.opens_on
        previous = add_months(window.opens_on, -1)
        _, previous_close = window_of_month(previous.year, previous.month, opens_on_day)
        assert previous_close < day  # no earlier window is still ahead of day


@given(days, st.integers(-300, 300))
def test_add_months_moves_whole_months_and_clamps(day: date, n: int) -> None:
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == min(day.day, month_end(moved).day)
    assert add_months(month_start(moved), -n) == month_start(day)

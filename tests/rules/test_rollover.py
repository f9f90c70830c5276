from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.rollover import consumption_between, is_rollover, plausible_rollover

D = Decimal


@pytest.mark.parametrize(
    ("previous", "current", "digits", "expected"),
    [
        ("99998", "12", 5, "14"),
        ("100", "150", 5, "50"),
        ("150", "150", 5, "0"),
        ("99999.5", "0.25", 5, "0.75"),
        ("9", "0", 1, "1"),
        ("123.456", "130.001", 6, "6.545"),
    ],
)
def test_consumption_between(previous: str, current: str, digits: int, expected: str) -> None:
    assert consumption_between(D(previous), D(current), digits) == D(expected)


@pytest.mark.parametrize(
    ("previous", "current", "digits"),
    [
        ("100000", "5", 5),  # previous beyond a 5-digit register
        ("5", "100000", 5),
        ("-1", "5", 5),
        ("NaN", "5", 5),
        ("1", "5", 0),
        ("1", "5", True),
    ],
)
def test_rejects_values_a_register_cannot_show(previous: str, current: str, digits: int) -> None:
    with pytest.raises(ValueError):
        consumption_between(D(previous), D(current), digits)
    with pytest.raises(ValueError):
        is_rollover(D(previous), D(current), digits)


def test_is_rollover_only_on_decrease() -> None:
    assert is_rollover(D("99998"), D("12"), 5)
    assert not is_rollover(D("12"), D("12"), 5)
    assert not is_rollover(D("12"), D("13"), 5)


def test_plausible_rollover() -> None:
    assert plausible_rollover(D("99998"), D("12"), 5, max_volume=D("100"))
    assert plausible_rollover(D("99998"), D("12"), 5, max_volume=D("14"))
    assert not plausible_rollover(D("99998"), D("12"), 5, max_volume=D("13.999"))
    # 500 -> 400 would mean 99 900 m³: a mistyped reading, not a rollover
    assert not plausible_rollover(D("500"), D("400"), 5, max_volume=D("1000"))
    # an increase is no rollover at all
    assert not plausible_rollover(D("400"), D("500"), 5, max_volume=D("1000"))


@st.composite
def register_pairs(draw: st.DrawFn) -> tuple[Decimal, Decimal, int]:
    digits = draw(st.integers(1, 8))
    limit = D(10**digits) - D("0.001")
    values = st.decimals(min_value=0, max_value=limit, places=3)
    return draw(values), draw(values), digits


@given(register_pairs())
def test_consumption_is_in_range_and_lands_on_current(pair: tuple[Decimal, Decimal, int]) -> None:
    previous, current, digits = pair
    used = consumption_between(previous, current, digits)
    assert 0 <= used < 10**digits
    assert (previous + used) % 10**digits == current
    assert is_rollover(previous, current, digits) == (current < previous)


@given(register_pairs(), st.decimals(min_value=0, max_value=10**8, places=3))
def test_plausible_rollover_matches_its_definition(
    pair: tuple[Decimal, Decimal, int], max_volume: Decimal
) -> None:
    previous, current, digits = pair
    expected = current < previous and consumption_between(previous, current, digits) <= max_volume
    assert plausible_rollover(previous, current, digits, max_volume) == expected

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.money import (
    GROSZ,
    NBSP,
    ZERO,
    format_decimal_pl,
    format_pln,
    to_grosz,
    to_grosze_int,
)

amounts = st.decimals(
    min_value=Decimal("-10000000"), max_value=Decimal("10000000"), places=4, allow_nan=False
)


def test_constants() -> None:
    assert str(GROSZ) == "0.01"
    assert ZERO.is_zero()
    assert str(ZERO) == "0.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("2.675", "2.68"),  # 2.675 as a float is 2.67499999...
        ("-1.005", "-1.01"),
        ("0.125", "0.13"),  # half-even would give 0.12
        ("7", "7.00"),
    ],
)
def test_to_grosz_rounds_half_up(value: str, expected: str) -> None:
    result = to_grosz(Decimal(value))
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.34", 1234), ("1.230", 123), ("-0.5", -50), ("0", 0), ("100", 10000)],
)
def test_to_grosze_int_exact(value: str, expected: int) -> None:
    assert to_grosze_int(Decimal(value)) == expected


@pytest.mark.parametrize("value", ["1.235", "0.001", "NaN", "Infinity"])
def test_to_grosze_int_refuses_fractions_of_a_grosz(value: str) -> None:
    with pytest.raises(ValueError):
        to_grosze_int(Decimal(value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", "1 234,56 zł"),
        ("-1234.56", "-1 234,56 zł"),
        ("0", "0,00 zł"),
        ("5", "5,00 zł"),
        ("100", "100,00 zł"),
        ("999.999", "1 000,00 zł"),
        ("1234567.8", "1 234 567,80 zł"),
        ("-0.001", "0,00 zł"),
    ],
)
def test_format_pln(value: str, expected: str) -> None:
    assert format_pln(Decimal(value)) == expected.replace(" ", NBSP)


def test_format_pln_uses_no_break_spaces_only() -> None:
    text = format_pln(Decimal("1234567.89"))
    assert " " not in text
    assert text.count(NBSP) == 3


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("12.345", None, "12,345"),
        ("12345.678", None, "12 345,678"),
        ("12345.678", 1, "12 345,7"),
        ("12345.678", 0, "12 346"),
        ("12.5", 3, "12,500"),
        ("1E+3", None, "1 000"),
        ("-1234", None, "-1 234"),
        ("123", None, "123"),
        ("0.5", 0, "1"),
    ],
)
def test_format_decimal_pl(value: str, places: int | None, expected: str) -> None:
    assert format_decimal_pl(Decimal(value), places) == expected.replace(" ", NBSP)


def test_format_decimal_pl_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        format_decimal_pl(Decimal("1"), -1)
    with pytest.raises(ValueError):
        format_decimal_pl(Decimal("NaN"))


def _parse_pl(text: str) -> Decimal:
    return Decimal(text.removesuffix(NBSP + "zł").replace(NBSP, "").replace(",", "."))


@given(amounts)
def test_format_pln_round_trips_to_the_grosz(value: Decimal) -> None:
    text = format_pln(value)
    assert text.endswith(NBSP + "zł")
    assert _parse_pl(text) == to_grosz(value)
    whole = text.removesuffix(NBSP + "zł").lstrip("-").split(",")[0]
    groups = whole.split(NBSP)
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])
    assert len(text.split(",")[1].removesuffix(NBSP + "zł")) == 2


@given(amounts)
def test_to_grosz_is_within_half_a_grosz(value: Decimal) -> None:
    rounded = to_grosz(value)
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded == to_grosz(rounded)
    assert to_grosze_int(rounded) == int(rounded * 100)

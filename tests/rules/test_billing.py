from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.billing import (
    LineDraft,
    Totals,
    bill_period,
    gross_unit_price,
    invoice_totals,
    price_line,
    split_quantity,
    subscription_months,
)
from models.rules.money import to_grosz
from models.rules.tariff import TariffRates, split_by_tariff

D = Decimal
DAY = timedelta(days=1)

OLD = TariffRates(date(2025, 1, 1), date(2025, 12, 31), D("5.50"), D("8.00"), D("10.00"), D("8"))
NEW = TariffRates(date(2026, 1, 1), None, D("5.83"), D("9.12"), D("12.50"), D("8"))


def test_price_line_rounds_net_and_vat_half_up() -> None:
    line = price_line("WATER", "x", D("10"), "M3", D("5.83"), D("8"), False, date(2026, 1, 1))
    assert (line.net, line.vat, line.gross) == (D("58.30"), D("4.66"), D("62.96"))
    # net 0.125 -> 0.13 (half-up, not half-even)
    tiny = price_line("WATER", "x", D("1"), "M3", D("0.125"), D("8"), False, date(2026, 1, 1))
    assert tiny.net == D("0.13")
    # VAT 23 % of 1.50 is 0.345: half-up gives 0.35 where half-even would give 0.34
    assert price_line(
        "WATER", "x", D("1"), "M3", D("1.50"), D("23"), False, NEW.valid_from
    ).vat == (D("0.35"))


def test_price_line_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError):
        price_line("GAS", "x", D("1"), "M3", D("1"), D("8"), False, NEW.valid_from)
    with pytest.raises(ValueError):
        price_line("WATER", "x", D("1"), "L", D("1"), D("8"), False, NEW.valid_from)


@pytest.mark.parametrize(
    ("total", "weights", "places", "expected"),
    [
        ("10", [1, 1, 1], 3, ["3.334", "3.333", "3.333"]),
        ("12.400", [31, 31], 3, ["6.200", "6.200"]),
        ("1", [0, 1, 0], 3, ["0.000", "1.000", "0.000"]),
        ("0", [5, 7], 3, ["0.000", "0.000"]),
        ("0.002", [1, 1, 1], 3, ["0.001", "0.001", "0.000"]),
        ("5", [1, 2, 2], 0, ["1", "2", "2"]),
        ("-10", [1, 1, 1], 3, ["-3.334", "-3.333", "-3.333"]),
        ("1.00", [2, 1], 2, ["0.67", "0.33"]),
        ("1.00", [1, 2], 2, ["0.33", "0.67"]),
    ],
)
def test_split_quantity_largest_remainder(
    total: str, weights: list[int], places: int, expected: list[str]
) -> None:
    parts = split_quantity(D(total), weights, places)
    assert [str(p) for p in parts] == expected


@pytest.mark.parametrize(
    ("total", "weights"),
    [("1.0001", [1, 1]), ("1", []), ("1", [0, 0]), ("1", [1, -1]), ("NaN", [1])],
)
def test_split_quantity_rejects(total: str, weights: list[int]) -> None:
    with pytest.raises(ValueError):
        split_quantity(D(total), weights)


def test_bill_period_across_a_tariff_change() -> None:
    lines = bill_period(
        date(2025, 12, 1), date(2026, 1, 31), D("12.400"), [OLD, NEW], estimated=False
    )
    summary = [(ln.service, ln.quantity, ln.unit_price, ln.net, ln.vat, ln.gross) for ln in lines]
    assert summary == [
        ("WATER", D("6.200"), D("5.50"), D("34.10"), D("2.73"), D("36.83")),
        ("WATER", D("6.200"), D("5.83"), D("36.15"), D("2.89"), D("39.04")),
        ("SEWAGE", D("6.200"), D("8.00"), D("49.60"), D("3.97"), D("53.57")),
        ("SEWAGE", D("6.200"), D("9.12"), D("56.54"), D("4.52"), D("61.06")),
        ("SUBSCRIPTION", D("1.00"), D("10.00"), D("10.00"), D("0.80"), D("10.80")),
        ("SUBSCRIPTION", D("1.00"), D("12.50"), D("12.50"), D("1.00"), D("13.50")),
    ]
    assert [ln.unit for ln in lines] == ["M3", "M3", "M3", "M3", "MONTH", "MONTH"]
    assert [ln.tariff_valid_from for ln in lines] == [OLD.valid_from, NEW.valid_from] * 3
    assert lines[1].description == "Dostawa wody (5,83 zł/m³, od 01.01.2026)"
    assert lines[3].description == "Odprowadzanie ścieków (9,12 zł/m³, od 01.01.2026)"
    assert lines[4].description == "Opłata abonamentowa (10,00 zł/mies., od 01.01.2025)"
    assert not any(ln.estimated for ln in lines)
    assert invoice_totals(lines) == Totals(D("198.89"), D("15.91"), D("214.80"))


def test_bill_period_estimated_marks_metered_lines_only() -> None:
    lines = bill_period(date(2026, 1, 1), date(2026, 2, 28), D("7"), [NEW], estimated=True)
    assert [(ln.service, ln.estimated) for ln in lines] == [
        ("WATER", True),
        ("SEWAGE", True),
        ("SUBSCRIPTION", False),
    ]
    assert lines[0].description == "Dostawa wody, zużycie szacunkowe (5,83 zł/m³, od 01.01.2026)"
    assert lines[2].quantity == D("2.00")  # a full two-month period


def test_bill_period_subscription_pro_rata_by_days() -> None:
    mid_march = TariffRates(date(2026, 3, 16), None, D("6"), D("9"), D("13"), D("8"))
    old = TariffRates(date(2025, 1, 1), date(2026, 3, 15), D("5"), D("8"), D("12"), D("8"))
    lines = bill_period(
        date(2026, 1, 1), date(2026, 3, 31), D("0"), [old, mid_march], estimated=False
    )
    subscription = [ln.quantity for ln in lines if ln.service == "SUBSCRIPTION"]
    # 2 + 15/31 = 2.4839 and 16/31 = 0.5161: rounded so that they add up to 3.00
    assert subscription == [D("2.48"), D("0.52")]
    half_month = bill_period(date(2026, 4, 1), date(2026, 4, 15), D("1"), [NEW], estimated=False)
    assert half_month[-1].quantity == D("0.50")


def test_bill_period_services_subset_and_validation() -> None:
    only_water = bill_period(
        date(2026, 1, 1),
        date(2026, 1, 31),
        D("3"),
        [NEW],
        estimated=False,
        services=frozenset({"WATER"}),
    )
    assert [ln.service for ln in only_water] == ["WATER"]
    with pytest.raises(ValueError):
        bill_period(
            date(2026, 1, 1),
            date(2026, 1, 31),
            D("3"),
            [NEW],
            estimated=False,
            services=frozenset({"GAS"}),
        )
    with pytest.raises(ValueError):
        bill_period(date(2026, 1, 1), date(2026, 1, 31), D("-1"), [NEW], estimated=False)
    with pytest.raises(ValueError):
        bill_period(date(2026, 1, 1), date(2026, 1, 31), D("1.0001"), [NEW], estimated=False)
    with pytest.raises(LookupError):
        bill_period(date(2024, 12, 1), date(2025, 1, 31), D("1"), [OLD], estimated=False)


def test_invoice_totals_of_nothing_is_zero() -> None:
    assert invoice_totals([]) == Totals(D("0"), D("0"), D("0"))


def test_price_shown_with_all_its_decimals() -> None:
    odd = TariffRates(date(2026, 1, 1), None, D("5.835"), D("9"), D("12.5"), D("8"))
    lines = bill_period(date(2026, 1, 1), date(2026, 1, 31), D("1"), [odd], estimated=False)
    assert [ln.description for ln in lines] == [
        "Dostawa wody (5,835 zł/m³, od 01.01.2026)",
        "Odprowadzanie ścieków (9,00 zł/m³, od 01.01.2026)",
        "Opłata abonamentowa (12,50 zł/mies., od 01.01.2026)",
    ]


# ---- properties ---------------------------------------------------------------

prices = st.decimals(min_value=0, max_value=100, places=2)
rates = st.sampled_from([D("0"), D("5"), D("8"), D("23")])
volumes = st.decimals(min_value=0, max_value=5000, places=3)


@st.composite
def tariff_history(draw: st.DrawFn) -> list[TariffRates]:
    """Contiguous tariffs from 2025-01-01 with random prices; the last one open-ended."""
    lengths = draw(st.lists(st.integers(1, 90), max_size=4))
    start, history = date(2025, 1, 1), []
    for length in [*lengths, None]:
        end = None if length is None else start + timedelta(days=length - 1)
        history.append(
            TariffRates(start, end, draw(prices), draw(prices), draw(prices), draw(rates))
        )
        start = (end or start) + DAY
    return history


periods = st.tuples(st.dates(date(2025, 1, 1), date(2025, 12, 31)), st.integers(0, 400))


@given(
    st.decimals(min_value=-1000, max_value=1000, places=3),
    st.decimals(min_value=0, max_value=1000, places=4),
    rates,
)
def test_every_priced_line_is_consistent(quantity: Decimal, price: Decimal, rate: Decimal) -> None:
    line = price_line("WATER", "x", quantity, "M3", price, rate, False, date(2026, 1, 1))
    assert line.net == to_grosz(quantity * price)
    assert line.vat == to_grosz(line.net * rate / 100)
    assert line.gross == line.net + line.vat


@given(
    st.decimals(min_value=0, max_value=10**6, places=3),
    st.lists(st.integers(0, 400), min_size=1, max_size=12).filter(lambda w: sum(w) > 0),
)
def test_split_quantity_parts_sum_exactly(total: Decimal, weights: list[int]) -> None:
    parts = split_quantity(total, weights, 3)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert all(p.as_tuple().exponent == -3 for p in parts)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / sum(weights)
        assert abs(part - exact) < D("0.001")  # within one unit of the exact share
        if weight == 0:
            assert part == 0


@given(tariff_history(), periods, volumes, st.booleans())
def test_bill_period_invariants(
    history: list[TariffRates], period: tuple[date, int], volume: Decimal, estimated: bool
) -> None:
    start, length = period
    end = start + timedelta(days=length)
    lines = bill_period(start, end, volume, history, estimated=estimated)
    segments = split_by_tariff(start, end, history)
    for line in lines:
        assert line.gross == line.net + line.vat
        assert line.vat == to_grosz(line.net * line.vat_rate / 100)
        assert line.net == to_grosz(line.quantity * line.unit_price)
    totals = invoice_totals(lines)
    assert totals.net == sum(ln.net for ln in lines)
    assert totals.vat == sum(ln.vat for ln in lines)
    assert totals.gross == sum(ln.gross for ln in lines) == totals.net + totals.vat
    water = [ln for ln in lines if ln.service == "WATER"]
    sewage = [ln for ln in lines if ln.service == "SEWAGE"]
    subscription = [ln for ln in lines if ln.service == "SUBSCRIPTION"]
    assert len(water) == len(sewage) == len(subscription) == len(segments)
    assert sum(ln.quantity for ln in water) == volume
    assert [ln.quantity for ln in sewage] == [ln.quantity for ln in water]
    assert [ln.tariff_valid_from for ln in water] == [s.tariff.valid_from for s in segments]
    assert [ln.unit_price for ln in water] == [s.tariff.water_price for s in segments]
    assert all(ln.estimated == estimated for ln in water + sewage)
    assert all(isinstance(ln, LineDraft) for ln in lines)


def _whole_months(start: date, months: int) -> date:
    """Last day of the `months`-th calendar month starting at `start` (a 1st)."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month0 + 1, 1) - DAY


@given(tariff_history(), st.dates(date(2025, 1, 1), date(2025, 12, 31)), st.integers(1, 12))
def test_whole_calendar_months_are_billed_as_whole_months(
    history: list[TariffRates], first: date, months: int
) -> None:
    start = first.replace(day=1)
    segments = split_by_tariff(start, _whole_months(start, months), history)
    parts = subscription_months(segments)
    assert sum(parts) == months
    assert all(p >= 0 for p in parts)


@given(tariff_history(), periods)
def test_subscription_months_are_within_a_hundredth_of_exact(
    history: list[TariffRates], period: tuple[date, int]
) -> None:
    start, length = period
    segments = split_by_tariff(start, start + timedelta(days=length), history)
    parts = subscription_months(segments)
    for part, segment in zip(parts, segments, strict=True):
        exact = D(0)
        day = segment.start
        while day <= segment.end:
            days_in_month = ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - DAY).day
            exact += D(1) / D(days_in_month)
            day += DAY
        assert abs(part - exact) < D("0.01")


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2),
    st.sampled_from([Decimal("0"), Decimal("5"), Decimal("8"), Decimal("23")]),
)
def test_a_quoted_gross_price_is_what_a_one_unit_invoice_line_charges(
    net_price: Decimal, vat_rate: Decimal
) -> None:
    line = price_line("WATER", "x", Decimal(1), "M3", net_price, vat_rate, False, date(2026, 1, 1))
    assert gross_unit_price(net_price, vat_rate) == line.gross

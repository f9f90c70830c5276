from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from models.rules.vat_summary import RateTotal, vat_summary


def test_lines_are_added_up_per_rate_highest_first() -> None:
    lines = [
        (D("8"), D("40.00"), D("3.20"), D("43.20")),
        (D("23"), D("10.00"), D("2.30"), D("12.30")),
        (D("8.00"), D("4.99"), D("0.40"), D("5.39")),
    ]
    assert vat_summary(lines) == [
        RateTotal(D("23"), D("10.00"), D("2.30"), D("12.30")),
        RateTotal(D("8"), D("44.99"), D("3.60"), D("48.59")),
    ]


def test_a_rate_prints_as_written_without_exponent_or_trailing_zeros() -> None:
    lines = [(D("10.00"), D(1), D(0), D(1)), (D("5.50"), D(1), D(0), D(1))]
    assert [str(r.rate) for r in vat_summary(lines)] == ["10", "5.5"]


def test_no_lines_no_rates() -> None:
    assert vat_summary([]) == []


money = st.decimals(min_value=-10_000, max_value=10_000, places=2)


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from([D(0), D(5), D(8), D(23)]), money, money, money)))
def test_the_rates_add_up_to_the_invoice_totals(
    lines: list[tuple[D, D, D, D]],
) -> None:
    summary = vat_summary(lines)
    assert sum((r.net for r in summary), D(0)) == sum((line[1] for line in lines), D(0))
    assert sum((r.vat for r in summary), D(0)) == sum((line[2] for line in lines), D(0))
    assert sum((r.gross for r in summary), D(0)) == sum((line[3] for line in lines), D(0))
    assert len({r.rate for r in summary}) == len(summary)

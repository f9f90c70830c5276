from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.tariff import TariffRates, TariffSegment, split_by_tariff, tariff_on

D = Decimal
DAY = timedelta(days=1)


def tariff(start: date, end: date | None, water: str = "5.83") -> TariffRates:
    return TariffRates(start, end, D(water), D("9.12"), D("12.50"), D("8"))


OLD = tariff(date(2025, 1, 1), date(2025, 12, 31), "5.50")
NEW = tariff(date(2026, 1, 1), None, "5.83")


def test_tariff_on_picks_the_covering_tariff_inclusive_of_valid_to() -> None:
    assert tariff_on(date(2025, 12, 31), [OLD, NEW]) is OLD
    assert tariff_on(date(2026, 1, 1), [OLD, NEW]) is NEW
    assert tariff_on(date(2030, 6, 1), [NEW, OLD]) is NEW


def test_tariff_on_without_coverage_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        tariff_on(date(2024, 12, 31), [OLD, NEW])
    with pytest.raises(LookupError):
        tariff_on(date(2026, 1, 1), [])


def test_newer_tariff_supersedes_an_open_ended_older_one() -> None:
    never_closed = tariff(date(2025, 1, 1), None, "5.50")
    assert tariff_on(date(2026, 3, 1), [never_closed, NEW]) is NEW
    assert tariff_on(date(2025, 3, 1), [never_closed, NEW]) is never_closed


def test_two_different_tariffs_from_the_same_day_are_ambiguous() -> None:
    other = tariff(date(2026, 1, 1), None, "6.00")
    with pytest.raises(ValueError):
        tariff_on(date(2026, 2, 1), [NEW, other])
    assert tariff_on(date(2026, 2, 1), [NEW, NEW]) == NEW  # a repeated row is harmless


def test_invalid_tariffs_are_refused() -> None:
    with pytest.raises(ValueError):
        tariff(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError):
        tariff(date(2026, 1, 1), None, "-1")


def test_split_across_a_change() -> None:
    segments = split_by_tariff(date(2025, 12, 1), date(2026, 1, 31), [NEW, OLD])
    assert segments == [
        TariffSegment(date(2025, 12, 1), date(2025, 12, 31), 31, OLD),
        TariffSegment(date(2026, 1, 1), date(2026, 1, 31), 31, NEW),
    ]


def test_split_within_one_tariff_and_single_day() -> None:
    assert split_by_tariff(date(2026, 3, 1), date(2026, 4, 30), [OLD, NEW]) == [
        TariffSegment(date(2026, 3, 1), date(2026, 4, 30), 61, NEW)
    ]
    assert split_by_tariff(date(2026, 1, 1), date(2026, 1, 1), [OLD, NEW]) == [
        TariffSegment(date(2026, 1, 1), date(2026, 1, 1), 1, NEW)
    ]


def test_split_merges_runs_where_an_overshadowed_tariff_ends() -> None:
    never_closed = tariff(date(2025, 1, 1), None, "5.50")
    short = tariff(date(2025, 6, 1), date(2025, 6, 30), "7.00")
    segments = split_by_tariff(date(2025, 5, 1), date(2025, 8, 31), [never_closed, short])
    assert [(s.start, s.end, s.tariff) for s in segments] == [
        (date(2025, 5, 1), date(2025, 5, 31), never_closed),
        (date(2025, 6, 1), date(2025, 6, 30), short),
        (date(2025, 7, 1), date(2025, 8, 31), never_closed),
    ]


def test_split_merges_runs_where_a_superseded_tariff_ends() -> None:
    old = tariff(date(2025, 1, 1), date(2025, 12, 31), "5.50")
    newer_open = tariff(date(2025, 6, 1), None, "6.00")  # supersedes old before it ends
    segments = split_by_tariff(date(2025, 5, 1), date(2026, 2, 28), [old, newer_open])
    assert [(s.start, s.end, s.days, s.tariff) for s in segments] == [
        (date(2025, 5, 1), date(2025, 5, 31), 31, old),
        (date(2025, 6, 1), date(2026, 2, 28), 273, newer_open),
    ]


def test_split_errors() -> None:
    with pytest.raises(ValueError):
        split_by_tariff(date(2026, 2, 1), date(2026, 1, 31), [NEW])
    with pytest.raises(LookupError):
        split_by_tariff(date(2024, 12, 20), date(2025, 1, 10), [OLD, NEW])
    gap = [tariff(date(2026, 1, 1), date(2026, 1, 10)), tariff(date(2026, 1, 12), None)]
    with pytest.raises(LookupError):
        split_by_tariff(date(2026, 1, 5), date(2026, 1, 20), gap)


@st.composite
def tariff_history(draw: st.DrawFn) -> list[TariffRates]:
    """Contiguous tariffs with distinct prices from 2025-01-01, the last one open-ended."""
    lengths = draw(st.lists(st.integers(1, 60), min_size=0, max_size=5))
    start = date(2025, 1, 1)
    history = []
    for n, length in enumerate(lengths):
        end = start + timedelta(days=length - 1)
        history.append(tariff(start, end, f"{5 + n}.00"))
        start = end + DAY
    history.append(tariff(start, None, "99.00"))
    return draw(st.permutations(history))


periods = st.tuples(st.dates(date(2025, 1, 1), date(2025, 12, 31)), st.integers(0, 200))


@given(tariff_history(), periods)
def test_segments_cover_the_period_exactly(
    history: list[TariffRates], period: tuple[date, int]
) -> None:
    start, length = period
    end = start + timedelta(days=length)
    segments = split_by_tariff(start, end, history)
    assert segments[0].start == start
    assert segments[-1].end == end
    assert sum(s.days for s in segments) == (end - start).days + 1
    for segment in segments:
        assert segment.days == (segment.end - segment.start).days + 1 >= 1
    for before, after in pairwise(segments):
        assert after.start == before.end + DAY
        assert after.tariff != before.tariff  # runs of one tariff are merged
    for segment in segments:
        day = segment.start
        while day <= segment.end:
            assert tariff_on(day, history) == segment.tariff
            day += DAY

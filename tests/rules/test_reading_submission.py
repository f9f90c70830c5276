"""The regulations' rules for a customer's reading, as a pure function."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import (
    AlreadySubmittedThisMonth,
    ImplausibleReading,
    OutsideReadingWindow,
    ReadingDateInvalid,
    ReadingDecreased,
    ReadingsBlocked,
    ReadingValueInvalid,
)
from models.rules.reading_preview import preview_reading
from models.rules.reading_submission import (
    ABSOLUTE_DAILY_LIMIT,
    PreviousReading,
    SubmissionFacts,
    assess_submission,
    next_window,
)

TODAY = date(2026, 11, 27)
FACTS = SubmissionFacts(
    today=TODAY,
    read_on=TODAY,
    value=Decimal("800"),
    digits=5,
    opens_on_day=25,
    blocked=False,
    already_this_month=False,
    previous=PreviousReading(Decimal("779"), date(2026, 10, 27)),
    average_daily_use=Decimal("0.3"),
)

volumes = st.decimals(min_value=0, max_value=Decimal("99999.999"), places=3)


def test_a_usual_reading_is_accepted_with_its_consumption() -> None:
    assessment = assess_submission(FACTS)
    assert assessment.consumption == Decimal(21)
    assert not assessment.unusual and not assessment.rolled_over


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"blocked": True}, ReadingsBlocked),
        ({"today": date(2026, 11, 24), "read_on": date(2026, 11, 24)}, OutsideReadingWindow),
        ({"already_this_month": True}, AlreadySubmittedThisMonth),
        ({"value": Decimal("-1")}, ReadingValueInvalid),
        ({"value": Decimal("100000")}, ReadingValueInvalid),
        ({"value": Decimal("800.0001")}, ReadingValueInvalid),
        ({"read_on": TODAY + timedelta(days=1)}, ReadingDateInvalid),
        ({"read_on": date(2026, 11, 24)}, ReadingDateInvalid),
        ({"value": Decimal("700")}, ReadingDecreased),
        ({"value": Decimal("5000")}, ImplausibleReading),
    ],
)
def test_refusals(change: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        assess_submission(replace(FACTS, **change))  # type: ignore[arg-type]


def test_the_block_comes_before_the_calendar() -> None:
    outside = replace(FACTS, today=date(2026, 11, 3), read_on=date(2026, 11, 3), blocked=True)
    with pytest.raises(ReadingsBlocked):
        assess_submission(outside)


def test_outside_the_window_the_next_one_is_named() -> None:
    assert next_window(date(2026, 11, 3), 25) == (date(2026, 11, 25), date(2026, 11, 30))
    assert next_window(date(2026, 12, 31), 25) == (date(2027, 1, 25), date(2027, 1, 31))
    with pytest.raises(OutsideReadingWindow) as refused:
        assess_submission(replace(FACTS, today=date(2027, 2, 1), read_on=date(2027, 2, 1)))
    assert "25.02.2027" in refused.value.message()


def test_a_small_decrease_past_the_top_of_the_register_is_a_rollover() -> None:
    near_top = replace(FACTS, previous=PreviousReading(Decimal("99998"), date(2026, 10, 27)))
    assessment = assess_submission(replace(near_top, value=Decimal("12")))
    assert assessment.rolled_over and assessment.consumption == Decimal(14)


def test_far_above_usual_is_accepted_but_flagged() -> None:
    assessment = assess_submission(replace(FACTS, value=Decimal("830")))  # 51 m³ vs ~9
    assert assessment.unusual and assessment.consumption == Decimal(51)


def test_a_first_reading_has_no_consumption() -> None:
    assessment = assess_submission(replace(FACTS, previous=None))
    assert assessment.consumption is None and not assessment.unusual


@settings(deadline=None)  # a busy machine must not fail a correct rule
@given(previous=volumes, value=volumes, days=st.integers(1, 400), usual=volumes)
def test_an_accepted_reading_never_means_negative_or_unbelievable_use(
    previous: Decimal, value: Decimal, days: int, usual: Decimal
) -> None:
    facts = replace(
        FACTS,
        value=value,
        previous=PreviousReading(previous, TODAY - timedelta(days=days)),
        average_daily_use=usual / 100,
    )
    try:
        assessment = assess_submission(facts)
    except (ReadingDecreased, ImplausibleReading):
        return
    assert assessment.consumption is not None
    assert 0 <= assessment.consumption < 100_000
    most = max(ABSOLUTE_DAILY_LIMIT * days, facts.average_daily_use * days * 20)
    assert assessment.consumption <= most
    # Going up never counts as a rollover, and a rollover is always a decrease.
    assert assessment.rolled_over == (value < previous)


@settings(deadline=None)
@given(previous=volumes, value=volumes)
def test_the_preview_agrees_with_the_submission(previous: Decimal, value: Decimal) -> None:
    preview = preview_reading(previous, value, 5, Decimal("6.30"), Decimal("8.60"))
    if preview is None:  # lower by more than a rollover explains: the form says why
        assert value < previous
        return
    assert preview.approximate_cost >= 0
    assert preview.approximate_cost == preview.approximate_cost.quantize(Decimal("0.01"))
    assert preview.rolled_over == (value < previous)
    assert preview.approximate_cost == (preview.consumption * Decimal("14.90")).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def test_the_preview_of_a_mistyped_lower_value_is_none() -> None:
    assert preview_reading(Decimal(779), Decimal(700), 5, Decimal("6.30"), Decimal("8.60")) is None
    wrapped = preview_reading(Decimal(99998), Decimal(12), 5, Decimal("6.30"), Decimal("8.60"))
    assert wrapped is not None and wrapped.consumption == 14 and wrapped.rolled_over

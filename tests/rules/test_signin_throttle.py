"""The sign-in protection's arithmetic (SURFACE.md, "Sign-in protection")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.rules.signin_throttle import (
    ADDRESS_FAILURE_LIMIT,
    LOCK_DURATION,
    LoginHistory,
    address_blocked_until,
    delay_before_next_attempt,
    locked_until,
    remaining_wait,
)

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_each_attempt_from_the_fifth_failure_waits_longer_than_the_one_before() -> None:
    waits = [delay_before_next_attempt(n).total_seconds() for n in range(10)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == sorted(set(waits[5:])), "strictly longer each time"
    assert max(waits) <= 10, "short enough that an honest client does not time out"


@given(st.integers(min_value=0, max_value=10_000))
def test_nobody_is_locked_out_for_good(failures: int) -> None:
    history = LoginHistory(failures, NOW)
    until = locked_until(history)
    if failures < 10:
        assert until is None
    else:
        assert until == NOW + LOCK_DURATION, "a lock always ends 15 minutes after the last failure"
    assert remaining_wait(history, NOW + timedelta(minutes=1)) <= timedelta(seconds=10)


def test_an_address_is_limited_from_the_thirtieth_failure_in_its_window() -> None:
    oldest = NOW - timedelta(minutes=4)
    assert address_blocked_until(ADDRESS_FAILURE_LIMIT - 1, oldest) is None
    assert address_blocked_until(ADDRESS_FAILURE_LIMIT, oldest) == oldest + timedelta(minutes=10)

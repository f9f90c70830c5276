"""Retrying undelivered e-mail: backing off, giving up, and which answers are final."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.mail_retry import (
    LONGEST_DELAY,
    MAX_ATTEMPTS,
    gives_up,
    is_permanent_reply,
    retry_delay,
)


def test_the_delay_doubles_from_a_minute_up_to_an_hour() -> None:
    delays = [retry_delay(n) for n in range(1, 10)]
    assert delays[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert delays[7:] == [LONGEST_DELAY, LONGEST_DELAY]


@given(st.integers(min_value=1, max_value=10**9))
def test_the_delay_never_shrinks_and_never_passes_the_cap(attempts: int) -> None:
    assert timedelta(minutes=1) <= retry_delay(attempts) <= LONGEST_DELAY
    assert retry_delay(attempts) <= retry_delay(attempts + 1)


def test_there_is_no_retry_before_a_first_attempt() -> None:
    with pytest.raises(ValueError):
        retry_delay(0)


def test_a_server_that_stays_down_is_retried_for_about_a_day() -> None:
    waited = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=20) <= waited <= timedelta(hours=30)
    assert not gives_up(MAX_ATTEMPTS - 1, permanent=False)
    assert gives_up(MAX_ATTEMPTS, permanent=False)


def test_a_final_refusal_is_given_up_at_once() -> None:
    assert gives_up(1, permanent=True)


@pytest.mark.parametrize(
    ("code", "permanent"), [(550, True), (554, True), (421, False), (451, False)]
)
def test_only_5xx_replies_are_final(code: int, permanent: bool) -> None:
    assert is_permanent_reply(code) is permanent

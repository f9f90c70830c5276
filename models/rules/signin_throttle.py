"""How hard sign-in pushes back after failures (SURFACE.md, "Sign-in protection").

Per login: from the 5th failure each further attempt waits longer (1, 2, 3, 5, 8 s),
and from the 10th the login is locked for 15 minutes. Per client address: at most
30 failed attempts in any 10 minutes; past that each attempt from it is held and a
wrong one answers RATE_LIMITED, while a right password still signs in. Failures of
one login never slow down or lock another login, and nothing locks for good: a lock
ends 15 minutes after the last failure, and failures are forgotten after a day or a
successful sign-in.

These functions decide from counts and times; models/services/signin.py gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DELAY_FROM_FAILURE = 5
LOCK_FROM_FAILURE = 10
LOCK_DURATION = timedelta(minutes=15)
# The waits of the 6th to the 10th attempt. Each is longer than the one before, and
# none so long that an honest client's request times out (clients commonly give up
# after 10 s); parallel guesses gain nothing, since every attempt counts at once.
DELAYS = tuple(timedelta(seconds=s) for s in (1, 2, 3, 5, 8))
# Failures older than this are forgotten (as is everything before a successful sign-in).
LOGIN_MEMORY = timedelta(hours=24)

ADDRESS_FAILURE_LIMIT = 30
ADDRESS_WINDOW = timedelta(minutes=10)
# How long each attempt from an address over its limit is held before it is checked.
ADDRESS_PAUSE = timedelta(seconds=5)


@dataclass(frozen=True)
class LoginHistory:
    """A login's failures since its last success (within LOGIN_MEMORY)."""

    failures: int
    last_failure_at: datetime | None


def delay_before_next_attempt(failures: int) -> timedelta:
    """How long the attempt after `failures` failures is made to wait: nothing before
    the 5th failure, then longer each time."""
    if failures < DELAY_FROM_FAILURE:
        return timedelta(0)
    return DELAYS[min(failures - DELAY_FROM_FAILURE, len(DELAYS) - 1)]


def locked_until(history: LoginHistory) -> datetime | None:
    """When the lock on a login ends, if it has one (10 failures or more)."""
    if history.failures < LOCK_FROM_FAILURE or history.last_failure_at is None:
        return None
    return history.last_failure_at + LOCK_DURATION


def remaining_wait(history: LoginHistory, now: datetime) -> timedelta:
    """How long an attempt arriving `now` still has to wait before it is checked."""
    if history.last_failure_at is None:
        return timedelta(0)
    ready_at = history.last_failure_at + delay_before_next_attempt(history.failures)
    return max(ready_at - now, timedelta(0))


def address_blocked_until(
    failures_in_window: int, oldest_failure_at: datetime | None
) -> datetime | None:
    """When an address over its limit may try again: as the oldest counted failure
    leaves the window."""
    if failures_in_window < ADDRESS_FAILURE_LIMIT or oldest_failure_at is None:
        return None
    return oldest_failure_at + ADDRESS_WINDOW

"""The hourly query allowance: windows, what remains, and when a process must sync.

Each caller has an allowance of cost points per window. A window starts with the
caller's first charged request and lasts an hour; a request made after it ended
starts a fresh one. Windows start per caller, not on the clock's hour, so that a
caller cannot spend two allowances in the minutes around a full hour.

Every worker process keeps the points it charged in a buffer and writes them to the
shared table now and then (models/services/allowances.py). `must_sync` says when:
when enough is pending, when the last sync is a couple of seconds old, and for
every request once the caller is near the end of the allowance, so that the last
points are counted exactly across all processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Window:
    """A caller's current window: when it started and the points used in it."""

    start: datetime
    used: int

    @property
    def resets_at(self) -> datetime:
        return self.start + WINDOW


@dataclass(frozen=True)
class Standing:
    """What `rateLimit` reports: the allowance, what is left of it, and when it renews."""

    limit: int
    remaining: int
    resets_at: datetime


def window_at(start: datetime | None, used: int, now: datetime) -> Window:
    """The window as it stands at `now`: one that has ended gives way to a fresh one."""
    if start is None or now >= start + WINDOW:
        return Window(start=now, used=0)
    return Window(start=start, used=used)


def window_cutoff(now: datetime) -> datetime:
    """A window that started at or before this moment has ended by `now`."""
    return now - WINDOW


def standing(window: Window, limit: int) -> Standing:
    return Standing(limit=limit, remaining=max(0, limit - window.used), resets_at=window.resets_at)


def fits(used: int, cost: int, limit: int) -> bool:
    """Whether a request of `cost` points may run with `used` points already spent."""
    return used + cost <= limit


@dataclass(frozen=True)
class SyncPolicy:
    """When a process writes its pending points to the shared table."""

    # Points a process may hold unwritten per caller.
    max_pending: int
    # Seconds after which a process writes whatever it holds.
    max_age: float
    # Once fewer points than this would remain, every request syncs first.
    near_end: int


def sync_policy(limit: int, max_age: float = 2.0) -> SyncPolicy:
    """The policy for an allowance of `limit` points.

    A process may hold up to 1 % of the allowance unwritten, and every request
    syncs in the last 10 %: with up to ten processes (workers on several machines)
    the points other processes still hold cannot hide the end of the allowance.
    """
    return SyncPolicy(
        max_pending=max(1, limit // 100), max_age=max_age, near_end=max(1, limit // 10)
    )


def must_sync(
    policy: SyncPolicy,
    *,
    known: bool,
    used: int,
    pending: int,
    cost: int,
    limit: int,
    seconds_since_sync: float,
) -> bool:
    """Whether this request must write to (and read from) the shared table first.

    `known` is false for a caller this process has not synced yet: another process
    may already have spent the allowance. `used` is the total the table reported at
    the last sync, `pending` what this process has charged since.
    """
    if not known:
        return True
    if pending + cost >= policy.max_pending or seconds_since_sync >= policy.max_age:
        return True
    return limit - (used + pending + cost) < policy.near_end

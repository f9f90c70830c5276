"""The hourly query allowance, one per caller for every worker and machine.

The points a caller spends live in the `rate_allowances` table, so that any number
of worker processes charge one allowance. Writing that row on every request would
put a write on the hot path of every read, so each process keeps what it charged in
a buffer (`Allowances`, one per process) and adds it to the row with one atomic
upsert only when the rule in models/rules/allowance.py says so: enough pending, a
couple of seconds since the last write, or the caller near the end of the allowance
(then every request writes and reads back the total, so the last points are exact).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise import connections

from models.errors import AllowanceSpent
from models.orm import RateAllowance
from models.rules.allowance import (
    WINDOW,
    Standing,
    SyncPolicy,
    Window,
    must_sync,
    standing,
    sync_policy,
    window_at,
    window_cutoff,
)

_TABLE = RateAllowance._meta.db_table

# Adds points to a caller's row, or starts a fresh window when the stored one has
# ended, and returns the row as it now stands. One statement: concurrent workers
# are serialized by the row, never lost.
_ADD = f"""
INSERT INTO {_TABLE} (key, window_start, used) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET
    used = CASE WHEN {_TABLE}.window_start <= $4 THEN excluded.used
                ELSE {_TABLE}.used + excluded.used END,
    window_start = CASE WHEN {_TABLE}.window_start <= $4 THEN excluded.window_start
                        ELSE {_TABLE}.window_start END
RETURNING window_start, used
"""

# Gives back the points of a refused request, unless its window has ended meanwhile.
_REFUND = f"""
UPDATE {_TABLE} SET used = used - $1 WHERE key = $2 AND window_start = $3
RETURNING window_start, used
"""

# Callers a process remembers; beyond that the least recently seen are written and
# forgotten, so a flood of distinct client addresses cannot grow the buffer.
MAX_CALLERS = 10_000


@dataclass
class _Caller:
    """What one process knows of a caller's window."""

    start: datetime | None = None  # the window's start, as the table last said
    used: int = 0  # the table's total at the last sync
    pending: int = 0  # charged here since, not yet written
    in_flight: int = 0  # being written right now
    synced_at: float = float("-inf")  # monotonic time of the last sync
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def estimate(self) -> int:
        return self.used + self.in_flight + self.pending

    def forget_ended_window(self, now: datetime) -> None:
        """Points of a window that has ended no longer count (nor need writing)."""
        if self.start is not None and now >= self.start + WINDOW:
            self.start, self.used, self.pending = None, 0, 0


def _second(moment: datetime) -> datetime:
    """UTC, to the second: SQLite compares these as text, which needs one format."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _as_datetime(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _run(sql: str, values: list[object]) -> Window | None:
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        sql = sql.replace("$", "?")  # SQLite's numbered parameters are ?1, ?2, ...
    # execute_query_dict fetches on every backend (execute_query skips RETURNING on asyncpg).
    rows = await connection.execute_query_dict(sql, values)
    if not rows:
        return None
    return Window(start=_as_datetime(rows[0]["window_start"]), used=int(rows[0]["used"]))


async def add_points(key: str, points: int, now: datetime) -> Window:
    """Add points to the caller's current window (a fresh one if it has ended)."""
    row = await _run(_ADD, [key, _second(now), points, _second(window_cutoff(now))])
    assert row is not None  # an upsert always leaves the row
    return row


async def refund_points(key: str, points: int, window: Window) -> Window:
    row = await _run(_REFUND, [points, key, _second(window.start)])
    return row or Window(start=window.start, used=window.used - points)


class Allowances:
    """One process's view of every caller's allowance, and its unwritten charges."""

    def __init__(
        self,
        limit: int,
        *,
        policy: SyncPolicy | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        max_callers: int = MAX_CALLERS,
    ) -> None:
        self.limit = limit
        self.policy = policy or sync_policy(limit)
        self._monotonic = monotonic
        self._max_callers = max_callers
        self._callers: dict[str, _Caller] = {}

    async def charge(self, key: str, cost: int, now: datetime) -> Standing:
        """Charge a request's points; AllowanceSpent (nothing charged) when they do not fit."""
        caller = await self._caller(key, now)
        caller.forget_ended_window(now)
        if not self._must_sync(caller, cost):
            caller.pending += cost
            return self._standing(caller, now)
        async with caller.lock:
            caller.forget_ended_window(now)
            return await self._sync(key, caller, cost, now)

    async def peek(self, key: str, now: datetime) -> Standing:
        """The caller's standing without charging anything."""
        caller = self._callers.get(key)
        if caller is not None:
            caller.forget_ended_window(now)
            if caller.start is not None:
                return self._standing(caller, now)
        row = await RateAllowance.get_or_none(key=key)
        if row is None:
            return standing(window_at(None, 0, now), self.limit)
        return standing(window_at(row.window_start, row.used, now), self.limit)

    async def flush(self, now: datetime) -> None:
        """Write every pending charge (at shutdown, so no worker takes points with it)."""
        for key, caller in list(self._callers.items()):
            await self._write_pending(key, caller, now)

    def _must_sync(self, caller: _Caller, cost: int) -> bool:
        return must_sync(
            self.policy,
            known=caller.start is not None,
            used=caller.used + caller.in_flight,
            pending=caller.pending,
            cost=cost,
            limit=self.limit,
            seconds_since_sync=self._monotonic() - caller.synced_at,
        )

    def _standing(self, caller: _Caller, now: datetime) -> Standing:
        return standing(window_at(caller.start, caller.estimate(), now), self.limit)

    async def _sync(self, key: str, caller: _Caller, cost: int, now: datetime) -> Standing:
        """Write what is pending plus this request, and learn what every process spent."""
        caller.in_flight, caller.pending = caller.pending, 0
        try:
            window = await add_points(key, caller.in_flight + cost, now)
        except BaseException:
            caller.pending += caller.in_flight
            raise
        finally:
            caller.in_flight = 0
        caller.synced_at = self._monotonic()
        if window.used > self.limit and cost > 0:
            window = await refund_points(key, cost, window)
            caller.start, caller.used = window.start, window.used
            raise AllowanceSpent(reset_at=window.resets_at)
        caller.start, caller.used = window.start, window.used
        return self._standing(caller, now)

    async def _write_pending(self, key: str, caller: _Caller, now: datetime) -> None:
        async with caller.lock:
            caller.forget_ended_window(now)
            if caller.pending:
                await self._sync(key, caller, 0, now)

    async def _caller(self, key: str, now: datetime) -> _Caller:
        """The caller's entry, most recently seen last; the oldest go beyond the cap."""
        caller = self._callers.pop(key, None) or _Caller()
        self._callers[key] = caller
        while len(self._callers) > self._max_callers:
            oldest_key = next(iter(self._callers))
            oldest = self._callers.pop(oldest_key)
            await self._write_pending(oldest_key, oldest, now)
        return caller

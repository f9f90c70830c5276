"""The shared hourly allowance: buffered far from the end, exact near it, one for all workers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models.errors import AllowanceSpent
from models.orm import RateAllowance
from models.rules.allowance import SyncPolicy
from models.services.allowances import Allowances
from tests.support import StatementCounter

pytestmark = pytest.mark.usefixtures("db")

NOW = datetime(2026, 11, 21, 9, 0, 0, tzinfo=UTC)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _writes(counter: StatementCounter) -> list[str]:
    return [s for s in counter.statements if "rate_allowances" in s]


async def _spend(allowances: Allowances, key: str, cost: int, now: datetime = NOW) -> bool:
    try:
        await allowances.charge(key, cost, now)
    except AllowanceSpent:
        return False
    return True


async def test_far_from_the_end_charges_wait_in_the_buffer(
    sql_statements: StatementCounter,
) -> None:
    clock = FakeMonotonic()
    allowances = Allowances(10_000, monotonic=clock)  # up to 100 points unwritten
    await allowances.charge("user:1", 1, NOW)  # a caller seen first: synced
    assert len(_writes(sql_statements)) == 1
    sql_statements.statements.clear()
    for _ in range(50):
        standing = await allowances.charge("user:1", 1, NOW)
    assert _writes(sql_statements) == []
    assert standing.remaining == 10_000 - 51
    # Two seconds on, the next request writes everything pending in one statement.
    clock.now += 2.0
    await allowances.charge("user:1", 1, NOW)
    assert len(_writes(sql_statements)) == 1
    row = await RateAllowance.get(key="user:1")
    assert row.used == 52


async def test_enough_pending_points_are_written_without_waiting(
    sql_statements: StatementCounter,
) -> None:
    allowances = Allowances(10_000, monotonic=FakeMonotonic())
    await allowances.charge("user:1", 1, NOW)
    for _ in range(99):
        await allowances.charge("user:1", 1, NOW)
    sql_statements.statements.clear()
    await allowances.charge("user:1", 1, NOW)  # the 100th pending point
    assert len(_writes(sql_statements)) == 1
    assert (await RateAllowance.get(key="user:1")).used == 101


async def test_near_the_end_every_request_writes_and_reads_the_total(
    sql_statements: StatementCounter,
) -> None:
    allowances = Allowances(1000, monotonic=FakeMonotonic())  # the last 100 points
    await allowances.charge("user:1", 900, NOW)
    sql_statements.statements.clear()
    for _ in range(5):
        await allowances.charge("user:1", 1, NOW)
    assert len(_writes(sql_statements)) == 5


async def test_workers_share_one_allowance_exactly_at_its_end() -> None:
    """Two processes (two buffers) charging one caller admit exactly the allowance."""
    policy = SyncPolicy(max_pending=50, max_age=2.0, near_end=200)
    first = Allowances(1000, policy=policy, monotonic=FakeMonotonic())
    second = Allowances(1000, policy=policy, monotonic=FakeMonotonic())
    admitted = 0
    for turn in range(300):
        worker = first if turn % 2 else second
        if await _spend(worker, "address:10.0.0.7", 7):
            admitted += 7
    assert admitted == 994  # 142 requests of 7 points: a 143rd would need 1001
    assert (await RateAllowance.get(key="address:10.0.0.7")).used == 994
    assert not await _spend(first, "address:10.0.0.7", 7)
    assert not await _spend(second, "address:10.0.0.7", 7)


async def test_concurrent_requests_through_two_workers_never_overspend() -> None:
    """Racing requests (real concurrency on PostgreSQL) admit no more than the allowance."""
    policy = SyncPolicy(max_pending=1, max_age=2.0, near_end=100)  # every request syncs
    workers = [Allowances(100, policy=policy, monotonic=FakeMonotonic()) for _ in range(2)]
    outcomes = await asyncio.gather(*(_spend(workers[n % 2], "user:1", 7) for n in range(40)))
    assert outcomes.count(True) == 14  # 98 points; a 15th request would need 105
    assert (await RateAllowance.get(key="user:1")).used == 98


async def test_a_refused_request_costs_nothing_and_a_smaller_one_still_fits() -> None:
    allowances = Allowances(100, monotonic=FakeMonotonic())
    await allowances.charge("user:1", 95, NOW)
    with pytest.raises(AllowanceSpent) as refused:
        await allowances.charge("user:1", 10, NOW)
    assert refused.value.reset_at == NOW + timedelta(hours=1)
    assert (await RateAllowance.get(key="user:1")).used == 95
    standing = await allowances.charge("user:1", 5, NOW)
    assert standing.remaining == 0


async def test_the_allowance_renews_an_hour_after_the_window_started() -> None:
    allowances = Allowances(100, monotonic=FakeMonotonic())
    await allowances.charge("user:1", 100, NOW)
    assert not await _spend(allowances, "user:1", 1, NOW + timedelta(minutes=59, seconds=59))
    later = NOW + timedelta(hours=1)
    standing = await allowances.charge("user:1", 1, later)
    assert standing.remaining == 99
    assert standing.resets_at == later + timedelta(hours=1)
    # Another process, knowing nothing of the old window, sees the new one.
    other = Allowances(100, monotonic=FakeMonotonic())
    assert (await other.peek("user:1", later)).remaining == 99


async def test_callers_are_charged_separately() -> None:
    allowances = Allowances(10, monotonic=FakeMonotonic())
    await allowances.charge("user:1", 10, NOW)
    assert (await allowances.charge("user:2", 10, NOW)).remaining == 0
    assert (await allowances.peek("address:10.0.0.9", NOW)).remaining == 10


async def test_flush_writes_what_a_stopping_worker_still_holds() -> None:
    allowances = Allowances(10_000, monotonic=FakeMonotonic())
    for _ in range(30):
        await allowances.charge("user:1", 1, NOW)
    assert (await RateAllowance.get(key="user:1")).used == 1
    await allowances.flush(NOW)
    assert (await RateAllowance.get(key="user:1")).used == 30


async def test_the_buffer_forgets_the_oldest_callers_but_not_their_points() -> None:
    allowances = Allowances(10_000, monotonic=FakeMonotonic(), max_callers=2)
    for key in ("address:a", "address:b"):
        await allowances.charge(key, 1, NOW)
        await allowances.charge(key, 1, NOW)  # pending
    await allowances.charge("address:c", 1, NOW)
    assert (await RateAllowance.get(key="address:a")).used == 2
    assert (await RateAllowance.get(key="address:b")).used == 1

"""The hourly allowance's arithmetic: windows, what remains, when a process syncs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.rules.allowance import (
    WINDOW,
    SyncPolicy,
    Window,
    fits,
    must_sync,
    standing,
    sync_policy,
    window_at,
    window_cutoff,
)

NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
POLICY = SyncPolicy(max_pending=10, max_age=2.0, near_end=100)


def test_a_first_request_starts_a_window_that_lasts_an_hour() -> None:
    window = window_at(None, 0, NOON)
    assert window == Window(start=NOON, used=0)
    assert window.resets_at == NOON + timedelta(hours=1)


def test_a_running_window_keeps_its_start_and_what_it_used() -> None:
    started = NOON - timedelta(minutes=59, seconds=59)
    assert window_at(started, 700, NOON) == Window(start=started, used=700)


def test_a_window_that_has_ended_gives_way_to_a_fresh_one() -> None:
    started = NOON - WINDOW
    assert window_at(started, 700, NOON) == Window(start=NOON, used=0)
    # The shared table's upsert starts afresh exactly when this says so.
    assert started <= window_cutoff(NOON)
    assert not started + timedelta(seconds=1) <= window_cutoff(NOON)


def test_remaining_is_what_the_window_has_not_used_and_never_negative() -> None:
    assert standing(Window(NOON, 300), 1000).remaining == 700
    # Processes writing at once may overshoot a little; nobody is owed points for it.
    assert standing(Window(NOON, 1003), 1000).remaining == 0
    assert standing(Window(NOON, 0), 1000).resets_at == NOON + WINDOW


def test_a_request_fits_up_to_the_last_point() -> None:
    assert fits(used=990, cost=10, limit=1000)
    assert not fits(used=991, cost=10, limit=1000)


def test_the_policy_scales_with_the_allowance() -> None:
    policy = sync_policy(50_000)
    assert policy.max_pending == 500
    assert policy.near_end == 5_000
    tiny = sync_policy(5)
    assert tiny.max_pending == 1 and tiny.near_end == 1


def _sync(**changes: object) -> bool:
    args: dict = {
        "known": True,
        "used": 0,
        "pending": 0,
        "cost": 1,
        "limit": 1000,
        "seconds_since_sync": 0.5,
    }
    args.update(changes)
    return must_sync(POLICY, **args)


def test_far_from_the_end_a_request_is_only_buffered() -> None:
    assert not _sync()
    assert not _sync(used=500, pending=8)


def test_a_caller_this_process_has_not_synced_yet_syncs_first() -> None:
    assert _sync(known=False)


def test_enough_pending_points_sync() -> None:
    assert _sync(pending=9, cost=1)


def test_a_couple_of_seconds_after_the_last_sync_the_next_request_syncs() -> None:
    assert _sync(seconds_since_sync=2.0)


def test_near_the_end_every_request_syncs() -> None:
    assert not _sync(used=899, cost=1)
    assert _sync(used=899, pending=1, cost=1)
    assert _sync(used=1000, cost=1)

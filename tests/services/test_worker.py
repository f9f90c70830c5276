"""The worker loop: mail soon after it is queued, scheduled jobs on time, a clean stop."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from models.clock import Clock
from models.enums import OutboxStatus
from models.orm import OutboxEmail
from models.services.jobs import Job, JobContext
from models.services.outbox import queue_email
from models.services.worker import Worker
from models.settings import Settings


@asynccontextmanager
async def _running(worker: Worker) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def _until(condition: object, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the time allowed")
        await asyncio.sleep(0.05)


async def test_a_message_queued_while_the_worker_waits_goes_out_without_waiting_for_the_poll(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    # A poll a minute apart: only the nudge from queue_email can explain a quick send.
    worker = Worker(replace(settings, mail_dir=tmp_path), clock, poll_interval=60)
    async with _running(worker):
        await asyncio.sleep(0.2)  # the first (empty) pass is over; the worker waits
        queued = await queue_email(
            "jan.kowalski@example.com", "mail_check", {"requested_at": "dziś"}, now=clock.now()
        )
        assert queued is not None

        async def sent() -> bool:
            return await OutboxEmail.filter(id=queued.id, status=OutboxStatus.SENT).exists()

        await _until(sent, seconds=3)
    assert len(await asyncio.to_thread(os.listdir, tmp_path)) == 1


async def test_the_worker_polls_for_mail_queued_elsewhere(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    worker = Worker(replace(settings, mail_dir=tmp_path), clock, poll_interval=0.2)
    async with _running(worker):
        await asyncio.sleep(0.1)
        # Written straight into the table, as another process would: no nudge here.
        row = await OutboxEmail.create(
            to_address="anna@example.com",
            subject="Z innego procesu",
            body_text="Treść",
            created_at=clock.now(),
            next_attempt_at=clock.now(),
            message_id="<inny@ebok.localhost>",
        )

        async def sent() -> bool:
            return await OutboxEmail.filter(id=row.id, status=OutboxStatus.SENT).exists()

        await _until(sent)


async def test_jobs_run_at_start_then_on_their_schedule_and_a_failing_one_harms_nothing(
    db: str, clock: Clock, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runs: list[str] = []

    async def tick(context: JobContext) -> None:
        assert context.clock is clock and context.settings.env == "test"
        runs.append("tick")

    async def broken(context: JobContext) -> None:
        runs.append("broken")
        raise RuntimeError("the job's own bug")

    jobs = [
        Job("broken", every=timedelta(seconds=0.1), run=broken),
        Job("tick", every=timedelta(seconds=0.3), run=tick),
        Job("daily", every=timedelta(days=1), run=tick),
    ]
    worker = Worker(replace(settings, mail_dir=tmp_path), clock, jobs=jobs, poll_interval=0.1)
    with caplog.at_level(logging.INFO, logger="ebok.worker"):
        async with _running(worker):
            await asyncio.sleep(1.0)
    # Every job once at start (catching up), then each as often as it asked.
    assert runs[:3] == ["broken", "tick", "tick"]
    assert 2 <= runs.count("tick") - 1 <= 5  # "daily" ran only the once
    assert runs.count("broken") >= 3  # every 0.1 s, failing each time, never stopped
    assert any("job broken failed" in r.getMessage() for r in caplog.records)


async def test_stop_waits_for_the_job_at_hand_and_then_ends_promptly(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    finished: list[bool] = []

    async def slow(context: JobContext) -> None:
        await asyncio.sleep(0.3)
        finished.append(True)

    worker = Worker(
        replace(settings, mail_dir=tmp_path),
        clock,
        jobs=[Job("slow", every=timedelta(hours=1), run=slow)],
        poll_interval=60,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.1)
    stop.set()
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(task, timeout=5)
    assert finished == [True]  # not cut off halfway
    assert asyncio.get_running_loop().time() - started < 2  # no waiting out the poll


async def test_an_unreadable_outbox_is_logged_and_the_worker_keeps_going(
    db: str, clock: Clock, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    worker = Worker(replace(settings, mail_dir=tmp_path), clock, poll_interval=0.1)
    calls = 0
    original = worker.drain

    async def flaky_drain(stop: asyncio.Event | None = None) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")
        return await original(stop)

    worker.drain = flaky_drain  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="ebok.worker"):
        async with _running(worker):
            await asyncio.sleep(0.5)
    assert calls >= 3
    assert any("outbox could not be read" in r.getMessage() for r in caplog.records)

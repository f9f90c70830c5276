"""The worker: sends queued e-mail and runs the scheduled jobs until it is told to stop.

Two loops side by side, so a long job never holds up a password-reset e-mail:
- mail: deliver what is due, then wait POLL_INTERVAL seconds, or less when
  `queue_email` in this process says a message is waiting (outbox_signal);
- jobs: run each job of models/services/jobs.py when it is due (all of them at start,
  which is how they catch up after the worker was down).

`stop` ends both after the message or job at hand: a send is never cut off halfway, as a
message the server accepted but nobody marked SENT would be sent again. Any number of
workers may run at once (`ebok worker`, and one in every `ebok serve` process): claims
are atomic (mail_delivery.py) and jobs are idempotent (jobs.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from models.clock import Clock
from models.services import outbox_signal
from models.services.jobs import JOBS, Job, JobContext
from models.services.mail_delivery import BATCH_SIZE, DrainReport, Sender, deliver_due
from models.services.mail_transport import Transport, envelope_sender, transport_from_settings
from models.settings import Settings

log = logging.getLogger("ebok.worker")

# Seconds between looks at the outbox: one indexed query, so cheap enough to be quick.
POLL_INTERVAL = 5.0
# After a nudge, the queuing transaction is given this long to commit before we look.
NUDGE_GRACE = 0.5
# A job that takes longer than this is cut off (and tried again at its next turn).
JOB_TIMEOUT = 15 * 60.0


class Worker:
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        *,
        transport: Transport | None = None,
        jobs: Sequence[Job] = JOBS,
        poll_interval: float = POLL_INTERVAL,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.settings = settings
        self.clock = clock
        # Both refuse a malformed EBOK_SMTP_URL or EBOK_MAIL_FROM (ConfigurationError)
        # now, rather than failing every message later.
        self.transport = transport or transport_from_settings(settings)
        envelope_sender(settings.mail_from)
        self.sender = Sender(settings.mail_from, settings.utility.short_name)
        self.jobs = tuple(jobs)
        self.poll_interval = poll_interval
        self.batch_size = batch_size

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set."""
        log.info(
            "worker started: mail to %s, %d scheduled job(s)",
            self.transport.description,
            len(self.jobs),
        )
        async with asyncio.TaskGroup() as group:
            group.create_task(self._mail_loop(stop))
            group.create_task(self._job_loop(stop))
        log.info("worker stopped")

    async def drain(self, stop: asyncio.Event | None = None) -> DrainReport:
        """Deliver what is due now, in batches, until nothing due is left."""
        total = DrainReport()
        while stop is None or not stop.is_set():
            report = await deliver_due(
                self.transport,
                self.sender,
                self.clock,
                batch_size=self.batch_size,
                should_stop=(stop.is_set if stop else lambda: False),
            )
            total.sent += report.sent
            total.retrying += report.retrying
            total.failed += report.failed
            total.taken_by_others += report.taken_by_others
            if report.handled + report.taken_by_others < self.batch_size:
                break  # a short batch: nothing more is due
        return total

    async def run_jobs_once(self) -> None:
        """Run every job once (`ebok worker --once`)."""
        for job in self.jobs:
            await self._run_job(job)

    async def _mail_loop(self, stop: asyncio.Event) -> None:
        nudged = asyncio.Event()
        outbox_signal.listen(nudged)
        try:
            while not stop.is_set():
                # Cleared before looking: a nudge during the pass means another look.
                nudged.clear()
                try:
                    await self.drain(stop)
                except Exception:
                    # The database away, a table missing: say so and look again later.
                    log.exception("the outbox could not be read; trying again shortly")
                await _first_of(stop, nudged, seconds=self.poll_interval)
                if nudged.is_set() and not stop.is_set():
                    await _first_of(stop, seconds=NUDGE_GRACE)
        finally:
            outbox_signal.stop_listening(nudged)

    async def _job_loop(self, stop: asyncio.Event) -> None:
        if not self.jobs:
            return
        due_at = dict.fromkeys((job.name for job in self.jobs), 0.0)  # all due at start
        while not stop.is_set():
            for job in self.jobs:
                if stop.is_set():
                    return
                if time.monotonic() >= due_at[job.name]:
                    due_at[job.name] = time.monotonic() + job.every.total_seconds()
                    await self._run_job(job)
            await _first_of(stop, seconds=max(0.0, min(due_at.values()) - time.monotonic()))

    async def _run_job(self, job: Job) -> None:
        started = time.monotonic()
        try:
            async with asyncio.timeout(JOB_TIMEOUT):
                await job.run(JobContext(clock=self.clock, settings=self.settings))
        except Exception:
            log.exception("job %s failed; it runs again at its next turn", job.name)
            return
        log.info("job %s done in %.1f s", job.name, time.monotonic() - started)


async def _first_of(*events: asyncio.Event, seconds: float) -> None:
    """Wait until any of `events` is set, or `seconds` have passed."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waiters, return_exceptions=True)

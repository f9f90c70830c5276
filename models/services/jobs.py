"""The scheduled jobs the worker runs (`ebok worker`, or `ebok serve` in-process).

A job is registered here with how often it runs:

    from models.services.reading_window_close import close_reading_windows
    JOBS = (Job("reading-window-close", every=timedelta(minutes=15), run=close_reading_windows),)

Its state lives in its own data, not in the worker: there is no table of job runs, so a
worker keeps only in memory when it last ran each job, and runs every job once when it
starts. A job must therefore be idempotent and catch up by itself: "close every reading
window that has ended and is not closed yet", "remind about every invoice due in 3
days that has had no reminder", never "close yesterday's window". Every worker process
runs every job (`serve --workers 2` and an `ebok worker` make three), so a job also
claims what it does in the database (a conditional UPDATE, a unique row) rather than
trusting to run alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from models.clock import Clock
from models.settings import Settings


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the business clock (the demo's or the real one) and the settings."""

    clock: Clock
    settings: Settings


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[JobContext], Awaitable[None]]


def _jobs() -> tuple[Job, ...]:
    # Imported here: a job's module imports JobContext from this one.
    from models.services.reading_window_close import close_reading_windows
    from models.services.reminders import send_reminders

    return (
        Job("reading-window-close", every=timedelta(minutes=15), run=close_reading_windows),
        Job("reminders", every=timedelta(minutes=15), run=send_reminders),
    )


JOBS: tuple[Job, ...] = _jobs()

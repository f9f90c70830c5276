"""The one source of "now" for the whole service.

Business rules work in Europe/Warsaw (the reading window closes at the end of a
Polish month); timestamps are stored in UTC. In demo and test mode the clock may
start at a chosen moment (EBOK_CLOCK) and run on from there, so the demo data and
the tests see the same calendar every time; in production that is refused.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from models.settings import ConfigurationError

WARSAW = ZoneInfo("Europe/Warsaw")


class Clock:
    """Real time, optionally shifted so that it started at a given moment."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock's start must carry a time zone")
        self._start = start
        self._frozen = frozen
        self._started_monotonic = time.monotonic()

    def now(self) -> datetime:
        """The current moment, aware, in UTC."""
        if self._start is None:
            return datetime.now(UTC)
        if self._frozen:
            return self._start.astimezone(UTC)
        elapsed = timedelta(seconds=time.monotonic() - self._started_monotonic)
        return (self._start + elapsed).astimezone(UTC)

    @staticmethod
    def real_now() -> datetime:
        """The real current moment, never shifted, even in the demo: for security codes
        (TOTP), which a phone's authenticator app computes from its own real clock."""
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(WARSAW)

    def today(self) -> date:
        """Today's date in Warsaw: the calendar the utility's rules use."""
        return self.local_now().date()

    def set(self, moment: datetime, *, frozen: bool = True) -> None:
        """Move the clock (tests only: the test fixtures own a clock per test)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=WARSAW)
        self._start = moment
        self._frozen = frozen
        self._started_monotonic = time.monotonic()


def parse_clock_start(value: str) -> datetime:
    """An ISO date or date-time; without an offset it is Warsaw time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigurationError(f"EBOK_CLOCK is not an ISO date-time: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WARSAW)
    return moment


def clock_from_settings(clock_setting: str | None, *, env: str, demo: bool) -> Clock:
    """Honour EBOK_CLOCK only in demo or test mode; a production clock is never shifted."""
    if clock_setting is None:
        return Clock()
    if not (demo or env == "test"):
        raise ConfigurationError(
            "EBOK_CLOCK is honoured only with --demo or EBOK_ENV=test; unset it in production"
        )
    return Clock(parse_clock_start(clock_setting))

"""Closing a month's reading window: customers on monthly billing who gave no reading
go back to bimonthly billing, and their e-readings are blocked until staff lift it.

The job (models/services/jobs.py) runs every few minutes in every worker; it is
idempotent and catches up by itself:

- `job_states["reading-window-close"].done_until` is the last month whose window was
  closed. Every month after it whose window has ended (the month is over) is closed in
  turn, so a worker that was down for two months closes both.
- The first run on a new database only starts watching (it records the last closed
  month without closing it): a window that closed before eBOK ran its readings is not
  held against anyone.
- An account is switched by a conditional UPDATE (still monthly, still not blocked): when
  two workers close the same month, each account is switched, recorded and told once
  (the e-mail is keyed by account and month as well).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import BillingCycle
from models.orm import Account, JobState, Meter, Reading
from models.rules.reading_window import add_months, month_end, month_start, window_of_month
from models.services import audit, outbox
from models.services.account_contacts import account_emails

if TYPE_CHECKING:
    from models.services.jobs import JobContext

JOB_NAME = "reading-window-close"
CHUNK = 500
ACTION = "E_READINGS_BLOCKED"

log = logging.getLogger("ebok.readings")


@dataclass
class Closure:
    months: list[date]
    blocked: list[str]
    """Customer numbers switched back to bimonthly billing, in the order they were."""


def last_closed_month(today: date) -> date:
    """The newest month whose window has ended: every window ends with its month."""
    return add_months(month_start(today), -1)


async def _done_until(today: date, clock: Clock) -> date | None:
    """How far windows are closed; None on the first run, which starts watching."""
    state = await JobState.get_or_none(name=JOB_NAME)
    if state is not None and state.done_until is not None:
        return state.done_until
    try:
        async with in_transaction():
            await JobState.create(
                name=JOB_NAME, done_until=last_closed_month(today), updated_at=clock.now()
            )
    except IntegrityError:
        pass  # another worker started watching at the same moment
    return None


async def _accounts_without_reading(month: date, after_id: int, opens_on_day: int) -> list[int]:
    """Ids (above `after_id`, the next CHUNK of monthly, unblocked accounts) whose
    meters in service during the window lack a customer reading of `month`."""
    opens_on, _ = window_of_month(month.year, month.month, opens_on_day)
    ids = await (
        Account.filter(
            id__gt=after_id, billing_cycle=BillingCycle.MONTHLY, e_readings_blocked=False
        )
        .order_by("id")
        .limit(CHUNK)
        .values_list("id", flat=True)
    )
    if not ids:
        return []
    meters = await Meter.filter(
        contract__account_id__in=ids, installed_on__lte=opens_on
    ).values_list("id", "contract__account_id", "removed_on")
    read = set(
        await Reading.filter(
            meter_id__in=[m for m, _, _ in meters], customer_month=month
        ).values_list("meter_id", flat=True)
    )
    missing = {
        account for meter, account, removed in meters if removed is None and meter not in read
    }
    # The chunk's last id comes back too (negative: not missed), so the caller pages on.
    return [i if i in missing else -i for i in ids]


async def _block(account_id: int, month: date, clock: Clock, opens_on_day: int) -> str | None:
    """Switch one account back to bimonthly billing and block e-readings, once."""
    now = clock.now()
    async with in_transaction():
        switched = await Account.filter(
            id=account_id, billing_cycle=BillingCycle.MONTHLY, e_readings_blocked=False
        ).update(
            billing_cycle=BillingCycle.BIMONTHLY,
            e_readings_blocked=True,
            e_readings_blocked_at=now,
            version=F("version") + 1,
        )
        if not switched:
            return None
        account = await Account.get(id=account_id)
        label = f"{month:%m.%Y}"
        await audit.record(
            ACTION,
            at=now,
            actor=None,
            object_type="Account",
            object_id=account.number,
            details={
                "month": month.isoformat(),
                "reason": f"brak odczytu klienta w okresie przyjmowania odczytów {label}",
                "billing_cycle": "MONTHLY -> BIMONTHLY",
            },
        )
        opens_on, closes_on = window_of_month(month.year, month.month, opens_on_day)
        for address in await account_emails(account):
            await outbox.queue_email(
                address,
                "readings_blocked",
                {
                    "number": account.number,
                    "holder": account.holder_name,
                    "window": f"{opens_on:%d.%m.%Y}–{closes_on:%d.%m.%Y}",
                },
                now=now,
                key=f"readings-blocked:{account_id}:{month.isoformat()}:{address}",
            )
    return account.number


async def close_month(month: date, clock: Clock, opens_on_day: int) -> list[str]:
    """Close `month`'s window for every account; the customer numbers switched."""
    blocked: list[str] = []
    after = 0
    while True:
        chunk = await _accounts_without_reading(month, after, opens_on_day)
        if not chunk:
            return blocked
        for signed in chunk:
            if signed > 0:
                number = await _block(signed, month, clock, opens_on_day)
                if number is not None:
                    blocked.append(number)
        after = abs(chunk[-1])


async def close_reading_windows_until(clock: Clock, opens_on_day: int) -> Closure:
    """Close every window that has ended and is not closed yet."""
    today = clock.today()
    done = await _done_until(today, clock)
    closure = Closure(months=[], blocked=[])
    if done is None:
        return closure
    newest = last_closed_month(today)
    month = add_months(done, 1)
    while month <= newest and month_end(month) < today:
        blocked = await close_month(month, clock, opens_on_day)
        closure.blocked += blocked
        await JobState.filter(name=JOB_NAME, done_until__lt=month).update(
            done_until=month, updated_at=clock.now()
        )
        closure.months.append(month)
        log.info("reading window %s closed: %d account(s) blocked", f"{month:%Y-%m}", len(blocked))
        month = add_months(month, 1)
    return closure


async def close_reading_windows(ctx: JobContext) -> None:
    """The scheduled job."""
    await close_reading_windows_until(ctx.clock, ctx.settings.utility.reading_window_opens_on_day)

"""Closing the reading window: a missed reading on monthly billing switches the account
back to bimonthly billing and blocks e-readings, once, also when catching up."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import BillingCycle, ReadingSource
from models.orm import Account, AuditEntry, JobState, Meter, OutboxEmail, Reading
from models.services.reading_window_close import JOB_NAME, close_reading_windows_until

pytestmark = pytest.mark.usefixtures("demo")

OPENS = 25


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=WARSAW)


async def _customer_reading(serial: str, month: date, value: str) -> None:
    meter = await Meter.get(serial_number=serial)
    await Reading.create(
        meter=meter,
        value=Decimal(value),
        read_on=month.replace(day=27),
        source=ReadingSource.CUSTOMER,
        submitted_at=_at(month.replace(day=27)),
        customer_month=month,
    )


async def test_the_first_run_only_starts_watching(clock: Clock) -> None:
    # The demo's monthly account 100003 gave no reading in October's window.
    closure = await close_reading_windows_until(clock, OPENS)
    assert closure.blocked == [] and closure.months == []
    state = await JobState.get(name=JOB_NAME)
    assert state.done_until == date(2026, 10, 1)
    account = await Account.get(number="100003")
    assert account.billing_cycle == BillingCycle.MONTHLY and not account.e_readings_blocked


async def test_a_missed_window_switches_to_bimonthly_and_blocks(clock: Clock) -> None:
    await close_reading_windows_until(clock, OPENS)  # starts watching at October
    version = (await Account.get(number="100003")).version
    clock.set(_at(date(2026, 12, 1)))
    closure = await close_reading_windows_until(clock, OPENS)
    assert closure.months == [date(2026, 11, 1)]
    assert closure.blocked == ["100003"]
    account = await Account.get(number="100003")
    assert account.billing_cycle == BillingCycle.BIMONTHLY
    assert account.e_readings_blocked and account.e_readings_blocked_at is not None
    assert account.version == version + 1
    entry = await AuditEntry.get(action="E_READINGS_BLOCKED")
    assert entry.object_id == "100003" and "11.2026" in str(entry.details)
    mail = await OutboxEmail.filter(subject__contains="Brak odczytu").all()
    assert len(mail) >= 1
    assert all("100003" in m.body_text and "25.11.2026–30.11.2026" in m.body_text for m in mail)
    # Bimonthly accounts are not monthly: nothing happens to them.
    assert not (await Account.get(number="100001")).e_readings_blocked
    # Running again changes nothing and sends nothing more.
    again = await close_reading_windows_until(clock, OPENS)
    assert again.blocked == [] and again.months == []
    assert await OutboxEmail.filter(subject__contains="Brak odczytu").count() == len(mail)


async def test_a_reading_given_in_the_window_keeps_monthly_billing(clock: Clock) -> None:
    await close_reading_windows_until(clock, OPENS)
    await _customer_reading("WB-07-007731", date(2026, 11, 1), "4100")
    clock.set(_at(date(2026, 12, 2)))
    closure = await close_reading_windows_until(clock, OPENS)
    assert closure.months == [date(2026, 11, 1)] and closure.blocked == []
    assert (await Account.get(number="100003")).billing_cycle == BillingCycle.MONTHLY


async def test_a_worker_that_was_down_catches_up_month_by_month(clock: Clock) -> None:
    await close_reading_windows_until(clock, OPENS)
    await _customer_reading("WB-07-007731", date(2026, 11, 1), "4100")
    # Down until February: November was read, December was not.
    clock.set(_at(date(2027, 2, 3)))
    closure = await close_reading_windows_until(clock, OPENS)
    assert closure.months == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert closure.blocked == ["100003"]
    entry = await AuditEntry.get(action="E_READINGS_BLOCKED")
    assert entry.details is not None and entry.details["month"] == "2026-12-01"
    assert (await JobState.get(name=JOB_NAME)).done_until == date(2027, 1, 1)


async def test_an_open_window_is_never_closed(clock: Clock) -> None:
    await close_reading_windows_until(clock, OPENS)
    clock.set(_at(date(2026, 11, 30)))  # the last day of November's window
    closure = await close_reading_windows_until(clock, OPENS)
    assert closure.months == [] and closure.blocked == []


async def test_two_workers_closing_at_once_block_and_tell_once(clock: Clock) -> None:
    await close_reading_windows_until(clock, OPENS)
    clock.set(_at(date(2026, 12, 1)))
    first, second = await asyncio.gather(
        close_reading_windows_until(clock, OPENS), close_reading_windows_until(clock, OPENS)
    )
    assert sorted(first.blocked + second.blocked) == ["100003"]
    assert await AuditEntry.filter(action="E_READINGS_BLOCKED").count() == 1
    mail = await OutboxEmail.filter(subject__contains="Brak odczytu").count()
    assert mail >= 1
    addresses = await OutboxEmail.filter(subject__contains="Brak odczytu").values_list(
        "to_address", flat=True
    )
    assert len(addresses) == len(set(addresses))

"""Whether a customer could submit a reading now: window, monthly limit, staff block."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import ReadingSource
from models.orm import Account, Meter, Reading
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

METERS = """{ account(number: "100001") { meters {
    serialNumber canSubmitReading submissionBlockedBy
    lastReading { value readOn source consumption }
} } }"""


async def _meter(api: Api) -> dict:
    return (await api.data(METERS, as_user="jan.kowalski"))["account"]["meters"][0]


async def test_outside_the_window_submission_is_blocked_by_the_calendar(api: Api) -> None:
    meter = await _meter(api)
    assert meter["canSubmitReading"] is False
    assert meter["submissionBlockedBy"] == "OUTSIDE_READING_WINDOW"
    assert meter["lastReading"]["readOn"] < "2026-11-01"


async def test_inside_the_window_a_customer_may_submit(api: Api, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=WARSAW))
    meter = await _meter(api)
    assert meter["canSubmitReading"] is True
    assert meter["submissionBlockedBy"] is None


async def test_one_customer_reading_a_month(api: Api, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=WARSAW))
    row = await Meter.filter(contract__account__number="100001").first()
    assert row is not None
    last = await Reading.filter(meter=row).order_by("-read_on").first()
    assert last is not None
    await Reading.create(
        meter=row,
        value=last.value + Decimal("3"),
        read_on=date(2026, 11, 26),
        source=ReadingSource.CUSTOMER,
        submitted_at=clock.now(),
        customer_month=date(2026, 11, 1),
    )
    meter = await _meter(api)
    assert meter["submissionBlockedBy"] == "ALREADY_SUBMITTED_THIS_MONTH"
    assert Decimal(meter["lastReading"]["consumption"]) == Decimal("3")


async def test_a_staff_block_wins_over_an_open_window(api: Api, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=WARSAW))
    await Account.filter(number="100001").update(e_readings_blocked=True)
    meter = await _meter(api)
    assert meter["submissionBlockedBy"] == "READINGS_BLOCKED"
    assert meter["canSubmitReading"] is False

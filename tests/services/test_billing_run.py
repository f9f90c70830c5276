"""The billing run on the demo's customers: issued once, numbered without gaps,
estimated without a reading, corrected by the next one, crash-safe."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import InvoiceKind, InvoiceStatus, PaymentMethod, ReadingSource
from models.errors import BillingPeriodNotOver
from models.orm import Account, Invoice, Meter, PaymentAllocation, Reading
from models.rules.rollover import consumption_between
from models.services import billing
from models.services.billing import run_billing
from models.services.figures import check_figures
from models.services.payments import Receipt, book_payment

pytestmark = pytest.mark.usefixtures("demo")

NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)


def _at(day: date) -> Clock:
    return Clock(datetime.combine(day, datetime.min.time(), WARSAW).replace(hour=6), frozen=True)


async def _community_meter() -> Meter:
    account = await Account.get(number="100003")
    meter = await Meter.filter(contract__account=account, is_main=True).first()
    assert meter is not None
    return meter


async def test_a_period_is_billed_once_and_a_month_not_over_is_refused(clock: Clock) -> None:
    with pytest.raises(BillingPeriodNotOver):
        await run_billing(NOVEMBER, clock)
    assert await run_billing(date(2026, 10, 1), clock) == billing.BillingRun(
        date(2026, 10, 1), accounts=3
    ), "the demo billed October already"
    december = _at(date(2026, 12, 3))
    first = await run_billing(NOVEMBER, december)
    # Only the monthly community is due; the bimonthly households wait for December.
    assert (first.invoices, first.corrections, first.estimated) == (1, 0, 1)
    again = await run_billing(NOVEMBER, december)
    assert again.issued == 0
    assert await check_figures() == []


async def test_an_estimate_is_corrected_by_the_next_actual_reading(clock: Clock) -> None:
    meter = await _community_meter()
    await run_billing(NOVEMBER, _at(date(2026, 12, 3)))
    estimate = await Reading.get(
        meter=meter, source=ReadingSource.ESTIMATED, read_on=date(2026, 11, 30)
    )
    community = await Account.get(number="100003")
    estimated_invoice = await Invoice.get(
        account=community, kind=InvoiceKind.INVOICE, period_to=date(2026, 11, 30)
    )
    last_actual = (
        await Reading.filter(meter=meter, read_on__lt=estimate.read_on)
        .exclude(source=ReadingSource.ESTIMATED)
        .order_by("-read_on")
        .first()
    )
    assert last_actual is not None
    # The collector reads the meter at the end of December.
    december_value = (last_actual.value + Decimal("700.000")) % 10**meter.digits
    await Reading.create(
        meter=meter, value=december_value, read_on=date(2026, 12, 30),
        source=ReadingSource.COLLECTOR, submitted_at=clock.now(),
    )  # fmt: skip
    run = await run_billing(DECEMBER, _at(date(2027, 1, 4)))
    # December: the households' November–December and the community's December with
    # the correction of its November estimate.
    assert (run.invoices, run.corrections) == (3, 1)
    correction = await Invoice.get(kind=InvoiceKind.CORRECTION, corrects=estimated_invoice)
    assert correction.number.startswith("KOR/2027/01/")
    december = await Invoice.get(
        account=community, kind=InvoiceKind.INVOICE, period_to=date(2026, 12, 31)
    )
    lines = {
        i.id: sum(line.quantity for line in await i.lines.all() if line.service == "WATER")
        for i in (estimated_invoice, correction, december)
    }
    # The estimate, its correction and December bill exactly what the meter measured.
    measured = consumption_between(last_actual.value, december_value, meter.digits)
    assert sum(lines.values()) == measured
    assert await check_figures() == []


async def test_numbers_follow_without_gaps_and_a_crash_issues_nothing(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    december = _at(date(2027, 1, 5))
    real = billing._write_documents

    async def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        await real(*args, **kwargs)  # the documents are written, then the server goes down
        raise RuntimeError("the server went down")

    monkeypatch.setattr(billing, "_write_documents", failing)
    with pytest.raises(RuntimeError):
        await run_billing(DECEMBER, december)
    assert not await Invoice.filter(issued_on=december.today()).exists(), "nothing half-issued"
    assert await check_figures() == []
    monkeypatch.setattr(billing, "_write_documents", real)
    completed = await run_billing(DECEMBER, december)
    # The households' November–December, and the community's November and December
    # (no November run was made: a run catches up).
    assert completed.invoices == 4
    numbers = sorted(
        await Invoice.filter(issued_on=december.today()).values_list("number", flat=True)
    )
    assert numbers[0].endswith("/000001") and numbers[-1].endswith(f"/{len(numbers):06d}")
    assert await check_figures() == []


async def test_two_runs_at_once_issue_every_document_once(clock: Clock, database_kind: str) -> None:
    day = _at(date(2027, 1, 5))
    first, second = await asyncio.gather(
        run_billing(DECEMBER, day), run_billing(DECEMBER, day), return_exceptions=True
    )
    issued = [r.issued for r in (first, second) if isinstance(r, billing.BillingRun)]
    assert sum(issued) == 4
    assert await Invoice.filter(issued_on=day.today()).count() == 4
    assert await check_figures() == []
    _ = timedelta, database_kind


async def test_a_credit_pays_the_next_invoice_as_it_is_issued(clock: Clock) -> None:
    community = await Account.get(number="100003")
    open_before = sum(
        (i.gross - i.paid for i in await Invoice.filter(account=community)), Decimal(0)
    )
    overpaid = Decimal("25.00")
    payment = await book_payment(
        Receipt(
            account_id=community.id,
            amount=open_before + overpaid,
            method=PaymentMethod.BANK_TRANSFER,
            reference="credit-test-1",
            booked_on=date(2026, 11, 20),
            received_at=datetime(2026, 11, 20, 9, tzinfo=WARSAW),
        )
    )
    await community.refresh_from_db()
    assert community.balance == -overpaid, "everything open is paid, 25 zł left as credit"

    await run_billing(NOVEMBER, _at(date(2026, 12, 3)))
    issued = await Invoice.get(account=community, period_to=date(2026, 11, 30))
    assert issued.gross > overpaid
    assert issued.paid == overpaid
    assert issued.settlement == InvoiceStatus.PARTIALLY_PAID
    allocation = await PaymentAllocation.get(invoice=issued)
    assert (allocation.payment_id, allocation.amount) == (payment.id, overpaid)
    await community.refresh_from_db()
    assert community.balance == issued.gross - overpaid
    assert await check_figures() == []

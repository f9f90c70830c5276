"""A dashboard costs the same number of SQL statements however much data it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models.clock import Clock
from models.enums import InvoiceKind, PaymentMethod, PaymentStatus, ReadingSource, Service
from models.orm import (
    Account,
    Contract,
    Invoice,
    InvoiceLine,
    Meter,
    Payment,
    PaymentAllocation,
    Reading,
)
from tests.support import Api, StatementCounter

pytestmark = pytest.mark.usefixtures("demo")

DASHBOARD = """
query Dashboard($n: String!) {
  account(number: $n) {
    number holderName balance { amount } overdue { amount } nextDueDate
    meters {
      serialNumber canSubmitReading submissionBlockedBy
      lastReading { value readOn consumption }
    }
    invoices(first: 12) { totalCount edges { node {
      number status amountDue { amount } gross { amount }
      lines { service quantity net { amount } gross { amount } }
    } } }
    payments(first: 12) { edges { node {
      amount { amount } bookedOn allocations { amount { amount } invoice { number status } }
    } } }
  }
}
"""


async def _grow(clock: Clock, extra: int) -> None:
    """More invoices (with lines and payments), more meters and readings for 100001."""
    account = await Account.get(number="100001")
    contract = await Contract.filter(account=account).first()
    assert contract is not None
    for m in range(3):
        meter = await Meter.create(
            contract=contract, serial_number=f"EXTRA-{m}", installed_on=date(2020, 1, 1)
        )
        await Reading.bulk_create(
            Reading(
                meter=meter,
                value=Decimal(10 * i),
                # Monthly readings up to last month: meters in use.
                read_on=clock.today() - timedelta(days=30 * (extra - i)),
                source=ReadingSource.COLLECTOR,
                submitted_at=clock.now(),
            )
            for i in range(extra)
        )
    for i in range(extra):
        invoice = await Invoice.create(
            account=account,
            number=f"TEST/{i:06d}",
            kind=InvoiceKind.INVOICE,
            issued_on=date(2019, 1, 1) + timedelta(days=i),
            period_from=date(2019, 1, 1),
            period_to=date(2019, 1, 31),
            due_date=date(2019, 1, 15) + timedelta(days=i),
            net=Decimal("10.00"),
            vat=Decimal("0.80"),
            gross=Decimal("10.80"),
            created_at=clock.now(),
        )
        await InvoiceLine.create(
            invoice=invoice,
            position=1,
            service=Service.WATER,
            description="test",
            quantity=Decimal("1"),
            unit="M3",
            unit_price=Decimal("10.00"),
            net=Decimal("10.00"),
            vat_rate=Decimal("8"),
            vat=Decimal("0.80"),
            gross=Decimal("10.80"),
        )
        payment = await Payment.create(
            account=account,
            amount=Decimal("10.80"),
            method=PaymentMethod.BANK_TRANSFER,
            status=PaymentStatus.COMPLETED,
            # Old history: paid in 2019, the payments page shows mostly the demo's.
            created_at=datetime(2019, 1, 10, 12, tzinfo=UTC) + timedelta(days=i),
            booked_on=date(2019, 1, 10) + timedelta(days=i),
            reference=f"TEST-PAY-{i}",
        )
        await PaymentAllocation.create(payment=payment, invoice=invoice, amount=Decimal("10.80"))


async def _count(api: Api, sql_statements: StatementCounter) -> int:
    sql_statements.statements.clear()
    await api.data(DASHBOARD, {"n": "100001"}, as_user="jan.kowalski")
    return len(sql_statements.statements)


async def test_dashboard_statement_count_does_not_grow_with_data(
    api: Api, clock: Clock, sql_statements: StatementCounter
) -> None:
    before = await _count(api, sql_statements)
    await _grow(clock, extra=40)
    after = await _count(api, sql_statements)
    assert after == before, sql_statements.statements
    # Loaders keep it small in absolute terms too (one statement per kind of row).
    assert before <= 15, sql_statements.statements


PAYMENTS_WITH_INVOICES = """
query Paid($n: String!) {
  account(number: $n) {
    payments(first: 50) { edges { node {
      reference allocations { amount { amount } invoice { number status } }
    } } }
  }
}
"""


async def test_a_payment_list_names_its_invoices_without_looking_them_up(
    api: Api, clock: Clock, sql_statements: StatementCounter
) -> None:
    """The invoices a payment paid come with its allocations, so no query depends on
    which other query finished first (the count of statements stays the same)."""
    await _grow(clock, extra=3)
    sql_statements.statements.clear()
    data = await api.data(PAYMENTS_WITH_INVOICES, {"n": "100001"}, as_user="jan.kowalski")

    paid = {
        edge["node"]["reference"]: [a["invoice"]["number"] for a in edge["node"]["allocations"]]
        for edge in data["account"]["payments"]["edges"]
    }
    assert {ref: paid[ref] for ref in paid if ref.startswith("TEST-PAY-")} == {
        f"TEST-PAY-{i}": [f"TEST/{i:06d}"] for i in range(3)
    }
    lookups = [s for s in sql_statements.statements if "FROM invoices" in s]
    assert lookups == [], lookups

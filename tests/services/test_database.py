"""The migration builds a schema that enforces what the domain demands."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from tortoise.exceptions import IntegrityError

from models.enums import AccountKind, BillingCycle, ReadingSource
from models.orm import Account, Contract, Meter, Premises, Reading
from tests.conftest import TEST_NOW


async def _meter() -> Meter:
    account = await Account.create(
        number="900001",
        kind=AccountKind.INDIVIDUAL,
        holder_name="Anna Test",
        street="ul. Próbna",
        building_number="1",
        postal_code="00-001",
        city="Dąbrowa Wielka",
        billing_cycle=BillingCycle.BIMONTHLY,
        created_at=TEST_NOW,
    )
    premises = await Premises.create(
        street="ul. Próbna", building_number="1", postal_code="00-001", city="Dąbrowa Wielka"
    )
    contract = await Contract.create(
        account=account,
        premises=premises,
        number="U/900001/1",
        signed_on=date(2020, 1, 1),
        valid_from=date(2020, 1, 1),
        services="WATER,SEWAGE,SUBSCRIPTION",
    )
    return await Meter.create(
        contract=contract, serial_number="T-1", installed_on=date(2020, 1, 1), digits=5
    )


def _reading(meter: Meter, value: str, day: date, source: ReadingSource) -> Reading:
    month = date(day.year, day.month, 1) if source is ReadingSource.CUSTOMER else None
    return Reading(
        meter=meter,
        value=Decimal(value),
        read_on=day,
        source=source,
        submitted_at=datetime.combine(day, TEST_NOW.timetz()),
        customer_month=month,
    )


async def test_database_refuses_a_second_customer_reading_in_one_month(db: str) -> None:
    meter = await _meter()
    await _reading(meter, "10", date(2026, 10, 25), ReadingSource.CUSTOMER).save()
    with pytest.raises(IntegrityError):
        await _reading(meter, "11", date(2026, 10, 28), ReadingSource.CUSTOMER).save()


async def test_collector_readings_are_not_limited_to_one_a_month(db: str) -> None:
    meter = await _meter()
    await _reading(meter, "10", date(2026, 10, 25), ReadingSource.CUSTOMER).save()
    await _reading(meter, "11", date(2026, 10, 28), ReadingSource.COLLECTOR).save()
    await _reading(meter, "12", date(2026, 10, 30), ReadingSource.COLLECTOR).save()
    assert await Reading.filter(meter=meter).count() == 3


async def test_money_and_volumes_round_trip_exactly(db: str) -> None:
    meter = await _meter()
    await _reading(meter, "99998.125", date(2026, 10, 25), ReadingSource.COLLECTOR).save()
    stored = await Reading.get(meter=meter)
    assert stored.value == Decimal("99998.125")


async def test_the_database_itself_refuses_what_must_never_be_twice(db: str) -> None:
    """Uniqueness the services rely on survives every migration (a table rebuilt by a
    migration once lost its indexes silently)."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from tortoise.exceptions import IntegrityError

    from models.enums import (
        AccountKind,
        BillingCycle,
        InvoiceKind,
        PaymentMethod,
        PaymentStatus,
        ReadingSource,
    )
    from models.orm import (
        Account,
        Contract,
        Invoice,
        Meter,
        OutboxEmail,
        Payment,
        PaymentAllocation,
        Premises,
        Reading,
    )

    now = datetime(2026, 11, 21, tzinfo=UTC)
    account = await Account.create(
        number="1", kind=AccountKind.INDIVIDUAL, holder_name="A", street="S",
        building_number="1", postal_code="00-000", city="C",
        billing_cycle=BillingCycle.MONTHLY, created_at=now,
    )  # fmt: skip
    premises = await Premises.create(street="S", building_number="1", postal_code="0", city="C")
    contract = await Contract.create(
        account=account, premises=premises, number="U1", signed_on=date(2020, 1, 1),
        valid_from=date(2020, 1, 1), services="WATER",
    )  # fmt: skip
    meter = await Meter.create(contract=contract, serial_number="M1", installed_on=date(2020, 1, 1))
    month = date(2026, 11, 1)
    reading = {
        "meter": meter, "value": Decimal(1), "read_on": date(2026, 11, 25),
        "source": ReadingSource.CUSTOMER, "submitted_at": now, "customer_month": month,
    }  # fmt: skip
    await Reading.create(**reading)
    with pytest.raises(IntegrityError):
        await Reading.create(**reading)
    invoice = await Invoice.create(
        account=account, number="FV/1", kind=InvoiceKind.INVOICE, issued_on=date(2026, 11, 1),
        period_from=date(2026, 10, 1), period_to=date(2026, 10, 31), due_date=date(2026, 11, 15),
        net=Decimal(1), vat=Decimal(0), gross=Decimal(1), created_at=now,
    )  # fmt: skip
    payment = await Payment.create(
        account=account, amount=Decimal(1), method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.COMPLETED, created_at=now, reference="REF-1",
    )  # fmt: skip
    await PaymentAllocation.create(payment=payment, invoice=invoice, amount=Decimal(1))
    with pytest.raises(IntegrityError):
        await PaymentAllocation.create(payment=payment, invoice=invoice, amount=Decimal(1))
    with pytest.raises(IntegrityError):
        await Payment.create(
            account=account, amount=Decimal(1), method=PaymentMethod.BANK_TRANSFER,
            status=PaymentStatus.COMPLETED, created_at=now, reference="REF-1",
        )  # fmt: skip
    mail = {"key": "event-1", "to_address": "a@b.c", "subject": "s", "body_text": "b",
            "created_at": now, "next_attempt_at": now}  # fmt: skip
    await OutboxEmail.create(**mail)
    with pytest.raises(IntegrityError):
        await OutboxEmail.create(**mail)

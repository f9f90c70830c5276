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

"""Customers onboarded from an export are billed from their last reading on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from models.clock import WARSAW, Clock
from models.enums import ReadingSource
from models.orm import Invoice, InvoiceLine, Meter, Reading
from models.rules.onboarding import decode_export, parse_export
from models.services.billing import run_billing
from models.services.figures import check_figures
from models.services.onboarding import conflicts_with_database, import_customers

EXAMPLE = Path(__file__).resolve().parents[2] / "scripts" / "customers-example.csv"


async def _import(clock: Clock) -> None:
    rows, problems = parse_export(decode_export(EXAMPLE.read_bytes()))
    assert problems == [] and await conflicts_with_database(rows) == []
    result = await import_customers(rows, clock)
    assert result.created == ["200001", "200002", "200003"] and result.meters == 4


async def test_an_onboarded_customer_is_billed_from_the_imported_reading(
    db: str, clock: Clock
) -> None:
    await _import(clock)
    for serial, value in (("WS-20-400102", "352.100"), ("WS-21-400103", "63.000")):
        meter = await Meter.get(serial_number=serial)
        await Reading.create(
            meter=meter, value=Decimal(value), read_on=date(2026, 11, 28),
            source=ReadingSource.CUSTOMER, submitted_at=clock.now(),
        )  # fmt: skip
    december = Clock(datetime(2026, 12, 3, 6, tzinfo=WARSAW), frozen=True)
    # The tariffs: the imported base has none of its own, the utility enters them.
    from models.orm import Tariff

    await Tariff.create(
        valid_from=date(2026, 1, 1), water_price=Decimal("5.83"), sewage_price=Decimal("7.96"),
        subscription_fee=Decimal("5.20"), vat_rate=Decimal("8"),
    )  # fmt: skip
    await run_billing(date(2026, 11, 1), december)
    invoice = await Invoice.get(account__number="200002")
    assert (invoice.period_from, invoice.period_to) == (date(2026, 11, 1), date(2026, 11, 30))
    lines = {line.service.value: line for line in await InvoiceLine.filter(invoice=invoice)}
    # Water from both meters; sewage only for the house, whose contract includes it.
    assert lines["WATER"].quantity == Decimal("15.000")
    assert lines["SEWAGE"].quantity == Decimal("5.000")
    assert lines["SUBSCRIPTION"].quantity == Decimal("1.00")
    assert await check_figures() == []

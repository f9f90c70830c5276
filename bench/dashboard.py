"""How fast the dashboard query runs in-process, and how its cost grows with data.

    .venv/bin/python bench/dashboard.py [--requests 300] [--extra-invoices 200]

Seeds the demo into a temporary SQLite database, runs the dashboard operation the
way /graphql does (same schema, context and loaders), then adds invoices and
readings and runs it again. Prints requests per second and SQL statements per
request for both sizes: the statement count must stay flat, the time nearly so.
Report ratios from one run, not absolute times (see DESIGN.md on this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.clock import WARSAW, Clock
from models.enums import InvoiceKind, ReadingSource, Scope, Service
from models.orm import Account, Contract, Invoice, InvoiceLine, Meter, Reading, User
from models.services.database import close_database, migrate_database, open_database
from models.services.demo import seed_demo
from models.settings import Settings
from resolvers.context import Context
from schema import schema

DASHBOARD = """
query Dashboard($n: String!) {
  account(number: $n) {
    number balance { amount } overdue { amount } nextDueDate
    meters { serialNumber canSubmitReading lastReading { value readOn consumption } }
    invoices(first: 12) { totalCount edges { node {
      number status amountDue { amount } lines { service quantity gross { amount } } } } }
    payments(first: 12) { edges { node { amount { amount } allocations { amount { amount } } } } }
  }
}
"""


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def _grow(clock: Clock, extra: int) -> None:
    account = await Account.get(number="100001")
    contract = await Contract.filter(account=account).first()
    meter = await Meter.create(
        contract=contract, serial_number="BENCH-1", installed_on=date(2015, 1, 1)
    )
    await Reading.bulk_create(
        Reading(
            meter=meter,
            value=Decimal(i),
            read_on=date(2015, 1, 1) + timedelta(days=i),
            source=ReadingSource.COLLECTOR,
            submitted_at=clock.now(),
        )
        for i in range(extra)
    )
    for i in range(extra):
        invoice = await Invoice.create(
            account=account,
            number=f"BENCH/{i:06d}",
            kind=InvoiceKind.INVOICE,
            issued_on=date(2015, 1, 1) + timedelta(days=i),
            period_from=date(2015, 1, 1),
            period_to=date(2015, 1, 31),
            due_date=date(2015, 1, 15),
            net=Decimal("1.00"),
            vat=Decimal("0.08"),
            gross=Decimal("1.08"),
            created_at=clock.now(),
        )
        await InvoiceLine.create(
            invoice=invoice,
            position=1,
            service=Service.WATER,
            description="bench",
            quantity=Decimal(1),
            unit="M3",
            unit_price=Decimal(1),
            net=Decimal("1.00"),
            vat_rate=Decimal(8),
            vat=Decimal("0.08"),
            gross=Decimal("1.08"),
        )


async def _measure(
    settings: Settings, clock: Clock, user: User, requests: int
) -> tuple[float, float]:
    counter = Counter()
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    started = time.perf_counter()
    for _ in range(requests):
        context = Context(settings=settings, clock=clock, viewer=user, scopes=frozenset(Scope))
        result = await schema.execute(DASHBOARD, {"n": "100001"}, context_value=context)
        assert not result.errors, result.errors
    elapsed = time.perf_counter() - started
    logger.removeHandler(counter)
    return requests / elapsed, counter.count / requests


async def main(requests: int, extra: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{folder}/bench.sqlite3"
        settings = Settings(database_url=url, secret_key="bench", env="test")
        clock = Clock(datetime(2026, 11, 21, 10, tzinfo=WARSAW), frozen=True)
        await migrate_database(url)
        await close_database()
        await open_database(url)
        await seed_demo(clock, settings.utility)
        user = await User.get(login="jan.kowalski")
        small = await _measure(settings, clock, user, requests)
        await _grow(clock, extra)
        large = await _measure(settings, clock, user, requests)
        await close_database()
    print(f"demo data:             {small[0]:8.1f} req/s, {small[1]:.1f} SQL statements/request")
    print(
        f"+{extra} invoices/readings: {large[0]:8.1f} req/s, {large[1]:.1f} SQL statements/request"
    )
    print(f"throughput ratio (large/small): {large[0] / small[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--extra-invoices", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.extra_invoices))

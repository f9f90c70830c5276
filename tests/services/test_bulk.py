"""Multi-row writes store exactly what the ORM would, and give every row's id back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from models.clock import WARSAW
from models.enums import ReadingSource
from models.orm import Account, Meter, Reading
from models.reads.sql import fetch
from models.services.bulk import MAX_PARAMETERS, insert_columns, insert_rows, update_rows

pytestmark = pytest.mark.usefixtures("demo")

COLUMNS = "value, read_on, source, submitted_at, customer_month, flagged_implausible"


async def test_a_row_is_stored_as_a_model_object_stores_it() -> None:
    meter = await Meter.get(serial_number="WS-18-204417")
    at = datetime(2026, 11, 20, 10, 15, tzinfo=WARSAW)
    async with in_transaction():
        orm = await Reading.create(
            meter=meter,
            value=Decimal("781.5"),
            read_on=date(2026, 11, 20),
            source=ReadingSource.ESTIMATED,
            submitted_at=at,
        )
        rows = await insert_rows(
            Reading,
            [
                {
                    "meter_id": meter.id,
                    "value": Decimal("781.5"),  # quantized to 781.500, as the ORM does
                    "read_on": date(2026, 11, 20),
                    "source": ReadingSource.ESTIMATED,
                    "submitted_at": at,
                }
            ],
            returning=("id",),
        )
    ids = [orm.id, rows[0]["id"]]
    stored = await fetch(
        f"SELECT {COLUMNS} FROM readings WHERE id IN ({{ids}}) ORDER BY id", ids, list_length=2
    )
    assert ids[1] != ids[0]
    assert tuple(stored[0]) == tuple(stored[1])


async def test_rows_beyond_one_statement_all_come_back() -> None:
    meter = await Meter.get(serial_number="WS-18-204417")
    count = MAX_PARAMETERS // 5 + 7  # five fields a row: two statements
    first = date(2030, 1, 1)
    rows = [
        {
            "meter_id": meter.id,
            "value": Decimal(900 + i),
            "read_on": first + timedelta(days=i),
            "source": ReadingSource.ESTIMATED,
            "submitted_at": datetime(2030, 1, 1, tzinfo=WARSAW),
        }
        for i in range(count)
    ]
    async with in_transaction():
        back = await insert_rows(Reading, rows, returning=("id", "read_on"))
    assert len(back) == count and len({r["id"] for r in back}) == count
    stored = await Reading.filter(meter=meter, read_on__gte=first).count()
    assert stored == count


async def test_columns_and_shared_values_are_stored_as_rows_are() -> None:
    meter = await Meter.get(serial_number="WS-18-204417")
    count = MAX_PARAMETERS // 5 + 3  # five fields a row: two statements
    first = date(2031, 1, 1)
    days = [first + timedelta(days=i) for i in range(count)]
    at = datetime(2031, 1, 1, 8, tzinfo=WARSAW)
    async with in_transaction():
        await insert_rows(
            Reading,
            [
                {
                    "meter_id": meter.id,
                    "value": Decimal(i),
                    "read_on": day,
                    "source": ReadingSource.ESTIMATED,
                    "submitted_at": at,
                }
                for i, day in enumerate(days)
            ],
        )
        back = await insert_columns(
            Reading,
            {
                "value": [Decimal(i) for i in range(count)],
                "read_on": [d + timedelta(days=count) for d in days],
            },
            count,
            returning=("id", "read_on"),
            same={"meter_id": meter.id, "source": ReadingSource.ESTIMATED, "submitted_at": at},
        )
    assert len({r["id"] for r in back}) == count
    in_range = f"SELECT {COLUMNS} FROM readings WHERE meter_id = ? AND read_on >= ?"
    as_rows = await fetch(
        in_range + " AND read_on < ? ORDER BY read_on",
        [meter.id, first, first + timedelta(days=count)],
    )
    as_columns = await fetch(
        in_range + " ORDER BY read_on", [meter.id, first + timedelta(days=count)]
    )
    assert len(as_rows) == len(as_columns) == count
    for row, column in zip(as_rows, as_columns, strict=True):
        assert row[0] == column[0] and row[2:] == column[2:]


async def test_update_rows_sets_the_fields_of_each_row() -> None:
    accounts = await Account.filter(number__in=["100001", "100002"]).order_by("id")
    changed = [
        {"id": a.id, "balance": a.balance + Decimal("1.5"), "version": a.version + 1}
        for a in accounts
    ]
    async with in_transaction():
        await update_rows(Account, changed, ("balance", "version"))
    for account, wanted in zip(accounts, changed, strict=True):
        again = await Account.get(id=account.id)
        assert again.balance == wanted["balance"] and again.version == wanted["version"]

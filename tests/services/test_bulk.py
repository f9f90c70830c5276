"""Multi-row writes store exactly what the ORM would, and give every row's id back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from models.clock import WARSAW
from models.enums import PaymentMethod, PaymentStatus, ReadingSource
from models.orm import Account, Meter, Payment, Reading
from models.reads.sql import fetch
from models.services import bulk
from models.services.bulk import (
    MAX_PARAMETERS,
    insert_columns,
    insert_rows,
    last_row_of_each_id,
    update_rows,
)

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


async def test_rows_beyond_one_array_statement_all_come_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On PostgreSQL a statement takes UNNEST_ROWS rows as arrays; made small here.
    monkeypatch.setattr(bulk, "UNNEST_ROWS", 4)
    meter = await Meter.get(serial_number="WS-18-204417")
    first = date(2032, 1, 1)
    at = datetime(2032, 1, 1, 8, tzinfo=WARSAW)
    async with in_transaction():
        back = await insert_columns(
            Reading,
            {
                "value": [Decimal(i) / 8 for i in range(10)],
                "read_on": [first + timedelta(days=i) for i in range(10)],
            },
            10,
            returning=("id", "read_on"),
            same={"meter_id": meter.id, "source": ReadingSource.ESTIMATED, "submitted_at": at},
        )
    # Returned as stored: a date on PostgreSQL, its ISO text on SQLite.
    days = [str(first + timedelta(days=i)) for i in range(10)]
    assert sorted(str(r["read_on"]) for r in back) == days
    stored = await Reading.filter(meter=meter, read_on__gte=first).order_by("read_on")
    assert [r.value for r in stored] == [
        (Decimal(i) / 8).quantize(Decimal("0.001")) for i in range(10)
    ]
    assert {r.submitted_at for r in stored} == {at} and {r.source for r in stored} == {
        ReadingSource.ESTIMATED
    }


async def test_a_conflicting_row_is_left_out_and_not_returned() -> None:
    account = await Account.get(number="100001")
    at = datetime(2033, 1, 1, 8, tzinfo=WARSAW)
    payment = {
        "account_id": [account.id, account.id],
        "amount": [Decimal("10.00"), Decimal("20.00")],
        "booked_on": [date(2033, 1, 1)] * 2,
    }
    same = {"method": PaymentMethod.BANK_TRANSFER, "status": PaymentStatus.COMPLETED}

    async def insert(references: list[str]) -> list[dict]:
        return await insert_columns(
            Payment,
            {**payment, "reference": references},
            2,
            returning=("id", "reference"),
            same={**same, "created_at": at},
            skip_conflicts_on=("reference",),
        )

    async with in_transaction():
        first = await insert(["BULK-1", "BULK-2"])
        again = await insert(["BULK-2", "BULK-3"])
    assert sorted(r["reference"] for r in first) == ["BULK-1", "BULK-2"]
    assert [r["reference"] for r in again] == ["BULK-3"]
    kept = await Payment.get(reference="BULK-2")
    assert kept.amount == Decimal("20.00")  # the first one stays as it was


async def test_update_rows_lets_a_later_row_of_one_id_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As one statement per row would: the last row of an id is what stays.
    monkeypatch.setattr(bulk, "UNNEST_ROWS", 6)
    first, second = await Account.filter(number__in=["100001", "100002"]).order_by("id")
    changed = [
        *(
            {"id": second.id, "balance": Decimal(b), "version": second.version + 1}
            for b in ("5.00", "6.00", "8.00", "4.00")
        ),
        {"id": second.id, "balance": Decimal("9.00"), "version": second.version + 2},
        {"id": first.id, "balance": Decimal("1.00"), "version": first.version + 1},
        {"id": first.id, "balance": Decimal("3.00"), "version": first.version + 2},
    ]
    async with in_transaction():
        await update_rows(Account, changed, ("balance", "version"))
    again = {a.id: a for a in await Account.filter(id__in=[first.id, second.id])}
    assert (again[first.id].balance, again[first.id].version) == (
        Decimal("3.00"),
        first.version + 2,
    )
    assert (again[second.id].balance, again[second.id].version) == (
        Decimal("9.00"),
        second.version + 2,
    )


def test_an_update_applies_the_last_row_of_each_id_in_id_order() -> None:
    # PostgreSQL's one-statement update changes a row once, with whichever of its
    # rows the join meets first: the rows it is given must already be the last ones.
    rows = [{"id": 7, "v": "a"}, {"id": 3, "v": "b"}, {"id": 7, "v": "c"}, {"id": 5, "v": "d"}]
    assert [rows[i]["v"] for i in last_row_of_each_id(rows)] == ["b", "d", "c"]

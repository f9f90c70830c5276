"""Meter readings: recent ones, pages of history, and each one's predecessor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from models.enums import ReadingSource
from models.reads.sql import Row, as_date, as_datetime, as_decimal, as_optional_date, fetch
from models.rows import ReadingRow

_READING = "r.id, r.meter_id, r.value, r.read_on, r.source, r.submitted_at, r.customer_month"
_OLDEST_FIRST = "ORDER BY r.meter_id, r.read_on, r.id"
# After UNION ALL, PostgreSQL orders by the result's column names, not a table's.
_OLDEST_FIRST_OF_UNION = "ORDER BY meter_id, read_on, id"


def _reading(row: Row) -> ReadingRow:
    return ReadingRow(
        id=row["id"],
        meter_id=row["meter_id"],
        value=as_decimal(row["value"]),
        read_on=as_date(row["read_on"]),
        source=ReadingSource(row["source"]),
        submitted_at=as_datetime(row["submitted_at"]),
        customer_month=as_optional_date(row["customer_month"]),
    )


async def readings_by_ids(ids: Sequence[int]) -> list[ReadingRow]:
    sql = f"SELECT {_READING} FROM readings r WHERE r.id IN ({{ids}})"
    return [_reading(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def readings_from(meter_ids: Sequence[int], since: date) -> list[ReadingRow]:
    """Each meter's readings on or after `since`, with the one just before it (what the
    first of them is measured from), oldest first. The one before is found with one
    index lookup per meter, whatever the length of the history."""
    n = len(meter_ids)
    sql = f"""SELECT {_READING} FROM readings r
        WHERE r.meter_id IN ({{ids}}) AND r.read_on >= ?
        UNION ALL
        SELECT {_READING} FROM readings r WHERE r.id IN (
            SELECT (SELECT b.id FROM readings b WHERE b.meter_id = m.id AND b.read_on < ?
                    ORDER BY b.read_on DESC, b.id DESC LIMIT 1)
            FROM meters m WHERE m.id IN ({{ids}}))
        {_OLDEST_FIRST_OF_UNION}"""
    values = [*meter_ids, since, since, *meter_ids]
    return [_reading(r) for r in await fetch(sql, values, list_length=n)]


async def latest_two_of_meters(meter_ids: Sequence[int]) -> list[ReadingRow]:
    """Each meter's newest reading and the one before it, oldest first: one index
    lookup each, for meters whose recent readings do not hold both."""
    newest = """SELECT (SELECT b.id FROM readings b WHERE b.meter_id = m.id
        ORDER BY b.read_on DESC, b.id DESC LIMIT 1 OFFSET {skip})
        FROM meters m WHERE m.id IN ({{ids}})"""
    sql = f"""SELECT {_READING} FROM readings r
        WHERE r.id IN ({newest.format(skip=0)} UNION ALL {newest.format(skip=1)})
        {_OLDEST_FIRST}"""
    rows = await fetch(sql, [*meter_ids, *meter_ids], list_length=len(meter_ids))
    return [_reading(r) for r in rows]


async def readings_between(meter_id: int, first: date, last: date) -> list[ReadingRow]:
    """A meter's readings from `first` to `last`, with the one before and the one after:
    what monthly consumption over the range is spread from."""
    sql = f"""SELECT {_READING} FROM readings r
        WHERE r.meter_id = ? AND r.read_on >= ? AND r.read_on <= ?
        UNION ALL
        SELECT {_READING} FROM readings r WHERE r.id = (
            SELECT b.id FROM readings b WHERE b.meter_id = ? AND b.read_on < ?
            ORDER BY b.read_on DESC, b.id DESC LIMIT 1)
        UNION ALL
        SELECT {_READING} FROM readings r WHERE r.id = (
            SELECT a.id FROM readings a WHERE a.meter_id = ? AND a.read_on > ?
            ORDER BY a.read_on, a.id LIMIT 1)
        {_OLDEST_FIRST_OF_UNION}"""
    values = [meter_id, first, last, meter_id, first, meter_id, last]
    return [_reading(r) for r in await fetch(sql, values)]


async def readings_page(meter_id: int, *, offset: int, limit: int) -> list[ReadingRow]:
    """One page of a meter's readings, newest first."""
    sql = f"""SELECT {_READING} FROM readings r WHERE r.meter_id = ?
        ORDER BY r.read_on DESC, r.id DESC LIMIT ? OFFSET ?"""
    return [_reading(r) for r in await fetch(sql, [meter_id, limit, offset])]


async def count_readings(meter_id: int) -> int:
    sql = "SELECT COUNT(*) AS n FROM readings r WHERE r.meter_id = ?"
    return int((await fetch(sql, [meter_id]))[0]["n"])


async def previous_values(reading_ids: Sequence[int]) -> list[tuple[int, Decimal | None]]:
    """(reading id, the value of the meter's reading just before it, if any)."""
    sql = """SELECT r.id, (SELECT b.value FROM readings b WHERE b.meter_id = r.meter_id
            AND (b.read_on < r.read_on OR (b.read_on = r.read_on AND b.id < r.id))
            ORDER BY b.read_on DESC, b.id DESC LIMIT 1) AS previous
        FROM readings r WHERE r.id IN ({ids})"""
    rows = await fetch(sql, reading_ids, list_length=len(reading_ids))
    return [(r["id"], None if r["previous"] is None else as_decimal(r["previous"])) for r in rows]


async def readings_of_invoices(ids: Sequence[int]) -> list[tuple[int, ReadingRow]]:
    """(invoice id, reading) for the readings each invoice's quantities come from."""
    sql = f"""SELECT ir.invoice_id, {_READING} FROM invoice_readings ir
        JOIN readings r ON r.id = ir.reading_id
        WHERE ir.invoice_id IN ({{ids}}) ORDER BY r.read_on, r.id"""
    rows = await fetch(sql, ids, list_length=len(ids))
    return [(r["invoice_id"], _reading(r)) for r in rows]

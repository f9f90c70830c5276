"""What a statement of any date range reads: the balance carried over into it, by one
aggregate statement however long the account's history, and the range's own
documents and payments through the (account, day) indexes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from models.enums import PaymentStatus
from models.reads.billing import _INVOICE, _PAYMENT, _invoice, _payment
from models.reads.sql import fetch
from models.rows import InvoiceRow, PaymentRow

# Amounts are summed in grosze as integers: SQLite keeps decimals as text and would
# add them up as floats; PostgreSQL's numeric gives the same integers.
_BALANCE_BEFORE = """SELECT
    (SELECT COALESCE(SUM(CAST(ROUND(i.gross * 100) AS BIGINT)), 0) FROM invoices i
        WHERE i.account_id = ? AND i.issued_on < ?)
    - (SELECT COALESCE(SUM(CAST(ROUND(p.amount * 100) AS BIGINT)), 0) FROM payments p
        WHERE p.account_id = ? AND p.status = ?
        AND (p.booked_on < ? OR (p.booked_on IS NULL AND p.created_at < ?))) AS grosze"""


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


async def balance_before(account_id: int, day: date) -> Decimal:
    """The balance at the start of `day`: every document issued and every completed
    payment booked (a payment not yet given a booking day: created) before it."""
    values = [
        account_id,
        day,
        account_id,
        PaymentStatus.COMPLETED.value,
        day,
        _midnight(day),
    ]
    grosze = (await fetch(_BALANCE_BEFORE, values))[0]["grosze"]
    return Decimal(int(grosze)).scaleb(-2)


async def invoices_issued_between(account_id: int, start: date, end: date) -> list[InvoiceRow]:
    """The account's documents issued from `start` to `end`, both included."""
    sql = f"""SELECT {_INVOICE} FROM invoices i
        WHERE i.account_id = ? AND i.issued_on >= ? AND i.issued_on <= ?"""
    return [_invoice(r) for r in await fetch(sql, [account_id, start, end])]


async def completed_payments_between(
    account_id: int, start: date, end: date
) -> list[tuple[PaymentRow, str]]:
    """Completed payments booked from `start` to `end`, both included (not yet given a
    booking day: created then), each with its transfer title."""
    sql = f"""SELECT {_PAYMENT}, p.title FROM payments p
        WHERE p.account_id = ? AND p.status = ?
        AND ((p.booked_on >= ? AND p.booked_on <= ?)
            OR (p.booked_on IS NULL AND p.created_at >= ? AND p.created_at < ?))"""
    values = [
        account_id,
        PaymentStatus.COMPLETED.value,
        start,
        end,
        _midnight(start),
        _midnight(end + timedelta(days=1)),
    ]
    return [(_payment(r), r["title"] or "") for r in await fetch(sql, values)]

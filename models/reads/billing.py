"""Invoices, their lines, payments and what they paid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from models.enums import InvoiceKind, InvoiceStatus, PaymentMethod, PaymentStatus, Service
from models.reads.sql import (
    Row,
    as_date,
    as_datetime,
    as_decimal,
    as_optional_date,
    fetch,
)
from models.rows import AllocationRow, InvoiceLineRow, InvoiceRow, PaymentRow

_INVOICE = """i.id, i.account_id, i.number, i.kind, i.issued_on, i.period_from, i.period_to,
    i.due_date, i.net, i.vat, i.gross, i.paid, i.settlement, i.ksef_number, i.corrects_id"""
# Newest first, the order customers read their invoices in.
_NEWEST_FIRST = "ORDER BY i.issued_on DESC, i.id DESC"
_OPEN = (InvoiceStatus.UNPAID.value, InvoiceStatus.PARTIALLY_PAID.value)


def _invoice(row: Row) -> InvoiceRow:
    return InvoiceRow(
        id=row["id"],
        account_id=row["account_id"],
        number=row["number"],
        kind=InvoiceKind(row["kind"]),
        issued_on=as_date(row["issued_on"]),
        period_from=as_date(row["period_from"]),
        period_to=as_date(row["period_to"]),
        due_date=as_date(row["due_date"]),
        net=as_decimal(row["net"]),
        vat=as_decimal(row["vat"]),
        gross=as_decimal(row["gross"]),
        paid=as_decimal(row["paid"]),
        settlement=InvoiceStatus(row["settlement"]),
        ksef_number=row["ksef_number"],
        corrects_id=row["corrects_id"],
    )


async def invoices_by_ids(ids: Sequence[int]) -> list[InvoiceRow]:
    sql = f"SELECT {_INVOICE} FROM invoices i WHERE i.id IN ({{ids}})"
    return [_invoice(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def invoices_by_numbers(numbers: Sequence[str]) -> list[InvoiceRow]:
    sql = f"SELECT {_INVOICE} FROM invoices i WHERE i.number IN ({{ids}})"
    return [_invoice(r) for r in await fetch(sql, numbers, list_length=len(numbers))]


OPEN_INVOICES_SQL = f"""SELECT {_INVOICE} FROM invoices i
    WHERE i.account_id IN ({{ids}}) AND i.settlement IN (?, ?)"""


async def open_invoices_of_accounts(ids: Sequence[int]) -> list[InvoiceRow]:
    """Invoices not yet paid in full, newest first: a handful per account whatever
    its history, found through the (account, settlement, due date) index. They are
    put in order here, not by the SQL: asked to, SQLite walked the (account, issued
    on) index instead, to spare itself a sort, and read every invoice the account
    ever had (a tenth of the dashboard's time at a thousand paid invoices)."""
    rows = await fetch(OPEN_INVOICES_SQL, [*ids, *_OPEN], list_length=len(ids))
    invoices = [_invoice(r) for r in rows]
    invoices.sort(key=_newest_first, reverse=True)
    return invoices


def _newest_first(invoice: InvoiceRow) -> tuple[date, int]:
    return invoice.issued_on, invoice.id


def _filters(
    paid_only: bool, issued_from: date | None, issued_to: date | None
) -> tuple[str, list[object]]:
    clauses, values = [], []
    if paid_only:
        clauses.append("i.settlement = ?")
        values.append(InvoiceStatus.PAID.value)
    if issued_from is not None:
        clauses.append("i.issued_on >= ?")
        values.append(issued_from)
    if issued_to is not None:
        clauses.append("i.issued_on <= ?")
        values.append(issued_to)
    return "".join(f" AND {c}" for c in clauses), values


async def invoices_page(
    account_id: int,
    *,
    paid_only: bool,
    issued_from: date | None,
    issued_to: date | None,
    offset: int,
    limit: int,
) -> list[InvoiceRow]:
    """One page of the account's invoices, newest first (fetch one more than shown to
    learn whether another page follows)."""
    where, values = _filters(paid_only, issued_from, issued_to)
    sql = f"""SELECT {_INVOICE} FROM invoices i WHERE i.account_id = ?{where}
        {_NEWEST_FIRST} LIMIT ? OFFSET ?"""
    rows = await fetch(sql, [account_id, *values, limit, offset])
    return [_invoice(r) for r in rows]


async def count_invoices(
    account_id: int, *, paid_only: bool, issued_from: date | None, issued_to: date | None
) -> int:
    where, values = _filters(paid_only, issued_from, issued_to)
    sql = f"SELECT COUNT(*) AS n FROM invoices i WHERE i.account_id = ?{where}"
    return int((await fetch(sql, [account_id, *values]))[0]["n"])


async def corrections_of_invoices(ids: Sequence[int]) -> list[InvoiceRow]:
    sql = f"""SELECT {_INVOICE} FROM invoices i WHERE i.corrects_id IN ({{ids}})
        ORDER BY i.issued_on, i.id"""
    return [_invoice(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def invoices_issued_since(account_id: int, since: date) -> list[InvoiceRow]:
    """The account's documents issued on or after `since` (for statements)."""
    sql = f"SELECT {_INVOICE} FROM invoices i WHERE i.account_id = ? AND i.issued_on >= ?"
    return [_invoice(r) for r in await fetch(sql, [account_id, since])]


async def lines_of_invoices(ids: Sequence[int]) -> list[InvoiceLineRow]:
    sql = """SELECT invoice_id, position, service, description, quantity, unit, unit_price,
        net, vat_rate, vat, gross, estimated
        FROM invoice_lines WHERE invoice_id IN ({ids}) ORDER BY invoice_id, position"""
    return [
        InvoiceLineRow(
            invoice_id=r["invoice_id"],
            position=r["position"],
            service=Service(r["service"]),
            description=r["description"],
            quantity=as_decimal(r["quantity"]),
            unit=r["unit"],
            unit_price=as_decimal(r["unit_price"]),
            net=as_decimal(r["net"]),
            vat_rate=as_decimal(r["vat_rate"]),
            vat=as_decimal(r["vat"]),
            gross=as_decimal(r["gross"]),
            estimated=bool(r["estimated"]),
        )
        for r in await fetch(sql, ids, list_length=len(ids))
    ]


_PAYMENT = """p.id, p.account_id, p.amount, p.method, p.status, p.created_at, p.booked_on,
    p.reference, p.statement_id"""


def _payment(row: Row) -> PaymentRow:
    return PaymentRow(
        id=row["id"],
        account_id=row["account_id"],
        amount=as_decimal(row["amount"]),
        method=PaymentMethod(row["method"]),
        status=PaymentStatus(row["status"]),
        created_at=as_datetime(row["created_at"]),
        booked_on=as_optional_date(row["booked_on"]),
        reference=row["reference"],
        statement_id=row["statement_id"],
    )


async def payments_by_ids(ids: Sequence[int]) -> list[PaymentRow]:
    sql = f"SELECT {_PAYMENT} FROM payments p WHERE p.id IN ({{ids}})"
    return [_payment(r) for r in await fetch(sql, ids, list_length=len(ids))]


async def payments_page(account_id: int, *, offset: int, limit: int) -> list[PaymentRow]:
    """One page of the account's payments, newest first."""
    sql = f"""SELECT {_PAYMENT} FROM payments p WHERE p.account_id = ?
        ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?"""
    return [_payment(r) for r in await fetch(sql, [account_id, limit, offset])]


async def count_payments(account_id: int) -> int:
    sql = "SELECT COUNT(*) AS n FROM payments p WHERE p.account_id = ?"
    return int((await fetch(sql, [account_id]))[0]["n"])


async def completed_payments_since(account_id: int, since: date) -> list[PaymentRow]:
    """Completed payments booked on or after `since` (or, not yet given a booking
    day, created since then)."""
    sql = f"""SELECT {_PAYMENT} FROM payments p
        WHERE p.account_id = ? AND p.status = ?
        AND (p.booked_on >= ? OR (p.booked_on IS NULL AND p.created_at >= ?))"""
    midnight = datetime.combine(since, time(), UTC)
    values = [account_id, PaymentStatus.COMPLETED.value, since, midnight]
    return [_payment(r) for r in await fetch(sql, values)]


async def allocations_of_payments(ids: Sequence[int]) -> list[AllocationRow]:
    """What the payments paid, each with its invoice: the invoices come with the
    allocations, so a payment list never waits on a lookup of its invoices by id
    (nor sends one or not, depending on which other query happened to finish first)."""
    sql = f"""SELECT a.payment_id, a.amount AS allocated, {_INVOICE}
        FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
        WHERE a.payment_id IN ({{ids}}) ORDER BY a.payment_id, a.invoice_id"""
    return [
        AllocationRow(r["payment_id"], _invoice(r), as_decimal(r["allocated"]))
        for r in await fetch(sql, ids, list_length=len(ids))
    ]

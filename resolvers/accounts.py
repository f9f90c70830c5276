"""Account-level figures: balance, what is overdue, invoice pages, the ledger, consumption.

The arithmetic lives in models/rules; this module gathers rows (through the
request's loaders, or one page of SQL) and hands them over. The balance and every
invoice's paid amount are stored figures, so nothing here reads an account's whole
history to show today's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models.enums import InvoiceKind, InvoiceStatus, LedgerEntryKind, PaymentStatus, ReadingSource
from models.errors import BadRequest
from models.reads import billing, readings, statements
from models.rows import AccountRow, InvoiceRow, MeterRow, PaymentRow, ReadingRow
from models.rules.consumption import (
    MeterReadingPoint,
    MonthlyVolume,
    merge_meters,
    monthly_consumption,
)
from models.rules.iban import individual_account_number, to_iban
from models.rules.invoice_status import amount_due, status_on
from models.rules.ledger import (
    LedgerItem,
    LedgerLine,
    Statement,
    balance_at_start_of,
    default_statement_range,
    document_description,
    item_for_document,
    ledger_between,
    payment_description,
)
from models.rules.ledger import statement as statement_of
from models.rules.money import ZERO
from resolvers.context import Context
from resolvers.loaders import recent_since

# The widest range a consumption chart or ledger may ask for in one request.
MAX_RANGE_DAYS = 366 * 10
# Statuses an open invoice can have: they are answered from the open invoices alone.
OPEN_STATUSES = frozenset(
    {InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE}
)


def invoice_status(ctx: Context, invoice: InvoiceRow) -> InvoiceStatus:
    return InvoiceStatus(status_on(invoice.settlement, invoice.due_date, ctx.clock.today()))


def invoice_amount_due(invoice: InvoiceRow) -> Decimal:
    return amount_due(invoice.gross, invoice.paid)


async def viewer_accounts(ctx: Context) -> list[AccountRow]:
    """The viewer's own accounts (staff have none of their own)."""
    if ctx.viewer is None or ctx.is_staff:
        return []
    rows = await ctx.loaders.linked_accounts_by_user.load(ctx.viewer.id)
    for row in rows:
        ctx.note_linked(row.id)
    return rows


async def own_account(ctx: Context, number: str | None) -> AccountRow | None:
    """One of the viewer's own accounts: the one with this number, else their first;
    None when the number is not theirs or they have none (staff have none of their own)."""
    rows = await viewer_accounts(ctx)
    if number is None:
        return rows[0] if rows else None
    return next((row for row in rows if row.number == number), None)


async def account_by_number(ctx: Context, number: str) -> AccountRow | None:
    """One of the viewer's accounts (any account for staff); None for the rest."""
    if ctx.is_staff:
        return await ctx.loaders.accounts_by_number.load(number)
    row = await ctx.loaders.linked_accounts_by_number.load(number)
    if row is not None:
        ctx.note_linked(row.id)
    return row


def payment_account_number(ctx: Context, account: AccountRow) -> str:
    """The customer's own IBAN: a transfer to it names the payer without reading the title."""
    nrb = individual_account_number(ctx.settings.utility.bank_branch, account.number)
    return to_iban(nrb)


async def open_invoices(ctx: Context, account_id: int) -> list[InvoiceRow]:
    return await ctx.loaders.open_invoices_by_account.load(account_id)


async def overdue(ctx: Context, account_id: int) -> Decimal:
    today = ctx.clock.today()
    return sum(
        (
            amount_due(i.gross, i.paid)
            for i in await open_invoices(ctx, account_id)
            if i.due_date < today
        ),
        ZERO,
    )


async def next_due_date(ctx: Context, account_id: int) -> date | None:
    """The nearest due date still ahead among unpaid invoices."""
    today = ctx.clock.today()
    ahead = [i.due_date for i in await open_invoices(ctx, account_id) if i.due_date >= today]
    return min(ahead) if ahead else None


@dataclass(frozen=True)
class Page:
    """Rows of one page (one more than asked for, when more follow) and the total."""

    rows: list
    offset: int
    size: int
    total: int


def _check_order(issued_from: date | None, issued_to: date | None) -> None:
    # Only the order of the ends matters here: filtering a list computes nothing per
    # day, so unlike the ledger or consumption it needs no cap on the range's width.
    if issued_from is not None and issued_to is not None and issued_from > issued_to:
        raise BadRequest("`from` must not be after `to`.")


async def invoice_page(
    ctx: Context,
    account_id: int,
    status: InvoiceStatus | None,
    issued_from: date | None,
    issued_to: date | None,
    offset: int,
    size: int,
) -> Page:
    """A page of the account's invoices, newest first: statuses of open invoices from
    the open invoices (a handful), everything else one page of SQL and a count."""
    _check_order(issued_from, issued_to)
    if status in OPEN_STATUSES:
        chosen = [
            i
            for i in await open_invoices(ctx, account_id)
            if invoice_status(ctx, i) == status
            and (issued_from is None or i.issued_on >= issued_from)
            and (issued_to is None or i.issued_on <= issued_to)
        ]
        return Page(chosen[offset : offset + size + 1], offset, size, len(chosen))
    paid_only = status == InvoiceStatus.PAID
    rows = await billing.invoices_page(
        account_id,
        paid_only=paid_only,
        issued_from=issued_from,
        issued_to=issued_to,
        offset=offset,
        limit=size + 1,
    )
    total = await billing.count_invoices(
        account_id, paid_only=paid_only, issued_from=issued_from, issued_to=issued_to
    )
    for row in rows:
        ctx.loaders.invoices_by_id.prime(row.id, row)
    return Page(rows, offset, size, total)


async def invoice_of_account(ctx: Context, account_id: int, number: str) -> InvoiceRow | None:
    row = await ctx.loaders.invoices_by_number.load(number)
    return row if row is not None and row.account_id == account_id else None


async def visible_invoice(ctx: Context, number: str) -> InvoiceRow | None:
    """An invoice of any of the viewer's accounts (staff: of any account) by its number;
    someone else's number finds nothing, as an unknown one does."""
    row = await ctx.loaders.invoices_by_number.load(number)
    return row if row is not None and await ctx.can_see_account(row.account_id) else None


async def payment_page(ctx: Context, account_id: int, offset: int, size: int) -> Page:
    rows = await billing.payments_page(account_id, offset=offset, limit=size + 1)
    for row in rows:
        ctx.loaders.payments_by_id.prime(row.id, row)
    return Page(rows, offset, size, await billing.count_payments(account_id))


_KIND_OF_INVOICE = {
    InvoiceKind.INVOICE: LedgerEntryKind.INVOICE,
    InvoiceKind.CORRECTION: LedgerEntryKind.CORRECTION,
    InvoiceKind.INTEREST_NOTE: LedgerEntryKind.INTEREST_NOTE,
}


def _payment_day(payment: PaymentRow) -> date:
    return payment.booked_on or payment.created_at.date()


def _ledger_items(
    invoices: list[InvoiceRow],
    payments: list[PaymentRow],
    since: date,
    titles: dict[int, str] | None = None,
) -> list[LedgerItem]:
    """Documents as debits (a negative correction as a credit), completed payments
    booked on or after `since` as credits (a refund as a debit); `titles` are the
    payments' transfer titles by id, when read."""
    titles = titles or {}
    items = [
        item_for_document(
            i.issued_on,
            _KIND_OF_INVOICE[i.kind].value,
            i.number,
            i.gross,
            (0, i.id),
            document_description(i.period_from, i.period_to),
        )
        for i in invoices
    ]
    for p in payments:
        if p.status != PaymentStatus.COMPLETED or _payment_day(p) < since:
            continue
        # A negative payment is money sent back to the customer.
        kind = LedgerEntryKind.PAYMENT if p.amount >= 0 else LedgerEntryKind.REFUND
        items.append(
            item_for_document(
                _payment_day(p),
                kind.value,
                p.reference,
                abs(p.amount),
                (1, p.id),
                payment_description(p.method.value, p.amount, titles.get(p.id, "")),
            )
        )
    return items


async def _ledger_items_since(account_id: int, since: date) -> list[LedgerItem]:
    """Every document issued and every completed payment booked on or after `since`."""
    invoices = await billing.invoices_issued_since(account_id, since)
    payments = await billing.completed_payments_since(account_id, since)
    return _ledger_items(invoices, payments, since)


async def ledger(
    ctx: Context, account: AccountRow, start: date | None, end: date | None
) -> list[LedgerLine]:
    """Every document and payment with the running balance, for any range.

    The range starts from the balance carried over from before `start`, worked
    back from today's stored balance through the items since `start`: the last line
    of any range shows the real balance on its last day.
    """
    _check_range(start, end)
    since = start or date.min
    items = await _ledger_items_since(account.id, since)
    opening = balance_at_start_of(account.balance, items, since)
    return ledger_between(items, start, end, opening_balance=opening)


async def balance_on(ctx: Context, account: AccountRow, day: date) -> Decimal:
    """The balance at the end of `day`: what was issued and booked up to and including it."""
    after = day + timedelta(days=1)
    return balance_at_start_of(account.balance, await _ledger_items_since(account.id, after), after)


async def statement(
    ctx: Context, account: AccountRow, start: date | None, end: date | None
) -> Statement:
    """The statement of [start, end] (this year so far by default, either end alone
    too): the opening balance by one aggregate query over everything before `start`,
    then the range's own documents and payments, so its cost follows the range, not
    the account's history."""
    default_start, default_end = default_statement_range(ctx.clock.today())
    start, end = start or default_start, end or default_end
    _check_range(start, end)
    opening = await statements.balance_before(account.id, start)
    invoices = await statements.invoices_issued_between(account.id, start, end)
    payments = await statements.completed_payments_between(account.id, start, end)
    titles = {payment.id: title for payment, title in payments}
    items = _ledger_items(invoices, [payment for payment, _ in payments], start, titles)
    return statement_of(items, start, end, opening)


def _points(rows: list[ReadingRow]) -> list[MeterReadingPoint]:
    return [
        MeterReadingPoint(r.read_on, r.value, r.source == ReadingSource.ESTIMATED) for r in rows
    ]


async def _readings_for_range(
    ctx: Context, meters: list[MeterRow], start: date, end: date
) -> list[list[ReadingRow]]:
    """What a consumption range is spread from, per meter: the recent readings every
    dashboard loads when they reach back far enough, else a query of its own."""
    if start >= recent_since(ctx.clock.today()):
        return await ctx.loaders.recent_readings_by_meter.load_many([m.id for m in meters])
    return [await readings.readings_between(m.id, start, end) for m in meters]


async def consumption(ctx: Context, account_id: int, start: date, end: date) -> list[MonthlyVolume]:
    """Metered consumption per month over all the account's meters (rollover-aware)."""
    _check_range(start, end)
    meters = await ctx.loaders.meters_by_account.load(account_id)
    # A housing community is billed on its main meter only.
    counted = [m for m in meters if m.is_main] or meters
    found = await _readings_for_range(ctx, counted, start, end)
    series = [
        monthly_consumption(_points(rows), meter.digits, start, end)
        for meter, rows in zip(counted, found, strict=True)
    ]
    return merge_meters(series) if series else []


def _check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None:
        if start > end:
            raise BadRequest("`from` must not be after `to`.")
        if (end - start).days > MAX_RANGE_DAYS:
            raise BadRequest(f"A range may span at most {MAX_RANGE_DAYS} days.")

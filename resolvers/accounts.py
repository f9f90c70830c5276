"""Account-level figures: balance, what is overdue, the ledger, consumption.

The arithmetic lives in models/rules; this module gathers the rows (through the
request's loaders) and hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models.enums import InvoiceKind, InvoiceStatus, LedgerEntryKind, PaymentStatus, ReadingSource
from models.errors import BadRequest
from models.orm import Account, Invoice, Payment
from models.rules.consumption import (
    MeterReadingPoint,
    MonthlyVolume,
    merge_meters,
    monthly_consumption,
)
from models.rules.iban import individual_account_number, to_iban
from models.rules.invoice_status import amount_due, invoice_status
from models.rules.ledger import (
    LedgerItem,
    LedgerLine,
    item_for_document,
    ledger_between,
    opening_balance_before,
)
from models.rules.money import ZERO
from resolvers.context import Context

# The widest range a consumption chart or ledger may ask for in one request.
MAX_RANGE_DAYS = 366 * 10


@dataclass(frozen=True)
class InvoiceState:
    status: InvoiceStatus
    paid: Decimal
    amount_due: Decimal


def _state(invoice: Invoice, allocations: list, today: date) -> InvoiceState:
    paid = sum((a.amount for a in allocations), ZERO)
    status = invoice_status(invoice.gross, paid, invoice.due_date, today)
    return InvoiceState(InvoiceStatus(status), paid, amount_due(invoice.gross, paid))


async def invoice_state(ctx: Context, invoice: Invoice) -> InvoiceState:
    allocations = await ctx.loaders.paid_allocations_by_invoice.load(invoice.id)
    return _state(invoice, allocations, ctx.clock.today())


async def invoice_states(ctx: Context, invoices: list[Invoice]) -> list[InvoiceState]:
    """States of many invoices with one batched load (awaiting one by one would not batch)."""
    allocations = await ctx.loaders.paid_allocations_by_invoice.load_many([i.id for i in invoices])
    today = ctx.clock.today()
    return [_state(i, a, today) for i, a in zip(invoices, allocations, strict=True)]


async def visible_account(ctx: Context, account_id: int) -> Account | None:
    if not await ctx.can_see_account(account_id):
        return None
    return await ctx.loaders.accounts_by_id.load(account_id)


async def viewer_accounts(ctx: Context) -> list[Account]:
    if ctx.is_staff:
        return []
    ids = sorted(await ctx.visible_account_ids())
    rows = await ctx.loaders.accounts_by_id.load_many(ids)
    return [row for row in rows if row is not None]


async def account_by_number(ctx: Context, number: str) -> Account | None:
    row = await ctx.loaders.accounts_by_number.load(number)
    if row is None or not await ctx.can_see_account(row.id):
        return None
    return row


def payment_account_number(ctx: Context, account: Account) -> str:
    """The customer's own IBAN: a transfer to it names the payer without reading the title."""
    nrb = individual_account_number(ctx.settings.utility.bank_branch, account.number)
    return to_iban(nrb)


def _completed(payments: list[Payment]) -> list[Payment]:
    return [p for p in payments if p.status == PaymentStatus.COMPLETED]


async def balance(ctx: Context, account_id: int) -> Decimal:
    """What the customer owes: all invoices less all completed payments."""
    invoices = await ctx.loaders.invoices_by_account.load(account_id)
    payments = _completed(await ctx.loaders.payments_by_account.load(account_id))
    return sum((i.gross for i in invoices), ZERO) - sum((p.amount for p in payments), ZERO)


async def open_invoice_states(ctx: Context, account_id: int) -> list[tuple[Invoice, InvoiceState]]:
    invoices = await ctx.loaders.invoices_by_account.load(account_id)
    states = await invoice_states(ctx, invoices)
    return [(i, s) for i, s in zip(invoices, states, strict=True) if s.amount_due > 0]


async def overdue(ctx: Context, account_id: int) -> Decimal:
    states = await open_invoice_states(ctx, account_id)
    return sum((s.amount_due for _, s in states if s.status == InvoiceStatus.OVERDUE), ZERO)


async def next_due_date(ctx: Context, account_id: int) -> date | None:
    """The nearest due date still ahead among unpaid invoices."""
    today = ctx.clock.today()
    upcoming = [i.due_date for i, _ in await open_invoice_states(ctx, account_id)]
    ahead = [d for d in upcoming if d >= today]
    return min(ahead) if ahead else None


async def filtered_invoices(
    ctx: Context,
    account_id: int,
    status: InvoiceStatus | None,
    issued_from: date | None,
    issued_to: date | None,
) -> list[Invoice]:
    # Only the order of the ends matters here: filtering a list computes nothing per
    # day, so unlike the ledger or consumption it needs no cap on the range's width.
    if issued_from is not None and issued_to is not None and issued_from > issued_to:
        raise BadRequest("`from` must not be after `to`.")
    invoices = await ctx.loaders.invoices_by_account.load(account_id)
    chosen = [
        i
        for i in invoices
        if (issued_from is None or i.issued_on >= issued_from)
        and (issued_to is None or i.issued_on <= issued_to)
    ]
    if status is not None:
        states = await invoice_states(ctx, chosen)
        chosen = [i for i, s in zip(chosen, states, strict=True) if s.status == status]
    return chosen


_KIND_OF_INVOICE = {
    InvoiceKind.INVOICE: LedgerEntryKind.INVOICE,
    InvoiceKind.CORRECTION: LedgerEntryKind.CORRECTION,
    InvoiceKind.INTEREST_NOTE: LedgerEntryKind.INTEREST_NOTE,
}


async def _ledger_items(ctx: Context, account_id: int) -> list[LedgerItem]:
    """Every issued document (a debit, or a credit for a negative correction) and every
    completed payment (a credit, or a debit for a refund) of the account."""
    invoices = await ctx.loaders.invoices_by_account.load(account_id)
    payments = _completed(await ctx.loaders.payments_by_account.load(account_id))
    items = [
        item_for_document(i.issued_on, _KIND_OF_INVOICE[i.kind].value, i.number, i.gross, (0, i.id))
        for i in invoices
    ]
    for p in payments:
        booked = p.booked_on or p.created_at.date()
        # A negative payment is money sent back to the customer.
        kind = LedgerEntryKind.PAYMENT if p.amount >= 0 else LedgerEntryKind.REFUND
        items.append(item_for_document(booked, kind.value, p.reference, abs(p.amount), (1, p.id)))
    return items


async def ledger(
    ctx: Context, account_id: int, start: date | None, end: date | None
) -> list[LedgerLine]:
    """Every document and payment with the running balance, for any range.

    The range starts from the balance carried over from before `start`, so the
    last line of any range shows the real balance on its last day.
    """
    _check_range(start, end)
    return ledger_between(await _ledger_items(ctx, account_id), start, end)


async def balance_on(ctx: Context, account_id: int, day: date) -> Decimal:
    """The balance at the end of `day`: what was issued and booked up to and including it."""
    items = await _ledger_items(ctx, account_id)
    return opening_balance_before(items, day + timedelta(days=1))


async def consumption(ctx: Context, account_id: int, start: date, end: date) -> list[MonthlyVolume]:
    """Metered consumption per month over all the account's meters (rollover-aware)."""
    _check_range(start, end)
    meters = await ctx.loaders.meters_by_account.load(account_id)
    # A housing community is billed on its main meter only.
    main = [m for m in meters if m.is_main]
    counted = main or meters
    series = []
    for meter in counted:
        readings = await ctx.loaders.readings_by_meter.load(meter.id)
        points = [
            MeterReadingPoint(r.read_on, r.value, r.source == ReadingSource.ESTIMATED)
            for r in readings
        ]
        series.append(monthly_consumption(points, meter.digits, start, end))
    if not series:
        return []
    return merge_meters(series)


def _check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None:
        if start > end:
            raise BadRequest("`from` must not be after `to`.")
        if (end - start).days > MAX_RANGE_DAYS:
            raise BadRequest(f"A range may span at most {MAX_RANGE_DAYS} days.")

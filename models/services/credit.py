"""A credit on the account pays the invoices issued after it.

A payment larger than what was open leaves money unallocated (models/rules/allocation.py
keeps it as a credit). When new invoices are issued to an account with a credit, that
money pays them at once, oldest first, as if it had arrived just now: the invoice
shows as paid or partly paid from the start, and each invoice's paid amount still
equals the sum of its allocations, which is what `ebok check` verifies. The balance
does not change: it already counted the payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from models.enums import InvoiceStatus, PaymentStatus
from models.orm import Invoice, Payment, PaymentAllocation
from models.rules.allocation import OpenInvoice, allocate
from models.rules.invoice_status import amount_due, settlement
from models.rules.money import ZERO


async def consume_credit(account_ids: Sequence[int]) -> None:
    """Let the unallocated money of these accounts' payments pay their open invoices.

    Runs inside the caller's transaction, with the accounts already locked (the
    billing run, a payment booking). Accounts without such money cost one query."""
    if not account_ids:
        return
    payments = (
        await Payment.filter(account_id__in=list(account_ids), status=PaymentStatus.COMPLETED)
        .order_by("booked_on", "id")
        .only("id", "account_id", "amount")
    )
    if not payments:
        return
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in await PaymentAllocation.filter(payment_id__in=[p.id for p in payments]).values_list(
        "payment_id", "amount"
    ):
        allocated[row[0]] += row[1]
    left: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for payment in payments:
        remaining = payment.amount - allocated[payment.id]
        if remaining > 0:
            left[payment.account_id].append((payment.id, remaining))
    for account_id, credits in left.items():
        await _pay_open_invoices(account_id, credits)


async def _pay_open_invoices(account_id: int, credits: list[tuple[int, Decimal]]) -> None:
    invoices = (
        await Invoice.filter(
            account_id=account_id,
            settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
        )
        .order_by("id")
        .select_for_update()
    )
    if not invoices:
        return
    by_id = {i.id: i for i in invoices}
    new_allocations = []
    for payment_id, remaining in credits:
        candidates = [
            OpenInvoice(i.id, i.issued_on, i.due_date, amount_due(i.gross, i.paid))
            for i in invoices
        ]
        allocations, _ = allocate(remaining, candidates)
        for allocation in allocations:
            invoice = by_id[allocation.invoice_id]
            invoice.paid = invoice.paid + allocation.amount
            new_allocations.append(
                PaymentAllocation(
                    payment_id=payment_id, invoice_id=invoice.id, amount=allocation.amount
                )
            )
    touched = {a.invoice_id for a in new_allocations}
    for invoice_id in sorted(touched):
        invoice = by_id[invoice_id]
        invoice.settlement = InvoiceStatus(settlement(invoice.gross, invoice.paid))
        await invoice.save(update_fields=["paid", "settlement"])
    await PaymentAllocation.bulk_create(new_allocations)

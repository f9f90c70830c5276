"""Booking money received: a payment, what it pays, and the figures that follow.

One use case, one transaction: the account is locked first (a billing run or another
payment of the same account waits), the payment pays the invoices the customer chose,
else the oldest open ones first (models/rules/allocation.py), and each invoice's paid
amount and settlement and the account's balance follow at once, with its version
bumped for the views that cache it. What is left over stays a credit on the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from models.orm import Account, Invoice, Payment, PaymentAllocation
from models.rules.allocation import OpenInvoice, allocate
from models.rules.invoice_status import amount_due, settlement


@dataclass(frozen=True)
class Receipt:
    """Money received for an account, as a bank or gateway reports it."""

    account_id: int
    amount: Decimal
    method: PaymentMethod
    reference: str
    booked_on: date
    received_at: datetime
    title: str = ""
    payer_name: str | None = None
    payer_account: str | None = None
    chosen_invoice_ids: Sequence[int] = ()


async def book_payment(receipt: Receipt) -> Payment:
    """Book a completed payment and allocate it (see the module's docstring)."""
    async with in_transaction():
        account = await Account.filter(id=receipt.account_id).select_for_update().get()
        payment = await Payment.create(
            account_id=account.id,
            amount=receipt.amount,
            method=receipt.method,
            status=PaymentStatus.COMPLETED,
            created_at=receipt.received_at,
            booked_on=receipt.booked_on,
            reference=receipt.reference,
            title=receipt.title,
            payer_name=receipt.payer_name,
            payer_account=receipt.payer_account,
        )
        if receipt.chosen_invoice_ids:
            chosen = await Invoice.filter(
                id__in=list(receipt.chosen_invoice_ids), account_id=account.id
            )
            await payment.chosen_invoices.add(*chosen)
        await settle(account, payment, receipt.chosen_invoice_ids)
    return payment


async def settle(account: Account, payment: Payment, chosen: Sequence[int]) -> None:
    """What a completed payment changes, inside the caller's transaction with the account
    locked: its allocations, the invoices' figures and the account's balance."""
    await _allocate(account, payment, chosen)
    account.balance = account.balance - payment.amount
    account.version = account.version + 1
    await account.save(update_fields=["balance", "version"])


async def _allocate(account: Account, payment: Payment, chosen: Sequence[int]) -> None:
    """Pay the open invoices (locked in id order) and store their new figures."""
    open_invoices = (
        await Invoice.filter(
            account_id=account.id,
            settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
        )
        .order_by("id")
        .select_for_update()
    )
    by_id = {i.id: i for i in open_invoices}
    candidates = [
        OpenInvoice(i.id, i.issued_on, i.due_date, amount_due(i.gross, i.paid))
        for i in open_invoices
    ]
    allocations, _credit = allocate(payment.amount, candidates, list(chosen) or None)
    for allocation in allocations:
        invoice = by_id[allocation.invoice_id]
        invoice.paid = invoice.paid + allocation.amount
        invoice.settlement = InvoiceStatus(settlement(invoice.gross, invoice.paid))
        await invoice.save(update_fields=["paid", "settlement"])
    await PaymentAllocation.bulk_create(
        PaymentAllocation(payment_id=payment.id, invoice_id=a.invoice_id, amount=a.amount)
        for a in allocations
    )

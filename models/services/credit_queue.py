"""The staff queue of bank credits no account was found for, and putting them right.

A bank statement's credit that matched no account is stored as a completed payment
without an account. Staff assign it to an account (`assign_credit`): it is then
allocated exactly as a payment booked straight from the statement would be
(models/services/payments.py). A credit assigned to the wrong account is given back
to the queue (`reverse_assignment`), which withdraws its allocations and restores the
figures it changed. Both write an audit entry in their transaction.

Locks, in the one order every booking of money follows: the account, then the
payment, then the account's invoices in id order. Two staff assigning one credit at
once therefore book it once; the second gets CREDIT_ALREADY_ASSIGNED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from models.errors import (
    ChosenInvoiceNotPayable,
    CreditAlreadyAssigned,
    CreditNotAssigned,
    CreditNotFound,
    NotABankCredit,
    ReversalReasonRequired,
    UnknownAccountNumber,
)
from models.orm import Account, Invoice, Payment, User
from models.services import audit
from models.services.payments import Paid, apply_to_account, withdraw_from_account

REASON_MAX_LENGTH = 2000
# A credit moved by someone else between reading it and locking its account: try again.
_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class QueuedCredit:
    """A credit waiting in the queue, as the bank described it."""

    id: int
    amount: Decimal
    booked_on: date | None
    created_at: datetime
    reference: str
    title: str
    payer_name: str | None
    payer_account: str | None
    statement_filename: str | None


def is_bank_credit(payment: Payment) -> bool:
    """A credit read from an imported bank statement (not an online or cash payment)."""
    return (
        payment.statement_id is not None
        and payment.method == PaymentMethod.BANK_TRANSFER
        and payment.status == PaymentStatus.COMPLETED
    )


def _waiting() -> QuerySet[Payment]:
    return Payment.filter(
        account_id__isnull=True,
        statement_id__isnull=False,
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.COMPLETED,
    )


async def unmatched_count() -> int:
    return await _waiting().count()


async def unmatched_credits(offset: int, limit: int) -> tuple[list[QueuedCredit], int]:
    """One page of the queue, the oldest credit first, and how many wait in all."""
    query = _waiting()
    total = await query.count()
    rows = (
        await query.order_by("booked_on", "id")
        .offset(offset)
        .limit(limit)
        .values(
            "id",
            "amount",
            "booked_on",
            "created_at",
            "reference",
            "title",
            "payer_name",
            "payer_account",
            "statement__filename",
        )
    )
    credits = [
        QueuedCredit(
            id=r["id"],
            amount=Decimal(r["amount"]),
            booked_on=r["booked_on"],
            created_at=r["created_at"],
            reference=r["reference"],
            title=r["title"],
            payer_name=r["payer_name"],
            payer_account=r["payer_account"],
            statement_filename=r["statement__filename"],
        )
        for r in rows
    ]
    return credits, total


def _allocations(paid: Sequence[Paid]) -> list[dict[str, str]]:
    return [{"invoice": p.invoice_number, "amount": str(p.amount)} for p in paid]


async def assign_credit(
    payment_id: int,
    account_number: str,
    staff_user: User,
    invoice_ids: Sequence[int] | None = None,
    *,
    clock: Clock,
    client_address: str | None = None,
) -> Payment:
    """Give a waiting credit to an account: it pays the chosen open invoices of that
    account, else the oldest open ones first; what is left is a credit on the account."""
    number = account_number.strip()
    chosen = list(dict.fromkeys(invoice_ids or ()))
    async with in_transaction():
        account = await Account.filter(number=number).select_for_update().first()
        if account is None:
            raise UnknownAccountNumber(number)
        payment = await Payment.filter(id=payment_id).select_for_update().first()
        if payment is None:
            raise CreditNotFound()
        if not is_bank_credit(payment):
            raise NotABankCredit()
        if payment.account_id is not None:
            owner = await Account.get(id=payment.account_id)
            raise CreditAlreadyAssigned(owner.number)
        invoices: list[Invoice] = []
        if chosen:
            invoices = await Invoice.filter(
                id__in=chosen,
                account_id=account.id,
                settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
            )
            if len(invoices) != len(chosen):
                raise ChosenInvoiceNotPayable()
        await Payment.filter(id=payment.id).update(account_id=account.id)
        payment.account_id = account.id
        if invoices:
            await payment.chosen_invoices.add(*invoices)
        paid = await apply_to_account(account, payment, chosen)
        await audit.record(
            "CREDIT_ASSIGNED",
            at=clock.now(),
            actor=staff_user,
            object_type="Payment",
            object_id=payment.id,
            client_address=client_address,
            details={
                "account": account.number,
                "amount": str(payment.amount),
                "reference": payment.reference,
                "allocations": _allocations(paid),
            },
        )
    return payment


async def reverse_assignment(
    payment_id: int,
    staff_user: User,
    reason: str,
    *,
    clock: Clock,
    client_address: str | None = None,
    account_number: str | None = None,
) -> Payment:
    """Give a wrongly assigned bank credit back to the queue, with the reason why.

    With `account_number`, the credit must be assigned to that account (a page of that
    account reverses only its own credits); otherwise it is not found.
    """
    reason = reason.strip()[:REASON_MAX_LENGTH]
    for _ in range(_ATTEMPTS):
        seen = await Payment.get_or_none(id=payment_id)
        if seen is None:
            raise CreditNotFound()
        if not is_bank_credit(seen):
            raise NotABankCredit()
        account_id = seen.account_id
        if account_id is None:
            raise CreditNotAssigned()
        if account_number is not None:
            owner = await Account.get(id=account_id)
            if owner.number != account_number.strip():
                raise CreditNotFound()
        if not reason:
            raise ReversalReasonRequired()
        async with in_transaction():
            account = await Account.filter(id=account_id).select_for_update().get()
            payment = await Payment.filter(id=payment_id).select_for_update().get()
            if payment.account_id != account.id:
                continue  # moved meanwhile: look again
            withdrawn = await withdraw_from_account(account, payment)
            await payment.chosen_invoices.clear()
            await Payment.filter(id=payment.id).update(account_id=None)
            payment.account_id = None
            await audit.record(
                "CREDIT_ASSIGNMENT_REVERSED",
                at=clock.now(),
                actor=staff_user,
                object_type="Payment",
                object_id=payment.id,
                client_address=client_address,
                details={
                    "account": account.number,
                    "amount": str(payment.amount),
                    "reference": payment.reference,
                    "reason": reason,
                    "allocations": _allocations(withdrawn),
                },
            )
            return payment
    raise CreditNotAssigned()

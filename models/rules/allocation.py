"""Allocating a payment to open invoices.

A payment pays the invoices the customer chose (when starting an online payment or
in the title), else the oldest open invoices first, ordered by due date, then issue
date, then id. What is left after the considered invoices are paid stays on the
account as a credit: with chosen invoices it is not spread over invoices the
customer did not pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.rules.money import ZERO, to_grosze_int

__all__ = ["Allocation", "OpenInvoice", "allocate"]


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with something still to pay (`amount_due`, PLN)."""

    id: int
    issued_on: date
    due_date: date
    amount_due: Decimal


@dataclass(frozen=True)
class Allocation:
    """Part of a payment booked against one invoice."""

    invoice_id: int
    amount: Decimal


def _oldest_first(invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
    """Order by due date, issue date, id: the debt that is late longest is paid first."""
    return sorted(invoices, key=lambda i: (i.due_date, i.issued_on, i.id))


def _considered(
    open_invoices: Sequence[OpenInvoice], chosen_ids: Sequence[int] | None
) -> list[OpenInvoice]:
    """The invoices the payment may go to, oldest first.

    Chosen ids not among the open invoices (paid in the meantime) are ignored, so the
    money falls to credit; an empty choice means no choice (oldest first).
    """
    ids = [i.id for i in open_invoices]
    if len(ids) != len(set(ids)):
        raise ValueError("open invoices contain duplicate ids")
    candidates = [i for i in open_invoices if i.amount_due > 0]
    if chosen_ids:
        chosen = set(chosen_ids)
        candidates = [i for i in candidates if i.id in chosen]
    return _oldest_first(candidates)


def allocate(
    amount: Decimal,
    open_invoices: Sequence[OpenInvoice],
    chosen_ids: Sequence[int] | None = None,
) -> tuple[list[Allocation], Decimal]:
    """Split `amount` over the considered invoices; return (allocations, credit left over).

    No invoice receives more than its `amount_due`, zero allocations are omitted, and
    sum(allocations) + credit == amount exactly. A negative amount, or one that is not
    a whole number of grosze, raises ValueError (a refund is not a payment).
    """
    if amount < 0:
        raise ValueError(f"payment amount must not be negative, got {amount}")
    to_grosze_int(amount)  # raises for fractions of a grosz
    remaining = amount
    allocations: list[Allocation] = []
    for invoice in _considered(open_invoices, chosen_ids):
        if remaining <= 0:
            break
        paid = min(remaining, invoice.amount_due)
        allocations.append(Allocation(invoice.id, paid))
        remaining -= paid
    return allocations, remaining if remaining else ZERO

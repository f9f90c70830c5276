"""Whether an invoice is paid, partly paid, unpaid or overdue.

`today` is passed in (a calendar date in Europe/Warsaw): rules never read the clock.
An invoice is overdue from the day after its due date while anything is still owed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.rules.money import ZERO

__all__ = [
    "OVERDUE",
    "PAID",
    "PARTIALLY_PAID",
    "UNPAID",
    "amount_due",
    "invoice_status",
    "settlement",
    "status_on",
]

UNPAID = "UNPAID"
PARTIALLY_PAID = "PARTIALLY_PAID"
PAID = "PAID"
OVERDUE = "OVERDUE"


def amount_due(gross: Decimal, paid: Decimal) -> Decimal:
    """What is still owed on the invoice; never negative (an overpayment is a credit
    on the account, not a negative debt on this invoice)."""
    return max(gross - paid, ZERO)


def settlement(gross: Decimal, paid: Decimal) -> str:
    """How far an invoice is paid, whatever the day: the part of its status that is
    stored (a credit note, gross <= 0, is always PAID)."""
    if paid >= gross:
        return PAID
    return PARTIALLY_PAID if paid > 0 else UNPAID


def invoice_status(gross: Decimal, paid: Decimal, due_date: date, today: date) -> str:
    """Status of an invoice on `today`.

    PAID when the paid amount covers the gross; otherwise OVERDUE after the due date,
    which takes precedence over PARTIALLY_PAID (the customer must see that a payment
    is late even if begun); PARTIALLY_PAID when something but not all was paid;
    UNPAID otherwise.
    """
    return status_on(settlement(gross, paid), due_date, today)


def status_on(settled: str, due_date: date, today: date) -> str:
    """The status on `today` of an invoice whose stored settlement is `settled`."""
    if settled != PAID and today > due_date:
        return OVERDUE
    return settled

"""The figures eBOK stores so that reading them costs nothing, computed from scratch.

Services keep `invoices.paid`/`settlement` and `accounts.balance` exact as they
book (models/services/figures.py); `ebok check` recomputes them with these functions
from the ledger itself (every invoice, every completed payment and its allocations)
and reports any difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from models.rules.invoice_status import settlement
from models.rules.money import ZERO


@dataclass(frozen=True)
class InvoiceFigures:
    paid: Decimal
    settlement: str


@dataclass(frozen=True)
class AccountFigures:
    balance: Decimal
    invoices: dict[int, InvoiceFigures]


def account_figures(
    invoices: Iterable[tuple[int, Decimal]],
    payments: Iterable[Decimal],
    allocations: Iterable[tuple[int, Decimal]],
) -> AccountFigures:
    """Figures of one account from (invoice id, gross) pairs, the amounts of its
    completed payments (a refund is negative) and (invoice id, amount) allocations of
    those payments."""
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice_id, amount in allocations:
        paid[invoice_id] += amount
    grosses = dict(invoices)
    balance = sum(grosses.values(), ZERO) - sum(payments, ZERO)
    return AccountFigures(
        balance=balance,
        invoices={
            invoice_id: InvoiceFigures(paid[invoice_id], settlement(gross, paid[invoice_id]))
            for invoice_id, gross in grosses.items()
        },
    )

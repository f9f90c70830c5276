"""The customer's balance analysis: every charge and payment with a running balance.

Sign convention: a debit increases what the customer owes (invoices, interest
notes, corrections that add, refunds paid out), a credit decreases it (payments,
credit notes). A positive balance means the customer owes, a negative one that
they overpaid.

`LedgerLine` is a subclass of `LedgerItem` with the extra `balance_after` field, so
a template or resolver reads `line.date`, `line.debit`, `line.balance_after`
directly instead of reaching through a nested item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.rules.money import ZERO

__all__ = [
    "LEDGER_KINDS",
    "LedgerItem",
    "LedgerLine",
    "Statement",
    "balance_at_start_of",
    "build_ledger",
    "default_statement_range",
    "document_description",
    "item_for_document",
    "ledger_between",
    "opening_balance_before",
    "payment_description",
    "statement",
]

LEDGER_KINDS = frozenset({"INVOICE", "CORRECTION", "INTEREST_NOTE", "PAYMENT", "REFUND"})
_CREDIT_KINDS = frozenset({"PAYMENT"})


@dataclass(frozen=True)
class LedgerItem:
    """One document or payment on the account: exactly one of `debit`/`credit` is set.

    A negative debit is stored as the equal credit and vice versa (a correction that
    lowers an invoice is a credit note), so amounts shown are never negative.
    `order_key` orders items of the same date and side (e.g. (document id,));
    `description` says in a few words what the item is (a billing period, how a
    payment came), for statements.
    """

    date: dt.date
    kind: str
    reference: str
    debit: Decimal | None
    credit: Decimal | None
    order_key: tuple[Any, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        """Validate the kind and one-sidedness, and flip negative amounts to the other side."""
        if self.kind not in LEDGER_KINDS:
            raise ValueError(f"unknown ledger kind {self.kind!r}")
        if (self.debit is None) == (self.credit is None):
            raise ValueError("a ledger item has exactly one of debit and credit")
        if self.debit is not None and self.debit < 0:
            object.__setattr__(self, "credit", -self.debit)
            object.__setattr__(self, "debit", None)
        elif self.credit is not None and self.credit < 0:
            object.__setattr__(self, "debit", -self.credit)
            object.__setattr__(self, "credit", None)

    @property
    def change(self) -> Decimal:
        """Effect on the balance: + debit, - credit."""
        return self.debit if self.debit is not None else -(self.credit or ZERO)


@dataclass(frozen=True)
class LedgerLine(LedgerItem):
    """A ledger item with the balance after it; `balance_after` is keyword-only."""

    balance_after: Decimal = field(kw_only=True)

    @classmethod
    def from_item(cls, item: LedgerItem, balance_after: Decimal) -> LedgerLine:
        """Attach a running balance to an item."""
        return cls(
            date=item.date,
            kind=item.kind,
            reference=item.reference,
            debit=item.debit,
            credit=item.credit,
            order_key=item.order_key,
            description=item.description,
            balance_after=balance_after,
        )


def item_for_document(
    date: dt.date,
    kind: str,
    reference: str,
    amount: Decimal,
    order_key: tuple[Any, ...] = (),
    description: str = "",
) -> LedgerItem:
    """Build an item from a signed document amount, putting it on the right side.

    Invoices, corrections, interest notes and refunds are debits (a negative
    correction becomes a credit); a payment of `amount` is a credit.
    """
    if kind in _CREDIT_KINDS:
        return LedgerItem(date, kind, reference, None, amount, order_key, description)
    return LedgerItem(date, kind, reference, amount, None, order_key, description)


def _sort_key(item: LedgerItem) -> tuple[Any, ...]:
    """Date, then debits before credits (an invoice paid the day it was issued reads
    "owed, then paid" instead of dipping into a credit), then order_key, reference."""
    return (item.date, 0 if item.debit is not None else 1, item.order_key, item.reference)


def build_ledger(items: Iterable[LedgerItem], opening_balance: Decimal = ZERO) -> list[LedgerLine]:
    """Sort the items and compute the running balance, starting from `opening_balance`."""
    balance = opening_balance
    lines: list[LedgerLine] = []
    for item in sorted(items, key=_sort_key):
        balance += item.change
        lines.append(LedgerLine.from_item(item, balance))
    return lines


def opening_balance_before(
    items: Iterable[LedgerItem], day: dt.date, opening_balance: Decimal = ZERO
) -> Decimal:
    """Balance at the start of `day`: everything strictly before it.

    A statement for any date range starts from this, so it ends where the full
    ledger does on its last day.
    """
    return opening_balance + sum((i.change for i in items if i.date < day), ZERO)


def balance_at_start_of(
    current_balance: Decimal, items_since: Iterable[LedgerItem], day: dt.date
) -> Decimal:
    """The balance at the start of `day`, from the balance now and every item dated on
    or after `day`: a statement of recent months needs only recent items, however
    long the account's history."""
    return current_balance - sum((i.change for i in items_since if i.date >= day), ZERO)


def ledger_between(
    items: Iterable[LedgerItem],
    date_from: dt.date | None,
    date_to: dt.date | None,
    opening_balance: Decimal = ZERO,
) -> list[LedgerLine]:
    """The ledger of [date_from, date_to] (inclusive, None = open) with the right opening."""
    all_items = list(items)
    start = opening_balance
    if date_from is not None:
        start = opening_balance_before(all_items, date_from, opening_balance)
    in_range = [
        i
        for i in all_items
        if (date_from is None or i.date >= date_from) and (date_to is None or i.date <= date_to)
    ]
    return build_ledger(in_range, start)


@dataclass(frozen=True)
class Statement:
    """The ledger of [start, end] between the balance carried over from before `start`
    and the balance at the end of `end`."""

    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[LedgerLine]

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance_after if self.lines else self.opening

    @property
    def debits(self) -> Decimal:
        return sum((line.debit for line in self.lines if line.debit is not None), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((line.credit for line in self.lines if line.credit is not None), ZERO)


def default_statement_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """This year so far: from 1 January to today."""
    return today.replace(month=1, day=1), today


def statement(
    items: Iterable[LedgerItem], start: dt.date, end: dt.date, opening: Decimal
) -> Statement:
    """The statement of [start, end] from the balance at the start of `start` (worked out
    by the caller, e.g. with one aggregate query) and the items of the range; items
    outside it are left out."""
    in_range = [i for i in items if start <= i.date <= end]
    return Statement(start, end, opening, build_ledger(in_range, opening))


_PAYMENT_METHODS = {"BANK_TRANSFER": "Przelew", "ONLINE": "Płatność online", "CASH": "Gotówka"}


def document_description(period_from: dt.date, period_to: dt.date) -> str:
    """What a statement says of an invoice, a correction or an interest note: its period."""
    return f"Okres {period_from:%d.%m.%Y}–{period_to:%d.%m.%Y}"


def payment_description(method: str, amount: Decimal, title: str = "") -> str:
    """What a statement says of a payment (how it came, and the payer's transfer
    title) or of money sent back."""
    if amount < 0:
        return f"Zwrot nadpłaty: {title}" if title else "Zwrot nadpłaty"
    how = _PAYMENT_METHODS.get(method, method)
    return f"{how}: {title}" if title else how

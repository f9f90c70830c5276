"""Stored figures: each invoice's paid amount and settlement, each account's balance.

The dashboard reads them instead of summing an account's whole history. Every
service that issues an invoice or books a payment must change them in the same
transaction, and bump the account's `version` (what a repeated view's ETag is made
of). `check_figures` recomputes them from the ledger (models/rules/figures.py) for
`ebok check`, and repairs them when asked to.

Amounts are summed in Python: SQLite keeps decimals as text, and SQL's SUM would
turn them into floats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.expressions import F

from models.enums import InvoiceStatus, PaymentStatus
from models.orm import Account, Invoice, Payment, PaymentAllocation
from models.rules.figures import AccountFigures, account_figures

BATCH = 500


@dataclass(frozen=True)
class Tables:
    """The tables the figures come from: the app's models, or a migration's
    historical ones (a data migration must not use models of a later schema)."""

    account: type[Account] = Account
    invoice: type[Invoice] = Invoice
    payment: type[Payment] = Payment
    allocation: type[PaymentAllocation] = PaymentAllocation

    @classmethod
    def of_migration(cls, apps: Any) -> Tables:
        def model(name: str) -> Any:
            return apps.get_model(f"ebok.{name}")

        return cls(model("Account"), model("Invoice"), model("Payment"), model("PaymentAllocation"))


@dataclass(frozen=True)
class Difference:
    """A stored figure that differs from the ledger."""

    account: str
    figure: str
    stored: str
    computed: str

    def __str__(self) -> str:
        return f"{self.account}: {self.figure} stored {self.stored}, ledger says {self.computed}"


async def count_accounts() -> int:
    return await Account.all().count()


async def check_figures(
    account_ids: Sequence[int] | None = None,
    *,
    repair: bool = False,
    progress: Callable[[int], None] | None = None,
    tables: Tables = Tables(),
) -> list[Difference]:
    """Recompute the stored figures of these accounts (all by default) from the ledger;
    the differences found, each repaired when `repair` is set."""
    if account_ids is None:
        account_ids = await tables.account.all().order_by("id").values_list("id", flat=True)
    differences: list[Difference] = []
    for start in range(0, len(account_ids), BATCH):
        batch = list(account_ids[start : start + BATCH])
        differences += await _check_batch(batch, repair, tables)
        if progress is not None:
            progress(len(batch))
    return differences


async def _check_batch(account_ids: list[int], repair: bool, tables: Tables) -> list[Difference]:
    accounts = await tables.account.filter(id__in=account_ids).values("id", "number", "balance")
    invoices = await tables.invoice.filter(account_id__in=account_ids).values(
        "id", "account_id", "number", "gross", "paid", "settlement"
    )
    payments = await tables.payment.filter(
        account_id__in=account_ids, status=PaymentStatus.COMPLETED
    ).values("account_id", "amount")
    allocations = await tables.allocation.filter(
        invoice__account_id__in=account_ids, payment__status=PaymentStatus.COMPLETED
    ).values("invoice_id", "amount")
    invoices_of: dict[int, list[dict]] = defaultdict(list)
    for invoice in invoices:
        invoices_of[invoice["account_id"]].append(invoice)
    payments_of: dict[int, list[Decimal]] = defaultdict(list)
    for payment in payments:
        payments_of[payment["account_id"]].append(payment["amount"])
    account_of_invoice = {i["id"]: i["account_id"] for i in invoices}
    allocations_of: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for allocation in allocations:
        owner = account_of_invoice[allocation["invoice_id"]]
        allocations_of[owner].append((allocation["invoice_id"], allocation["amount"]))

    differences: list[Difference] = []
    for account in accounts:
        own = invoices_of[account["id"]]
        computed = account_figures(
            ((i["id"], i["gross"]) for i in own),
            payments_of[account["id"]],
            allocations_of[account["id"]],
        )
        found = _compare(account, own, computed)
        if found and repair:
            await _repair(account["id"], own, computed, tables)
        differences += found
    return differences


def _compare(account: dict, invoices: list[dict], computed: AccountFigures) -> list[Difference]:
    number = account["number"]
    found: list[Difference] = []
    if account["balance"] != computed.balance:
        found.append(Difference(number, "balance", str(account["balance"]), str(computed.balance)))
    for invoice in invoices:
        figures = computed.invoices[invoice["id"]]
        if invoice["paid"] != figures.paid:
            name = f"invoice {invoice['number']} paid"
            found.append(Difference(number, name, str(invoice["paid"]), str(figures.paid)))
        if str(invoice["settlement"]) != figures.settlement:
            name = f"invoice {invoice['number']} settlement"
            found.append(Difference(number, name, str(invoice["settlement"]), figures.settlement))
    return found


async def _repair(
    account_id: int, invoices: list[dict], computed: AccountFigures, tables: Tables
) -> None:
    for invoice in invoices:
        figures = computed.invoices[invoice["id"]]
        if invoice["paid"] != figures.paid or str(invoice["settlement"]) != figures.settlement:
            await tables.invoice.filter(id=invoice["id"]).update(
                paid=figures.paid, settlement=InvoiceStatus(figures.settlement)
            )
    await tables.account.filter(id=account_id).update(
        balance=computed.balance, version=F("version") + 1
    )

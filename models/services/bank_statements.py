"""Importing a bank statement: every credit booked once, to the right account or the queue.

One use case. The file is read and checked whole first (a malformed file changes
nothing); then its credits are matched (models/rules/statement_matching.py) and
booked in chunks, each chunk one transaction that does what `book_payment`
(models/services/payments.py) does for one payment, in a few multi-row statements:
the chunk's accounts are locked in id order, the payments inserted, the open
invoices locked in id order and paid (models/rules/allocation.py), and the invoices'
paid amounts and settlements and the accounts' balances and versions stored.

Nothing is booked twice: each transaction's reference (models/rules/bank_statement.py)
is unique in `payments`, and the insert skips a reference already there, so a
statement imported again, an overlapping one, or two imports at once book each
credit once; only what was really inserted is allocated. A chunk that fails rolls
back alone, and importing the file again completes the rest. A credit nobody's is
stored without an account: the staff queue of unmatched credits.
"""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from models.orm import Account, BankStatement, Invoice, Payment, PaymentAllocation
from models.rules.allocation import OpenInvoice, allocate
from models.rules.bank_statement import Statement, StatementEntry, is_booked, references
from models.rules.iban import UTILITY_ID
from models.rules.invoice_status import amount_due, settlement
from models.rules.statement_matching import (
    Match,
    MatchedBy,
    individual_customer,
    match,
    title_numbers,
)
from models.services.bulk import (
    insert_columns,
    insert_links,
    select_rows,
    update_rows,
)
from models.services.statement_files import read_statement

CHUNK = 2_000


@dataclass
class ImportResult:
    statement_id: int
    format: str
    transactions: int = 0
    credits: int = 0
    imported: int = 0  # payments created now
    matched: int = 0  # of those, booked to an account
    unmatched: int = 0  # of those, waiting in the staff queue
    already_booked: int = 0  # credits booked before (this file again, an overlap)

    @property
    def skipped(self) -> int:
        """Entries not booked now: debits, other currencies, credits booked before."""
        return self.transactions - self.imported


@dataclass(frozen=True)
class StatementSummary:
    id: int
    filename: str
    format: str
    imported_at: object
    period_from: date | None
    period_to: date | None
    transactions: int
    credits: int
    matched: int
    unmatched: int


@dataclass(slots=True)
class _Credit:
    entry: StatementEntry
    reference: str
    match: Match
    account_id: int | None = None
    chosen_invoice_id: int | None = None


async def import_statement(
    data: bytes,
    filename: str,
    clock: Clock,
    *,
    bank_branch: str,
    utility_id: str = UTILITY_ID,
    actor_id: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_credits: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one statement file (see the module's docstring); StatementMalformed when
    the file cannot be read, before anything is written. `on_credits` learns how many
    credits there are to book, `progress` how many each chunk booked or skipped."""
    with _cycles_collected_after():
        statement = read_statement(data)
        credits = _credits(statement)
    if on_credits is not None:
        on_credits(len(credits))
    row = await _statement_row(data, filename, statement, len(credits), clock, actor_id)
    result = ImportResult(row.id, statement.format, len(statement.entries), len(credits))
    await _match_all(credits, bank_branch, utility_id)
    for start in range(0, len(credits), CHUNK):
        part = credits[start : start + CHUNK]
        await _book_chunk(part, row.id, clock, result)
        if progress is not None:
            progress(len(part))
    return result


@contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """Python's cycle collector held off while a statement's objects are made (no
    await inside, so nothing else runs meanwhile). They hold no cycles, yet their
    tens of thousands set off collection after collection, full ones among them (a
    walk over every object of the process); held off, one collection of the young
    objects follows instead. Reading a 10,000-entry file took a sixth less time."""
    if not gc.isenabled():  # already held off by the caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _credits(statement: Statement) -> list[_Credit]:
    refs = references(statement.account, statement.entries)
    unmatched = Match(None, MatchedBy.NONE)
    found: dict[str, _Credit] = {}
    for entry, ref in zip(statement.entries, refs, strict=True):
        # One reference twice in one file (a bank repeating itself): booked once, the
        # first of them, where the last stands.
        if is_booked(entry):
            first = found.pop(ref, None)
            found[ref] = first if first is not None else _Credit(entry, ref, unmatched)
    return list(found.values())


async def _statement_row(
    data: bytes,
    filename: str,
    statement: Statement,
    credits: int,
    clock: Clock,
    actor_id: int | None,
) -> BankStatement:
    """The file's row: one per distinct file, so a repeat finds the first one."""
    digest = hashlib.sha256(data).hexdigest()
    period = statement.period
    defaults = {
        "filename": (filename or "wyciąg")[:255],
        "format": str(statement.format),
        "imported_at": clock.now(),
        "imported_by_id": actor_id,
        "transactions": len(statement.entries),
        "credits": credits,
        "period_from": period[0] if period else None,
        "period_to": period[1] if period else None,
    }
    existing = await BankStatement.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        async with in_transaction():
            return await BankStatement.create(sha256=digest, **defaults)
    except IntegrityError:  # the same file imported at the same moment elsewhere
        return await BankStatement.get(sha256=digest)


async def _match_all(credits: list[_Credit], bank_branch: str, utility_id: str) -> None:
    """Match every credit, with the accounts and invoices they name looked up at once."""
    numbers: set[str] = set()
    invoice_numbers: set[str] = set()
    named = []
    with _cycles_collected_after():
        for credit in credits:
            own = individual_customer(credit.entry, bank_branch, utility_id=utility_id)
            if own is not None:
                numbers.add(own)
            in_title = title_numbers(credit.entry.title)
            numbers.update(in_title.customer_numbers)
            invoice_numbers.update(in_title.invoice_numbers)
            named.append((own, in_title))
    accounts = await select_rows(Account, ("id", "number"), "number", sorted(numbers))
    account_ids = {a["number"]: a["id"] for a in accounts}
    invoices = await select_rows(
        Invoice, ("id", "number", "account_id"), "number", sorted(invoice_numbers)
    )
    owners = await select_rows(
        Account, ("id", "number"), "id", sorted({i["account_id"] for i in invoices})
    )
    number_of = {a["id"]: a["number"] for a in owners}
    invoice_owner = {i["number"]: number_of[i["account_id"]] for i in invoices}
    by_invoice = {i["number"]: i for i in invoices}
    with _cycles_collected_after():
        for credit, (own, in_title) in zip(credits, named, strict=True):
            found = match(
                credit.entry,
                bank_branch,
                account_ids,
                invoice_owner,
                utility_id=utility_id,
                names=(own, in_title),
            )
            credit.match = found
            if found.invoice_number is not None:
                invoice = by_invoice[found.invoice_number]
                credit.account_id = invoice["account_id"]
                credit.chosen_invoice_id = invoice["id"]
            elif found.customer_number is not None:
                credit.account_id = account_ids[found.customer_number]


async def _book_chunk(
    part: list[_Credit], statement_id: int, clock: Clock, result: ImportResult
) -> None:
    now = clock.now()
    async with in_transaction():
        account_ids = sorted({c.account_id for c in part if c.account_id is not None})
        accounts = {
            a["id"]: a
            for a in await select_rows(
                Account, ("id", "balance", "version"), "id", account_ids, lock=True
            )
        }
        ordered = sorted(part, key=_by_reference)  # one lock order for every import
        entries = [c.entry for c in ordered]
        stored = await insert_columns(
            Payment,
            {
                "account_id": [c.account_id for c in ordered],
                "reference": [c.reference for c in ordered],
                "amount": [e.amount for e in entries],
                "booked_on": [e.booked_on for e in entries],
                "title": [e.title for e in entries],
                "payer_name": [e.payer_name for e in entries],
                "payer_account": [e.payer_account for e in entries],
            },
            len(ordered),
            returning=("id", "reference"),
            same={
                "method": PaymentMethod.BANK_TRANSFER,
                "status": PaymentStatus.COMPLETED,
                "created_at": now,
                "statement_id": statement_id,
            },
            skip_conflicts_on=("reference",),
        )
        payment_ids = {r["reference"]: r["id"] for r in stored}
        new = [c for c in part if c.reference in payment_ids]
        result.imported += len(new)
        result.already_booked += len(part) - len(new)
        result.unmatched += sum(1 for c in new if c.account_id is None)
        booked = [c for c in new if c.account_id is not None]
        result.matched += len(booked)
        if not booked:
            return
        await _allocate(booked, payment_ids, accounts)


def _by_reference(credit: _Credit) -> str:
    return credit.reference


_OPEN = (InvoiceStatus.UNPAID.value, InvoiceStatus.PARTIALLY_PAID.value)


async def _allocate(
    booked: list[_Credit], payment_ids: dict[str, int], accounts: dict[int, dict]
) -> None:
    """Pay the open invoices of the accounts paid, payment by payment in statement
    order, and store the invoices' and accounts' new figures."""
    touched = sorted({c.account_id for c in booked if c.account_id is not None})
    open_invoices = await select_rows(
        Invoice,
        ("id", "account_id", "issued_on", "due_date", "gross", "paid"),
        "account_id",
        touched,
        extra='"settlement" IN (?, ?)',
        extra_values=_OPEN,
        lock=True,
    )
    of_account: dict[int, list[dict]] = defaultdict(list)
    for invoice in open_invoices:
        if invoice["paid"] < invoice["gross"]:
            of_account[invoice["account_id"]].append(invoice)
    changed: dict[int, dict] = {}
    allocation_payments: list[int] = []
    allocation_invoices: list[int] = []
    allocation_amounts: list[Decimal] = []
    chosen_links: list[tuple[int, int]] = []
    for credit in booked:
        assert credit.account_id is not None
        account = accounts[credit.account_id]
        payment_id = payment_ids[credit.reference]
        if credit.chosen_invoice_id is not None:
            chosen_links.append((payment_id, credit.chosen_invoice_id))
        account["balance"] -= credit.entry.amount
        invoices = of_account.get(credit.account_id)
        if not invoices:  # nothing open (any more): the money stays as a credit
            continue
        candidates = [
            OpenInvoice(i["id"], i["issued_on"], i["due_date"], amount_due(i["gross"], i["paid"]))
            for i in invoices
        ]
        chosen = (
            [credit.chosen_invoice_id]
            if credit.chosen_invoice_id is not None
            and any(c.id == credit.chosen_invoice_id for c in candidates)
            else None
        )
        shares, _credit_left = allocate(credit.entry.amount, candidates, chosen)
        if not shares:
            continue
        by_id = {i["id"]: i for i in invoices}
        for share in shares:
            invoice = by_id[share.invoice_id]
            invoice["paid"] += share.amount
            changed[invoice["id"]] = invoice
            allocation_payments.append(payment_id)
            allocation_invoices.append(share.invoice_id)
            allocation_amounts.append(share.amount)
        # An invoice paid in full is open no more for the chunk's later payments.
        of_account[credit.account_id] = [i for i in invoices if i["paid"] < i["gross"]]
    await insert_columns(
        PaymentAllocation,
        {
            "payment_id": allocation_payments,
            "invoice_id": allocation_invoices,
            "amount": allocation_amounts,
        },
        len(allocation_amounts),
    )
    await update_rows(
        Invoice,
        [
            {
                "id": i["id"],
                "paid": i["paid"],
                "settlement": InvoiceStatus(settlement(i["gross"], i["paid"])),
            }
            for i in changed.values()
        ],
        ("paid", "settlement"),
    )
    await update_rows(
        Account,
        [
            {"id": a["id"], "balance": a["balance"], "version": a["version"] + 1}
            for a in (accounts[i] for i in touched)
        ],
        ("balance", "version"),
    )
    if chosen_links:
        await insert_links("payment_chosen_invoices", ("payment_id", "invoice_id"), chosen_links)


async def recent_statements(limit: int = 20) -> list[StatementSummary]:
    """The latest imported statements, newest first, with what each booked."""
    rows = await BankStatement.all().order_by("-imported_at", "-id").limit(limit)
    ids = [r.id for r in rows]
    every = await _counts(Payment.filter(statement_id__in=ids)) if ids else {}
    unmatched = (
        await _counts(Payment.filter(statement_id__in=ids, account_id__isnull=True)) if ids else {}
    )
    return [
        StatementSummary(
            id=r.id,
            filename=r.filename,
            format=r.format,
            imported_at=r.imported_at,
            period_from=r.period_from,
            period_to=r.period_to,
            transactions=r.transactions,
            credits=r.credits,
            matched=every.get(r.id, 0) - unmatched.get(r.id, 0),
            unmatched=unmatched.get(r.id, 0),
        )
        for r in rows
    ]


async def _counts(query: QuerySet[Payment]) -> dict[int, int]:
    """Payments per statement (grouped explicitly: see DESIGN.md's pitfall)."""
    rows = await query.annotate(n=Count("id")).group_by("statement_id").values("statement_id", "n")
    return {r["statement_id"]: r["n"] for r in rows}

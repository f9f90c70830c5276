"""The billing run: issue the invoices (and corrections) due for a month.

The decisions are models/rules/billing_plan.py's; this module reads what they need
for a chunk of accounts at a time, and writes each chunk in one transaction:
estimated readings, numbered documents with their lines and readings, and the
accounts' stored figures (balance, version). A crash leaves whole chunks issued or
not at all, and the next run completes the rest; a document's unique billing key
makes a repeated or concurrent run issue nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import (
    AccountKind,
    BillingCycle,
    InvoiceKind,
    InvoiceStatus,
    ReadingSource,
    Service,
)
from models.errors import BillingPeriodNotOver, NoTariff
from models.orm import Account, Invoice, InvoiceLine, InvoiceSeries, Reading, Tariff
from models.reads.sql import as_date, as_decimal, fetch
from models.rules.billing import invoice_totals
from models.rules.billing_cycle import CYCLE_MONTHS
from models.rules.billing_plan import (
    AccountPlan,
    AccountState,
    BilledEstimate,
    MeterReading,
    MeterState,
    PlannedDocument,
    may_be_due,
    plan_due,
)
from models.rules.invoice_status import settlement
from models.rules.money import ZERO
from models.rules.reading_window import month_end, month_start
from models.rules.tariff import TariffRates
from models.services import audit, billing_cycle
from models.services.bulk import insert_links, insert_rows, update_rows
from models.services.credit import consume_credit

log = logging.getLogger("ebok.billing")

CHUNK = 250
# A year of readings before the last billed one is what an estimate averages over.
HISTORY = timedelta(days=400)
SERIES = {InvoiceKind.INVOICE: "FV", InvoiceKind.CORRECTION: "KOR"}
NUMBER_DIGITS = 6


@dataclass(frozen=True)
class Issue:
    """When documents are issued, how long the customer has to pay them, and which
    stored tariff priced each line (by the day it took effect)."""

    clock: Clock
    payment_term_days: int
    tariff_ids: dict[date, int]


@dataclass
class BillingRun:
    """What a run did, for the command line, the staff page and the audit log."""

    period: date
    accounts: int = 0
    invoices: int = 0
    corrections: int = 0
    estimated: int = 0

    @property
    def issued(self) -> int:
        return self.invoices + self.corrections


async def run_billing(
    period: date,
    clock: Clock,
    *,
    payment_term_days: int = 14,
    actor_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BillingRun:
    """Issue every invoice due for the month starting `period` (idempotent)."""
    month = month_start(period)
    today = clock.today()
    if month_end(month) >= today:
        raise BillingPeriodNotOver(
            month=month.strftime("%m.%Y"), first=month_end(month) + timedelta(days=1)
        )
    tariff_rows = await Tariff.all().order_by("valid_from")
    tariffs = [
        TariffRates(
            r.valid_from, r.valid_to, r.water_price, r.sewage_price, r.subscription_fee, r.vat_rate
        )
        for r in tariff_rows
    ]
    issue = Issue(clock, payment_term_days, {r.valid_from: r.id for r in tariff_rows})
    run = BillingRun(month)
    ids = await Account.all().order_by("id").values_list("id", flat=True)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        await _bill_chunk(chunk, month, tariffs, issue, run)
        if progress is not None:
            progress(len(chunk))
    run.accounts = len(ids)
    async with in_transaction():
        await audit.record(
            "BILLING_RUN",
            at=clock.now(),
            actor=None,
            object_type="billing_period",
            object_id=month.strftime("%Y-%m"),
            details={
                "actor_id": actor_id,
                "invoices": run.invoices,
                "corrections": run.corrections,
            },
        )
    log.info("billing run %s: %s invoices, %s corrections", month, run.invoices, run.corrections)
    return run


async def _bill_chunk(
    account_ids: list[int], month: date, tariffs: list[TariffRates], issue: Issue, run: BillingRun
) -> None:
    """Plan and issue one chunk in one transaction; a concurrent run that issued some
    of the same documents first makes this one start the chunk over, skipping them."""
    for attempt in range(2):
        try:
            async with in_transaction():
                await _issue_chunk(account_ids, month, tariffs, issue, run)
            return
        except IntegrityError:
            if attempt == 1:
                raise
            log.info(
                "billing chunk from account %s raced another run; planning it again", account_ids[0]
            )


async def _issue_chunk(
    account_ids: list[int], month: date, tariffs: list[TariffRates], issue: Issue, run: BillingRun
) -> None:
    # Locked in id order first: a payment booked meanwhile waits for the new balance.
    accounts = {
        a.id: a
        for a in await Account.filter(id__in=account_ids)
        .order_by("id")
        .select_for_update()
        # Only what the run reads or writes: whole accounts (their dates parsed) cost more.
        .only("id", "kind", "billing_cycle", "balance", "version")
    }
    last = await _last_invoices(sorted(accounts))
    await _apply_cycle_changes(accounts, last, issue.clock)
    due = {
        account_id: account
        for account_id, account in accounts.items()
        if may_be_due(
            last[account_id][1] + timedelta(days=1) if account_id in last else None,
            CYCLE_MONTHS[BillingCycle(account.billing_cycle)],
            month,
        )
    }
    states = await _states(due, last)
    plans: list[tuple[Account, list[AccountPlan]]] = []
    for account_id, state in states.items():
        try:
            due = plan_due(state, month, tariffs)
        except LookupError as exc:
            raise NoTariff(day=str(exc).rsplit(" ", 1)[-1]) from exc
        if due:
            plans.append((accounts[account_id], due))
    if not plans:
        return
    numbers = await _take_numbers([p for _, due in plans for p in due], issue.clock.today())
    await _write_chunk(plans, numbers, issue)
    for _, due in plans:
        for plan in due:
            run.invoices += sum(1 for d in plan.documents if d.kind == InvoiceKind.INVOICE)
            run.corrections += sum(1 for d in plan.documents if d.kind == InvoiceKind.CORRECTION)
            run.estimated += len(plan.estimated_readings)


async def _take_numbers(plans: Sequence[AccountPlan], issued_on: date) -> dict[str, list[str]]:
    """The next numbers of each series, taken under a row lock in this transaction, so
    numbers follow without gaps (a rolled-back chunk gives its numbers back)."""
    wanted: dict[str, int] = defaultdict(int)
    for plan in plans:
        for document in plan.documents:
            wanted[_series(InvoiceKind(document.kind), issued_on)] += 1
    numbers: dict[str, list[str]] = {}
    for series, count in sorted(wanted.items()):
        await InvoiceSeries.get_or_create(series=series, defaults={"last_number": 0})
        row = await InvoiceSeries.filter(series=series).select_for_update().get()
        first = row.last_number + 1
        row.last_number += count
        await row.save(update_fields=["last_number"])
        numbers[series] = [f"{series}/{n:0{NUMBER_DIGITS}d}" for n in range(first, first + count)]
        numbers[series].reverse()  # popped from the end, in order
    return numbers


def _series(kind: InvoiceKind, issued_on: date) -> str:
    return f"{SERIES[kind]}/{issued_on.year}/{issued_on.month:02d}"


async def _write_chunk(
    plans: list[tuple[Account, list[AccountPlan]]], numbers: dict[str, list[str]], issue: Issue
) -> None:
    """Write a chunk's plans in a few multi-row statements per table: the estimated
    readings, the documents (numbered in plan order), their lines and readings, and
    the accounts' balance and version. Provisional ids are per account, so the map to
    stored ids is keyed by (account id, provisional id)."""
    now, today = issue.clock.now(), issue.clock.today()
    stored: dict[tuple[int, int], int] = {}

    estimates = [
        (account.id, planned)
        for account, due in plans
        for plan in due
        for planned in plan.estimated_readings
    ]
    rows = await insert_rows(
        Reading,
        [
            {
                "meter_id": planned.meter_id,
                "value": planned.value,
                "read_on": planned.read_on,
                "source": ReadingSource.ESTIMATED,
                "submitted_at": now,
            }
            for _, planned in estimates
        ],
        returning=("id", "meter_id", "read_on"),
    )
    reading_ids = {(r["meter_id"], as_date(r["read_on"])): r["id"] for r in rows}
    if len(reading_ids) != len(estimates):
        raise RuntimeError("two estimated readings of one meter on one day")
    for account_id, planned in estimates:
        stored[account_id, planned.id] = reading_ids[planned.meter_id, planned.read_on]

    # Numbers in plan order, as one document after another would take them.
    documents = [
        (account, document, numbers[_series(InvoiceKind(document.kind), today)].pop())
        for account, due in plans
        for plan in due
        for document in plan.documents
    ]
    # A correction may correct an invoice of this very run: it waits for its id.
    pending = documents
    while pending:
        ready = [
            d
            for d in pending
            if d[1].corrects_id is None
            or d[1].corrects_id > 0
            or (d[0].id, d[1].corrects_id) in stored
        ]
        if not ready:
            raise RuntimeError("a correction of a document that is not planned")
        await _write_documents(ready, stored, now, today, issue)
        pending = [d for d in pending if (d[0].id, d[1].id) not in stored]

    lines = [
        {
            "invoice_id": stored[account.id, document.id],
            "position": position,
            "service": Service(line.service),
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "net": line.net,
            "vat_rate": line.vat_rate,
            "vat": line.vat,
            "gross": line.gross,
            "estimated": line.estimated,
            "tariff_id": issue.tariff_ids.get(line.tariff_valid_from),
        }
        for account, document, _ in documents
        for position, line in enumerate(document.lines, start=1)
    ]
    await insert_rows(InvoiceLine, lines)
    links = [
        (stored[account.id, document.id], reading_id)
        for account, document, _ in documents
        for reading_id in sorted(
            {stored.get((account.id, r), r) if r < 0 else r for r in document.readings}
        )
    ]
    await insert_links("invoice_readings", ("invoice_id", "reading_id"), links)

    added: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for account, document, _ in documents:
        added[account.id] += invoice_totals(document.lines).gross
    # Money paid beyond what was open pays the new invoices at once.
    with_credit = [account.id for account, _ in plans if account.balance < 0]
    for account, _ in plans:
        account.balance = account.balance + added[account.id]
        account.version = account.version + 1
    await update_rows(
        Account,
        [{"id": a.id, "balance": a.balance, "version": a.version} for a, _ in plans],
        ("balance", "version"),
    )
    await consume_credit(with_credit)


async def _write_documents(
    documents: list[tuple[Account, PlannedDocument, str]],
    stored: dict[tuple[int, int], int],
    now: datetime,
    issued_on: date,
    issue: Issue,
) -> None:
    rows = []
    for account, document, number in documents:
        totals = invoice_totals(document.lines)
        corrects = document.corrects_id
        rows.append(
            {
                "account_id": account.id,
                "number": number,
                "kind": InvoiceKind(document.kind),
                "issued_on": issued_on,
                "period_from": document.period_from,
                "period_to": document.period_to,
                "due_date": issued_on + timedelta(days=issue.payment_term_days),
                "net": totals.net,
                "vat": totals.vat,
                "gross": totals.gross,
                # Nothing is paid yet; a credit note (gross <= 0) is settled as issued.
                "settlement": InvoiceStatus(settlement(totals.gross, ZERO)),
                "corrects_id": stored.get((account.id, corrects), corrects)
                if corrects is not None
                else None,
                "billing_key": document.billing_key,
                "created_at": now,
            }
        )
    written = await insert_rows(Invoice, rows, returning=("id", "number"))
    ids = {r["number"]: r["id"] for r in written}
    for account, document, number in documents:
        stored[account.id, document.id] = ids[number]


# --- what the plan needs to know -----------------------------------------------------------


async def _states(
    accounts: dict[int, Account], last: dict[int, tuple[int, date]]
) -> dict[int, AccountState]:
    ids = sorted(accounts)
    if not ids:
        return {}
    services = await _services(ids)
    meters = await _meters(ids, accounts)
    closing = await _closing_readings([i for i, _ in last.values()])
    estimates = await _uncorrected_estimates(ids)
    since = {m: d for m, d in _history_start(meters, closing).items()}
    readings = await _readings(since)
    states = {}
    for account_id in ids:
        account_meters = tuple(
            MeterState(
                id=m["id"],
                digits=m["digits"],
                installed_on=m["installed_on"],
                removed_on=m["removed_on"],
                readings=tuple(readings.get(m["id"], ())),
                services=m["services"],
                billed_reading_id=closing.get(m["id"], (None, None))[0]
                if account_id in last
                else None,
            )
            for m in meters.get(account_id, [])
        )
        last_invoice = last.get(account_id)
        states[account_id] = AccountState(
            account_id=account_id,
            cycle_months=CYCLE_MONTHS[BillingCycle(accounts[account_id].billing_cycle)],
            services=frozenset(services.get(account_id, {s.value for s in Service})),
            meters=account_meters,
            next_from=last_invoice[1] + timedelta(days=1) if last_invoice else None,
            estimates=tuple(estimates.get(account_id, ())),
        )
    return states


async def _services(ids: list[int]) -> dict[int, set[str]]:
    rows = await fetch(
        "SELECT account_id, services FROM contracts WHERE account_id IN ({ids})",
        ids,
        list_length=len(ids),
    )
    found: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        found[row["account_id"]].update(s for s in row["services"].split(",") if s)
    return found


async def _meters(ids: list[int], accounts: dict[int, Account]) -> dict[int, list[dict]]:
    rows = await fetch(
        """SELECT m.id, c.account_id, c.services, m.digits, m.is_main, m.installed_on,
            m.removed_on
        FROM contracts c JOIN meters m ON m.contract_id = c.id
        WHERE c.account_id IN ({ids}) ORDER BY m.id""",
        ids,
        list_length=len(ids),
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        found[row["account_id"]].append(
            {
                "id": row["id"],
                "services": frozenset(x for x in row["services"].split(",") if x),
                "digits": row["digits"],
                "is_main": bool(row["is_main"]),
                "installed_on": as_date(row["installed_on"]),
                "removed_on": as_date(row["removed_on"]) if row["removed_on"] else None,
            }
        )
    # A housing community is billed on its main meter only.
    for account_id, meters in found.items():
        main = [m for m in meters if m["is_main"]]
        if accounts[account_id].kind == AccountKind.HOUSING_COMMUNITY and main:
            found[account_id] = main
    return found


async def _apply_cycle_changes(
    accounts: dict[int, Account], last: dict[int, tuple[int, date]], clock: Clock
) -> None:
    """Approved cycle changes whose first period is the one about to be planned."""
    next_from = {i: last[i][1] + timedelta(days=1) if i in last else None for i in accounts}
    await billing_cycle.apply_due_changes(accounts.values(), next_from, clock)


async def _last_invoices(ids: list[int]) -> dict[int, tuple[int, date]]:
    """Each account's last regular invoice: (id, period end)."""
    rows = await fetch(
        # Each account's last period first, once per account (a correlated MAX per
        # invoice grew with the square of the history).
        """SELECT i.id, i.account_id, i.period_to FROM invoices i
        JOIN (SELECT account_id, MAX(period_to) AS last FROM invoices
            WHERE account_id IN ({ids}) AND kind = ? GROUP BY account_id) m
        ON i.account_id = m.account_id AND i.period_to = m.last
        WHERE i.kind = ?""",
        [*ids, InvoiceKind.INVOICE.value, InvoiceKind.INVOICE.value],
        list_length=len(ids),
    )
    return {r["account_id"]: (r["id"], as_date(r["period_to"])) for r in rows}


async def _closing_readings(invoice_ids: list[int]) -> dict[int, tuple[int, date]]:
    """Per meter, the newest reading the last invoices were billed to: (id, day)."""
    rows = await fetch(
        """SELECT r.id, r.meter_id, r.read_on FROM invoice_readings ir
        JOIN readings r ON r.id = ir.reading_id WHERE ir.invoice_id IN ({ids})""",
        invoice_ids,
        list_length=len(invoice_ids),
    )
    closing: dict[int, tuple[int, date]] = {}
    for row in rows:
        day = as_date(row["read_on"])
        current = closing.get(row["meter_id"])
        if current is None or (day, row["id"]) > (current[1], current[0]):
            closing[row["meter_id"]] = (row["id"], day)
    return closing


async def _uncorrected_estimates(ids: list[int]) -> dict[int, list[BilledEstimate]]:
    """Estimated readings that closed invoices with no correction yet, with the volumes
    each invoice billed as water and as sewage."""
    rows = await fetch(
        """SELECT i.id AS invoice_id, i.account_id, i.period_from, i.period_to,
            r.id AS reading_id, r.read_on
        FROM invoices i JOIN invoice_readings ir ON ir.invoice_id = i.id
        JOIN readings r ON r.id = ir.reading_id
        WHERE i.account_id IN ({ids}) AND i.kind = ? AND r.source = ?
            AND r.read_on = i.period_to
            AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.corrects_id = i.id)""",
        [*ids, InvoiceKind.INVOICE.value, ReadingSource.ESTIMATED.value],
        list_length=len(ids),
    )
    if not rows:
        return {}
    invoice_ids = sorted({r["invoice_id"] for r in rows})
    volumes = await _volumes(invoice_ids, Service.WATER)
    sewage = await _volumes(invoice_ids, Service.SEWAGE)
    found: dict[int, list[BilledEstimate]] = defaultdict(list)
    for row in rows:
        found[row["account_id"]].append(
            BilledEstimate(
                reading_id=row["reading_id"],
                invoice_id=row["invoice_id"],
                period_from=as_date(row["period_from"]),
                period_to=as_date(row["period_to"]),
                invoice_volume=volumes.get(row["invoice_id"], Decimal("0.000")),
                invoice_sewage_volume=sewage.get(row["invoice_id"], Decimal("0.000")),
            )
        )
    return found


async def _volumes(invoice_ids: list[int], service: Service) -> dict[int, Decimal]:
    """The m³ each invoice billed for one service (the sum of its lines')."""
    rows = await fetch(
        """SELECT invoice_id, quantity FROM invoice_lines
        WHERE invoice_id IN ({ids}) AND service = ?""",
        [*invoice_ids, service.value],
        list_length=len(invoice_ids),
    )
    volumes: dict[int, Decimal] = defaultdict(lambda: Decimal("0.000"))
    for row in rows:
        volumes[row["invoice_id"]] += as_decimal(row["quantity"])
    return volumes


def _history_start(
    meters: dict[int, list[dict]], closing: dict[int, tuple[int, date]]
) -> dict[int, date]:
    """From when each meter's readings are needed: a year before its last billed one
    (everything, for a meter never billed)."""
    return {
        m["id"]: (closing[m["id"]][1] - HISTORY) if m["id"] in closing else date.min
        for account_meters in meters.values()
        for m in account_meters
    }


async def _readings(since: dict[int, date]) -> dict[int, list[MeterReading]]:
    if not since:
        return {}
    earliest = min(since.values())
    ids = sorted(since)
    rows = await fetch(
        """SELECT r.id, r.meter_id, r.read_on, r.value, r.source FROM readings r
        WHERE r.meter_id IN ({ids}) AND r.read_on >= ? ORDER BY r.meter_id, r.read_on, r.id""",
        [*ids, earliest],
        list_length=len(ids),
    )
    found: dict[int, list[MeterReading]] = defaultdict(list)
    for row in rows:
        day = as_date(row["read_on"])
        if day >= since[row["meter_id"]]:
            found[row["meter_id"]].append(
                MeterReading(row["id"], day, as_decimal(row["value"]), row["source"])
            )
    return found

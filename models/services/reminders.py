"""E-mail reminders: the reading window opening and closing, invoices due and overdue.

The job (models/services/jobs.py) runs every few minutes in every worker. What is due
is decided by models/rules/reminders.py from the business clock's day; the event's
sending period is its day and a few days after (catching up after downtime, never
spamming about old events). Each reminder is claimed by a row in `reminders_sent`,
unique per (kind, account or invoice, event), written in the transaction that queues
its e-mails: two workers, a restart halfway or a second run send it once.

Reminders go to the eBOK users of the account (the people who can switch them off on
/dane), each according to their own choice, stored as consents (the newest of a kind
wins; none means on). An account nobody manages in eBOK gets none.

The reads are batched per chunk of accounts or invoices: a fixed number of statements
per CHUNK, whatever the number of meters, users or choices behind them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ConsentKind, InvoiceStatus, ReminderKind, Role
from models.orm import Account, Consent, Invoice, Meter, Reading, ReminderSent, User
from models.rules.money import format_pln
from models.rules.reading_window import window_of_month
from models.rules.reminders import (
    CATCH_UP_DAYS,
    DUE_SOON_DAYS_BEFORE,
    AccountFacts,
    InvoiceFacts,
    Reminder,
    account_reminders_due,
    invoice_reminders_due,
    wants,
    window_events,
)
from models.services import outbox

if TYPE_CHECKING:
    from models.services.jobs import JobContext

CHUNK = 500
TEMPLATES = {
    ReminderKind.READING_WINDOW_OPENS: "reminder_window_opens",
    ReminderKind.READING_WINDOW_CLOSING: "reminder_window_closing",
    ReminderKind.INVOICE_DUE_SOON: "reminder_invoice_due_soon",
    ReminderKind.INVOICE_OVERDUE: "reminder_invoice_overdue",
}
REMINDER_CONSENTS = [kind.consent for kind in ReminderKind]

log = logging.getLogger("ebok.reminders")


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str


@dataclass
class Sent:
    """What one run sent: each reminder (its key) and how many e-mails it queued."""

    reminders: list[Reminder] = field(default_factory=list)
    emails: int = 0


# --- who hears of an account ----------------------------------------------------------------


async def recipients_by_account(account_ids: list[int]) -> dict[int, list[Recipient]]:
    """The active customer users of each account (two statements for any number)."""
    if not account_ids:
        return {}
    rows = await User.filter(
        accounts__id__in=account_ids, is_active=True, role=Role.CUSTOMER
    ).values_list("id", "email", "accounts__id")
    found: dict[int, list[Recipient]] = defaultdict(list)
    for user_id, email, account_id in sorted(rows):
        if email:
            found[account_id].append(Recipient(user_id, email))
    return found


async def choices_by_user(user_ids: Iterable[int]) -> dict[int, dict[ReminderKind, bool]]:
    """Each user's reminder choices in force: the newest consent row of each kind."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = (
        await Consent.filter(user_id__in=ids, kind__in=REMINDER_CONSENTS)
        .order_by("given_at", "id")
        .values_list("user_id", "kind", "granted")
    )
    choices: dict[int, dict[ReminderKind, bool]] = defaultdict(dict)
    for user_id, kind, granted in rows:
        choices[user_id][ReminderKind(str(ConsentKind(kind)).removeprefix("REMINDER_"))] = bool(
            granted
        )
    return choices


# --- sending one reminder -------------------------------------------------------------------


async def _send(
    reminder: Reminder,
    recipients: list[Recipient],
    choices: dict[int, dict[ReminderKind, bool]],
    context: dict[str, Any],
    clock: Clock,
) -> int | None:
    """Claim the reminder and queue its e-mails in one transaction; None when it was
    claimed already (by an earlier run or another worker)."""
    wanted = [r for r in recipients if wants(reminder.kind, choices.get(r.user_id, {}))]
    now = clock.now()
    try:
        async with in_transaction():
            await ReminderSent.create(
                kind=reminder.kind,
                subject_id=reminder.subject_id,
                event=reminder.event,
                sent_at=now,
                recipients=len(wanted),
            )
            for recipient in wanted:
                await outbox.queue_email(
                    recipient.email,
                    TEMPLATES[reminder.kind],
                    context,
                    now=now,
                    key=(
                        f"reminder:{reminder.kind}:{reminder.subject_id}:"
                        f"{reminder.event.isoformat()}:{recipient.user_id}"
                    ),
                )
    except IntegrityError:
        return None
    return len(wanted)


async def _already_sent(
    kinds: Iterable[ReminderKind], subject_ids: list[int], events: Iterable[date]
) -> set[Reminder]:
    rows = await ReminderSent.filter(
        kind__in=list(kinds), subject_id__in=subject_ids, event__in=list(events)
    ).values_list("kind", "subject_id", "event")
    return {Reminder(ReminderKind(k), s, e) for k, s, e in rows}


# --- the reading window -----------------------------------------------------------------------


def _links(public_url: str) -> dict[str, str]:
    base = public_url.rstrip("/")
    return {"settings_link": f"{base}/dane#przypomnienia"}


async def _window_chunk(
    after_id: int, today: date, opens_on_day: int, month: date, with_readings: bool
) -> tuple[list[dict[str, Any]], list[AccountFacts]]:
    """The next CHUNK of unblocked accounts someone manages in eBOK, and their facts."""
    accounts = (
        await Account.filter(id__gt=after_id, e_readings_blocked=False, users__is_active=True)
        .distinct()
        .order_by("id")
        .limit(CHUNK)
        .values("id", "number", "holder_name", "e_readings_blocked")
    )
    if not accounts:
        return [], []
    ids = [a["id"] for a in accounts]
    opens_on, _ = window_of_month(month.year, month.month, opens_on_day)
    meters = await Meter.filter(
        contract__account_id__in=ids, installed_on__lte=opens_on
    ).values_list("id", "contract__account_id", "removed_on")
    in_service: dict[int, set[int]] = defaultdict(set)
    for meter_id, account_id, removed_on in meters:
        if removed_on is None or removed_on > today:
            in_service[account_id].add(meter_id)
    read: set[int] = set()
    if with_readings and meters:
        read = set(
            await Reading.filter(
                meter_id__in=[m for m, _, _ in meters], customer_month=month
            ).values_list("meter_id", flat=True)
        )
    facts = [
        AccountFacts(
            id=a["id"],
            e_readings_blocked=bool(a["e_readings_blocked"]),
            meters_in_service=frozenset(in_service[a["id"]]),
            meters_read_this_month=frozenset(in_service[a["id"]] & read),
        )
        for a in accounts
    ]
    return accounts, facts


async def send_window_reminders(clock: Clock, opens_on_day: int, public_url: str) -> Sent:
    today = clock.today()
    sent = Sent()
    events = window_events(today, opens_on_day)
    if not events:
        return sent
    month = today.replace(day=1)
    opens_on, closes_on = window_of_month(month.year, month.month, opens_on_day)
    with_readings = any(k == ReminderKind.READING_WINDOW_CLOSING for k, _ in events)
    after = 0
    while True:
        accounts, facts = await _window_chunk(after, today, opens_on_day, month, with_readings)
        if not accounts:
            return sent
        after = accounts[-1]["id"]
        due = [r for f in facts for r in account_reminders_due(f, today, opens_on_day)]
        if not due:
            continue
        ids = sorted({r.subject_id for r in due})
        done = await _already_sent([k for k, _ in events], ids, [month])
        due = [r for r in due if r not in done]
        if not due:
            continue
        recipients = await recipients_by_account(ids)
        choices = await choices_by_user(r.user_id for rs in recipients.values() for r in rs)
        by_id = {a["id"]: a for a in accounts}
        for reminder in due:
            account = by_id[reminder.subject_id]
            context = {
                "number": account["number"],
                "holder": account["holder_name"],
                "window": f"{opens_on:%d.%m.%Y}–{closes_on:%d.%m.%Y}",
                "opens_on": f"{opens_on:%d.%m.%Y}",
                "closes_on": f"{closes_on:%d.%m.%Y}",
                "readings_link": f"{public_url.rstrip('/')}/odczyty",
                **_links(public_url),
            }
            count = await _send(
                reminder, recipients.get(reminder.subject_id, []), choices, context, clock
            )
            if count is not None:
                sent.reminders.append(reminder)
                sent.emails += count


# --- invoices ---------------------------------------------------------------------------------


async def send_invoice_reminders(clock: Clock, public_url: str) -> Sent:
    """Invoices due within DUE_SOON_DAYS_BEFORE days, or overdue by at most the catch-up
    period, still open, of accounts someone manages in eBOK."""
    today = clock.today()
    sent = Sent()
    after = 0
    while True:
        invoices = (
            await Invoice.filter(
                id__gt=after,
                settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
                due_date__gte=today - timedelta(days=CATCH_UP_DAYS + 1),
                due_date__lte=today + timedelta(days=DUE_SOON_DAYS_BEFORE),
            )
            .order_by("id")
            .limit(CHUNK)
            .values(
                "id",
                "number",
                "account_id",
                "due_date",
                "gross",
                "paid",
                "settlement",
                "account__number",
            )
        )
        if not invoices:
            return sent
        after = invoices[-1]["id"]
        due = [
            r
            for i in invoices
            for r in invoice_reminders_due(
                InvoiceFacts(
                    id=i["id"],
                    due_date=i["due_date"],
                    gross=i["gross"],
                    paid=i["paid"],
                    settlement=InvoiceStatus(i["settlement"]),
                ),
                today,
            )
        ]
        if not due:
            continue
        done = await _already_sent(
            {r.kind for r in due}, sorted({r.subject_id for r in due}), {r.event for r in due}
        )
        due = [r for r in due if r not in done]
        if not due:
            continue
        by_id = {i["id"]: i for i in invoices}
        account_ids = sorted({by_id[r.subject_id]["account_id"] for r in due})
        recipients = await recipients_by_account(account_ids)
        choices = await choices_by_user(r.user_id for rs in recipients.values() for r in rs)
        base = public_url.rstrip("/")
        for reminder in due:
            invoice = by_id[reminder.subject_id]
            account_recipients = recipients.get(invoice["account_id"], [])
            if not account_recipients:
                continue  # nobody manages the account in eBOK: nothing to claim
            context = {
                "number": invoice["account__number"],
                "invoice": invoice["number"],
                "due_date": f"{invoice['due_date']:%d.%m.%Y}",
                "amount": format_pln(invoice["gross"] - invoice["paid"]),
                "payments_link": f"{base}/platnosci",
                **_links(public_url),
            }
            count = await _send(reminder, account_recipients, choices, context, clock)
            if count is not None:
                sent.reminders.append(reminder)
                sent.emails += count


async def send_reminders_at(clock: Clock, opens_on_day: int, public_url: str) -> Sent:
    """Every reminder due at the clock's day and not sent yet."""
    window = await send_window_reminders(clock, opens_on_day, public_url)
    invoices = await send_invoice_reminders(clock, public_url)
    sent = Sent(window.reminders + invoices.reminders, window.emails + invoices.emails)
    if sent.reminders:
        log.info("reminders: %d sent, %d e-mail(s) queued", len(sent.reminders), sent.emails)
    return sent


async def send_reminders(ctx: JobContext) -> None:
    """The scheduled job."""
    await send_reminders_at(
        ctx.clock, ctx.settings.utility.reading_window_opens_on_day, ctx.settings.public_url
    )

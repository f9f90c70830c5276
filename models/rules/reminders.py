"""Which e-mail reminders are due on a given day: pure decisions, no I/O.

Four kinds, each about one event on one day (Europe/Warsaw dates):

- READING_WINDOW_OPENS: the month's reading window opens (its first day);
- READING_WINDOW_CLOSING: two days before the window's last day, only to those who
  have not yet given this month's reading;
- INVOICE_DUE_SOON: three days before an invoice's due date, while it is still open;
- INVOICE_OVERDUE: the day after the due date, while it is still open.

A reminder is sent on its event's day or, when the worker was down then, on one of the
CATCH_UP_DAYS after it, never later (a reminder a week late misleads more than it
helps), never before, and never once what it is about is over (a window closed, an
invoice paid). A key names the event, so the caller sends each key once (the database
holds the keys already sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models.enums import InvoiceStatus, ReminderKind
from models.rules.reading_window import window_of_month

__all__ = [
    "CATCH_UP_DAYS",
    "CLOSING_DAYS_BEFORE",
    "DUE_SOON_DAYS_BEFORE",
    "AccountFacts",
    "InvoiceFacts",
    "Reminder",
    "account_reminders_due",
    "in_sending_period",
    "invoice_reminders_due",
    "wants",
    "window_events",
]

CATCH_UP_DAYS = 3
CLOSING_DAYS_BEFORE = 2
DUE_SOON_DAYS_BEFORE = 3


@dataclass(frozen=True, order=True)
class Reminder:
    """One reminder about one event: the account's or invoice's id, and the event's day
    (the first day of the window's month; the invoice's due date)."""

    kind: ReminderKind
    subject_id: int
    event: date


@dataclass(frozen=True)
class AccountFacts:
    """What the reading-window reminders need to know about an account."""

    id: int
    e_readings_blocked: bool
    # Meters in service when the window opens; and those already read this month.
    meters_in_service: frozenset[int]
    meters_read_this_month: frozenset[int] = frozenset()

    @property
    def may_submit(self) -> bool:
        return not self.e_readings_blocked and bool(self.meters_in_service)

    @property
    def submitted(self) -> bool:
        """Every meter in service has this month's customer reading."""
        return self.meters_in_service <= self.meters_read_this_month


@dataclass(frozen=True)
class InvoiceFacts:
    id: int
    due_date: date
    gross: Decimal
    paid: Decimal
    settlement: InvoiceStatus

    @property
    def open(self) -> bool:
        """Something is still to pay (a correction that gives money back never is)."""
        return self.settlement != InvoiceStatus.PAID and self.gross - self.paid > 0


def in_sending_period(event_day: date, today: date, last_day: date | None = None) -> bool:
    """From the event's day for CATCH_UP_DAYS more days, and never after `last_day`."""
    end = event_day + timedelta(days=CATCH_UP_DAYS)
    if last_day is not None:
        end = min(end, last_day)
    return event_day <= today <= end


def window_events(today: date, opens_on_day: int) -> list[tuple[ReminderKind, date]]:
    """The reading-window reminders in their sending period today, each with its month.

    The closing reminder goes two days before the window's last day; when the window
    is shorter than that (opening on the 28th of February), the opening one says it all.
    """
    month = today.replace(day=1)
    opens_on, closes_on = window_of_month(today.year, today.month, opens_on_day)
    events: list[tuple[ReminderKind, date]] = []
    if in_sending_period(opens_on, today, last_day=closes_on):
        events.append((ReminderKind.READING_WINDOW_OPENS, month))
    closing_day = closes_on - timedelta(days=CLOSING_DAYS_BEFORE)
    if closing_day > opens_on and in_sending_period(closing_day, today, last_day=closes_on):
        events.append((ReminderKind.READING_WINDOW_CLOSING, month))
    return events


def account_reminders_due(account: AccountFacts, today: date, opens_on_day: int) -> list[Reminder]:
    """The reading-window reminders due to `account` today."""
    due: list[Reminder] = []
    if not account.may_submit:
        return due
    for kind, month in window_events(today, opens_on_day):
        if kind == ReminderKind.READING_WINDOW_CLOSING and account.submitted:
            continue
        due.append(Reminder(kind, account.id, month))
    return due


def invoice_reminders_due(invoice: InvoiceFacts, today: date) -> list[Reminder]:
    """The payment reminders due about `invoice` today (none once it is paid)."""
    if not invoice.open:
        return []
    soon = invoice.due_date - timedelta(days=DUE_SOON_DAYS_BEFORE)
    if in_sending_period(soon, today, last_day=invoice.due_date):
        return [Reminder(ReminderKind.INVOICE_DUE_SOON, invoice.id, invoice.due_date)]
    overdue = invoice.due_date + timedelta(days=1)
    if in_sending_period(overdue, today):
        return [Reminder(ReminderKind.INVOICE_OVERDUE, invoice.id, invoice.due_date)]
    return []


def wants(kind: ReminderKind, choices: dict[ReminderKind, bool]) -> bool:
    """Whether a user gets reminders of `kind`: on until they switch it off."""
    return choices.get(kind, True)

"""Which reminders are due on a day: never before the event, never for a paid invoice,
never long after, and, with the keys already sent remembered, never twice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import InvoiceStatus, ReminderKind
from models.rules.reading_window import window_of_month
from models.rules.reminders import (
    CATCH_UP_DAYS,
    AccountFacts,
    InvoiceFacts,
    Reminder,
    account_reminders_due,
    invoice_reminders_due,
    wants,
    window_events,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
opening_days = st.integers(1, 28)
statuses = st.sampled_from(list(InvoiceStatus))
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)

OPENS, CLOSING = ReminderKind.READING_WINDOW_OPENS, ReminderKind.READING_WINDOW_CLOSING
READING = AccountFacts(id=7, e_readings_blocked=False, meters_in_service=frozenset({1, 2}))


def _kinds(today: date, account: AccountFacts = READING, opens: int = 25) -> list[ReminderKind]:
    return [r.kind for r in account_reminders_due(account, today, opens)]


@pytest.mark.parametrize(
    ("today", "kinds"),
    [
        (date(2026, 11, 24), []),
        (date(2026, 11, 25), [ReminderKind.READING_WINDOW_OPENS]),
        (date(2026, 11, 27), [ReminderKind.READING_WINDOW_OPENS]),
        # 28 November is two days before the window's last day, the 30th.
        (date(2026, 11, 28), [OPENS, CLOSING]),
        (date(2026, 11, 29), [ReminderKind.READING_WINDOW_CLOSING]),
        (date(2026, 11, 30), [ReminderKind.READING_WINDOW_CLOSING]),
        (date(2026, 12, 1), []),
        (date(2026, 12, 29), [ReminderKind.READING_WINDOW_CLOSING]),
    ],
)  # fmt: skip
def test_the_reading_window_reminders_of_a_month(today: date, kinds: list[ReminderKind]) -> None:
    assert _kinds(today) == kinds


def test_the_closing_reminder_is_not_sent_to_who_has_submitted() -> None:
    submitted = AccountFacts(7, False, frozenset({1, 2}), frozenset({1, 2}))
    half = AccountFacts(7, False, frozenset({1, 2}), frozenset({1}))
    assert _kinds(date(2026, 11, 29), submitted) == []
    assert _kinds(date(2026, 11, 29), half) == [ReminderKind.READING_WINDOW_CLOSING]


def test_blocked_accounts_and_accounts_without_meters_get_no_window_reminders() -> None:
    blocked = AccountFacts(7, True, frozenset({1}))
    no_meters = AccountFacts(7, False, frozenset())
    assert _kinds(date(2026, 11, 25), blocked) == []
    assert _kinds(date(2026, 11, 29), no_meters) == []


def test_a_window_too_short_for_a_closing_reminder_has_the_opening_one_only() -> None:
    # February 2026 has 28 days: a window opening on the 27th ends the next day.
    assert [k for k, _ in window_events(date(2026, 2, 27), 27)] == [
        ReminderKind.READING_WINDOW_OPENS
    ]
    assert window_events(date(2026, 2, 26), 27) == []


@settings(deadline=None)
@given(today=days, opens=opening_days)
def test_window_reminders_only_while_the_window_is_open(today: date, opens: int) -> None:
    opens_on, closes_on = window_of_month(today.year, today.month, opens)
    for kind, month in window_events(today, opens):
        assert month == today.replace(day=1)
        assert opens_on <= today <= closes_on
        if kind == ReminderKind.READING_WINDOW_OPENS:
            assert today - opens_on <= timedelta(days=CATCH_UP_DAYS)
        else:
            assert closes_on - today <= timedelta(days=2)


def _invoice(due: date, gross: Decimal, paid: Decimal, status: InvoiceStatus) -> InvoiceFacts:
    return InvoiceFacts(id=3, due_date=due, gross=gross, paid=paid, settlement=status)


@pytest.mark.parametrize(
    ("today", "kinds"),
    [
        (date(2026, 12, 1), []),
        (date(2026, 12, 2), [ReminderKind.INVOICE_DUE_SOON]),
        (date(2026, 12, 5), [ReminderKind.INVOICE_DUE_SOON]),
        (date(2026, 12, 6), [ReminderKind.INVOICE_OVERDUE]),
        (date(2026, 12, 9), [ReminderKind.INVOICE_OVERDUE]),
        (date(2026, 12, 10), []),
    ],
)
def test_payment_reminders_around_the_due_date(today: date, kinds: list[ReminderKind]) -> None:
    invoice = _invoice(date(2026, 12, 5), Decimal("120.00"), Decimal("0"), InvoiceStatus.UNPAID)
    due = invoice_reminders_due(invoice, today)
    assert [r.kind for r in due] == kinds
    assert all(r.event == invoice.due_date and r.subject_id == 3 for r in due)


@settings(deadline=None)
@given(due=days, today=days, gross=amounts, paid=amounts, status=statuses)
def test_payment_reminders_never_for_a_paid_invoice_nor_before_their_day(
    due: date, today: date, gross: Decimal, paid: Decimal, status: InvoiceStatus
) -> None:
    reminders = invoice_reminders_due(_invoice(due, gross, paid, status), today)
    if status == InvoiceStatus.PAID or paid >= gross:
        assert reminders == []
    for reminder in reminders:
        if reminder.kind == ReminderKind.INVOICE_DUE_SOON:
            assert due - timedelta(days=3) <= today <= due
        else:
            assert due < today <= due + timedelta(days=1 + CATCH_UP_DAYS)


@settings(deadline=None)
@given(
    start=days,
    opens=opening_days,
    runs=st.lists(st.integers(0, 3), min_size=1, max_size=60),
    submitted_on=st.one_of(st.none(), st.integers(0, 60)),
    due_in=st.integers(-10, 50),
    paid_on=st.one_of(st.none(), st.integers(0, 60)),
)
def test_a_worker_running_at_any_days_sends_each_event_once_and_none_after_payment(
    start: date,
    opens: int,
    runs: list[int],
    submitted_on: int | None,
    due_in: int,
    paid_on: int | None,
) -> None:
    """Runs `runs[i]` days apart (0: twice on a day, as overlapping workers do); what
    was sent is remembered as the database remembers it."""
    sent: list[Reminder] = []
    today = start
    due = start + timedelta(days=due_in)
    for gap in runs:
        today += timedelta(days=gap)
        read = submitted_on is not None and start + timedelta(days=submitted_on) <= today
        meters = frozenset({1})
        account = AccountFacts(1, False, meters, meters if read else frozenset())
        paid = paid_on is not None and start + timedelta(days=paid_on) <= today
        invoice = _invoice(
            due,
            Decimal("50.00"),
            Decimal("50.00") if paid else Decimal("0"),
            InvoiceStatus.PAID if paid else InvoiceStatus.UNPAID,
        )
        due_now = account_reminders_due(account, today, opens) + invoice_reminders_due(
            invoice, today
        )
        for reminder in due_now:
            if reminder in sent:
                continue  # the database's unique key refuses it
            if reminder.kind == ReminderKind.READING_WINDOW_CLOSING:
                assert not read
            if reminder.kind in (ReminderKind.INVOICE_DUE_SOON, ReminderKind.INVOICE_OVERDUE):
                assert not paid
            sent.append(reminder)
    assert len(sent) == len(set(sent))
    # One of each payment kind at most per invoice; one of each window kind per month.
    per_kind_and_month = {(r.kind, r.subject_id, r.event) for r in sent}
    assert len(per_kind_and_month) == len(sent)


def test_reminders_are_on_until_switched_off() -> None:
    assert wants(ReminderKind.INVOICE_OVERDUE, {})
    assert not wants(ReminderKind.INVOICE_OVERDUE, {ReminderKind.INVOICE_OVERDUE: False})
    assert wants(ReminderKind.INVOICE_DUE_SOON, {ReminderKind.INVOICE_OVERDUE: False})


def test_each_reminder_kind_has_its_own_consent_kind() -> None:
    assert len({kind.consent for kind in ReminderKind}) == len(ReminderKind)

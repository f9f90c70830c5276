"""The reminders job on the demo data: each reminder once, to the users who want it,
whatever the worker's restarts; never for a paid invoice nor about an old event."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from models.clock import WARSAW, Clock
from models.enums import InvoiceStatus, ReadingSource, ReminderKind
from models.orm import Account, Consent, Invoice, Meter, OutboxEmail, Reading, ReminderSent, User
from models.services.jobs import JOBS
from models.services.mail_transport import SmtpTransport
from models.services.reminder_preferences import choices_of, set_choices
from models.services.reminders import send_reminders_at
from models.services.worker import Worker
from models.settings import Settings
from tests.smtp_server import smtp_server
from tests.support import StatementCounter

pytestmark = pytest.mark.usefixtures("demo")

OPENS = 25
URL = "https://ebok.example.pl"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=WARSAW)


async def _run(clock: Clock) -> list[tuple[ReminderKind, int, date]]:
    sent = await send_reminders_at(clock, OPENS, URL)
    return [(r.kind, r.subject_id, r.event) for r in sent.reminders]


async def _account_id(number: str) -> int:
    return (await Account.get(number=number)).id


async def _open_invoice(number: str) -> Invoice:
    """The account's invoice that is unpaid and not yet due at the test clock."""
    account = await Account.get(number=number)
    return await Invoice.get(
        account=account, settlement=InvoiceStatus.UNPAID, due_date__gt=date(2026, 11, 21)
    )


async def _mail_to(address: str, subject_part: str) -> list[OutboxEmail]:
    return await OutboxEmail.filter(to_address=address, subject__contains=subject_part).all()


async def test_the_window_opening_reminds_every_user_who_may_submit_once(clock: Clock) -> None:
    clock.set(_at(date(2026, 11, 24)))
    assert [k for k, _, _ in await _run(clock) if k.name.startswith("READING")] == []
    clock.set(_at(date(2026, 11, 25)))
    sent = await _run(clock)
    opened = sorted(s for k, s, _ in sent if k == ReminderKind.READING_WINDOW_OPENS)
    # 100002 has no eBOK user: nobody to remind, nobody who could switch it off.
    assert opened == sorted([await _account_id("100001"), await _account_id("100003")])
    jan = await User.get(login="jan.kowalski")
    [mail] = await _mail_to(jan.email, "Możesz już podać odczyt")
    assert "100001" in mail.body_text and "25.11.2026 do 30.11.2026" in mail.body_text
    assert f"{URL}/odczyty" in mail.body_text
    assert f"{URL}/dane#przypomnienia" in mail.body_text  # how to switch it off
    assert mail.body_html is not None and "Wyłączysz je w eBOK" in mail.body_html
    # The same day again, and the next: nothing more.
    assert await _run(clock) == []
    clock.set(_at(date(2026, 11, 26)))
    assert await _run(clock) == []
    assert len(await _mail_to(jan.email, "Możesz już podać odczyt")) == 1


async def test_a_worker_down_for_days_catches_up_only_on_recent_events(clock: Clock) -> None:
    clock.set(_at(date(2026, 11, 28)))  # the third day after the window opened
    kinds = {k for k, _, _ in await _run(clock)}
    assert ReminderKind.READING_WINDOW_OPENS in kinds
    await ReminderSent.all().delete()
    await OutboxEmail.all().delete()
    clock.set(_at(date(2026, 11, 29)))  # four days after: too late for "it opens"
    kinds = {k for k, _, _ in await _run(clock)}
    assert ReminderKind.READING_WINDOW_OPENS not in kinds
    assert ReminderKind.READING_WINDOW_CLOSING in kinds


async def test_the_closing_reminder_skips_who_has_submitted(clock: Clock) -> None:
    meter = await Meter.get(contract__account__number="100001")
    await Reading.create(
        meter=meter,
        value=Decimal("790"),
        read_on=date(2026, 11, 26),
        source=ReadingSource.CUSTOMER,
        submitted_at=_at(date(2026, 11, 26)),
        customer_month=date(2026, 11, 1),
    )
    clock.set(_at(date(2026, 11, 29)))
    closing = [s for k, s, _ in await _run(clock) if k == ReminderKind.READING_WINDOW_CLOSING]
    assert closing == [await _account_id("100003")]
    lipowa = await User.get(login="wspolnota.lipowa")
    [mail] = await _mail_to(lipowa.email, "Zostały dwa dni")
    assert "do 30.11.2026 włącznie" in mail.body_text


async def test_payment_reminders_three_days_before_and_the_day_after_the_due_date(
    clock: Clock,
) -> None:
    invoice = await _open_invoice("100001")
    jan = await User.get(login="jan.kowalski")
    clock.set(_at(invoice.due_date - timedelta(days=4)))
    assert ReminderKind.INVOICE_DUE_SOON not in {k for k, _, _ in await _run(clock)}
    clock.set(_at(invoice.due_date - timedelta(days=3)))
    assert (ReminderKind.INVOICE_DUE_SOON, invoice.id, invoice.due_date) in await _run(clock)
    [soon] = await _mail_to(jan.email, "Za trzy dni mija termin")
    assert invoice.number in soon.subject and f"{invoice.due_date:%d.%m.%Y}" in soon.body_text
    assert "zł" in soon.body_text and f"{URL}/platnosci" in soon.body_text
    clock.set(_at(invoice.due_date))
    assert await _run(clock) == []
    clock.set(_at(invoice.due_date + timedelta(days=1)))
    sent = await _run(clock)
    assert (ReminderKind.INVOICE_OVERDUE, invoice.id, invoice.due_date) in sent
    assert len(await _mail_to(jan.email, "Minął termin płatności")) == 1
    # The demo's invoice overdue for weeks already is not suddenly reminded of.
    overdue_before = await Invoice.filter(
        account__number="100001", due_date__lt=date(2026, 11, 21)
    ).exclude(settlement=InvoiceStatus.PAID)
    assert overdue_before and all(i.id not in {s for _, s, _ in sent} for i in overdue_before)


async def test_a_paid_invoice_is_not_reminded(clock: Clock) -> None:
    invoice = await _open_invoice("100001")
    await Invoice.filter(id=invoice.id).update(paid=invoice.gross, settlement=InvoiceStatus.PAID)
    for days in (-3, 1):
        clock.set(_at(invoice.due_date + timedelta(days=days)))
        assert all(s != invoice.id for _, s, _ in await _run(clock))
    assert not await ReminderSent.filter(subject_id=invoice.id, kind__startswith="INVOICE")


async def test_a_kind_switched_off_is_not_sent_to_that_user_and_the_choice_keeps_history(
    clock: Clock,
) -> None:
    jan = await User.get(login="jan.kowalski")
    await set_choices(
        jan, [(ReminderKind.INVOICE_DUE_SOON, False)], clock=clock, client_address=None
    )
    clock.set(_at(date(2026, 11, 22)))
    await set_choices(
        jan, [(ReminderKind.INVOICE_DUE_SOON, True)], clock=clock, client_address=None
    )
    clock.set(_at(date(2026, 11, 23)))
    choices = [
        (ReminderKind.INVOICE_DUE_SOON, False),
        (ReminderKind.READING_WINDOW_OPENS, False),
        (ReminderKind.INVOICE_OVERDUE, True),  # as it was: no row
    ]
    await set_choices(jan, choices, clock=clock, client_address=None)
    rows = await Consent.filter(user=jan, kind__startswith="REMINDER").order_by("id")
    assert [(r.kind, r.granted) for r in rows] == [
        ("REMINDER_INVOICE_DUE_SOON", False),
        ("REMINDER_INVOICE_DUE_SOON", True),
        ("REMINDER_INVOICE_DUE_SOON", False),
        ("REMINDER_READING_WINDOW_OPENS", False),
    ]
    now = {c.kind: c.enabled for c in (await choices_of([jan.id]))[jan.id]}
    assert now == {
        ReminderKind.READING_WINDOW_OPENS: False,
        ReminderKind.READING_WINDOW_CLOSING: True,
        ReminderKind.INVOICE_DUE_SOON: False,
        ReminderKind.INVOICE_OVERDUE: True,
    }

    invoice = await _open_invoice("100001")
    clock.set(_at(invoice.due_date - timedelta(days=3)))
    await _run(clock)
    assert await _mail_to(jan.email, "Za trzy dni") == []
    # The event is handled all the same: switching back on later sends no stale reminder.
    row = await ReminderSent.get(kind=ReminderKind.INVOICE_DUE_SOON, subject_id=invoice.id)
    assert row.recipients == 0
    clock.set(_at(date(2026, 11, 25)))
    await _run(clock)
    assert await _mail_to(jan.email, "Możesz już podać odczyt") == []
    lipowa = await User.get(login="wspolnota.lipowa")
    assert len(await _mail_to(lipowa.email, "Możesz już podać odczyt")) == 1


async def test_two_workers_at_once_send_each_reminder_once(clock: Clock) -> None:
    clock.set(_at(date(2026, 11, 25)))
    first, second = await asyncio.gather(_run(clock), _run(clock))
    assert sorted(first + second) == sorted(set(first + second))
    assert len(first + second) == await ReminderSent.all().count() > 0
    addresses = await OutboxEmail.all().values_list("to_address", "subject")
    assert len(addresses) == len(set(addresses))


async def test_a_run_with_nothing_left_to_send_reads_a_few_statements(
    clock: Clock, sql_statements: StatementCounter
) -> None:
    clock.set(_at(date(2026, 11, 28)))  # both window reminders in their period
    await _run(clock)
    sql_statements.statements.clear()
    assert await _run(clock) == []
    # Per chunk: accounts, meters, readings, sent; then invoices and sent; then the
    # empty next chunks. Never one per account, meter or invoice.
    assert len(sql_statements.statements) <= 8, sql_statements.statements


async def test_real_smtp_once_across_two_runs_and_a_restart(
    clock: Clock, settings: Settings
) -> None:
    invoice = await _open_invoice("100001")
    clock.set(_at(invoice.due_date - timedelta(days=3)))
    jan = await User.get(login="jan.kowalski")
    with smtp_server() as (server, port):

        def worker() -> Worker:
            transport = SmtpTransport.from_url(f"smtp://127.0.0.1:{port}", sender="ebok@localhost")
            return Worker(settings, clock, transport=transport, jobs=JOBS)

        first = worker()
        await first.run_jobs_once()
        await first.run_jobs_once()  # a second run of the same jobs
        await first.drain()
        # A restart: a new worker process starts, runs every job at once, and delivers.
        restarted = worker()
        await restarted.run_jobs_once()
        await restarted.drain()
        # A later run the same day, as the schedule makes it.
        await restarted.run_jobs_once()
        await restarted.drain()

    to_jan = [r for r in server.received if r.recipients == [jan.email]]
    subjects = [str(r.message["Subject"]) for r in to_jan]
    assert subjects.count(f"Za trzy dni mija termin płatności faktury {invoice.number}") == 1
    assert all(count == 1 for count in server.message_ids().values())
    [message] = [r.message for r in to_jan if "Za trzy dni" in str(r.message["Subject"])]
    text = message.get_body(("plain",)).get_content()
    assert "Wyłączysz je w eBOK" in text
    assert message.get_body(("html",)) is not None

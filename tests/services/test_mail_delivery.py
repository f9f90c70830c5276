"""Delivering the outbox to a real SMTP server on loopback: nothing lost, nothing twice.

The server is aiosmtpd in its own thread (tests/smtp_server.py); it records what it
accepted, so a message delivered twice shows as a Message-ID counted twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from models.clock import Clock
from models.enums import OutboxStatus
from models.orm import OutboxEmail
from models.rules.mail_retry import MAX_ATTEMPTS
from models.services import mail_delivery
from models.services.mail_delivery import LEASE
from models.services.mail_transport import SmtpTransport
from models.services.outbox import queue_email
from models.services.worker import Worker
from models.settings import Settings
from tests.servers import free_port
from tests.smtp_server import SMTP_PASSWORD, SMTP_USER, Recorder, make_tls, smtp_server

CUSTOMER = "jan.kowalski@example.com"


async def _queue(clock: Clock, to: str = CUSTOMER, key: str | None = None) -> OutboxEmail:
    queued = await queue_email(
        to, "mail_check", {"requested_at": "21.11.2026 o 10:00"}, now=clock.now(), key=key
    )
    assert queued is not None
    return queued


def _worker(settings: Settings, clock: Clock, port: int, **options: Any) -> Worker:
    url = options.pop("url", f"smtp://127.0.0.1:{port}")
    transport = SmtpTransport.from_url(url, sender=settings.mail_from, **options)
    return Worker(settings, clock, transport=transport)


async def test_a_message_goes_out_over_starttls_with_a_login(
    db: str, clock: Clock, settings: Settings
) -> None:
    tls = make_tls()
    queued = await _queue(clock)
    with smtp_server(tls=tls, require_login=True) as (server, port):
        url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}"
        report = await _worker(settings, clock, port, url=url, tls_context=tls.client).drain()

    assert report.sent == 1
    [received] = server.received
    assert received.tls and received.login == SMTP_USER
    assert received.mail_from == "ebok@localhost" and received.recipients == [CUSTOMER]
    message = received.message
    assert message["To"] == CUSTOMER
    assert message["From"] == "Wodociągi Dąbrowa Wielka <ebok@localhost>"
    assert message["Subject"] == "Wiadomość próbna z eBOK – Wodociągi Dąbrowa Wielka"
    assert message["Message-ID"] == queued.message_id
    assert message["Date"] is not None and message["Auto-Submitted"] == "auto-generated"
    # Plain text first, the HTML alternative after it, Polish intact in both.
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "zażółć gęślą jaźń" in text and "zażółć gęślą jaźń" in html
    assert "Biuro Obsługi Klienta: tel. +48 22 123 45 67" in text  # the shared footer
    assert '<html lang="pl">' in html

    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    assert row.sent_at == clock.now() and row.claimed_until is None and row.last_error is None


async def test_plain_smtp_without_starttls_delivers_too(
    db: str, clock: Clock, settings: Settings
) -> None:
    await _queue(clock)
    with smtp_server() as (server, port):
        report = await _worker(settings, clock, port).drain()
    assert report.sent == 1
    assert [r.tls for r in server.received] == [False]


async def test_a_certificate_nobody_vouches_for_is_not_trusted(
    db: str, clock: Clock, settings: Settings
) -> None:
    """STARTTLS with a certificate the system does not trust: not sent, kept for later."""
    queued = await _queue(clock)
    with smtp_server(tls=make_tls()) as (server, port):
        report = await _worker(settings, clock, port).drain()
    assert report.retrying == 1 and server.received == []
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.QUEUED and "SSL" in (row.last_error or "")


async def test_a_server_that_is_down_loses_nothing_and_gets_each_message_once(
    db: str, clock: Clock, settings: Settings
) -> None:
    first, second = await _queue(clock), await _queue(clock, to="anna@example.com")
    port = free_port()  # nothing listens there yet
    worker = _worker(settings, clock, port)

    report = await worker.drain()
    assert report.retrying == 2 and report.sent == 0
    for queued in (first, second):
        row = await OutboxEmail.get(id=queued.id)
        assert row.status == OutboxStatus.QUEUED and row.attempts == 1
        assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
        assert "Connect" in (row.last_error or "") and row.claimed_until is None
    # Not due again yet: a second pass at the same moment sends nothing.
    assert (await worker.drain()).handled == 0

    with smtp_server(port=port) as (server, _):
        assert (await worker.drain()).handled == 0
        clock.set(clock.now() + timedelta(minutes=1))
        assert (await worker.drain()).sent == 2
        clock.set(clock.now() + timedelta(hours=2))
        assert (await worker.drain()).handled == 0
    assert server.message_ids() == {first.message_id: 1, second.message_id: 1}
    rows = await OutboxEmail.filter(id__in=[first.id, second.id])
    assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.SENT, 2)}


async def test_a_connection_dropped_during_data_is_sent_again_once(
    db: str, clock: Clock, settings: Settings
) -> None:
    """The server read the message but never said 250: it did not take it, so the
    retry is the one delivery, with the same Message-ID."""
    queued = await _queue(clock)
    with smtp_server(Recorder(drop_during_data=1)) as (server, port):
        worker = _worker(settings, clock, port)
        assert (await worker.drain()).retrying == 1
        assert server.received == []
        row = await OutboxEmail.get(id=queued.id)
        assert row.status == OutboxStatus.QUEUED and "Disconnected" in (row.last_error or "")

        clock.set(clock.now() + timedelta(minutes=1))
        assert (await worker.drain()).sent == 1
    assert server.message_ids() == {queued.message_id: 1}


async def test_a_busy_server_is_asked_again_later(
    db: str, clock: Clock, settings: Settings
) -> None:
    queued = await _queue(clock)
    recorder = Recorder(data_reply="451 4.3.0 Spróbuj później")
    with smtp_server(recorder) as (server, port):
        worker = _worker(settings, clock, port)
        assert (await worker.drain()).retrying == 1
        recorder.data_reply = None
        clock.set(clock.now() + timedelta(minutes=1))
        assert (await worker.drain()).sent == 1
    assert server.message_ids() == {queued.message_id: 1}


async def test_a_refused_recipient_is_given_up_at_once_and_an_operator_is_told(
    db: str, clock: Clock, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    queued = await _queue(clock)
    other = await _queue(clock, to="anna@example.com")
    recorder = Recorder(refuse_recipients=f"550 5.1.1 <{CUSTOMER}> Recipient unknown")
    with caplog.at_level(logging.INFO), smtp_server(recorder) as (_, port):
        report = await _worker(settings, clock, port).drain()
    assert report.failed == 2
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.FAILED and row.attempts == 1
    assert "550" in (row.last_error or "") and CUSTOMER not in (row.last_error or "")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "ebok.mail"]
    assert {f"mail {queued.id} given up", f"mail {other.id} given up"} <= {
        r.getMessage().split(" after")[0] for r in errors
    }


async def test_a_server_down_for_a_day_makes_the_message_failed_and_says_so(
    db: str, clock: Clock, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    queued = await _queue(clock)
    await OutboxEmail.filter(id=queued.id).update(attempts=MAX_ATTEMPTS - 1)
    with caplog.at_level(logging.WARNING):
        report = await _worker(settings, clock, free_port()).drain()
    assert report.failed == 1
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.FAILED and row.attempts == MAX_ATTEMPTS
    assert any(
        r.levelno == logging.ERROR and f"mail {queued.id} given up" in r.getMessage()
        for r in caplog.records
    )


async def test_a_worker_that_dies_after_the_server_accepted_sends_it_again_after_the_lease(
    db: str, clock: Clock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The at-least-once edge, on purpose: the server said 250 and the worker died
    before it could write SENT. Nothing tells the next worker the message went out, so
    when the lease ends it is sent again, with the same Message-ID (mail clients show
    one), and then marked SENT."""
    queued = await _queue(clock)

    async def die(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed")

    with smtp_server() as (server, port):
        worker = _worker(settings, clock, port)
        with monkeypatch.context() as patch:
            patch.setattr(mail_delivery, "_mark_sent", die)
            with pytest.raises(SystemExit):
                await worker.drain()
        assert server.message_ids() == {queued.message_id: 1}
        row = await OutboxEmail.get(id=queued.id)
        assert row.status == OutboxStatus.QUEUED and row.claimed_until == clock.now() + LEASE

        # While the lease lasts, no other worker touches it.
        clock.set(clock.now() + LEASE - timedelta(seconds=1))
        assert (await worker.drain()).handled == 0
        clock.set(clock.now() + timedelta(seconds=1))
        assert (await worker.drain()).sent == 1
        assert (await worker.drain()).handled == 0
    assert server.message_ids() == {queued.message_id: 2}
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.SENT and row.attempts == 2


async def test_two_workers_on_one_outbox_send_every_message_exactly_once(
    db: str, clock: Clock, settings: Settings
) -> None:
    queued = [await _queue(clock, to=f"klient{n}@example.com") for n in range(24)]
    # A slow server, so the two workers' claims interleave rather than take turns.
    with smtp_server(Recorder(data_delay=0.02)) as (server, port):
        first = _worker(settings, clock, port)
        second = _worker(settings, clock, port)
        first.batch_size = second.batch_size = 10
        reports = await asyncio.gather(first.drain(), second.drain())
    assert sum(r.sent for r in reports) == 24
    assert all(r.sent > 0 for r in reports)  # both really worked
    assert server.message_ids() == {q.message_id: 1 for q in queued}
    assert await OutboxEmail.filter(status=OutboxStatus.SENT, attempts=1).count() == 24


async def test_a_row_that_cannot_be_sent_does_not_hold_up_the_others(
    db: str, clock: Clock, settings: Settings
) -> None:
    injected = await OutboxEmail.create(
        to_address="klient@example.com\r\nBcc: ktos@example.com",
        subject="Test",
        body_text="Treść",
        created_at=clock.now(),
        next_attempt_at=clock.now(),
        message_id="<x@ebok.localhost>",
    )
    no_id = await OutboxEmail.create(
        to_address="anna@example.com",
        subject="Bez identyfikatora",
        body_text="Treść",
        created_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    good = await _queue(clock)
    with smtp_server() as (server, port):
        report = await _worker(settings, clock, port).drain()
    assert (report.sent, report.failed) == (2, 1)
    bad = await OutboxEmail.get(id=injected.id)
    assert bad.status == OutboxStatus.FAILED and "control character" in (bad.last_error or "")
    assert all(r.recipients != ["ktos@example.com"] for r in server.received)
    # A row queued without a Message-ID gets one, and keeps it.
    stored = await OutboxEmail.get(id=no_id.id)
    assert stored.message_id and server.message_ids()[stored.message_id] == 1
    assert server.message_ids()[good.message_id] == 1


async def test_an_unexpected_error_on_one_message_leaves_it_queued_and_goes_on(
    db: str, clock: Clock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = await _queue(clock), await _queue(clock, to="anna@example.com")
    original = mail_delivery.build_message

    def build(mail: Any, **kwargs: Any) -> Any:
        if mail.id == broken.id:
            raise RuntimeError("a bug")
        return original(mail, **kwargs)

    monkeypatch.setattr(mail_delivery, "build_message", build)
    with smtp_server() as (server, port):
        report = await _worker(settings, clock, port).drain()
    assert report.sent == 1 and server.message_ids() == {fine.message_id: 1}
    row = await OutboxEmail.get(id=broken.id)
    # Claimed by the attempt that failed: tried again when the lease ends.
    assert row.status == OutboxStatus.QUEUED and row.claimed_until == clock.now() + LEASE


async def test_no_password_token_or_link_reaches_a_log_line(
    db: str, clock: Clock, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A message as a password reset writes it, through success, failure and refusal."""
    link = "https://ebok.example/haslo/nowe?token=Zresetuj-Tajny-Token-123"
    secret_body = f"Nowe hasło: Tymczasowe-Haslo-77\nUstaw hasło: {link}\n"
    secrets = ["Zresetuj-Tajny-Token-123", "Tymczasowe-Haslo-77", link, SMTP_PASSWORD]
    rows = [
        await OutboxEmail.create(
            to_address=CUSTOMER,
            subject="Zmiana hasła",
            body_text=secret_body,
            body_html=f'<a href="{link}">Ustaw hasło</a>',
            created_at=clock.now(),
            next_attempt_at=clock.now(),
            message_id=f"<reset{n}@ebok.localhost>",
        )
        for n in range(2)
    ]
    tls = make_tls()
    with caplog.at_level(logging.DEBUG):
        port = free_port()
        url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}"
        worker = _worker(settings, clock, port, url=url, tls_context=tls.client)
        await worker.drain()  # server down
        clock.set(clock.now() + timedelta(minutes=1))
        with smtp_server(Recorder(drop_during_data=1), port=port, tls=tls, require_login=True):
            await worker.drain()  # one dropped mid-DATA, one sent
            clock.set(clock.now() + timedelta(minutes=2))
            await worker.drain()  # the dropped one sent
        await OutboxEmail.filter(id=rows[0].id).update(
            status=OutboxStatus.QUEUED, next_attempt_at=clock.now()
        )
        refusing = Recorder(refuse_recipients=f"550 5.1.1 <{CUSTOMER}>: Recipient rejected")
        with smtp_server(refusing, port=port, tls=tls, require_login=True):
            await worker.drain()  # refused, the server quoting the address

    ours = [r for r in caplog.records if not r.name.startswith("mail.")]  # not the test server
    assert any(r.name == "ebok.mail" for r in ours)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in ours)
    for secret in [*secrets, CUSTOMER]:
        assert secret not in logged
    for row in await OutboxEmail.all():
        for secret in [*secrets, CUSTOMER]:
            assert secret not in (row.last_error or "")
    assert SMTP_PASSWORD not in repr(worker.transport)

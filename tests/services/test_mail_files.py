"""Without EBOK_SMTP_URL mail is written as `.eml` files: whole, private, one per message."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from models.clock import Clock
from models.enums import OutboxStatus
from models.orm import OutboxEmail
from models.services.mail_delivery import LEASE
from models.services.mail_transport import EmlDirectory
from models.services.outbox import queue_email
from models.services.worker import Worker
from models.settings import Settings


async def _queue(clock: Clock, to: str = "jan.kowalski@example.com") -> OutboxEmail:
    queued = await queue_email(
        to, "mail_check", {"requested_at": "21.11.2026 o 10:00"}, now=clock.now()
    )
    assert queued is not None
    return queued


async def test_without_an_smtp_url_each_message_becomes_an_eml_file(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    worker = Worker(replace(settings, mail_dir=tmp_path / "mail"), clock)
    assert isinstance(worker.transport, EmlDirectory)
    queued = await _queue(clock)

    assert (await worker.drain()).sent == 1

    [path] = (tmp_path / "mail").iterdir()
    assert path.name.startswith(f"{queued.id:08d}-") and path.suffix == ".eml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it may hold a password link
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "jan.kowalski@example.com"
    assert message["From"] == "Wodociągi Dąbrowa Wielka <ebok@localhost>"
    assert message["Subject"] == "Wiadomość próbna z eBOK – Wodociągi Dąbrowa Wielka"
    assert message["Message-ID"] == queued.message_id and message["Date"]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content_charset() == "utf-8"
    assert "zażółć gęślą jaźń" in text.get_content()
    assert "<h1" in html.get_content() and "zażółć gęślą jaźń" in html.get_content()
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.SENT


async def test_a_message_written_again_replaces_its_file_and_leaves_no_temporary_one(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    worker = Worker(replace(settings, mail_dir=tmp_path), clock)
    queued = await _queue(clock)
    assert (await worker.drain()).sent == 1
    # As if the worker had died after writing the file: the lease ends, it is written again.
    await OutboxEmail.filter(id=queued.id).update(
        status=OutboxStatus.QUEUED, claimed_until=clock.now() + LEASE
    )
    clock.set(clock.now() + LEASE)
    assert (await worker.drain()).sent == 1
    names = await asyncio.to_thread(os.listdir, tmp_path)
    assert [name.startswith(f"{queued.id:08d}-") for name in names] == [True]


async def test_a_directory_that_cannot_be_written_keeps_the_message_queued(
    db: str, clock: Clock, settings: Settings, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the mail folder should be")
    worker = Worker(replace(settings, mail_dir=blocked), clock)
    queued = await _queue(clock)
    assert (await worker.drain()).retrying == 1
    row = await OutboxEmail.get(id=queued.id)
    assert row.status == OutboxStatus.QUEUED and row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)

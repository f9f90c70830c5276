"""`ebok worker`, `ebok mail-check` and `ebok serve`'s in-process worker as real processes,
on the test database (SQLite or PostgreSQL) and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import pytest

from models.clock import Clock
from models.enums import OutboxStatus
from models.orm import OutboxEmail
from models.services.outbox import queue_email
from tests.servers import free_port
from tests.smtp_server import Recorder, smtp_server

EBOK = [sys.executable, "-m", "web.cli"]
ROOT = Path(__file__).resolve().parents[2]
Completed: TypeAlias = subprocess.CompletedProcess[str]


def _environment(database_url: str, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    environment.update(
        PYTHONPATH=str(ROOT),
        EBOK_ENV="test",
        EBOK_SECRET_KEY="test",
        EBOK_DATABASE_URL=database_url,
        **extra,
    )
    return environment


@contextmanager
def _process(
    args: list[str], workdir: Path, environment: dict[str, str], name: str
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            EBOK + args, cwd=workdir, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process, log_path
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


async def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 45.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        await asyncio.sleep(0.1)


async def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.to_thread(process.wait, 30)


async def _ebok(args: list[str], workdir: Path, environment: dict[str, str]) -> Completed:
    return await asyncio.to_thread(
        subprocess.run,
        EBOK + args,
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _read(path: Path) -> str:
    return path.read_text(errors="replace")


async def _queue_many(count: int) -> list[str]:
    now = Clock.real_now()  # the worker processes run on real time
    ids = []
    for n in range(count):
        queued = await queue_email(
            f"klient{n}@example.com", "mail_check", {"requested_at": "dziś"}, now=now
        )
        assert queued is not None and queued.message_id
        ids.append(queued.message_id)
    return ids


async def test_mail_check_queues_a_message_and_the_worker_sends_it_then_stops_on_sigterm(
    db: str, tmp_path: Path
) -> None:
    with smtp_server() as (server, port):
        environment = _environment(db, EBOK_SMTP_URL=f"smtp://127.0.0.1:{port}")
        queued = await _ebok(["mail-check", "operator@example.com"], tmp_path, environment)
        assert queued.returncode == 0, queued.stderr
        assert "queued" in queued.stdout
        with _process(["worker"], tmp_path, environment, "worker") as (process, log):
            await _wait_for(lambda: len(server.received) == 1, "the test e-mail at the server")
            assert await _stop(process) == 0
    [received] = server.received
    assert received.recipients == ["operator@example.com"]
    assert "zażółć gęślą jaźń" in received.message.get_body(("plain",)).get_content()
    output = _read(log)
    assert "worker started: mail to smtp://127.0.0.1" in output
    assert "worker stopped" in output


async def test_two_worker_processes_send_every_message_exactly_once(
    db: str, tmp_path: Path
) -> None:
    # A server slow enough (40 x 0.15 s) that the second worker's poll, at most 5 s
    # away, comes while the first is still sending: both work on the same messages.
    with smtp_server(Recorder(data_delay=0.15)) as (server, port):
        environment = _environment(db, EBOK_SMTP_URL=f"smtp://127.0.0.1:{port}")
        with (
            _process(["worker"], tmp_path, environment, "first") as (first, first_log),
            _process(["worker"], tmp_path, environment, "second") as (second, second_log),
        ):
            for log in (first_log, second_log):
                await _wait_for(lambda log=log: "worker started" in _read(log), "a start")
            message_ids = await _queue_many(40)
            await _wait_for(lambda: sum(server.message_ids().values()) >= 40, "40 messages sent")
            await asyncio.sleep(1.0)  # anything sent twice would arrive by now
            assert await _stop(first) == 0 and await _stop(second) == 0
    assert server.message_ids() == dict.fromkeys(message_ids, 1)
    assert await OutboxEmail.filter(status=OutboxStatus.SENT).count() == 40
    logs = [_read(first_log), _read(second_log)]
    assert all(" sent (attempt 1)" in log for log in logs)  # both took part
    assert not any("Traceback" in log for log in logs)


async def test_worker_once_without_an_smtp_url_writes_eml_files_under_var_mail(
    db: str, tmp_path: Path
) -> None:
    await _queue_many(2)
    result = await _ebok(["worker", "--once"], tmp_path, _environment(db))
    assert result.returncode == 0, result.stderr
    assert "2 sent" in result.stdout
    written = await asyncio.to_thread(lambda: list((tmp_path / "var" / "mail").glob("*.eml")))
    assert len(written) == 2


async def test_a_bad_smtp_url_or_address_is_refused_before_anything_runs(
    db: str, tmp_path: Path
) -> None:
    bad_url = await _ebok(
        ["worker", "--once"], tmp_path, _environment(db, EBOK_SMTP_URL="http://mail.example.com")
    )
    assert bad_url.returncode == 2 and "EBOK_SMTP_URL" in bad_url.stderr
    serve = await _ebok(
        ["serve", "--port", str(free_port())],
        tmp_path,
        _environment(db, EBOK_SMTP_URL="smtp://mail.example:port"),
    )
    assert serve.returncode == 2 and "EBOK_SMTP_URL" in serve.stderr
    bad_sender = await _ebok(
        ["worker", "--once"], tmp_path, _environment(db, EBOK_MAIL_FROM="eBOK")
    )
    assert bad_sender.returncode == 2 and "EBOK_MAIL_FROM" in bad_sender.stderr
    bad_address = await _ebok(["mail-check", "nie adres"], tmp_path, _environment(db))
    assert bad_address.returncode == 2 and "not an e-mail address" in bad_address.stderr


async def test_serve_runs_a_worker_in_process_unless_told_not_to(db: str, tmp_path: Path) -> None:
    [message_id] = await _queue_many(1)
    with smtp_server() as (server, smtp_port):
        environment = _environment(db, EBOK_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}")
        for flags, name in ((["--no-worker"], "quiet"), ([], "working")):
            port = str(free_port())
            args = ["serve", "--host", "127.0.0.1", "--port", port, *flags]
            with _process(args, tmp_path, environment, name) as (process, log):
                await _wait_for(lambda log=log: "Application startup complete" in _read(log), name)
                if not flags:
                    await _wait_for(
                        lambda: len(server.received) == 1, "the in-process worker's send"
                    )
                # uvicorn ends a graceful shutdown by re-raising the signal it caught.
                assert await _stop(process) in (0, -signal.SIGTERM)
                assert "Application shutdown complete" in _read(log)
        quiet = _read(tmp_path / "quiet.log")
        assert "worker started" not in quiet
    assert server.message_ids() == {message_id: 1}
    working = _read(tmp_path / "working.log")
    assert "worker started" in working and "worker stopped" in working

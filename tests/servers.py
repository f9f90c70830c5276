"""`ebok serve` as a real process, for tests of what only a running server shows
(several worker processes sharing one database, the server's own headers)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT = 180.0  # the demo is seeded through the billing engine; a busy machine is slow


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ebok_command() -> str:
    """The `ebok` script of the interpreter running the tests (the project's venv)."""
    candidate = Path(sys.executable).parent / "ebok"
    return str(candidate) if candidate.exists() else "ebok"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_server(
    workdir: Path, *serve_args: str, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`ebok serve --demo` on a free port with its own SQLite file; yields its base URL.

    Extra `serve_args` (e.g. "--workers", "2") and environment variables are added;
    the demo's clock and the test environment are set unless `env` says otherwise.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    environment.update(
        {
            "EBOK_ENV": "test",
            "EBOK_CLOCK": "2026-11-21T10:00:00",
            "EBOK_DATABASE_URL": f"sqlite://{workdir}/ebok.sqlite3",
            "EBOK_SECRET_KEY": "test",
            **(env or {}),
        }
    )
    command: Sequence[str] = [
        ebok_command(),
        "serve",
        "--demo",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-worker",
        *serve_args,
    ]
    log_path = workdir / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _healthy(base_url + "/healthz"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"`{' '.join(command)}` did not start:\n"
                        + log_path.read_text(errors="replace")[-4000:]
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_log(workdir: Path) -> str:
    return (workdir / "server.log").read_text(errors="replace")

"""`ebok serve` as it runs in production: no server banner, and forwarded headers
believed only from EBOK_TRUSTED_PROXIES."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from models.settings import Settings
from web.cli import proxy_options

EBOK = [sys.executable, "-m", "web.cli"]
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> dict[str, str] | None:
    """The response's headers (names in lower case), or None when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return {k.lower(): v for k, v in response.headers.items()}
    except (urllib.error.URLError, OSError):
        return None


@contextmanager
def _serving(workdir: Path, **env: str) -> Iterator[tuple[str, Path]]:
    """`ebok serve` on a free port; yields its base URL and its log file."""
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    environment.update(PYTHONPATH=str(ROOT), EBOK_ENV="test", EBOK_SECRET_KEY="test", **env)
    log_path = workdir / f"serve-{port}.log"
    command = [*EBOK, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while _get(base_url + "/healthz") is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("ebok serve did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.2)
            yield base_url, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_proxy_options_trust_nobody_unless_told() -> None:
    assert proxy_options(Settings()) == {"proxy_headers": False}
    trusted = proxy_options(Settings(trusted_proxies=("10.0.0.5", "10.0.1.0/24")))
    assert trusted == {"proxy_headers": True, "forwarded_allow_ips": ["10.0.0.5", "10.0.1.0/24"]}


def test_serve_sends_no_server_banner_and_ignores_untrusted_forwarding(tmp_path: Path) -> None:
    with _serving(tmp_path) as (base_url, log_path):
        headers = _get(base_url + "/regulamin", FORWARDED)
    assert headers is not None
    assert "server" not in headers
    assert "strict-transport-security" not in headers  # the client's https claim is ignored
    assert "203.0.113.9" not in log_path.read_text()


def test_serve_believes_a_trusted_proxy(tmp_path: Path) -> None:
    with _serving(tmp_path, EBOK_TRUSTED_PROXIES="127.0.0.1") as (base_url, log_path):
        headers = _get(base_url + "/regulamin", FORWARDED)
    assert headers is not None
    assert "server" not in headers
    assert headers.get("strict-transport-security") == "max-age=31536000; includeSubDomains"
    assert "203.0.113.9" in log_path.read_text()  # uvicorn's access log: the client's address

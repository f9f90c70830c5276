"""`ebok serve --workers 2` enforces one query allowance, not one per worker process.

The server runs in a subprocess on a free port with a temporary SQLite database. The
test opens connections until both workers hold one (it asks Linux which process
accepted each connection), then spends the allowance alternately through a
connection of each worker: together they admit exactly the allowance, and both
refuse what comes after.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ALLOWANCE = 200  # enough for the workers to buffer charges, and to sync near the end
RATE = {"query": "{ rateLimit { remaining cost } }"}
PROC_TCP = ("/proc/net/tcp", "/proc/net/tcp6")


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    database: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not all(os.path.exists(table) for table in PROC_TCP):
        pytest.skip("telling the workers apart needs Linux's /proc")
    port = _free_port()
    database = tmp_path / "ebok.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    env.update(
        EBOK_ENV="test",
        EBOK_SECRET_KEY="test",
        EBOK_DATABASE_URL=f"sqlite://{database}",
        EBOK_QUERY_ALLOWANCE=str(ALLOWANCE),
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "2"]
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--no-worker"], cwd=tmp_path, env=env, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not (_healthy(url + "/healthz") and len(_workers(process.pid, port)) == 2):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.2)
        yield Server(url, port, process, database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _sockets(pid: int) -> set[str]:
    """The inodes of a process's sockets."""
    inodes = set()
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in descriptors:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    return inodes


def _tcp_inodes(local_port: int, remote_port: int | None) -> set[str]:
    """Sockets on the local port (listening when remote_port is None)."""
    inodes = set()
    for table in PROC_TCP:
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local = int(fields[1].rsplit(":", 1)[1], 16)
            remote = int(fields[2].rsplit(":", 1)[1], 16)
            if local == local_port and (
                (remote_port is None and remote == 0) or remote == remote_port
            ):
                inodes.add(fields[9])
    return inodes


def _workers(server_pid: int, port: int) -> list[int]:
    """The server's child processes that listen on its port."""
    listening = _tcp_inodes(port, None)
    return [pid for pid in _children(server_pid) if _sockets(pid) & listening]


def _worker_of(server: Server, client: httpx.Client, response: httpx.Response) -> int:
    client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    accepted = _tcp_inodes(server.port, client_port)
    owners = [p for p in _workers(server.process.pid, server.port) if _sockets(p) & accepted]
    assert len(owners) == 1, owners
    return owners[0]


def _rate(client: httpx.Client) -> tuple[httpx.Response, str | None]:
    response = client.post("/graphql", json=RATE)
    assert response.status_code == 200
    errors = response.json().get("errors") or [{}]
    return response, (errors[0].get("extensions") or {}).get("code")


def test_two_workers_admit_exactly_one_allowance(server: Server) -> None:
    clients: dict[int, httpx.Client] = {}
    opened: list[httpx.Client] = []
    admitted = 0
    try:
        # New connections until each worker has accepted one (each request costs 1).
        while len(clients) < 2:
            assert len(opened) < 50, "every connection went to the same worker"
            client = httpx.Client(base_url=server.url)
            opened.append(client)
            response, code = _rate(client)
            assert code is None
            admitted += 1
            clients.setdefault(_worker_of(server, client, response), client)
        first, second = clients.values()
        refused: set[int] = set()
        turn = 0
        while len(refused) < 2:
            pid, client = list(clients.items())[turn % 2]
            turn += 1
            _, code = _rate(client)
            if code is None:
                assert not refused, "a worker admitted a request after the allowance was spent"
                admitted += 1
            else:
                assert code == "RATE_LIMITED"
                refused.add(pid)
            assert turn < 2 * ALLOWANCE
        assert admitted == ALLOWANCE
        assert _rate(first)[1] == _rate(second)[1] == "RATE_LIMITED"
    finally:
        for client in opened:
            client.close()
    with sqlite3.connect(server.database) as db:
        (used,) = db.execute("select used from rate_allowances").fetchone()
    assert used == ALLOWANCE

"""Run eBOK and the hand-written baseline against the same database and compare them.

    .venv/bin/python bench/run.py --database-url sqlite://var/bench-20k.sqlite3 \\
        --set sqlite-20k [--seconds 10] [--rounds 3] [--only dashboard,invoice]

Starts `ebok serve --no-worker` (one uvicorn worker) and bench/baseline.py, checks that
both answer byte-for-byte the same for a sample of the generated users, then times
each pair over HTTP with `wrk` (one thread, 8 connections), alternating the two sides
round by round in one run. Pairs:

- dashboard  POST /graphql `Dashboard` vs the hand-written /dashboard
- konto      GET /konto (the HTML page) vs POST /graphql `Dashboard`
- konto_call GET /konto vs POST /graphql `AccountDashboard`, the operation the page
             runs (the viewer's accounts and the chosen one's dashboard, in one)
- invoice    POST /graphql `InvoiceDetail` vs the hand-written /invoice
- etag304    GET /graphql?operationName=Dashboard with If-None-Match vs /dashboard
- history    POST /graphql `Dashboard` of an account with 1,000 more invoices of
             history (BENCH_HEAVY) vs one of the demo's size (BENCH_LIGHT)

Each request of a round goes to the next of the sampled users in turn. Then it counts
the SQL statements per request of each eBOK side in-process (Tortoise's query log, the
same app on the same database) and reads the worker's RSS from /proc. Results go to
bench/results/<date>-<set>.md and .json (-2, -3, … when a run of that day exists).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import BENCH_HEAVY, BENCH_LIGHT, bench_token  # noqa: E402
from bench.machine import describe_stolen, stolen_seconds, stolen_since  # noqa: E402
from models.clock import WARSAW  # noqa: E402
from models.config import sqlite_path  # noqa: E402
from web.charts import months_back  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OPERATIONS = ROOT / "web" / "operations"
PAIRS = ("dashboard", "konto", "konto_call", "invoice", "etag304", "history")
SESSION_COOKIE = "__Host-ebok_sesja"  # production names it with the __Host- prefix
CONNECTIONS = 8
CHART_MONTHS = 24


def _document(name: str) -> str:
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text()
        if re.search(rf"\bquery {name}\b", text):
            return text
    raise LookupError(name)


@dataclass(frozen=True)
class Sample:
    number: str
    token: str
    session_key: str
    invoice: str


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass
class Timing:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    not_modified: int
    stolen_s: float | None = None  # CPU time other guests took meanwhile (bench/machine.py)


@dataclass
class PairResult:
    name: str
    a: str
    b: str
    rounds_a: list[Timing] = field(default_factory=list)
    rounds_b: list[Timing] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def median(values: list[float]) -> float:
            return statistics.median(values) if values else 0.0

        a_rps = median([t.requests_per_second for t in self.rounds_a])
        b_rps = median([t.requests_per_second for t in self.rounds_b])
        return {
            "a": self.a,
            "b": self.b,
            "a_rps": a_rps,
            "b_rps": b_rps,
            "ratio": a_rps / b_rps if b_rps else 0.0,
            "a_p50_ms": median([t.p50_ms for t in self.rounds_a]),
            "a_p99_ms": median([t.p99_ms for t in self.rounds_a]),
            "b_p50_ms": median([t.p50_ms for t in self.rounds_b]),
            "b_p99_ms": median([t.p99_ms for t in self.rounds_b]),
            "a_errors": sum(t.errors for t in self.rounds_a),
            "b_errors": sum(t.errors for t in self.rounds_b),
            "a_not_modified_share": _share(self.rounds_a),
        }


def _share(rounds: list[Timing]) -> float:
    total = sum(t.requests for t in rounds)
    return sum(t.not_modified for t in rounds) / total if total else 0.0


# --- the database: samples and sessions ------------------------------------------------------


class Db:
    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))

    async def rows(self, sql: str, *values: Any) -> list[tuple[Any, ...]]:
        if self.postgres:
            import asyncpg

            parts = sql.split("?")
            text = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], 1))
            connection = await asyncpg.connect(self.url.replace("postgres://", "postgresql://"))
            try:
                return [tuple(r) for r in await connection.fetch(text, *values)]
            finally:
                await connection.close()
        plain = [
            v.isoformat(sep=" ")
            if isinstance(v, datetime)
            else v.isoformat()
            if isinstance(v, date)
            else v
            for v in values
        ]
        connection = sqlite3.connect(sqlite_path(self.url) or "")
        try:
            rows = connection.execute(sql, plain).fetchall()
            connection.commit()
            return rows
        finally:
            connection.close()


async def pick_samples(db: Db, count: int) -> list[Sample]:
    """`count` generated users spread over the whole table, each with a browser session
    (written here, as a sign-in would) and their newest invoice's number."""
    total = (await db.rows("SELECT COUNT(*) FROM users WHERE login LIKE 'bench1%'"))[0][0]
    step = max(1, total // count)
    users = await db.rows(
        """SELECT u.id, a.number, (SELECT i.number FROM invoices i WHERE i.account_id = a.id
            ORDER BY i.issued_on DESC, i.id DESC LIMIT 1)
        FROM users u JOIN user_accounts ua ON ua.user_id = u.id
        JOIN accounts a ON a.id = ua.account_id
        WHERE u.login LIKE 'bench1%' AND u.id % ? = 0 ORDER BY u.id LIMIT ?""",
        step,
        count,
    )
    special = await db.rows(
        """SELECT u.id, a.number, NULL FROM users u JOIN user_accounts ua ON ua.user_id = u.id
        JOIN accounts a ON a.id = ua.account_id WHERE a.number IN (?, ?)""",
        BENCH_LIGHT,
        BENCH_HEAVY,
    )
    samples = []
    now = datetime.now(UTC)
    for user_id, number, invoice in [*users, *special]:
        key = "bench-" + secrets.token_urlsafe(24)
        await db.rows(
            """INSERT INTO sessions (key_hash, user_id, csrf_token, created_at, last_seen_at,
            expires_at, client_address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            hashlib.sha256(key.encode()).hexdigest(),
            user_id,
            secrets.token_urlsafe(32),
            now,
            now,
            now + timedelta(minutes=30),
            "127.0.0.1",
            "bench/run.py",
        )
        samples.append(Sample(number, bench_token(number), key, invoice or ""))
    return samples


# --- requests of each side ---------------------------------------------------------------------


def dashboard_variables(number: str) -> dict[str, str]:
    start, end = months_back(datetime.now(WARSAW).date(), CHART_MONTHS)
    return {"number": number, "from": start.isoformat(), "to": end.isoformat()}


def _json_post(path: str, token: str, payload: dict[str, Any]) -> Request:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return Request("POST", path, headers, json.dumps(payload, ensure_ascii=False))


def _graphql_operation(name: str, sample: Sample, variables: dict[str, str]) -> Request:
    payload = {"query": _document(name), "operationName": name, "variables": variables}
    return _json_post("/graphql", sample.token, payload)


def graphql_dashboard(sample: Sample) -> Request:
    return _graphql_operation("Dashboard", sample, dashboard_variables(sample.number))


def graphql_account_dashboard(sample: Sample) -> Request:
    """The operation /konto runs, for the same account, asked by a partner app."""
    return _graphql_operation("AccountDashboard", sample, dashboard_variables(sample.number))


def baseline_dashboard(sample: Sample) -> Request:
    return _json_post("/dashboard", sample.token, {"variables": dashboard_variables(sample.number)})


def graphql_invoice(sample: Sample) -> Request:
    return _graphql_operation("InvoiceDetail", sample, {"number": sample.invoice})


def baseline_invoice(sample: Sample) -> Request:
    return _json_post("/invoice", sample.token, {"variables": {"number": sample.invoice}})


def konto_page(sample: Sample) -> Request:
    return Request("GET", "/konto", {"Cookie": f"{SESSION_COOKIE}={sample.session_key}"})


def persisted_dashboard(sample: Sample, etag: str = "") -> Request:
    query = urlencode(
        {
            "operationName": "Dashboard",
            "variables": json.dumps(dashboard_variables(sample.number), separators=(",", ":")),
        }
    )
    headers = {"Authorization": f"Bearer {sample.token}"}
    if etag:
        headers["If-None-Match"] = etag
    return Request("GET", f"/graphql?{query}", headers)


async def send(client: httpx.AsyncClient, base: str, request: Request) -> httpx.Response:
    return await client.request(
        request.method,
        base + request.path,
        headers=request.headers,
        content=request.body.encode() if request.body else None,
    )


# --- wrk -----------------------------------------------------------------------------------------


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def wrk_script(requests: list[Request], path: Path) -> None:
    """A Lua script that sends the requests in turn and counts 304 answers."""
    entries = []
    for r in requests:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in r.headers.items()
        )
        body = _lua_string(r.body) if r.body else "nil"
        entries.append(
            f"wrk.format({_lua_string(r.method)}, {_lua_string(r.path)}, {{{headers}}}, {body})"
        )
    path.write_text(
        "local requests = {}\nfunction init(args)\n  requests = {\n"
        + ",\n".join(entries)
        + "\n}\nend\n"
        + """local i = 0
not_modified = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  i = i % #requests + 1
  return requests[i]
end
function response(status, headers, body)
  if status == 304 then not_modified = not_modified + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("not_modified") end
  io.write(string.format("NOT_MODIFIED %d\\n", total))
end
"""
    )


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def run_wrk(base: str, script: Path, seconds: int, connections: int = CONNECTIONS) -> Timing:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)\.?0*%\s+(\S+)\s*$", out, re.M))
    if len(percentiles) != 2:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    extra = 0
    if socket_errors:
        extra = sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Timing(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        errors=(int(errors.group(1)) if errors else 0) + extra,
        not_modified=int(re.search(r"NOT_MODIFIED (\d+)", out).group(1)),  # type: ignore[union-attr]
    )


# --- servers -------------------------------------------------------------------------------------


def _wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{url} did not start:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start in time")


def start_servers(
    database_url: str, ebok_port: int, baseline_port: int, logs: Path
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    environment = {
        **os.environ,
        "EBOK_DATABASE_URL": database_url,
        "EBOK_SECRET_KEY": "bench-secret-key-not-for-production",
        "EBOK_ENV": "production",
        # The sampled users make thousands of requests a minute: no allowance in the way.
        "EBOK_QUERY_ALLOWANCE": str(10**12),
    }
    environment.pop("EBOK_CLOCK", None)
    ebok_log, baseline_log = logs / "ebok.log", logs / "baseline.log"
    ebok = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ebok"),
            "serve",
            "--no-worker",
            "--port",
            str(ebok_port),
        ],
        cwd=ROOT,
        env=environment,
        stdout=ebok_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    baseline = subprocess.Popen(
        [
            sys.executable,
            "bench/baseline.py",
            "--database-url",
            database_url,
            "--port",
            str(baseline_port),
        ],
        cwd=ROOT,
        env=environment,
        stdout=baseline_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _wait_up(f"http://127.0.0.1:{ebok_port}/healthz", ebok, ebok_log)
    _wait_up(f"http://127.0.0.1:{baseline_port}/", baseline, baseline_log)
    return ebok, baseline


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mb(pid: int) -> dict[str, float]:
    """Resident and peak resident memory of the largest process in the tree, in MB."""
    best = {"rss_mb": 0.0, "peak_rss_mb": 0.0}
    for member in _tree(pid):
        try:
            status = (Path("/proc") / str(member) / "status").read_text()
        except OSError:
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        if rss and peak and int(rss.group(1)) / 1024 > best["rss_mb"]:
            best = {"rss_mb": int(rss.group(1)) / 1024, "peak_rss_mb": int(peak.group(1)) / 1024}
    return best


# --- checks and statement counts ------------------------------------------------------------------


async def check_equal(
    ebok: str, baseline: str, samples: list[Sample], only: set[str]
) -> dict[str, int]:
    """Both sides answer byte-for-byte the same; the number of bodies compared."""
    compared = {"dashboard": 0, "invoice": 0}
    async with httpx.AsyncClient(timeout=60) as client:
        for sample in samples:
            pairs: list[tuple[str, Request, Request]] = []
            if only & {"dashboard", "etag304", "history", "konto", "konto_call"}:
                pairs.append(("dashboard", graphql_dashboard(sample), baseline_dashboard(sample)))
            if "invoice" in only and sample.invoice:
                pairs.append(("invoice", graphql_invoice(sample), baseline_invoice(sample)))
            for name, ours, theirs in pairs:
                a, b = await send(client, ebok, ours), await send(client, baseline, theirs)
                if a.status_code != 200 or a.content != b.content or b'"errors"' in a.content:
                    raise SystemExit(
                        f"{name} of {sample.number} differs:\n eBOK     {a.status_code} "
                        f"{a.content[:1500]!r}\n baseline {b.status_code} {b.content[:1500]!r}"
                    )
                compared[name] += 1
            if "konto_call" in only:
                await _same_account(client, ebok, sample)
            page = await send(client, ebok, konto_page(sample))
            if page.status_code != 200 or sample.number.encode() not in page.content:
                raise SystemExit(f"/konto of {sample.number}: {page.status_code}")
    return compared


async def _same_account(client: httpx.AsyncClient, ebok: str, sample: Sample) -> None:
    """`AccountDashboard` answers without errors, with the account `Dashboard` gives."""
    whole = await send(client, ebok, graphql_account_dashboard(sample))
    alone = await send(client, ebok, graphql_dashboard(sample))
    ours, theirs = whole.json(), alone.json()
    if (
        whole.status_code != 200
        or "errors" in ours
        or ours["data"]["account"] != (theirs["data"]["account"])
    ):
        raise SystemExit(f"AccountDashboard of {sample.number}: {whole.content[:1500]!r}")


async def etags(ebok: str, samples: list[Sample]) -> list[Request]:
    """Conditional requests carrying the ETag each sample's dashboard has now."""
    conditional = []
    async with httpx.AsyncClient(timeout=60) as client:
        for sample in samples:
            first = await send(client, ebok, persisted_dashboard(sample))
            etag = first.headers.get("etag", "")
            if first.status_code != 200 or not etag:
                raise SystemExit(f"no ETag on the persisted Dashboard: {first.status_code}")
            conditional.append(persisted_dashboard(sample, etag))
    return conditional


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            self.count += 1


async def count_statements(
    database_url: str, requests: dict[str, list[Request]]
) -> dict[str, float]:
    """SQL statements per request of each kind, counted in-process on the same database
    (a first pass warms up: a token's or session's first use in a minute writes)."""
    from models.services.database import close_database, open_database
    from models.settings import load_settings
    from web.app import create_app

    environment = {
        "EBOK_DATABASE_URL": database_url,
        "EBOK_SECRET_KEY": "bench-secret-key-not-for-production",
        "EBOK_ENV": "production",
        "EBOK_QUERY_ALLOWANCE": str(10**12),
    }
    settings = load_settings(environment)
    app = create_app(settings, manage_database=False)
    await open_database(database_url)
    counter = _Counter()
    logger = logging.getLogger("tortoise.db_client")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    counts: dict[str, float] = {}
    try:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://ebok") as client:
            for kind, batch in requests.items():
                for request in batch:  # a first use of a token or session writes
                    await send(client, "", request)
                counter.count = 0
                for request in batch:
                    response = await send(client, "", request)
                    if response.status_code not in (200, 304):
                        raise SystemExit(f"{kind}: {response.status_code}")
                counts[kind] = counter.count / len(batch)
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
        await close_database()
    return counts


# --- the run ---------------------------------------------------------------------------------


ETAG_USERS = 20


def fresh_etags(ebok: str, samples: list[Sample], seconds: int) -> list[Request]:
    """Conditional requests whose ETags hold for the whole round: an ETag changes with
    the minute, so they are fetched at the start of a minute with time to spare."""
    while True:
        if 60 - datetime.now(UTC).second < seconds + 15:
            time.sleep(60 - datetime.now(UTC).second + 0.5)
        minute = datetime.now(UTC).minute
        requests = asyncio.run(etags(ebok, samples[:ETAG_USERS]))
        if datetime.now(UTC).minute == minute and 60 - datetime.now(UTC).second > seconds + 2:
            return requests


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    only = set(arguments.only.split(",")) if arguments.only else set(PAIRS)
    unknown = only - set(PAIRS)
    if unknown:
        raise SystemExit(f"unknown pairs: {', '.join(sorted(unknown))}")
    db = Db(arguments.database_url)
    samples = asyncio.run(pick_samples(db, arguments.users))
    regular = [s for s in samples if s.number not in (BENCH_LIGHT, BENCH_HEAVY)]
    light = next(s for s in samples if s.number == BENCH_LIGHT)
    heavy = next(s for s in samples if s.number == BENCH_HEAVY)
    logs = Path(tempfile.mkdtemp(prefix="ebok-bench-"))
    ebok_base = f"http://127.0.0.1:{arguments.port}"
    baseline_base = f"http://127.0.0.1:{arguments.port + 1}"
    ebok, baseline = start_servers(arguments.database_url, arguments.port, arguments.port + 1, logs)
    result: dict[str, Any] = {}
    try:
        compared = asyncio.run(check_equal(ebok_base, baseline_base, regular, only))
        sides: dict[str, tuple[str, Callable[[], list[Request]]]] = {
            "graphql_dashboard": (ebok_base, lambda: [graphql_dashboard(s) for s in regular]),
            "baseline_dashboard": (baseline_base, lambda: [baseline_dashboard(s) for s in regular]),
            "konto_page": (ebok_base, lambda: [konto_page(s) for s in regular]),
            "graphql_account_dashboard": (
                ebok_base,
                lambda: [graphql_account_dashboard(s) for s in regular],
            ),
            "graphql_invoice": (ebok_base, lambda: [graphql_invoice(s) for s in regular]),
            "baseline_invoice": (baseline_base, lambda: [baseline_invoice(s) for s in regular]),
            "etag304": (
                ebok_base,
                lambda: fresh_etags(ebok_base, regular, arguments.seconds),
            ),
            "history_heavy": (ebok_base, lambda: [graphql_dashboard(heavy)]),
            "history_light": (ebok_base, lambda: [graphql_dashboard(light)]),
        }
        pairs = {
            "dashboard": PairResult("dashboard", "graphql_dashboard", "baseline_dashboard"),
            "konto": PairResult("konto", "konto_page", "graphql_dashboard"),
            "konto_call": PairResult("konto_call", "konto_page", "graphql_account_dashboard"),
            "invoice": PairResult("invoice", "graphql_invoice", "baseline_invoice"),
            "etag304": PairResult("etag304", "etag304", "baseline_dashboard"),
            "history": PairResult("history", "history_heavy", "history_light"),
        }
        work = Path(tempfile.mkdtemp(prefix="ebok-bench-wrk-"))
        # Warm both servers up (caches, connections) before anything is timed.
        for name in ("graphql_dashboard", "baseline_dashboard"):
            base, make = sides[name]
            wrk_script(make(), work / "warm.lua")
            run_wrk(base, work / "warm.lua", 3, arguments.connections)
        for round_number in range(arguments.rounds):
            for pair in (pairs[p] for p in PAIRS if p in only):
                order = [("a", pair.a), ("b", pair.b)]
                if round_number % 2:
                    order.reverse()
                for side, name in order:
                    base, make = sides[name]
                    script = work / f"{name}.lua"
                    wrk_script(make(), script)
                    stolen = stolen_seconds()
                    timing = run_wrk(base, script, arguments.seconds, arguments.connections)
                    timing.stolen_s = stolen_since(stolen)
                    (pair.rounds_a if side == "a" else pair.rounds_b).append(timing)
                    print(
                        f"round {round_number + 1} {pair.name:<9} {name:<20} "
                        f"{timing.requests_per_second:8.1f} req/s  p50 {timing.p50_ms:7.2f} ms"
                        f"  p99 {timing.p99_ms:7.2f} ms  304s {timing.not_modified}"
                        f"  errors {timing.errors}" + describe_stolen(timing.stolen_s),
                        file=sys.stderr,
                    )
        memory = rss_mb(ebok.pid)
        shutil.rmtree(work, ignore_errors=True)
    finally:
        stop(ebok)
        stop(baseline)
    statement_requests = {
        "graphql_dashboard": [graphql_dashboard(s) for s in regular[:20]],
        "konto_page": [konto_page(s) for s in regular[:20]],
        "graphql_account_dashboard": [graphql_account_dashboard(s) for s in regular[:20]],
        "graphql_invoice": [graphql_invoice(s) for s in regular[:20]],
        "history_light": [graphql_dashboard(light)] * 5,
        "history_heavy": [graphql_dashboard(heavy)] * 5,
    }
    statements = asyncio.run(count_statements(arguments.database_url, statement_requests))
    result = {
        "set": arguments.set,
        "database": "postgresql" if db.postgres else "sqlite",
        "started": arguments.started,
        "load_generator": f"wrk -t1 -c{arguments.connections} -d{arguments.seconds}s --latency",
        "rounds": arguments.rounds,
        "seconds": arguments.seconds,
        "sampled_users": len(regular),
        "bodies_compared": compared,
        "pairs": {
            name: {
                "summary": p.summary(),
                "rounds_a": [asdict(t) for t in p.rounds_a],
                "rounds_b": [asdict(t) for t in p.rounds_b],
            }
            for name, p in pairs.items()
            if name in only
        },
        "statements_per_request": statements,
        "ebok_worker_memory": memory,
        "counts": asyncio.run(_counts(db)),
    }
    return result


async def _counts(db: Db) -> dict[str, int]:
    tables = ("accounts", "users", "invoices", "invoice_lines", "payments", "readings")
    return {t: int((await db.rows(f"SELECT COUNT(*) FROM {t}"))[0][0]) for t in tables}


# --- the report ------------------------------------------------------------------------------

TARGETS = {
    "dashboard": ("GraphQL dashboard / hand-written", ">= 0.25"),
    "konto": ("/konto page / `Dashboard` (req/s)", ">= 0.77 (time <= 1.3x)"),
    "konto_call": ("/konto page / `AccountDashboard` it runs", ">= 0.77 (time <= 1.3x)"),
    "invoice": ("GraphQL invoice page / hand-written", "(none)"),
    "etag304": ("304 repeat view / hand-written", ">= 1.0"),
    "history": ("dashboard +1,000 invoices / demo size", ">= 0.8"),
}


def report(result: dict[str, Any]) -> str:
    lines = [
        f"# Benchmark: {result['set']} ({result['database']}), {result['started']}",
        "",
        f"Load: `{result['load_generator']}`, {result['rounds']} alternating rounds per pair;"
        f" {result['sampled_users']} generated users taken in turn. Bodies compared equal "
        f"before timing: {result['bodies_compared']}. Figures are the median of the rounds.",
        "",
        f"Data: {', '.join(f'{k} {v:,}' for k, v in result['counts'].items())}.",
        "",
        "| pair | A | B | A req/s | B req/s | ratio A/B | target | A p50 / p99 ms |"
        " B p50 / p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, pair in result["pairs"].items():
        s = pair["summary"]
        lines.append(
            f"| {name} | {s['a']} | {s['b']} | {s['a_rps']:.1f} | {s['b_rps']:.1f} | "
            f"**{s['ratio']:.2f}** | {TARGETS[name][1]} | {s['a_p50_ms']:.1f} / "
            f"{s['a_p99_ms']:.1f} | {s['b_p50_ms']:.1f} / {s['b_p99_ms']:.1f} |"
        )
    if "etag304" in result["pairs"]:
        share = result["pairs"]["etag304"]["summary"]["a_not_modified_share"]
        lines += ["", f"Share of the conditional requests answered 304: {share:.1%}."]
    errors = {
        n: (p["summary"]["a_errors"], p["summary"]["b_errors"])
        for n, p in result["pairs"].items()
        if p["summary"]["a_errors"] or p["summary"]["b_errors"]
    }
    if errors:
        lines += ["", f"Requests answered with an error status (A, B): {errors}."]
    lines += ["", "SQL statements per request (eBOK, counted in-process on the same database):", ""]
    lines += [f"- {k}: {v:.1f}" for k, v in result["statements_per_request"].items()]
    memory = result["ebok_worker_memory"]
    lines += [
        "",
        f"eBOK worker memory after the run: RSS {memory['rss_mb']:.0f} MB, "
        f"peak {memory['peak_rss_mb']:.0f} MB.",
        "",
        "Per round (req/s of A, then B):",
        "",
    ]
    for name, pair in result["pairs"].items():
        a = ", ".join(f"{t['requests_per_second']:.0f}" for t in pair["rounds_a"])
        b = ", ".join(f"{t['requests_per_second']:.0f}" for t in pair["rounds_b"])
        lines.append(f"- {name}: A {a}; B {b}")
    stolen = [
        t["stolen_s"]
        for p in result["pairs"].values()
        for t in p["rounds_a"] + p["rounds_b"]
        if t.get("stolen_s") is not None
    ]
    if stolen:
        lines += [
            "",
            f"CPU time other guests took from this machine during the timed rounds: "
            f"{sum(stolen):.1f} s in all, at most {max(stolen):.1f} s in one round "
            f"(bench/machine.py).",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--set", required=True, help="name of the data set, e.g. sqlite-20k")
    parser.add_argument("--only", default="", help=f"comma-separated pairs of: {', '.join(PAIRS)}")
    parser.add_argument("--seconds", type=int, default=10, help="length of one timed side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=200, help="sampled users, taken in turn")
    parser.add_argument("--port", type=int, default=8100, help="eBOK's; the baseline's is +1")
    parser.add_argument(
        "--connections",
        type=int,
        default=CONNECTIONS,
        help="wrk's open connections; 1 times each request alone, without queueing",
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    arguments.started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = run(arguments)
    RESULTS.mkdir(exist_ok=True)
    stem = f"{datetime.now(UTC).date().isoformat()}-{arguments.set}"
    suffix, n = "", 1
    while (RESULTS / f"{stem}{suffix}.json").exists():
        n += 1
        suffix = f"-{n}"
    (RESULTS / f"{stem}{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    text = report(result)
    (RESULTS / f"{stem}{suffix}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

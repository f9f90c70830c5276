"""The benchmark's data generator writes what the services would have written: after
generating a small set, `ebok check` finds no stored figure that differs from the
ledger (and it does find one that was made to differ)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 50


async def _fresh_postgres(base_url: str) -> str:
    import asyncpg

    name = f"ebok_bench_gen_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = await asyncpg.connect(base_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
async def bench_url(tmp_path: Path) -> AsyncIterator[str]:
    base = os.environ.get("EBOK_TEST_DATABASE_URL")
    if base:
        yield await _fresh_postgres(base)
    else:
        yield f"sqlite://{tmp_path / 'bench.sqlite3'}"


def _run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "EBOK_DATABASE_URL": url, "EBOK_SECRET_KEY": "bench-test"}
    return subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )


def _ebok_check(url: str) -> subprocess.CompletedProcess[str]:
    return _run(sys.executable, "-m", "web.cli", "check", url=url)


async def _query(url: str, sql: str) -> list[Any]:
    if url.startswith("postgres"):
        import asyncpg

        connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return [tuple(r) for r in await connection.fetch(sql)]
        finally:
            await connection.close()
    import sqlite3

    connection = sqlite3.connect(url.removeprefix("sqlite://"))
    try:
        rows = connection.execute(sql).fetchall()
        connection.commit()
        return rows
    finally:
        connection.close()


async def test_generated_figures_match_the_ledger_and_a_corrupted_one_is_found(
    bench_url: str,
) -> None:
    generated = _run(
        sys.executable,
        "bench/generate.py",
        "--database-url",
        bench_url,
        "--accounts",
        str(ACCOUNTS),
        "--today",
        "2026-11-21",
        url=bench_url,
    )
    assert generated.returncode == 0, generated.stderr[-2000:]

    checked = _ebok_check(bench_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr[-2000:]
    assert f"0 difference(s) found in the stored figures of {ACCOUNTS + 2} account(s)" in (
        checked.stdout + checked.stderr
    )

    # Realistic: most invoices paid, some overdue or partly paid, users with tokens,
    # and the heavy account carries its extra thousand invoices.
    settlements = dict(
        await _query(bench_url, "SELECT settlement, COUNT(*) FROM invoices GROUP BY settlement")
    )
    assert settlements["PAID"] > 10 * (settlements.get("UNPAID", 0) + 1)
    assert settlements.get("PARTIALLY_PAID", 0) >= 1
    overdue = await _query(
        bench_url,
        "SELECT COUNT(*) FROM invoices WHERE settlement <> 'PAID' AND due_date < '2026-11-21'",
    )
    assert overdue[0][0] >= 1
    tokens = await _query(
        bench_url,
        "SELECT COUNT(*) FROM api_tokens t JOIN user_accounts ua ON ua.user_id = t.user_id",
    )
    assert tokens[0][0] >= ACCOUNTS // 10
    heavy = await _query(
        bench_url,
        "SELECT COUNT(*) FROM invoices i JOIN accounts a ON a.id = i.account_id"
        " WHERE a.number = '9000002'",
    )
    assert heavy[0][0] >= 1000

    await _query(
        bench_url,
        "UPDATE accounts SET balance = balance + 1 WHERE number = '1000001'",
    )
    corrupted = _ebok_check(bench_url)
    assert corrupted.returncode != 0
    assert "1000001: balance stored" in corrupted.stdout + corrupted.stderr

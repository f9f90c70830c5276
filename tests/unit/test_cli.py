"""The `ebok` command as an operator runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

EBOK = [sys.executable, "-m", "web.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    environment.update(env)
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        EBOK + args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_schema_prints_the_sdl(tmp_path: Path) -> None:
    result = _run(["schema"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "type Account implements Node" in result.stdout
    assert "issueToken(input: IssueTokenInput!): IssueTokenPayload!" in result.stdout


def test_migrate_creates_the_default_sqlite_database_under_var(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    database = tmp_path / "var" / "ebok.sqlite3"
    tables = {row[0] for row in sqlite3.connect(database).execute("select name from sqlite_master")}
    assert {"accounts", "invoices", "readings", "payments", "email_outbox", "audit_log"} <= tables
    again = _run(["migrate"], tmp_path)
    assert again.returncode == 0, again.stderr


def test_demo_seeds_once_at_the_given_clock(tmp_path: Path) -> None:
    first = _run(["demo"], tmp_path, EBOK_CLOCK="2026-11-21T10:00")
    assert first.returncode == 0, first.stderr
    assert "seeded" in first.stdout
    second = _run(["demo"], tmp_path, EBOK_CLOCK="2026-11-21T10:00")
    assert "not empty" in second.stdout
    connection = sqlite3.connect(tmp_path / "var" / "ebok.sqlite3")
    numbers = {row[0] for row in connection.execute("select number from accounts")}
    assert {"100001", "100002", "100003"} <= numbers


def test_demo_data_is_refused_in_production(tmp_path: Path) -> None:
    result = _run(["demo"], tmp_path, EBOK_ENV="production")
    assert result.returncode == 2
    assert "production" in result.stderr
    assert not (tmp_path / "var" / "ebok.sqlite3").exists()


def test_a_shifted_clock_is_refused_outside_demo_and_test(tmp_path: Path) -> None:
    result = _run(["serve", "--port", "1"], tmp_path, EBOK_CLOCK="2026-11-21T10:00")
    assert result.returncode == 2
    assert "EBOK_CLOCK" in result.stderr


def test_check_finds_a_corrupted_figure_and_repairs_it(tmp_path: Path) -> None:
    assert _run(["demo"], tmp_path, EBOK_CLOCK="2026-11-21T10:00").returncode == 0
    clean = _run(["check"], tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 difference(s)" in clean.stdout
    database = sqlite3.connect(tmp_path / "var" / "ebok.sqlite3")
    with database:
        database.execute("update accounts set balance = '999.99' where number = '100001'")
        database.execute(
            "update invoices set paid = '0.00', settlement = 'UNPAID' "
            "where id = (select min(id) from invoices where settlement = 'PAID')"
        )
    broken = _run(["check"], tmp_path)
    assert broken.returncode == 1
    assert "100001: balance stored 999.99" in broken.stdout
    assert "paid stored 0.00" in broken.stdout and "settlement stored UNPAID" in broken.stdout
    assert _run(["check", "--repair"], tmp_path).returncode == 0
    again = _run(["check"], tmp_path)
    assert again.returncode == 0 and "0 difference(s)" in again.stdout


def test_billing_run_issues_the_due_invoices_once(tmp_path: Path) -> None:
    seeded = _run(["demo"], tmp_path, EBOK_CLOCK="2026-11-21T10:00")
    assert seeded.returncode == 0, seeded.stderr
    early = _run(["billing", "run", "--period", "2026-11"], tmp_path, EBOK_ENV="test",
                 EBOK_CLOCK="2026-11-21T10:00")  # fmt: skip
    assert early.returncode == 2 and "jeszcze się nie skończył" in early.stderr
    later = {"EBOK_ENV": "test", "EBOK_CLOCK": "2026-12-03T06:00"}
    first = _run(["billing", "run", "--period", "2026-11"], tmp_path, **later)
    assert first.returncode == 0, first.stderr
    assert "1 invoice(s) and 0 correction(s) issued (1 reading(s) estimated)" in first.stdout
    assert "rozliczenie 11.2026" in first.stderr, "a progress bar"
    again = _run(["billing", "run", "--period", "2026-11"], tmp_path, **later)
    assert "0 invoice(s)" in again.stdout
    bad = _run(["billing", "run", "--period", "listopad"], tmp_path, **later)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr
    assert _run(["check"], tmp_path).returncode == 0


def test_import_customers_writes_all_or_nothing_and_again_nothing(tmp_path: Path) -> None:
    example = ROOT / "scripts" / "customers-example.csv"
    broken = tmp_path / "broken.csv"
    broken.write_text(
        example.read_text(encoding="utf-8").replace("31.10.2026", "2026-13-40", 1),
        encoding="utf-8",
    )
    refused = _run(["import-customers", str(broken)], tmp_path)
    assert refused.returncode == 1
    assert "wiersz 2, kolumna data_odczytu" in refused.stderr
    assert "nothing imported" in refused.stderr
    database = tmp_path / "var" / "ebok.sqlite3"
    assert sqlite3.connect(database).execute("select count(*) from accounts").fetchone() == (0,)
    first = _run(["import-customers", str(example)], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 customer(s) with 4 meter(s) imported; 0 already present" in first.stdout
    again = _run(["import-customers", str(example)], tmp_path)
    assert "0 customer(s) with 0 meter(s) imported; 3 already present" in again.stdout
    rows = sqlite3.connect(database).execute("select count(*) from readings").fetchone()
    assert rows == (4,)
    missing = _run(["import-customers", str(tmp_path / "nope.csv")], tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_import_statement_books_once_and_refuses_a_malformed_file(tmp_path: Path) -> None:
    fixtures = ROOT / "tests" / "fixtures" / "statements"
    mt940 = str(fixtures / "ing_2026-11-20.mt940")
    camt = str(fixtures / "pko_2026-11-20.camt053.xml")
    assert _run(["demo"], tmp_path, EBOK_CLOCK="2026-11-21T10:00").returncode == 0
    first = _run(["import-statement", mt940, camt], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "MT940, 6 transaction(s): 5 payment(s) imported (4 matched, 1 unmatched)" in first.stdout
    assert "camt.053, 3 transaction(s): 2 payment(s) imported (1 matched, 1 unmatched)" in (
        first.stdout
    )
    assert "wyciąg ing_2026-11-20.mt940" in first.stderr, "a progress bar"
    again = _run(["import-statement", mt940], tmp_path)
    assert "0 payment(s) imported" in again.stdout and "5 already booked" in again.stdout
    broken = tmp_path / "broken.mt940"
    broken.write_bytes(Path(mt940).read_bytes()[:300])
    refused = _run(["import-statement", str(broken)], tmp_path)
    assert refused.returncode == 1
    assert "Nic nie zaksięgowano" in refused.stderr
    checked = _run(["check"], tmp_path)
    assert checked.returncode == 0 and "0 difference(s)" in checked.stdout

"""`ebok create-staff LOGIN EMAIL`: a staff user with a one-time password, printed once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

EBOK = [sys.executable, "-m", "web.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EBOK_")}
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        EBOK + args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_create_staff_prints_a_one_time_password_and_stores_only_its_hash(tmp_path: Path) -> None:
    result = _run(["create-staff", "anna.nowak", "anna@wodociagi.example"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    password = lines[1]
    assert len(password.replace("-", "")) == 20
    # The password is on the terminal only: not in the log output, not in the database.
    assert password not in result.stderr
    database = sqlite3.connect(tmp_path / "var" / "ebok.sqlite3")
    row = database.execute(
        "select role, must_change_password, password_hash, password_expires_at, totp_secret "
        "from users where login = 'anna.nowak'"
    ).fetchone()
    role, must_change, password_hash, expires_at, totp = row
    assert (role, must_change, totp) == ("STAFF", 1, None)
    assert password_hash.startswith("$argon2id$") and password not in password_hash
    assert expires_at is not None
    again = _run(["create-staff", "anna.nowak", "inna@wodociagi.example"], tmp_path)
    assert again.returncode == 1 and "taken" in again.stderr
    bad = _run(["create-staff", "x", "not-an-address"], tmp_path)
    assert bad.returncode == 1

"""Time `ebok billing run` over a generated data set, then prove nothing went wrong.

    .venv/bin/python bench/billing_run.py                     # 10,000 accounts, SQLite
    .venv/bin/python bench/billing_run.py --accounts 2000 --set billing-sqlite-2k
    .venv/bin/python bench/billing_run.py --profile var/billing.prof   # under cProfile

A base data set is generated once by generate.py (history up to `--today`, 20
December 2026 by default: every account's next period ends with December) and kept
at `var/bench-billing-<N>k-base.sqlite3`; each run works on a fresh copy of it, so
runs start from the same rows. Before the run, `--read-share` of the meters (70 % by
default) get a collector's reading on the period's last day; the rest are estimated.

Then, each as a subprocess with its progress bar on the terminal:

1. `ebok billing run --period 2026-12` at `--clock` (5 January 2027), timed: wall
   time and accounts per second;
2. `ebok check`: the stored figures must match the ledger (exit 0);
3. the same billing run again: it must issue nothing (the run is idempotent).

The figures go to bench/results/<date>-<set>.md and .json (-2, -3, … for more runs
of that day).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EBOK = Path(sys.executable).with_name("ebok")
ISSUED = re.compile(
    r"(\d+) invoice\(s\) and (\d+) correction\(s\) issued \((\d+) reading.* in ([\d.]+) s"
)


def base_path(accounts: int) -> Path:
    size = f"{accounts // 1000}k" if accounts % 1000 == 0 else str(accounts)
    return ROOT / "var" / f"bench-billing-{size}-base.sqlite3"


def ensure_base(path: Path, accounts: int, max_years: float, today: date) -> None:
    """The generated data set, made once (generate.py refuses a database with rows)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--database-url",
            f"sqlite://{partial}",
            "--accounts",
            str(accounts),
            "--max-years",
            str(max_years),
            "--today",
            today.isoformat(),
        ],
        check=True,
    )
    partial.rename(path)


def add_collector_readings(path: Path, day: date, share: float, seed: int) -> int:
    """A collector's reading on `day` for `share` of the meters: a month or two of use
    above each meter's newest reading (the register never rolls over in this data)."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    try:
        newest = connection.execute(
            """SELECT r.meter_id, r.value, m.is_main FROM readings r
            JOIN meters m ON m.id = r.meter_id
            WHERE r.id = (SELECT r2.id FROM readings r2 WHERE r2.meter_id = r.meter_id
                ORDER BY r2.read_on DESC, r2.id DESC LIMIT 1)
            ORDER BY r.meter_id"""
        ).fetchall()
        read_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
        rows = [
            (
                meter_id,
                str(
                    Decimal(value) + Decimal(rng.randint(300, 800) if main else rng.randint(3, 14))
                ),
                day.isoformat(),
                "COLLECTOR",
                read_at.isoformat(sep=" "),
                0,
            )
            for meter_id, value, main in newest
            if rng.random() < share
        ]
        connection.executemany(
            """INSERT INTO readings (meter_id, value, read_on, source, submitted_at,
                flagged_implausible) VALUES (?, ?, ?, ?, ?, ?)""",
            rows,
        )
        connection.commit()
        return len(rows)
    finally:
        connection.close()


def ebok(args: list[str], env: dict[str, str], profile: Path | None = None) -> tuple[float, str]:
    """Run one `ebok` command (its progress bar goes to this terminal); wall time and
    what it printed. The CPU time it used is in `cpu_seconds[" ".join(args)]`."""
    command = [str(EBOK), *args]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds[" ".join(args)] = (after.ru_utime - before.ru_utime) + (
        after.ru_stime - before.ru_stime
    )
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        raise SystemExit(f"`ebok {' '.join(args)}` failed with exit code {done.returncode}")
    return elapsed, done.stdout


cpu_seconds: dict[str, float] = {}


def result_paths(name: str) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.now(UTC).date().isoformat()}-{name}"
    candidate, n = stem, 1
    while (RESULTS / f"{candidate}.json").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return RESULTS / f"{candidate}.md", RESULTS / f"{candidate}.json"


def markdown(result: dict[str, Any]) -> str:
    run, again = result["run"], result["repeat"]
    return "\n".join(
        [
            f"# Billing run, {result['set']} ({result['date']})",
            "",
            f"`{result['command']}` on a copy of `{result['data_set']}` "
            f"({result['accounts']:,} accounts, history to {result['history_to']}, "
            f"{result['collector_readings']:,} collector readings on the period's last day).",
            "",
            "| step | command's wall time | accounts/s | the run alone | accounts/s | result |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| billing run {result['period']} | {run['seconds']:.1f} s | "
            f"{run['accounts_per_second']:,.0f} | {run['run_seconds']:.1f} s | "
            f"{run['run_accounts_per_second']:,.0f} | {run['invoices']:,} invoices, "
            f"{run['corrections']:,} corrections, {run['estimated']:,} readings estimated |",
            f"| `ebok check` | {result['check_seconds']:.1f} s | | | | no difference |",
            f"| billing run again | {again['seconds']:.1f} s | "
            f"{again['accounts_per_second']:,.0f} | {again['run_seconds']:.1f} s | "
            f"{result['accounts'] / again['run_seconds']:,.0f} | {again['invoices']} invoices "
            f"(idempotent) |",
            "",
            "The command's wall time includes starting Python and checking the migrations;",
            '"the run alone" is `run_billing` as the command reports it. The command used '
            f"{run['cpu_seconds']:.1f} s of CPU ({run['accounts_per_cpu_second']:,.0f} accounts "
            "per CPU second), a figure a busy machine disturbs far less than wall time.",
            "",
            f"Goal: {result['goal']:,} accounts/s: "
            + ("met" if run["accounts_per_second"] >= result["goal"] else "not met")
            + " by the command, "
            + ("met" if run["run_accounts_per_second"] >= result["goal"] else "not met")
            + " by the run alone."
            + f" Load average at the start: {result['load_average']}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--max-years", type=float, default=2)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 12, 20))
    parser.add_argument("--period", default="2026-12")
    parser.add_argument("--clock", default="2027-01-05T09:00")
    parser.add_argument("--read-share", type=float, default=0.7)
    parser.add_argument("--set", default=None, help="result name (default billing-sqlite-<N>)")
    parser.add_argument("--profile", type=Path, help="run the billing run under cProfile")
    parser.add_argument("--no-save", action="store_true", help="write no result files")
    arguments = parser.parse_args()

    base = base_path(arguments.accounts)
    ensure_base(base, arguments.accounts, arguments.max_years, arguments.today)
    work = base.with_name(base.name.replace("-base", "-run"))
    shutil.copyfile(base, work)
    period_end = date.fromisoformat(arguments.period + "-01").replace(day=28) + timedelta(days=4)
    period_end -= timedelta(days=period_end.day)
    readings = add_collector_readings(work, period_end, arguments.read_share, seed=7)

    env = {
        **os.environ,
        "EBOK_DATABASE_URL": f"sqlite://{work}",
        "EBOK_ENV": "test",
        "EBOK_CLOCK": arguments.clock,
    }
    load = os.getloadavg()
    ebok(["migrate"], env)  # outside the timing: the run migrates first
    billing = ["billing", "run", "--period", arguments.period]
    seconds, printed = ebok(billing, env, arguments.profile)
    issued = ISSUED.search(printed)
    if issued is None:
        raise SystemExit(f"unexpected output: {printed!r}")
    cpu = cpu_seconds[" ".join(billing)]
    invoices, corrections, estimated = (int(x) for x in issued.groups()[:3])
    run_seconds = float(issued.group(4))
    with sqlite3.connect(work) as connection:
        accounts = int(connection.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])
    if invoices < arguments.accounts:
        raise SystemExit(f"only {invoices} invoices for {accounts} accounts: not all were due")
    check_seconds, _ = ebok(["check"], env)
    again_seconds, again_printed = ebok(billing, env)
    again = ISSUED.search(again_printed)
    if again is None or again.group(1) != "0" or again.group(2) != "0":
        raise SystemExit(f"the repeated run issued documents: {again_printed!r}")

    name = arguments.set or f"billing-sqlite-{base.name.split('-')[2]}"
    result = {
        "set": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": f"ebok billing run --period {arguments.period}",
        "data_set": str(base.relative_to(ROOT)),
        "accounts": accounts,
        "history_to": arguments.today.isoformat(),
        "period": arguments.period,
        "clock": arguments.clock,
        "collector_readings": readings,
        "goal": 2000,
        "load_average": " / ".join(f"{x:.1f}" for x in load),
        "run": {
            "seconds": round(seconds, 2),
            "accounts_per_second": round(accounts / seconds, 1),
            "run_seconds": run_seconds,
            "run_accounts_per_second": round(accounts / run_seconds, 1),
            "cpu_seconds": round(cpu, 2),
            "accounts_per_cpu_second": round(accounts / cpu, 1),
            "invoices": invoices,
            "corrections": corrections,
            "estimated": estimated,
        },
        "check_seconds": round(check_seconds, 2),
        "repeat": {
            "seconds": round(again_seconds, 2),
            "accounts_per_second": round(accounts / again_seconds, 1),
            "run_seconds": float(again.group(4)),
            "invoices": 0,
        },
        "profiled": arguments.profile is not None,
    }
    print(markdown(result))
    if not arguments.no_save:
        md, js = result_paths(name)
        md.write_text(markdown(result), encoding="utf-8")
        js.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"written: {md.relative_to(ROOT)}, {js.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Time the import of a 10,000-transaction bank statement (MT940 and camt.053).

    .venv/bin/python bench/statement_import.py                   # 10,000 transactions, SQLite
    .venv/bin/python bench/statement_import.py --transactions 2000
    .venv/bin/python bench/statement_import.py --database-url postgres://ebok@127.0.0.1:54341/b

A data set of `--accounts` accounts with half a year of invoices (generate.py) is
made in a fresh database; then a statement is written in each format: 70 % of the
transfers to a customer's individual account number, 20 % naming the customer
number in the title, 10 % nobody's, plus one bank fee (a debit) in 200. Each is
imported in-process (models/services/bank_statements.py), timed whole (reading the
file, matching, booking), then imported again (it must book nothing), and `ebok
check`'s comparison must find no difference. The figures are printed, with the
CPU time the import took in this process (the import's own work, and on SQLite the
database's too, since it runs in-process), which a loaded machine inflates far less
than the wall-clock time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import random
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from bench.machine import describe_stolen, stolen_seconds, stolen_since  # noqa: E402
from models.clock import WARSAW, Clock  # noqa: E402
from models.orm import Account  # noqa: E402
from models.rules.iban import individual_account_number  # noqa: E402
from models.services.bank_statements import import_statement  # noqa: E402
from models.services.database import close_database, open_database  # noqa: E402
from models.services.figures import check_figures  # noqa: E402
from models.services.statement_files import read_statement  # noqa: E402
from models.settings import UtilitySettings  # noqa: E402

UTILITY = "PL61109010140000071219812874"
DAY = date(2026, 11, 20)


def _transfers(numbers: list[str], count: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    branch = UtilitySettings().bank_branch
    found = []
    for i in range(count):
        amount = Decimal(rng.randint(1_000, 60_000)) / 100
        number = rng.choice(numbers)
        roll = rng.random()
        if i % 200 == 199:
            found.append((amount, "Opłata za przelewy", None, True))
        elif roll < 0.7:
            found.append(
                (amount, "Opłata za wodę", individual_account_number(branch, number), False)
            )
        elif roll < 0.9:
            found.append((amount, f"Woda nr klienta {number}", None, False))
        else:
            found.append((amount, "Przelew własny", None, False))
    return found


def mt940(transfers: list[tuple], tag: str) -> bytes:
    lines = [f":20:{tag}", f":25:/{UTILITY}", ":28C:00001/001", ":60F:C261119PLN0,00"]
    balance = Decimal(0)
    for i, (amount, title, to, debit) in enumerate(transfers):
        balance += -amount if debit else amount
        text = f"{amount:.2f}".replace(".", ",")
        lines.append(f":61:2611201120{'D' if debit else 'C'}{text}N051NONREF//{tag}{i:08d}")
        details = f":86:051~00VE02~20{title}~32JAN KOWALSKI~38PL28124060610000283317720019"
        lines.append(details + (f"\n~63{to}" if to else ""))
    mark = "C" if balance >= 0 else "D"
    lines.append(f":62F:{mark}261120PLN{abs(balance):.2f}".replace(".", ","))
    lines.append("-")
    return ("\r\n".join(lines) + "\r\n").encode()


def camt053(transfers: list[tuple], tag: str) -> bytes:
    entries = []
    for i, (amount, title, to, debit) in enumerate(transfers):
        creditor = f"<CdtrAcct><Id><IBAN>PL{to}</IBAN></Id></CdtrAcct>" if to else ""
        entries.append(
            f'<Ntry><Amt Ccy="PLN">{amount:.2f}</Amt>'
            f"<CdtDbtInd>{'DBIT' if debit else 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{DAY}</Dt></BookgDt><AcctSvcrRef>{tag}{i:08d}</AcctSvcrRef>"
            "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Jan Kowalski</Nm></Dbtr>"
            f"<DbtrAcct><Id><IBAN>PL28124060610000283317720019</IBAN></Id></DbtrAcct>{creditor}"
            f"</RltdPties><RmtInf><Ustrd>{title}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{tag}</MsgId><CreDtTm>{DAY}T22:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{tag}</Id><Acct><Id><IBAN>{UTILITY}</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


async def bench(database_url: str, accounts: int, count: int, profile: Path | None = None) -> None:
    started = time.perf_counter()
    await generate(database_url, accounts, 0.5, 1000, DAY, quiet=True)
    print(f"data set: {accounts} accounts in {time.perf_counter() - started:.0f} s")
    await open_database(database_url)
    clock = Clock(datetime(2026, 11, 21, 9, tzinfo=WARSAW), frozen=True)
    branch = UtilitySettings().bank_branch
    try:
        numbers = list(await Account.all().values_list("number", flat=True))
        for name, make, tag in (("MT940", mt940, "M"), ("camt.053", camt053, "C")):
            data = make(_transfers(numbers, count, seed=len(tag)), tag)
            started = time.perf_counter()
            read_statement(data)
            reading = time.perf_counter() - started
            profiler = cProfile.Profile() if profile else None
            started, cpu = time.perf_counter(), time.process_time()
            stolen = stolen_seconds()
            if profiler:
                profiler.enable()
            result = await import_statement(data, name, clock, bank_branch=branch)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            stolen = stolen_since(stolen)
            if profiler and profile:
                profiler.dump_stats(profile / f"{tag}.prof")
            started = time.perf_counter()
            again = await import_statement(data, name, clock, bank_branch=branch)
            repeat = time.perf_counter() - started
            assert again.imported == 0, again
            print(
                f"{name}: {result.transactions} transactions ({len(data) / 2**20:.1f} MiB), "
                f"{result.imported} booked ({result.matched} matched, {result.unmatched} "
                f"unmatched) in {elapsed:.2f} s = {result.transactions / elapsed:,.0f} tx/s "
                f"(reading the file alone {reading:.2f} s); this process's CPU time {cpu:.2f} s "
                f"= {result.transactions / cpu:,.0f} tx/s; again: 0 booked in {repeat:.2f} s"
                + describe_stolen(stolen)
            )
        differences = await check_figures()
        assert differences == [], differences[:5]
        print("ebok check: 0 differences")
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite://var/bench-statements.sqlite3")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--transactions", type=int, default=10_000)
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of each import (M.prof, C.prof) here"
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.database_url.startswith("sqlite://"):
        path = Path(args.database_url.removeprefix("sqlite://"))
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    asyncio.run(bench(args.database_url, args.accounts, args.transactions, args.profile))


if __name__ == "__main__":
    main()

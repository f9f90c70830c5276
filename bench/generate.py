"""Fill an empty eBOK database with many accounts and years of history, fast.

    .venv/bin/python bench/generate.py --database-url sqlite://var/bench-20k.sqlite3 \\
        --accounts 20000 --max-years 10
    .venv/bin/python bench/generate.py --database-url postgres://…/bench \\
        --accounts 500000 --max-years 2

Migrations run first (models/services/database.py); then rows are written with raw
multi-row statements in big transactions: `executemany` on SQLite, asyncpg's
`copy_records_to_table` on PostgreSQL. No ORM objects are built.

Every account has one premises, contract and water meter; one reading per billing
period (monthly or bimonthly) for up to `--max-years` years; an invoice for each
period with its water, sewage and subscription lines priced by the tariff in force;
payments allocated to them. Most accounts pay on time; some leave the last invoices
unpaid past their due date (overdue), some pay the last one in part. Every
`--users-every`-th account has a user with a personal API token
(`bench_token(number)`). The stored figures (invoices.paid and settlement,
accounts.balance) are those the services would store: `ebok check` finds no
difference.

Two accounts more serve the history comparison: `BENCH_LIGHT` with 24 months of
bimonthly history (the demo's size) and `BENCH_HEAVY` with the same plus 1,000 older
paid invoices, payments and readings.

Randomness is seeded: the same arguments give the same rows.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.clock import WARSAW
from models.config import sqlite_path
from models.rules.invoice_status import settlement
from models.services.database import close_database, migrate_database

BENCH_PASSWORD = "Bench-Haslo-2026!"
BENCH_LIGHT = "9000001"
BENCH_HEAVY = "9000002"
HEAVY_EXTRA_INVOICES = 1000
FIRST_NUMBER = 1_000_001
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
VAT_RATE = Decimal("8.00")

# (valid from, valid to, water, sewage, subscription per month), all at 8 % VAT.
TARIFFS = [
    (date(2015, 1, 1), date(2017, 11, 30), "3.95", "5.40", "3.50"),
    (date(2017, 12, 1), date(2019, 11, 30), "4.30", "5.90", "3.90"),
    (date(2019, 12, 1), date(2021, 11, 30), "4.75", "6.45", "4.30"),
    (date(2021, 12, 1), date(2023, 11, 30), "5.05", "6.90", "4.60"),
    (date(2023, 12, 1), date(2025, 12, 31), "5.42", "7.38", "4.90"),
    (date(2026, 1, 1), None, "5.83", "7.96", "5.20"),
]
STREETS = ["ul. Słoneczna", "ul. Ogrodowa", "ul. Lipowa", "ul. Polna", "ul. Leśna", "ul. Krótka"]
FIRST_NAMES = ["Jan", "Anna", "Piotr", "Maria", "Tomasz", "Katarzyna", "Paweł", "Agnieszka"]
LAST_NAMES = ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zielińska"]

# Columns of every table written, in the order rows are built.
COLUMNS: dict[str, tuple[str, ...]] = {
    "tariffs": (
        "id",
        "valid_from",
        "valid_to",
        "water_price",
        "sewage_price",
        "subscription_fee",
        "vat_rate",
    ),
    "accounts": (
        "id",
        "number",
        "kind",
        "holder_name",
        "tax_id",
        "street",
        "building_number",
        "apartment_number",
        "postal_code",
        "city",
        "email",
        "phone",
        "billing_cycle",
        "e_readings_blocked",
        "created_at",
        "balance",
        "version",
    ),
    "premises": ("id", "street", "building_number", "apartment_number", "postal_code", "city"),
    "contracts": (
        "id",
        "account_id",
        "premises_id",
        "number",
        "signed_on",
        "valid_from",
        "valid_to",
        "services",
    ),
    "meters": (
        "id",
        "contract_id",
        "serial_number",
        "is_main",
        "installed_on",
        "removed_on",
        "digits",
    ),
    "readings": (
        "id",
        "meter_id",
        "value",
        "read_on",
        "source",
        "submitted_at",
        "customer_month",
        "flagged_implausible",
    ),
    "invoices": (
        "id",
        "account_id",
        "number",
        "kind",
        "issued_on",
        "period_from",
        "period_to",
        "due_date",
        "net",
        "vat",
        "gross",
        "created_at",
        "paid",
        "settlement",
        "billing_key",
    ),
    "invoice_lines": (
        "id",
        "invoice_id",
        "position",
        "service",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "net",
        "vat_rate",
        "vat",
        "gross",
        "estimated",
        "tariff_id",
    ),
    "invoice_readings": ("invoice_id", "reading_id"),
    "payments": (
        "id",
        "account_id",
        "amount",
        "method",
        "status",
        "created_at",
        "booked_on",
        "reference",
        "title",
        "payer_name",
    ),
    "payment_allocations": ("id", "payment_id", "invoice_id", "amount"),
    "users": (
        "id",
        "login",
        "email",
        "password_hash",
        "role",
        "must_change_password",
        "accepted_terms_version",
        "is_active",
        "created_at",
        "password_changed_at",
        "version",
    ),
    "user_accounts": ("user_id", "account_id"),
    "api_tokens": ("id", "user_id", "kind", "name", "token_hash", "scopes", "created_at"),
    "announcements": ("id", "kind", "title", "body", "published_at"),
    "invoice_series": ("series", "last_number"),
}
TABLE_ORDER = list(COLUMNS)


def bench_token(number: str) -> str:
    """The API token of the user of account `number` (bench data only)."""
    return f"ebok_pt_bench_{number}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Ids:
    """The next id of each table."""

    next: dict[str, int] = field(default_factory=lambda: {t: 1 for t in COLUMNS})

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Batch:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)

    def size(self) -> int:
        return sum(len(r) for r in self.rows.values())


@dataclass(frozen=True)
class Tariff:
    id: int
    valid_from: date
    valid_to: date | None
    water: Decimal
    sewage: Decimal
    subscription: Decimal


def _tariffs() -> list[Tariff]:
    return [
        Tariff(i + 1, start, end, Decimal(w), Decimal(s), Decimal(f))
        for i, (start, end, w, s, f) in enumerate(TARIFFS)
    ]


def _tariff_on(tariffs: list[Tariff], day: date) -> Tariff:
    for tariff in reversed(tariffs):
        if tariff.valid_from <= day:
            return tariff
    return tariffs[0]


@dataclass
class Generator:
    today: date
    max_years: float
    users_every: int
    seed: int
    password_hash: str
    ids: Ids = field(default_factory=Ids)
    tariffs: list[Tariff] = field(default_factory=_tariffs)
    series: dict[str, int] = field(default_factory=dict)
    now: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.now = datetime.combine(self.today, datetime.min.time(), UTC)

    def fixed_rows(self, batch: Batch) -> None:
        for t in self.tariffs:
            batch.add(
                "tariffs",
                (t.id, t.valid_from, t.valid_to, t.water, t.sewage, t.subscription, VAT_RATE),
            )
        for i, (kind, title) in enumerate(
            [
                ("NEWS", "Nowe godziny pracy BOK"),
                ("PLANNED_OUTAGE", "Przerwa w dostawie wody"),
                ("PRODUCT", "e-Faktura zamiast papieru"),
            ]
        ):
            published = self.now - timedelta(days=10 * (i + 1))
            batch.add("announcements", (i + 1, kind, title, f"{title}: szczegóły.", published))

    def account(
        self,
        batch: Batch,
        index: int,
        number: str,
        *,
        years: float | None = None,
        cycle: str | None = None,
        with_user: bool | None = None,
        profile: str | None = None,
        extra_history: int = 0,
    ) -> None:
        rng = random.Random(self.seed * 1_000_003 + index)
        community = cycle is None and rng.random() < 0.05
        if cycle is None:
            cycle = "MONTHLY" if community or rng.random() < 0.2 else "BIMONTHLY"
        months_per_period = 1 if cycle == "MONTHLY" else 2
        if years is None:
            years = rng.uniform(0.5, self.max_years)
        if profile is None:
            draw = rng.random()
            profile = "overdue" if draw < 0.10 else "partial" if draw < 0.15 else "good"
        if with_user is None:
            with_user = index % self.users_every == 0
        start = month_add(self.today.replace(day=1), -max(int(years * 12), 2))
        start = month_add(start, -(start.month - 1) % months_per_period)
        account_id = self.ids.take("accounts")
        street = rng.choice(STREETS)
        building = str(rng.randint(1, 120))
        flat = None if community else str(rng.randint(1, 60))
        postal = f"00-{900 + rng.randint(0, 99):03d}"
        if community:
            holder = f"Wspólnota Mieszkaniowa {street} {building}"
        else:
            holder = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        opened = datetime.combine(start - timedelta(days=20), datetime.min.time(), UTC)
        premises_id = self.ids.take("premises")
        batch.add("premises", (premises_id, street, building, flat, postal, "Dąbrowa Wielka"))
        contract_id = self.ids.take("contracts")
        batch.add(
            "contracts",
            (
                contract_id,
                account_id,
                premises_id,
                f"U/B/{number}",
                start - timedelta(days=20),
                start,
                None,
                "WATER,SEWAGE,SUBSCRIPTION",
            ),
        )
        meter_id = self.ids.take("meters")
        batch.add(
            "meters",
            (meter_id, contract_id, f"WB-{number}", community, start, None, 6 if community else 5),
        )
        monthly_use = rng.uniform(150, 400) if community else rng.uniform(2.5, 7.0)
        value = Decimal(rng.randint(0, 300)).quantize(MILLI)
        batch.add(
            "readings",
            (self.ids.take("readings"), meter_id, value, start, "COLLECTOR", opened, None, False),
        )

        # (id, gross, due date) of every invoice, oldest first; then who paid what.
        invoices: list[tuple[int, Decimal, date, date, str]] = []
        if extra_history:
            value = self._extra_history(
                batch, account_id, number, meter_id, value, start, extra_history, invoices
            )
        period_from = start
        while True:
            period_to = month_add(period_from, months_per_period) - timedelta(days=1)
            issued_on = period_to + timedelta(days=4)
            if issued_on > self.today:
                break
            months = months_per_period
            used = Decimal(monthly_use * months * rng.uniform(0.8, 1.2)).quantize(Decimal(1))
            value += used
            customer = rng.random() < 0.3
            reading_id = self.ids.take("readings")
            read_at = datetime.combine(period_to, datetime.min.time(), UTC) + timedelta(hours=10)
            batch.add(
                "readings",
                (
                    reading_id,
                    meter_id,
                    value,
                    period_to,
                    "CUSTOMER" if customer else "COLLECTOR",
                    read_at,
                    period_to.replace(day=1) if customer else None,
                    False,
                ),
            )
            tariff = _tariff_on(self.tariffs, period_from)
            invoice_id = self.ids.take("invoices")
            gross = self._invoice(
                batch,
                invoice_id,
                account_id,
                number,
                tariff,
                used,
                months,
                period_from,
                period_to,
                issued_on,
            )
            batch.add("invoice_readings", (invoice_id, reading_id))
            due = issued_on + timedelta(days=14)
            invoices.append((invoice_id, gross, issued_on, due, f"{account_id}:{period_to}"))
            period_from = period_to + timedelta(days=1)

        paid = self._payments(batch, rng, account_id, number, holder, invoices, profile)
        balance = sum((g for _, g, _, _, _ in invoices), Decimal(0)) - sum(
            paid.values(), Decimal(0)
        )
        version = len(invoices) + len(paid)
        batch.add(
            "accounts",
            (
                account_id,
                number,
                "HOUSING_COMMUNITY" if community else "INDIVIDUAL",
                holder,
                f"{rng.randint(10**9, 10**10 - 1)}" if community else None,
                street,
                building,
                flat,
                postal,
                "Dąbrowa Wielka",
                f"k{number}@example.pl",
                f"+48 600 {index % 1000:03d} 000",
                cycle,
                False,
                opened,
                money(balance),
                version,
            ),
        )
        if with_user:
            user_id = self.ids.take("users")
            batch.add(
                "users",
                (
                    user_id,
                    f"bench{number}",
                    f"k{number}@example.pl",
                    self.password_hash,
                    "CUSTOMER",
                    False,
                    "2026-01",
                    True,
                    opened,
                    opened,
                    0,
                ),
            )
            batch.add("user_accounts", (user_id, account_id))
            batch.add(
                "api_tokens",
                (
                    self.ids.take("api_tokens"),
                    user_id,
                    "PERSONAL",
                    "aplikacja",
                    token_hash(bench_token(number)),
                    "READ,WRITE",
                    opened,
                ),
            )

    def _extra_history(
        self,
        batch: Batch,
        account_id: int,
        number: str,
        meter_id: int,
        value: Decimal,
        start: date,
        count: int,
        invoices: list[tuple[int, Decimal, date, date, str]],
    ) -> Decimal:
        """`count` weekly invoices before `start`, each with its reading (all paid)."""
        tariff = self.tariffs[0]
        period_from = start - timedelta(days=7 * count)
        for _ in range(count):
            period_to = period_from + timedelta(days=6)
            value += Decimal(1)
            reading_id = self.ids.take("readings")
            batch.add(
                "readings",
                (
                    reading_id,
                    meter_id,
                    value,
                    period_to,
                    "COLLECTOR",
                    datetime.combine(period_to, datetime.min.time(), UTC),
                    None,
                    False,
                ),
            )
            invoice_id = self.ids.take("invoices")
            issued_on = period_to + timedelta(days=1)
            gross = self._invoice(
                batch,
                invoice_id,
                account_id,
                number,
                tariff,
                Decimal(1),
                0,
                period_from,
                period_to,
                issued_on,
            )
            batch.add("invoice_readings", (invoice_id, reading_id))
            invoices.append(
                (
                    invoice_id,
                    gross,
                    issued_on,
                    issued_on + timedelta(days=14),
                    f"{account_id}:{period_to}",
                )
            )
            period_from = period_to + timedelta(days=1)
        return value

    def _invoice(
        self,
        batch: Batch,
        invoice_id: int,
        account_id: int,
        number: str,
        tariff: Tariff,
        used: Decimal,
        months: int,
        period_from: date,
        period_to: date,
        issued_on: date,
    ) -> Decimal:
        series = f"FV/{issued_on.year}/{issued_on.month:02d}"
        position = self.series.get(series, 0) + 1
        self.series[series] = position
        lines = [
            ("WATER", f"Dostawa wody ({tariff.water} zł/m³)", used, "M3", tariff.water),
            ("SEWAGE", f"Odprowadzanie ścieków ({tariff.sewage} zł/m³)", used, "M3", tariff.sewage),
        ]
        if months:
            lines.append(
                (
                    "SUBSCRIPTION",
                    "Opłata abonamentowa",
                    Decimal(months),
                    "MIES",
                    tariff.subscription,
                )
            )
        net_total = vat_total = Decimal(0)
        for i, (service, description, quantity, unit, price) in enumerate(lines, 1):
            net = money(quantity * price)
            vat = money(net * VAT_RATE / 100)
            net_total += net
            vat_total += vat
            batch.add(
                "invoice_lines",
                (
                    self.ids.take("invoice_lines"),
                    invoice_id,
                    i,
                    service,
                    description,
                    quantity.quantize(MILLI),
                    unit,
                    price,
                    net,
                    VAT_RATE,
                    vat,
                    net + vat,
                    False,
                    tariff.id,
                ),
            )
        gross = net_total + vat_total
        created = datetime.combine(issued_on, datetime.min.time(), UTC) - timedelta(minutes=30)
        batch.add(
            "invoices",
            [
                invoice_id,
                account_id,
                f"{series}/{position:06d}",
                "INVOICE",
                issued_on,
                period_from,
                period_to,
                issued_on + timedelta(days=14),
                net_total,
                vat_total,
                gross,
                created,
                None,
                None,
                f"{account_id}:{period_to}",
            ],
        )
        return gross

    def _payments(
        self,
        batch: Batch,
        rng: random.Random,
        account_id: int,
        number: str,
        holder: str,
        invoices: list[tuple[int, Decimal, date, date, str]],
        profile: str,
    ) -> dict[int, Decimal]:
        """Payments for the invoices as the profile has it; fills in each invoice's paid
        amount and settlement. Returns the amount of each payment by id."""
        paid_of: dict[int, Decimal] = {}
        payments: dict[int, Decimal] = {}
        last = len(invoices) - 1
        for position, (invoice_id, gross, issued_on, due, _) in enumerate(invoices):
            recent = due >= self.today
            unpaid_tail = profile == "overdue" and position >= last - rng.randint(0, 1)
            if (recent and rng.random() < 0.7) or unpaid_tail:
                continue
            amount = gross
            if profile == "partial" and position == last:
                amount = money(gross * Decimal(rng.uniform(0.2, 0.8)))
            booked = min(due - timedelta(days=rng.randint(0, 10)), self.today)
            booked = max(booked, issued_on)
            payment_id = self.ids.take("payments")
            at = datetime.combine(booked, datetime.min.time(), UTC) + timedelta(hours=12)
            batch.add(
                "payments",
                (
                    payment_id,
                    account_id,
                    amount,
                    "BANK_TRANSFER",
                    "COMPLETED",
                    at,
                    booked,
                    f"BENCH-{payment_id:09d}",
                    f"Nr klienta {number}",
                    holder,
                ),
            )
            batch.add(
                "payment_allocations",
                (self.ids.take("payment_allocations"), payment_id, invoice_id, amount),
            )
            paid_of[invoice_id] = amount
            payments[payment_id] = amount
        # Fill paid and settlement of this account's invoices (the last rows added).
        mine = {i[0] for i in invoices}
        for row in reversed(batch.rows["invoices"]):
            if row[0] not in mine:
                break
            paid = paid_of.get(row[0], Decimal("0.00"))
            row[12] = paid
            row[13] = settlement(row[10], paid)
        return payments


# --- writing ------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    """Values in the text form Tortoise stores them in on SQLite."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class SqliteWriter:
    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.execute("BEGIN")

    def count(self, table: str) -> int:
        return int(self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def write(self, batch: Batch) -> None:
        for table in TABLE_ORDER:
            rows = batch.rows[table]
            if not rows:
                continue
            columns = COLUMNS[table]
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            self.connection.executemany(sql, ([_sqlite_value(v) for v in r] for r in rows))

    def series(self, series: dict[str, int]) -> None:
        self.connection.executemany(
            "INSERT INTO invoice_series (series, last_number) VALUES (?, ?)", series.items()
        )

    def close(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("ANALYZE")
        self.connection.close()


class PostgresWriter:
    def __init__(self, url: str) -> None:
        self.url = url.replace("postgres://", "postgresql://", 1)

    async def open(self) -> None:
        import asyncpg

        self.connection = await asyncpg.connect(self.url)

    async def count(self, table: str) -> int:
        return int(await self.connection.fetchval(f"SELECT COUNT(*) FROM {table}"))

    async def write(self, batch: Batch) -> None:
        async with self.connection.transaction():
            for table in TABLE_ORDER:
                rows = batch.rows[table]
                if rows:
                    await self.connection.copy_records_to_table(
                        table, records=[tuple(r) for r in rows], columns=list(COLUMNS[table])
                    )

    async def series(self, series: dict[str, int]) -> None:
        await self.connection.executemany(
            "INSERT INTO invoice_series (series, last_number) VALUES ($1, $2)", series.items()
        )

    async def close(self) -> None:
        for table, columns in COLUMNS.items():
            if columns[0] == "id":
                await self.connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
        await self.connection.execute("ANALYZE")
        await self.connection.close()


def accounts_to_write(generator: Generator, count: int, batch_rows: int) -> Iterator[Batch]:
    """Batches of rows: the fixed tables, `count` accounts, the two history accounts."""
    batch = Batch()
    generator.fixed_rows(batch)
    for index in range(count):
        generator.account(batch, index, str(FIRST_NUMBER + index))
        if batch.size() >= batch_rows:
            yield batch
            batch = Batch()
    generator.account(
        batch, count, BENCH_LIGHT, years=2, cycle="BIMONTHLY", with_user=True, profile="good"
    )
    generator.account(
        batch,
        count + 1,
        BENCH_HEAVY,
        years=2,
        cycle="BIMONTHLY",
        with_user=True,
        profile="good",
        extra_history=HEAVY_EXTRA_INVOICES,
    )
    yield batch


def _password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(BENCH_PASSWORD)


async def generate(
    database_url: str,
    accounts: int,
    max_years: float,
    users_every: int,
    today: date,
    seed: int = 7,
    quiet: bool = False,
) -> dict[str, int]:
    """Migrate and fill the database; the number of rows written to each table."""
    await migrate_database(database_url)
    await close_database()
    generator = Generator(today, max_years, users_every, seed, _password_hash())
    written = {t: 0 for t in COLUMNS}
    started = time.perf_counter()
    postgres = database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))
    writer: SqliteWriter | PostgresWriter
    if postgres:
        writer = PostgresWriter(database_url.replace("asyncpg://", "postgresql://", 1))
        await writer.open()
        if await writer.count("accounts"):
            raise SystemExit("The database already has accounts: give an empty one.")
    else:
        writer = SqliteWriter(sqlite_path(database_url) or "")
        if writer.count("accounts"):
            raise SystemExit("The database already has accounts: give an empty one.")
    done = 0
    for batch in accounts_to_write(generator, accounts, 200_000):
        for table, rows in batch.rows.items():
            written[table] += len(rows)
        if isinstance(writer, PostgresWriter):
            await writer.write(batch)
        else:
            writer.write(batch)
        done = written["accounts"]
        if not quiet:
            elapsed = time.perf_counter() - started
            print(
                f"{done:>8} accounts, {sum(written.values()):>10} rows, {elapsed:6.0f} s",
                file=sys.stderr,
            )
    if isinstance(writer, PostgresWriter):
        await writer.series(generator.series)
        await writer.close()
    else:
        writer.series(generator.series)
        writer.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--max-years", type=float, default=10, help="longest history, in years")
    parser.add_argument(
        "--users-every",
        type=int,
        default=10,
        help="every N-th account has a user with an API token",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=datetime.now(WARSAW).date(),
        help="the last day of history",
    )
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    started = time.perf_counter()
    written = asyncio.run(
        generate(
            arguments.database_url,
            arguments.accounts,
            arguments.max_years,
            arguments.users_every,
            arguments.today,
            arguments.seed,
        )
    )
    elapsed = time.perf_counter() - started
    for table, count in written.items():
        print(f"{table:<20} {count:>12,}")
    print(f"{'total':<20} {sum(written.values()):>12,} rows in {elapsed:.0f} s")


if __name__ == "__main__":
    main()

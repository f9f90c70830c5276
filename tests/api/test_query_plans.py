"""No full table scans on the hot paths: every statement of the dashboard (and the other
account pages' operations) is checked under EXPLAIN QUERY PLAN on a grown database."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tortoise import connections

from models.clock import Clock
from models.enums import (
    AccountKind,
    BillingCycle,
    InvoiceKind,
    InvoiceStatus,
    ReadingSource,
    Role,
)
from models.orm import Account, Contract, Invoice, Meter, Premises, Reading, User
from models.reads.billing import OPEN_INVOICES_SQL
from tests.support import Api
from web.gql import operation_documents

pytestmark = pytest.mark.usefixtures("demo")

# Tables small by nature (a handful of rows, whatever the number of customers).
SMALL_TABLES = {"tariffs"}
EXTRA_ACCOUNTS = 300
_TABLE_ALIAS = re.compile(
    r'(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?(?!WHERE|JOIN|ON|ORDER|LEFT|INNER)(\w+))?', re.I
)


class Statements(logging.Handler):
    """(sql, parameters) of every statement Tortoise's database client logs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            sql, values = record.args
            if isinstance(sql, str) and sql.lstrip().upper().startswith("SELECT"):
                self.seen.append((sql, list(values or [])))


@pytest.fixture
def statements() -> Iterator[Statements]:
    logger = logging.getLogger("tortoise.db_client")
    handler = Statements()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


async def _grow(clock: Clock) -> None:
    """Many more customers, each with a meter, readings and invoices."""
    now = clock.now()
    for n in range(EXTRA_ACCOUNTS):
        account = await Account.create(
            number=f"9{n:05d}",
            kind=AccountKind.INDIVIDUAL,
            holder_name=f"Odbiorca {n}",
            street="ul. Długa",
            building_number=str(n),
            postal_code="00-950",
            city="Dąbrowa Wielka",
            billing_cycle=BillingCycle.BIMONTHLY,
            created_at=now,
        )
        user = await User.create(
            login=f"odbiorca{n}", email=f"o{n}@example.pl", password_hash="x",
            role=Role.CUSTOMER, created_at=now,
        )  # fmt: skip
        await user.accounts.add(account)
        premises = await Premises.create(
            street="ul. Długa", building_number=str(n), postal_code="00-950", city="Dąbrowa"
        )
        contract = await Contract.create(
            account=account, premises=premises, number=f"U/{n}", signed_on=date(2020, 1, 1),
            valid_from=date(2020, 1, 1), services="WATER,SEWAGE",
        )  # fmt: skip
        meter = await Meter.create(
            contract=contract, serial_number=f"M{n:06d}", installed_on=date(2020, 1, 1)
        )
        await Reading.bulk_create(
            Reading(
                meter=meter, value=Decimal(i * 7), read_on=clock.today() - timedelta(days=61 * i),
                source=ReadingSource.COLLECTOR, submitted_at=now,
            )
            for i in range(12)
        )  # fmt: skip
        await Invoice.bulk_create(
            Invoice(
                account=account, number=f"T/{n}/{i}", kind=InvoiceKind.INVOICE,
                issued_on=clock.today() - timedelta(days=61 * i), period_from=date(2020, 1, 1),
                period_to=date(2020, 2, 29), due_date=clock.today() - timedelta(days=61 * i - 14),
                net=Decimal("100.00"), vat=Decimal("8.00"), gross=Decimal("108.00"),
                paid=Decimal("108.00"), settlement=InvoiceStatus.PAID, created_at=now,
            )
            for i in range(12)
        )  # fmt: skip


def _tables_by_alias(sql: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for table, alias in _TABLE_ALIAS.findall(sql):
        aliases[table] = table
        if alias:
            aliases[alias] = table
    return aliases


async def _full_scans(sql: str, values: list[Any]) -> list[str]:
    rows = await connections.get("default").execute_query_dict("EXPLAIN QUERY PLAN " + sql, values)
    aliases = _tables_by_alias(sql)
    scans = []
    for row in rows:
        detail = str(row["detail"])
        # "SCAN CONSTANT ROW" is a SELECT without FROM (around scalar subqueries): no table.
        match = re.match(r"SCAN (?!CONSTANT ROW)(\w+)", detail)
        if match and aliases.get(match[1], match[1]) not in SMALL_TABLES:
            scans.append(f"{detail}  <-  {' '.join(sql.split())[:160]}")
    return scans


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("Dashboard", {"number": "100001", "from": "2024-11-01", "to": "2026-10-31"}),
        ("AccountChoice", {}),
        ("InvoiceDetail", {"number": "FV/2026/09/000001"}),
        ("InvoiceList", {"konto": "100001", "first": 12}),
        ("PaymentsPage", {"konto": "100001", "first": 10}),
        ("ReadingsPage", {"number": "100001", "first": 24}),
        ("LedgerPage", {"konto": "100001", "from": "2025-11-21", "to": "2026-11-21",
                        "openingDay": "2025-11-20"}),
        ("StatementDocument", {"konto": "100001", "from": "2025-11-21", "to": "2026-11-21"}),
    ],
)  # fmt: skip
async def test_account_pages_never_scan_a_whole_table(
    api: Api, clock: Clock, statements: Statements, database_kind: str,
    operation: str, variables: dict[str, Any],
) -> None:  # fmt: skip
    if database_kind != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    await _grow(clock)
    statements.seen.clear()
    document = operation_documents()[operation]
    result = await api.run(document, variables, as_user="jan.kowalski", operation_name=operation)
    assert result.errors == [], result.errors
    checked = list(statements.seen)
    assert checked, "the operation ran SQL"
    scans = [scan for sql, values in checked for scan in await _full_scans(sql, values)]
    assert scans == []


async def test_open_invoices_are_found_by_their_settlement_not_by_the_history(
    clock: Clock, database_kind: str
) -> None:
    # The dashboard's open invoices: the index that bounds them by account and
    # settlement, not one that walks every invoice the account ever had.
    if database_kind != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    await _grow(clock)
    account = await Account.get(number="100001")
    sql = OPEN_INVOICES_SQL.replace("{ids}", "?")
    rows = await connections.get("default").execute_query_dict(
        "EXPLAIN QUERY PLAN " + sql,
        [account.id, InvoiceStatus.UNPAID.value, InvoiceStatus.PARTIALLY_PAID.value],
    )
    details = [str(row["detail"]) for row in rows]
    assert any("(account_id=? AND settlement=?)" in d for d in details), details

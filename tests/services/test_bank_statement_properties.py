"""Statement imports, as a property: whatever statements arrive, repeated or
overlapping, in any order and chunking, no money is made or lost. The payments
booked sum to the distinct credits the statements carried, each once; every
invoice's paid amount equals its allocations; `ebok check` finds no difference."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.clock import WARSAW, Clock
from models.enums import PaymentStatus
from models.orm import Invoice, Payment, PaymentAllocation
from models.rules.iban import individual_account_number
from models.services import bank_statements
from models.services.bank_statements import import_statement
from models.services.demo import seed_demo
from models.services.figures import check_figures
from models.settings import UtilitySettings
from tests.conftest import _empty_all_tables
from tests.statements import Transfer, mt940

pytestmark = pytest.mark.usefixtures("db")

CLOCK = Clock(datetime(2026, 11, 21, 10, tzinfo=WARSAW), frozen=True)
BRANCH = UtilitySettings().bank_branch
DAYS = [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]

# Who a transfer is for: an individual account, numbers in a title, nobody.
TARGETS = [
    {"to_account": individual_account_number(BRANCH, "100001")},
    {"title": "woda klient 100002"},
    {"title": "za FV/2025/01/000002"},
    {"title": "100003 listopad"},
    {"title": "darowizna"},
    {"title": "100001 i 100003"},
]

transfers = st.builds(
    lambda day, amount, target, with_ref, debit: (
        day,
        Decimal(amount) / 100,
        target,
        with_ref,
        debit,
    ),
    st.sampled_from(range(len(DAYS))),
    st.integers(min_value=1, max_value=150_000),
    st.sampled_from(range(len(TARGETS))),
    st.booleans(),
    st.booleans(),
)


@settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pool=st.lists(transfers, min_size=1, max_size=12),
    windows=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=5),
    chunk=st.integers(min_value=1, max_value=4),
)
async def test_replayed_and_overlapping_statements_book_each_credit_once(
    db: str, database_kind: str, pool: list, windows: list[tuple[int, int]], chunk: int
) -> None:
    await _empty_all_tables(database_kind)
    assert await seed_demo(CLOCK, UtilitySettings())
    made = [
        Transfer(
            amount=amount,
            booked_on=DAYS[day],
            reference=f"T{i}" if with_ref else None,
            debit=debit,
            **TARGETS[target],
        )
        for i, (day, amount, target, with_ref, debit) in enumerate(pool)
    ]
    # Statements hold whole days (as banks send them): days a..b of the pool.
    credited: dict[int, Decimal] = {}
    with patch.object(bank_statements, "CHUNK", chunk):
        for first, last in windows:
            low, high = min(first, last), max(first, last)
            included = [
                (i, t) for i, t in enumerate(made) if low <= DAYS.index(t.booked_on) <= high
            ]
            data = mt940([t for _, t in sorted(included, key=lambda p: p[1].booked_on)])
            await import_statement(data, "x.mt940", CLOCK, bank_branch=BRANCH)
            credited.update({i: t.amount for i, t in included if not t.debit})

    booked = await Payment.filter(statement_id__isnull=False).values("amount", "status")
    assert len(booked) == len(credited)
    assert sum((p["amount"] for p in booked), Decimal(0)) == sum(credited.values(), Decimal(0))
    assert all(p["status"] == PaymentStatus.COMPLETED for p in booked)
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for row in await PaymentAllocation.all().values("invoice_id", "amount"):
        allocated[row["invoice_id"]] += row["amount"]
    for invoice in await Invoice.all().values("id", "paid", "gross"):
        assert invoice["paid"] == allocated[invoice["id"]]
        assert invoice["paid"] <= invoice["gross"]
    assert await check_figures() == []

"""Every way money comes in, interleaved, as a property: bank statements (credits to
individual account numbers, by title, nobody's; repeated and overlapping), online
payment notifications (duplicates, amounts that differ from the order) and staff
assigning and reversing queued credits, in any order. After every step: the completed
payments sum to what the demo held plus each distinct credit and each notified order
once (nothing made from nothing, nothing lost), every invoice's paid amount is the sum
of its allocations, no payment is allocated beyond its amount, and `ebok check` finds
no difference."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from models.clock import WARSAW, Clock
from models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from models.errors import InvoiceNotPayable
from models.orm import Account, Invoice, Payment, PaymentAllocation, User
from models.rules.iban import individual_account_number
from models.services import online_payments
from models.services.bank_statements import import_statement
from models.services.credit_queue import assign_credit, reverse_assignment
from models.services.demo import seed_demo
from models.services.figures import check_figures
from models.services.online_payments import NotificationRefused
from models.services.payment_providers import SandboxProvider
from models.settings import UtilitySettings
from tests.conftest import _empty_all_tables
from tests.statements import Transfer, mt940

pytestmark = pytest.mark.usefixtures("db")

CLOCK = Clock(datetime(2026, 11, 21, 10, tzinfo=WARSAW), frozen=True)
BRANCH = UtilitySettings().bank_branch
DAYS = [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]
PROVIDER = SandboxProvider("a test secret")
CUSTOMERS = ["100001", "100002", "100003"]

TARGETS = [
    {"to_account": individual_account_number(BRANCH, "100001")},
    {"to_account": individual_account_number(BRANCH, "100002")},
    {"title": "woda klient 100002"},
    {"title": "za FV/2025/01/000002"},
    {"title": "100003 listopad"},
    {"title": "darowizna"},
    {"title": "100001 i 100003"},
]

transfers = st.tuples(
    st.integers(0, len(DAYS) - 1),
    st.integers(min_value=1, max_value=60_000),
    st.integers(0, len(TARGETS) - 1),
    st.booleans(),  # with the bank's reference
    st.booleans(),  # a debit
)

steps = st.one_of(
    st.tuples(st.just("statement"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("order"), st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("notify"), st.integers(0, 5), st.sampled_from(["same", "more", "less"])),
    st.tuples(st.just("assign"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("reverse"), st.integers(0, 5), st.just(0)),
)


async def _completed_total() -> Decimal:
    rows = await Payment.filter(status=PaymentStatus.COMPLETED).values_list("amount", flat=True)
    return sum(rows, Decimal(0))


async def _check(expected_total: Decimal, credits: int) -> None:
    assert await _completed_total() == expected_total
    assert await Payment.filter(statement_id__isnull=False).count() == credits
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    of_payment: dict[int, Decimal] = defaultdict(Decimal)
    for row in await PaymentAllocation.all().values("invoice_id", "payment_id", "amount"):
        allocated[row["invoice_id"]] += row["amount"]
        of_payment[row["payment_id"]] += row["amount"]
    for invoice in await Invoice.all().values("id", "paid", "gross"):
        assert invoice["paid"] == allocated[invoice["id"]]
        assert invoice["paid"] <= invoice["gross"]
    payments = {
        p["id"]: p for p in await Payment.all().values("id", "amount", "status", "account_id")
    }
    for payment_id, amount in of_payment.items():
        payment = payments[payment_id]
        assert payment["status"] == PaymentStatus.COMPLETED
        assert payment["account_id"] is not None
        assert amount <= payment["amount"]
    assert await check_figures() == []


@settings(
    deadline=None,
    max_examples=12,
    # No shrinking: a failure is reported as found, within the test's time.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pool=st.lists(transfers, min_size=1, max_size=8),
    plan=st.lists(steps, min_size=1, max_size=10),
)
async def test_statements_notifications_and_staff_never_make_or_lose_money(
    db: str, database_kind: str, pool: list, plan: list
) -> None:
    await _empty_all_tables(database_kind)
    assert await seed_demo(CLOCK, UtilitySettings())
    staff = await User.get(login="obsluga")
    jan = await User.get(login="jan.kowalski")
    made = [
        Transfer(
            amount=Decimal(amount) / 100,
            booked_on=DAYS[day],
            reference=f"T{i}" if with_ref else None,
            debit=debit,
            **TARGETS[target],
        )
        for i, (day, amount, target, with_ref, debit) in enumerate(pool)
    ]
    expected = await _completed_total()
    credited: set[int] = set()
    orders: list[Payment] = []
    notified: set[int] = set()
    for step in plan:
        kind, first, second = step
        if kind == "statement":
            low, high = sorted((first, second))
            included = [
                (i, t) for i, t in enumerate(made) if low <= DAYS.index(t.booked_on) <= high
            ]
            data = mt940([t for _, t in sorted(included, key=lambda p: p[1].booked_on)])
            await import_statement(data, "x.mt940", CLOCK, bank_branch=BRANCH)
            for i, t in included:
                if not t.debit and i not in credited:
                    credited.add(i)
                    expected += t.amount
        elif kind == "order":
            account = await Account.get(number=CUSTOMERS[first])
            open_ids = await (
                Invoice.filter(
                    account_id=account.id,
                    settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
                )
                .order_by("id")
                .limit(second)
                .values_list("id", flat=True)
            )
            if not open_ids:
                continue  # nothing to pay: the page offers no order
            try:
                started = await online_payments.start(
                    frozenset({account.id}),
                    list(open_ids),
                    None,
                    by=jan,
                    provider=PROVIDER,
                    public_url="https://ebok.example.pl",
                    clock=CLOCK,
                    client_address=None,
                )
            except InvoiceNotPayable:  # pragma: no cover - open invoices are payable
                raise AssertionError("an open invoice of the account was refused") from None
            else:
                orders.append(started.payment)
        elif kind == "notify" and orders:
            payment = orders[first % len(orders)]
            order = await online_payments.sandbox_order(payment.reference)
            assert order is not None
            body = online_payments.sandbox_notification(order, PROVIDER)
            if second != "same":
                # The operator reports another amount: signed correctly, still refused.
                changed = body["amount"] + (1 if second == "more" else -1)
                body = online_payments.notification(
                    merchant_id=PROVIDER.merchant_id,
                    pos_id=PROVIDER.pos_id,
                    session_id=order.session_id,
                    amount=changed,
                    order_id=order.payment_id,
                    method_id=0,
                    statement="x",
                    crc=PROVIDER.crc,
                ).as_json()
                with pytest.raises(NotificationRefused):
                    await online_payments.receive_notification(body, provider=PROVIDER, clock=CLOCK)
            else:
                booked = await online_payments.receive_notification(
                    body, provider=PROVIDER, clock=CLOCK
                )
                assert booked.newly == (payment.id not in notified)
                if payment.id not in notified:
                    notified.add(payment.id)
                    expected += payment.amount
        elif kind == "assign":
            waiting = await Payment.filter(
                statement_id__isnull=False, account_id__isnull=True
            ).order_by("id")
            if waiting:
                credit = waiting[first % len(waiting)]
                await assign_credit(credit.id, CUSTOMERS[second], staff, clock=CLOCK)
        elif kind == "reverse":
            assigned = await Payment.filter(
                statement_id__isnull=False,
                account_id__isnull=False,
                method=PaymentMethod.BANK_TRANSFER,
            ).order_by("id")
            if assigned:
                credit = assigned[first % len(assigned)]
                await reverse_assignment(credit.id, staff, "pomyłka", clock=CLOCK)
        await _check(expected, len(credited))

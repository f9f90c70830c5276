"""The queue of unmatched bank credits: staff assign a credit to an account, and give a
wrongly assigned one back, with every stored figure exact before, between and after."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models.clock import Clock
from models.enums import InvoiceStatus, PaymentMethod
from models.errors import (
    ChosenInvoiceNotPayable,
    CreditAlreadyAssigned,
    CreditNotAssigned,
    CreditNotFound,
    NotABankCredit,
    ReversalReasonRequired,
    UnknownAccountNumber,
)
from models.orm import Account, AuditEntry, Invoice, Payment, PaymentAllocation, User
from models.services.credit_queue import (
    assign_credit,
    reverse_assignment,
    unmatched_count,
    unmatched_credits,
)
from models.services.figures import check_figures
from tests.bank_credits import statement, unmatched_credit

pytestmark = pytest.mark.usefixtures("demo")


async def _staff() -> User:
    return await User.get(login="obsluga")


async def _open_invoices(number: str) -> list[Invoice]:
    return list(
        await Invoice.filter(
            account__number=number,
            settlement__in=[InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID],
        ).order_by("due_date", "issued_on", "id")
    )


async def _figures(number: str) -> tuple[Decimal, dict[str, tuple[Decimal, str]]]:
    account = await Account.get(number=number)
    invoices = await Invoice.filter(account_id=account.id)
    return account.balance, {i.number: (i.paid, str(i.settlement)) for i in invoices}


async def test_the_queue_lists_credits_without_an_account_oldest_first(clock: Clock) -> None:
    source = await statement(clock)
    first = await unmatched_credit(clock, source, "10.00", "Q-1")
    second = await unmatched_credit(clock, source, "20.00", "Q-2")
    credits, total = await unmatched_credits(0, 10)
    assert total == 2 == await unmatched_count()
    assert [c.id for c in credits] == [first.id, second.id]
    assert credits[0].statement_filename == "wyciag-2026-11-20.sta"
    assert credits[0].payer_account == "PL61109010140000071219812874"
    # Payments of the demo (each booked to its account) are not in the queue.
    assert await Payment.filter(account_id__isnull=False).count() > 0


async def test_an_assigned_credit_pays_the_oldest_open_invoices_first(clock: Clock) -> None:
    oldest, newer = await _open_invoices("100001")
    amount = oldest.gross - oldest.paid + Decimal("1.00")
    balance_before, _ = await _figures("100001")
    version_before = (await Account.get(number="100001")).version
    credit = await unmatched_credit(clock, await statement(clock), str(amount), "Q-1")

    await assign_credit(credit.id, " 100001 ", await _staff(), clock=clock)

    account = await Account.get(number="100001")
    assert account.balance == balance_before - amount
    assert account.version > version_before
    assert (await Invoice.get(id=oldest.id)).settlement == InvoiceStatus.PAID
    partly = await Invoice.get(id=newer.id)
    assert partly.paid == newer.paid + Decimal("1.00")
    assert partly.settlement == InvoiceStatus.PARTIALLY_PAID
    assert (await Payment.get(id=credit.id)).account_id == account.id
    assert await unmatched_count() == 0
    assert await check_figures() == []
    entry = await AuditEntry.get(action="CREDIT_ASSIGNED")
    assert entry.object_id == str(credit.id)
    assert entry.details["account"] == "100001"
    assert [a["invoice"] for a in entry.details["allocations"]] == [oldest.number, newer.number]


async def test_a_credit_may_pay_chosen_invoices_only(clock: Clock) -> None:
    oldest, newer = await _open_invoices("100001")
    credit = await unmatched_credit(clock, await statement(clock), "5000.00", "Q-1")
    await assign_credit(credit.id, "100001", await _staff(), [newer.id], clock=clock)
    assert (await Invoice.get(id=newer.id)).settlement == InvoiceStatus.PAID
    assert (await Invoice.get(id=oldest.id)).paid == oldest.paid
    allocations = await PaymentAllocation.filter(payment_id=credit.id)
    assert [a.invoice_id for a in allocations] == [newer.id]
    assert await check_figures() == []


async def test_an_invoice_of_another_account_or_paid_is_not_payable(clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    foreign = (await _open_invoices("100002"))[0]
    paid = await Invoice.filter(account__number="100001", settlement=InvoiceStatus.PAID).first()
    assert paid is not None
    for chosen in ([foreign.id], [paid.id]):
        with pytest.raises(ChosenInvoiceNotPayable):
            await assign_credit(credit.id, "100001", await _staff(), chosen, clock=clock)
    assert (await Payment.get(id=credit.id)).account_id is None
    assert await AuditEntry.filter(action="CREDIT_ASSIGNED").count() == 0


async def test_a_credit_is_assigned_once(clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    await assign_credit(credit.id, "100001", await _staff(), clock=clock)
    before = await _figures("100003")
    with pytest.raises(CreditAlreadyAssigned) as refused:
        await assign_credit(credit.id, "100003", await _staff(), clock=clock)
    assert refused.value.params == {"number": "100001"}
    assert await _figures("100003") == before
    assert await PaymentAllocation.filter(payment_id=credit.id).count() >= 1
    assert await check_figures() == []


async def test_unknown_account_and_unknown_credit_are_refused(clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    with pytest.raises(UnknownAccountNumber):
        await assign_credit(credit.id, "999999", await _staff(), clock=clock)
    with pytest.raises(CreditNotFound):
        await assign_credit(credit.id + 1000, "100001", await _staff(), clock=clock)
    assert await unmatched_count() == 1


async def test_reversal_restores_every_figure_exactly_and_returns_the_credit(
    clock: Clock,
) -> None:
    oldest, _newer = await _open_invoices("100001")
    balance_before, invoices_before = await _figures("100001")
    amount = oldest.gross - oldest.paid + Decimal("0.01")
    credit = await unmatched_credit(clock, await statement(clock), str(amount), "Q-1")
    await assign_credit(credit.id, "100001", await _staff(), clock=clock)
    version_between = (await Account.get(number="100001")).version
    assert await _figures("100001") != (balance_before, invoices_before)

    await reverse_assignment(credit.id, await _staff(), "  pomyłka: inny Kowalski  ", clock=clock)

    assert await _figures("100001") == (balance_before, invoices_before)
    assert (await Account.get(number="100001")).version > version_between
    back = await Payment.get(id=credit.id)
    assert back.account_id is None and back.amount == amount
    assert await PaymentAllocation.filter(payment_id=credit.id).count() == 0
    assert await unmatched_count() == 1
    assert await check_figures() == []
    entry = await AuditEntry.get(action="CREDIT_ASSIGNMENT_REVERSED")
    assert entry.details["reason"] == "pomyłka: inny Kowalski"
    assert entry.details["account"] == "100001"
    # Back in the queue, it may go to the right account now.
    await assign_credit(credit.id, "100003", await _staff(), clock=clock)
    assert await check_figures() == []


async def test_reversal_needs_a_reason_and_an_assigned_bank_credit(clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    with pytest.raises(CreditNotAssigned):
        await reverse_assignment(credit.id, await _staff(), "powód", clock=clock)
    await assign_credit(credit.id, "100001", await _staff(), [], clock=clock)
    with pytest.raises(ReversalReasonRequired):
        await reverse_assignment(credit.id, await _staff(), "   ", clock=clock)
    with pytest.raises(CreditNotFound):
        await reverse_assignment(
            credit.id, await _staff(), "powód", clock=clock, account_number="100003"
        )
    online = await Payment.filter(method=PaymentMethod.ONLINE).first()
    transfer = await Payment.filter(
        method=PaymentMethod.BANK_TRANSFER, statement_id__isnull=True
    ).first()
    assert online is not None and transfer is not None
    for payment in (online, transfer):
        with pytest.raises(NotABankCredit):
            await reverse_assignment(payment.id, await _staff(), "powód", clock=clock)
    assert await AuditEntry.filter(action="CREDIT_ASSIGNMENT_REVERSED").count() == 0
    assert await check_figures() == []


async def test_concurrent_assignments_book_each_credit_once(
    clock: Clock, database_kind: str
) -> None:
    """Two staff assign the same credit to two accounts at once, and other credits to
    one account at once: one assignment of the first wins, every figure stays exact."""
    if database_kind != "postgres":
        pytest.skip("row locks need PostgreSQL (SQLite serialises whole transactions)")
    source = await statement(clock)
    contested = await unmatched_credit(clock, source, "70.00", "Q-0")
    others = [await unmatched_credit(clock, source, "33.33", f"Q-{n}") for n in range(1, 7)]
    staff = await _staff()

    async def attempt(payment_id: int, number: str) -> str:
        try:
            await assign_credit(payment_id, number, staff, clock=clock)
        except CreditAlreadyAssigned:
            return "refused"
        return "assigned"

    calls = [attempt(contested.id, "100001"), attempt(contested.id, "100003")]
    calls += [attempt(p.id, "100001") for p in others]
    results = await asyncio.gather(*calls)
    assert sorted(results[:2]) == ["assigned", "refused"]
    assert results[2:] == ["assigned"] * len(others)
    assert await PaymentAllocation.filter(payment_id=contested.id).count() >= 1
    assert await check_figures() == []

    reversals = [
        reverse_assignment(p.id, staff, "przegląd", clock=clock) for p in [contested, *others]
    ]
    await asyncio.gather(*reversals)
    assert await unmatched_count() == 1 + len(others)
    assert await check_figures() == []

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.allocation import Allocation, OpenInvoice, allocate

D = Decimal


def inv(id_: int, due: str, amount: str, issued: str = "2026-01-01") -> OpenInvoice:
    return OpenInvoice(id_, date.fromisoformat(issued), date.fromisoformat(due), D(amount))


INVOICES = [
    inv(3, "2026-03-15", "80.00"),
    inv(1, "2026-01-15", "100.00"),
    inv(2, "2026-02-15", "50.00"),
]


def test_oldest_due_first_with_partial_payment() -> None:
    allocations, credit = allocate(D("120.00"), INVOICES)
    assert allocations == [Allocation(1, D("100.00")), Allocation(2, D("20.00"))]
    assert credit == 0


def test_overpayment_stays_as_credit() -> None:
    allocations, credit = allocate(D("300.00"), INVOICES)
    assert [a.invoice_id for a in allocations] == [1, 2, 3]
    assert credit == D("70.00")


def test_chosen_invoices_only_and_rest_is_credit() -> None:
    allocations, credit = allocate(D("100.00"), INVOICES, chosen_ids=[3, 2])
    assert allocations == [Allocation(2, D("50.00")), Allocation(3, D("50.00"))]
    assert credit == 0
    allocations, credit = allocate(D("100.00"), INVOICES, chosen_ids=[2])
    assert allocations == [Allocation(2, D("50.00"))]
    assert credit == D("50.00")


def test_chosen_invoice_paid_meanwhile_leaves_a_credit() -> None:
    assert allocate(D("10.00"), INVOICES, chosen_ids=[99]) == ([], D("10.00"))
    # an empty choice is no choice: oldest first
    assert allocate(D("10.00"), INVOICES, chosen_ids=[])[0] == [Allocation(1, D("10.00"))]


def test_ties_broken_by_issue_date_then_id() -> None:
    same_due = [
        inv(7, "2026-02-01", "10", issued="2026-01-05"),
        inv(5, "2026-02-01", "10", issued="2026-01-05"),
        inv(9, "2026-02-01", "10", issued="2026-01-01"),
    ]
    allocations, _ = allocate(D("25"), same_due)
    assert allocations == [Allocation(9, D("10")), Allocation(5, D("10")), Allocation(7, D("5"))]


def test_zero_and_settled_invoices_get_nothing() -> None:
    invoices = [
        inv(1, "2026-01-01", "0.00"),
        inv(2, "2026-02-01", "-5.00"),
        inv(3, "2026-03-01", "5"),
    ]
    assert allocate(D("5"), invoices) == ([Allocation(3, D("5"))], D("0"))
    assert allocate(D("0"), INVOICES) == ([], D("0"))


@pytest.mark.parametrize("amount", ["-0.01", "1.005"])
def test_bad_amounts_are_refused(amount: str) -> None:
    with pytest.raises(ValueError):
        allocate(D(amount), INVOICES)


def test_duplicate_invoice_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        allocate(D("1"), [inv(1, "2026-01-01", "5"), inv(1, "2026-02-01", "5")])


amounts = st.decimals(min_value=0, max_value=2000, places=2)


@st.composite
def open_invoices(draw: st.DrawFn) -> list[OpenInvoice]:
    count = draw(st.integers(0, 8))
    ids = draw(st.lists(st.integers(1, 100), min_size=count, max_size=count, unique=True))
    return [
        OpenInvoice(
            id_,
            date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 5))),
            date(2026, 1, 15) + timedelta(days=draw(st.integers(0, 5))),
            draw(st.decimals(min_value=0, max_value=500, places=2)),
        )
        for id_ in ids
    ]


def _age(invoice: OpenInvoice) -> tuple[date, date, int]:
    return (invoice.due_date, invoice.issued_on, invoice.id)


@given(amounts, open_invoices(), st.none() | st.lists(st.integers(1, 100), min_size=1, max_size=5))
def test_allocation_invariants(
    amount: Decimal, invoices: list[OpenInvoice], chosen: list[int] | None
) -> None:
    allocations, credit = allocate(amount, invoices, chosen)
    by_id = {i.id: i for i in invoices}
    considered = [i for i in invoices if chosen is None or i.id in chosen]
    got = {a.invoice_id: a.amount for a in allocations}
    assert sum(got.values()) + credit == amount
    assert credit >= 0
    assert len(got) == len(allocations)  # one allocation per invoice
    for a in allocations:
        assert a.invoice_id in {i.id for i in considered}
        assert 0 < a.amount <= by_id[a.invoice_id].amount_due
    if credit > 0:
        assert all(got.get(i.id, 0) == max(i.amount_due, 0) for i in considered)
    for invoice_id in got:
        for older in considered:
            if _age(older) < _age(by_id[invoice_id]) and older.amount_due > 0:
                assert got.get(older.id) == older.amount_due
    assert [a.invoice_id for a in allocations] == sorted(got, key=lambda i: _age(by_id[i]))

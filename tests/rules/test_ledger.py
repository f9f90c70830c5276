from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.ledger import (
    LedgerItem,
    LedgerLine,
    build_ledger,
    item_for_document,
    ledger_between,
    opening_balance_before,
)

D = Decimal
JAN_10 = date(2026, 1, 10)


def test_running_balance_with_debits_before_credits_on_the_same_day() -> None:
    payment = LedgerItem(JAN_10, "PAYMENT", "A/1", None, D("100.00"), order_key=(1,))
    invoice = LedgerItem(JAN_10, "INVOICE", "FV/2026/01/000001", D("120.00"), None, (2,))
    earlier = LedgerItem(date(2026, 1, 2), "INTEREST_NOTE", "NO/1", D("3.50"), None)
    lines = build_ledger([payment, invoice, earlier], opening_balance=D("10.00"))
    assert [(ln.reference, ln.balance_after) for ln in lines] == [
        ("NO/1", D("13.50")),
        ("FV/2026/01/000001", D("133.50")),
        ("A/1", D("33.50")),
    ]
    assert isinstance(lines[0], LedgerLine)
    assert lines[1].debit == D("120.00") and lines[1].credit is None


def test_order_key_then_reference_break_ties() -> None:
    a = LedgerItem(JAN_10, "INVOICE", "B", D("1"), None, order_key=(1,))
    b = LedgerItem(JAN_10, "INVOICE", "A", D("2"), None, order_key=(2,))
    c = LedgerItem(JAN_10, "INVOICE", "C", D("3"), None, order_key=(2,))
    assert [ln.reference for ln in build_ledger([c, b, a])] == ["B", "A", "C"]


def test_negative_correction_is_a_credit() -> None:
    note = LedgerItem(JAN_10, "CORRECTION", "FK/1", D("-20.00"), None)
    assert (note.debit, note.credit) == (None, D("20.00"))
    reversal = LedgerItem(JAN_10, "PAYMENT", "P/2", None, D("-5"))
    assert (reversal.debit, reversal.credit) == (D("5"), None)
    assert item_for_document(JAN_10, "CORRECTION", "FK/2", D("-7")).credit == D("7")
    assert item_for_document(JAN_10, "CORRECTION", "FK/3", D("7")).debit == D("7")
    assert item_for_document(JAN_10, "PAYMENT", "P/3", D("7")).credit == D("7")
    assert item_for_document(JAN_10, "REFUND", "R/1", D("7")).debit == D("7")


@pytest.mark.parametrize(
    ("kind", "debit", "credit"),
    [("INVOICE", None, None), ("INVOICE", D("1"), D("1")), ("FEE", D("1"), None)],
)
def test_malformed_items_are_refused(
    kind: str, debit: Decimal | None, credit: Decimal | None
) -> None:
    with pytest.raises(ValueError):
        LedgerItem(JAN_10, kind, "X", debit, credit)


def test_opening_balance_and_range() -> None:
    items = [
        LedgerItem(date(2026, 1, 5), "INVOICE", "F1", D("100"), None),
        LedgerItem(date(2026, 1, 20), "PAYMENT", "P1", None, D("60")),
        LedgerItem(date(2026, 2, 5), "INVOICE", "F2", D("50"), None),
        LedgerItem(date(2026, 3, 1), "PAYMENT", "P2", None, D("90")),
    ]
    assert opening_balance_before(items, date(2026, 1, 5)) == 0
    assert opening_balance_before(items, date(2026, 1, 6)) == D("100")
    assert opening_balance_before(items, date(2026, 2, 5)) == D("40")
    february = ledger_between(items, date(2026, 2, 1), date(2026, 2, 28))
    assert [(ln.reference, ln.balance_after) for ln in february] == [("F2", D("90"))]
    assert ledger_between(items, None, None)[-1].balance_after == D("0")
    assert [ln.reference for ln in ledger_between(items, date(2026, 1, 20), None)] == [
        "P1",
        "F2",
        "P2",
    ]


amounts = st.decimals(min_value=0, max_value=10000, places=2)


@st.composite
def ledger_items(draw: st.DrawFn) -> LedgerItem:
    day = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 14)))
    kind = draw(st.sampled_from(["INVOICE", "CORRECTION", "INTEREST_NOTE", "PAYMENT", "REFUND"]))
    amount = draw(amounts)
    if kind == "CORRECTION":
        amount = draw(st.sampled_from([amount, -amount]))
    ref = draw(st.text("ABC123/", min_size=1, max_size=6))
    return item_for_document(day, kind, ref, amount, (draw(st.integers(0, 5)),))


item_lists = st.lists(ledger_items(), max_size=30)


@given(item_lists, amounts)
def test_final_balance_is_opening_plus_debits_minus_credits(
    items: list[LedgerItem], opening: Decimal
) -> None:
    lines = build_ledger(items, opening)
    assert len(lines) == len(items)
    expected = opening + sum(i.debit or 0 for i in items) - sum(i.credit or 0 for i in items)
    assert (lines[-1].balance_after if lines else opening) == expected
    balance = opening
    for line in lines:
        assert (line.debit is None) != (line.credit is None)
        assert (line.debit or 0) >= 0 and (line.credit or 0) >= 0
        balance += (line.debit or 0) - (line.credit or 0)
        assert line.balance_after == balance
    for before, after in pairwise(lines):
        assert before.date <= after.date
        if before.date == after.date and before.debit is None:
            assert after.debit is None  # no debit after a credit on the same day


@given(item_lists, st.integers(0, 15), st.integers(0, 15))
def test_statement_for_a_range_ends_where_the_full_ledger_does(
    items: list[LedgerItem], a: int, b: int
) -> None:
    date_from = date(2026, 1, 1) + timedelta(days=min(a, b))
    date_to = date(2026, 1, 1) + timedelta(days=max(a, b))
    in_range = [i for i in items if date_from <= i.date <= date_to]
    statement = build_ledger(in_range, opening_balance_before(items, date_from))
    full_up_to = build_ledger([i for i in items if i.date <= date_to])
    end = full_up_to[-1].balance_after if full_up_to else D("0")
    assert (
        statement[-1].balance_after if statement else opening_balance_before(items, date_from)
    ) == end
    assert ledger_between(items, date_from, date_to) == statement

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.invoice_status import amount_due, invoice_status

D = Decimal
DUE = date(2026, 3, 14)


@pytest.mark.parametrize(
    ("gross", "paid", "today", "expected"),
    [
        ("100.00", "100.00", date(2026, 5, 1), "PAID"),
        ("100.00", "120.00", DUE, "PAID"),
        ("-20.00", "0", date(2026, 5, 1), "PAID"),  # credit note
        ("0.00", "0", DUE, "PAID"),
        ("100.00", "0", DUE, "UNPAID"),  # due today is not late
        ("100.00", "0", date(2026, 3, 15), "OVERDUE"),
        ("100.00", "40.00", DUE, "PARTIALLY_PAID"),
        ("100.00", "40.00", date(2026, 3, 15), "OVERDUE"),
        ("100.00", "99.99", date(2026, 1, 1), "PARTIALLY_PAID"),
    ],
)
def test_invoice_status(gross: str, paid: str, today: date, expected: str) -> None:
    assert invoice_status(D(gross), D(paid), DUE, today) == expected


def test_amount_due_never_negative() -> None:
    assert amount_due(D("100.00"), D("40.00")) == D("60.00")
    assert amount_due(D("100.00"), D("140.00")) == 0
    assert amount_due(D("-20.00"), D("0")) == 0


money = st.decimals(min_value=-1000, max_value=1000, places=2)


@given(money, st.decimals(min_value=0, max_value=2000, places=2), st.integers(-40, 40))
def test_status_agrees_with_amount_due(gross: Decimal, paid: Decimal, offset: int) -> None:
    today = DUE + timedelta(days=offset)
    status = invoice_status(gross, paid, DUE, today)
    due = amount_due(gross, paid)
    assert due >= 0
    assert (status == "PAID") == (due == 0)
    if status == "OVERDUE":
        assert today > DUE and due > 0
    if status == "PARTIALLY_PAID":
        assert 0 < paid < gross and today <= DUE
    if status == "UNPAID":
        assert paid == 0 and today <= DUE

"""The bulk writes' shortcut conversions store what the field's own conversion stores.

The billing run converts every value it writes; its shortcuts for already typed values
(models/services/bulk.py) must never give another stored value, nor accept a value the
field would refuse.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tortoise import Model
from tortoise.fields import BooleanField, CharField, DateField, DecimalField, IntField
from tortoise.fields.data import CharEnumFieldInstance

from models.orm import Account, Invoice, InvoiceLine, PaymentAllocation, Reading
from models.services.bulk import converter, field_conversion

WRITTEN = (Invoice, InvoiceLine, Reading, Account, PaymentAllocation)
FIELDS = [
    (model, name)
    for model in WRITTEN
    for name, field in model._meta.fields_map.items()
    if isinstance(
        field,
        IntField | DateField | DecimalField | BooleanField | CharField | CharEnumFieldInstance,
    )
]

ANY_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.booleans(),
    st.dates(),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**9, min_value=-(10**9)
    ),
    st.text(max_size=300),
    st.sampled_from(["2026-12-01", "12", "INVOICE", "UNPAID", "WATER", "COLLECTOR", "M3"]),
)


def _outcome(convert: Any, value: Any) -> tuple[str, Any]:
    try:
        stored = convert(value)
        # repr: the type and the exact text (781.500 is not 781.5; NaN equals itself)
        return ("stored", f"{type(stored).__name__} {stored!r}")
    except Exception as refused:  # the kind of refusal is what is compared
        return ("refused", type(refused).__name__)


def test_every_written_field_is_covered() -> None:
    names = {(m.__name__, n) for m, n in FIELDS}
    assert ("Invoice", "gross") in names and ("InvoiceLine", "service") in names
    assert ("Reading", "read_on") in names and ("Invoice", "number") in names


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
@settings(deadline=None, max_examples=60)
@given(value=ANY_VALUE)
def test_shortcut_stores_what_the_field_stores(model: type[Model], name: str, value: Any) -> None:
    shortcut, own = (
        _outcome(converter(model, name), value),
        _outcome(field_conversion(model, name), value),
    )
    assert shortcut == own


def test_typed_values_take_the_same_text_as_the_orm() -> None:
    gross = converter(Invoice, "gross")
    assert str(gross(Decimal("12.5"))) == "12.50"
    assert converter(Invoice, "issued_on")(date(2026, 12, 2)) == date(2026, 12, 2)
    assert converter(InvoiceLine, "service")("WATER") == "WATER"

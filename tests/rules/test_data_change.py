"""Which corrections a customer may ask for, and which values will do."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import (
    DataChangeEmpty,
    DataChangeFieldRepeated,
    DataChangeUnknownField,
    DataChangeValueInvalid,
)
from models.rules.data_change import FIELDS, FieldChange, requested_changes, valid_nip

CURRENT = {
    "holderName": "Jan Kowalski",
    "street": "ul. Lipowa",
    "buildingNumber": "12",
    "apartmentNumber": "4",
    "postalCode": "00-950",
    "city": "Warszawa",
    "email": "jan@example.com",
    "phone": "600100200",
    "taxId": None,
}


def test_only_what_differs_is_a_change_and_values_are_tidied() -> None:
    changes = requested_changes(
        CURRENT,
        [("city", "Warszawa"), ("phone", "  601  200 300 "), ("street", "ul.  Lipowa")],
    )
    assert changes == [FieldChange("phone", "600100200", "601 200 300")]


def test_an_optional_field_may_be_emptied_a_required_one_may_not() -> None:
    assert requested_changes(CURRENT, [("apartmentNumber", "  ")]) == [
        FieldChange("apartmentNumber", "4", "")
    ]
    with pytest.raises(DataChangeValueInvalid) as empty:
        requested_changes(CURRENT, [("city", " ")])
    assert empty.value.field == "city"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postalCode", "00950"),
        ("email", "jan@"),
        ("phone", "12"),
        ("phone", "call me"),
        ("taxId", "1234567890"),
        ("holderName", "x" * 201),
        ("street", "Lipowa\x00"),
    ],
)
def test_unfit_values_are_refused_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(DataChangeValueInvalid) as refused:
        requested_changes(CURRENT, [(field, value)])
    assert refused.value.field == field


def test_unknown_repeated_and_empty_requests_are_refused() -> None:
    with pytest.raises(DataChangeUnknownField):
        requested_changes(CURRENT, [("balance", "0")])
    with pytest.raises(DataChangeFieldRepeated):
        requested_changes(CURRENT, [("phone", "601200300"), ("phone", "602200300")])
    with pytest.raises(DataChangeEmpty):
        requested_changes(CURRENT, [("city", "Warszawa")])
    with pytest.raises(DataChangeEmpty):
        requested_changes(CURRENT, [])


def test_a_tax_id_is_checked_by_its_control_digit() -> None:
    assert valid_nip("5260250274")  # the Ministry of Finance's own NIP
    assert not valid_nip("5260250275")
    changes = requested_changes(CURRENT, [("taxId", "526-025-02-74")])
    assert changes == [FieldChange("taxId", None, "5260250274")]


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([f.name for f in FIELDS]), st.text(max_size=40)),
        max_size=12,
    )
)
def test_an_accepted_request_changes_each_named_field_once_to_a_new_value(
    requested: list[tuple[str, str]],
) -> None:
    try:
        changes = requested_changes(CURRENT, requested)
    except (DataChangeEmpty, DataChangeFieldRepeated, DataChangeValueInvalid):
        return
    fields = [c.field for c in changes]
    assert len(fields) == len(set(fields)) and set(fields) <= {name for name, _ in requested}
    for change in changes:
        assert change.new_value != (CURRENT[change.field] or "")
        assert change.old_value == CURRENT[change.field]
        assert change.new_value == change.new_value.strip()

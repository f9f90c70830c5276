"""What a customer may ask to correct in their data, and whether a value will do.

A data-change request lists fields of the account (the holder, the correspondence
address, the contact e-mail and phone, the tax id) with the values the customer
wants. Each value is tidied (surrounding and repeated spaces dropped) and checked
the way the account stores it; a field asked to keep its value is no change at all.
Staff decide every request: nothing here changes data by itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.errors import (
    DataChangeEmpty,
    DataChangeFieldRepeated,
    DataChangeUnknownField,
    DataChangeValueInvalid,
)
from models.rules.registration import EMAIL_PATTERN

_POSTAL = re.compile(r"\d{2}-\d{3}")
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{7,20}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ChangeableField:
    """A field of the account a customer may ask to change."""

    name: str  # as the API names it
    column: str  # the account's attribute
    label: str  # as the pages name it
    max_length: int
    required: bool = True
    hint: str = ""


FIELDS: tuple[ChangeableField, ...] = (
    ChangeableField("holderName", "holder_name", "Imię i nazwisko lub nazwa", 200),
    ChangeableField("street", "street", "Ulica", 120),
    ChangeableField("buildingNumber", "building_number", "Numer budynku", 16),
    ChangeableField("apartmentNumber", "apartment_number", "Numer lokalu", 16, required=False),
    ChangeableField("postalCode", "postal_code", "Kod pocztowy", 6, hint="w formacie 00-000"),
    ChangeableField("city", "city", "Miejscowość", 80),
    ChangeableField(
        "email",
        "email",
        "Adres e-mail do korespondencji",
        254,
        required=False,
        hint="nazwa@domena.pl",
    ),
    ChangeableField(
        "phone", "phone", "Telefon", 32, required=False, hint="9 cyfr, np. 600 100 200"
    ),
    ChangeableField("taxId", "tax_id", "NIP", 10, required=False, hint="10 cyfr"),
)
BY_NAME: dict[str, ChangeableField] = {f.name: f for f in FIELDS}

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old_value: str | None
    new_value: str

    def as_json(self) -> dict[str, str | None]:
        return {"field": self.field, "oldValue": self.old_value, "newValue": self.new_value}


def valid_nip(digits: str) -> bool:
    """A Polish tax id: ten digits whose weighted sum mod 11 is the last digit."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=False))
    return total % 11 == int(digits[9])


def tidy(field: ChangeableField, value: str) -> str:
    """The value as it would be stored: spaces tidied; a tax id without separators."""
    text = _SPACES.sub(" ", value).strip()
    if field.name == "taxId":
        text = text.replace("-", "").replace(" ", "")
    return text


def check_value(field: ChangeableField, text: str) -> None:
    """Raise DataChangeValueInvalid when `text` (tidied) would not do for `field`."""
    if not text:
        if field.required:
            raise DataChangeValueInvalid(field.name, why="to pole nie może być puste")
        return
    if len(text) > field.max_length or not text.isprintable():
        raise DataChangeValueInvalid(
            field.name, why=f"najwyżej {field.max_length} znaków, bez znaków sterujących"
        )
    if field.name == "postalCode" and not _POSTAL.fullmatch(text):
        raise DataChangeValueInvalid(field.name, why="kod pocztowy ma postać 00-000")
    if field.name == "email" and not EMAIL_PATTERN.fullmatch(text):
        raise DataChangeValueInvalid(field.name, why="podaj adres w formacie nazwa@domena.pl")
    if field.name == "phone" and not (
        _PHONE.fullmatch(text) and 9 <= sum(c.isdigit() for c in text) <= 15
    ):
        raise DataChangeValueInvalid(field.name, why="podaj numer telefonu: 9 do 15 cyfr")
    if field.name == "taxId" and not valid_nip(text):
        raise DataChangeValueInvalid(field.name, why="NIP to 10 cyfr z poprawną cyfrą kontrolną")


def requested_changes(
    current: Mapping[str, str | None], requested: Sequence[tuple[str, str]]
) -> list[FieldChange]:
    """The changes a request asks for, checked, in the order of FIELDS.

    `current` holds the account's values by API name; `requested` the pairs
    (field, new value) as sent. Fields asked to keep their value are left out; a
    request that changes nothing, an unknown or repeated field, or an unfit value is
    refused with the error naming the field."""
    seen: set[str] = set()
    changes: dict[str, FieldChange] = {}
    for name, value in requested:
        field = BY_NAME.get(name)
        if field is None:
            raise DataChangeUnknownField("changes", field_name=name[:40])
        if name in seen:
            raise DataChangeFieldRepeated(name)
        seen.add(name)
        text = tidy(field, value)
        check_value(field, text)
        old = current.get(name) or None
        if text != (old or ""):
            changes[name] = FieldChange(name, old, text)
    if not changes:
        raise DataChangeEmpty("changes")
    return [changes[f.name] for f in FIELDS if f.name in changes]

"""Checks on failure reports and announcements, and whose street an outage names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import AnnouncementKind
from models.errors import (
    AnnouncementPeriodInvalid,
    InvalidEmail,
    InvalidPhone,
    PhotoTypeNotAllowed,
    Required,
    TextTooLong,
)
from models.rules.talk import (
    DESCRIPTION_MAX,
    AnnouncementInput,
    FailureReportInput,
    check_announcement,
    check_failure_report,
    names_street,
    photo_extension,
    report_number,
)


def _report(**change: str | None) -> FailureReportInput:
    fields: dict[str, str | None] = {
        "address": " ul. Lipowa 12 ",
        "description": "Wyciek",
        "contact_phone": None,
        "contact_email": None,
    }
    return FailureReportInput(**{**fields, **change})  # type: ignore[arg-type]


def test_a_report_is_trimmed_and_blank_contacts_are_none() -> None:
    checked = check_failure_report(_report(contact_phone="  ", contact_email=""))
    assert checked.address == "ul. Lipowa 12"
    assert checked.contact_phone is None and checked.contact_email is None


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"address": ""}, Required, "address"),
        ({"description": "\n "}, Required, "description"),
        ({"description": "x" * (DESCRIPTION_MAX + 1)}, TextTooLong, "description"),
        ({"contact_phone": "abc"}, InvalidPhone, "contactPhone"),
        ({"contact_phone": "+48 600 100 200 300 400"}, InvalidPhone, "contactPhone"),
        ({"contact_email": "a@b"}, InvalidEmail, "contactEmail"),
    ],
)
def test_bad_reports_name_the_field(change: dict[str, str], error: type, field: str) -> None:
    with pytest.raises(error) as raised:
        check_failure_report(_report(**change))
    assert raised.value.field == field


@pytest.mark.parametrize("phone", ["600100200", "+48 600 100 200", "22-123-45-67", "994 123 456"])
def test_phone_numbers_as_people_write_them(phone: str) -> None:
    assert check_failure_report(_report(contact_phone=phone)).contact_phone == phone


def test_only_jpeg_png_and_heic_photos() -> None:
    assert photo_extension("image/jpeg") == "jpg"
    assert photo_extension("image/heif") == "heic"
    for refused in ("application/pdf", "image/gif", None):
        with pytest.raises(PhotoTypeNotAllowed):
            photo_extension(refused)


def test_an_announcement_may_not_end_before_it_starts() -> None:
    start = datetime(2026, 11, 25, 7, tzinfo=UTC)
    announcement = AnnouncementInput(
        AnnouncementKind.FAILURE, "Awaria", "Treść", start, start.replace(hour=6)
    )
    with pytest.raises(AnnouncementPeriodInvalid):
        check_announcement(announcement)


def test_the_report_number_carries_the_polish_year() -> None:
    # 23:30 UTC on New Year's Eve is already the next year in Poland.
    assert report_number(7, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "AW/2027/000007"


@pytest.mark.parametrize(
    ("text", "street", "named"),
    [
        ("Przerwa na ulicach: ul. Lipowa (nr 2–18), ul. Klonowa", "ul. Lipowa", True),
        ("Beczkowóz przy skrzyżowaniu ul. Lipowej i ul. Klonowej", "ul. Lipowa", True),
        ("Awaria na ulicy SŁONECZNEJ", "ul. Słoneczna", True),
        ("Wyłączenie: al. Jana Pawła II", "al. Jana Pawła II", True),
        ("Przerwa na ul. Klonowej", "ul. Lipowa", False),
        ("Lipiec bez przerw", "ul. Lipowa", False),
        ("Cokolwiek", "ul.", False),
    ],
)
def test_an_outage_names_a_street_even_declined(text: str, street: str, named: bool) -> None:
    assert names_street(text, street) is named


@settings(deadline=None)
@given(st.text(max_size=200), st.text(max_size=40))
def test_street_matching_never_fails(text: str, street: str) -> None:
    assert names_street(text, street) in (True, False)

"""Checks on what the public reports and staff publish: failure reports and announcements.

Pure decisions: each raises the domain error of the first field at fault, named as
the API's input field, so pages show the message beside that field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models.enums import AnnouncementKind
from models.errors import (
    AnnouncementPeriodInvalid,
    InvalidEmail,
    InvalidPhone,
    PhotoTypeNotAllowed,
    Required,
    TextTooLong,
)
from models.rules.registration import EMAIL_PATTERN

_WARSAW = ZoneInfo("Europe/Warsaw")
ADDRESS_MAX = 300
DESCRIPTION_MAX = 4000
TITLE_MAX = 200
BODY_MAX = 10_000
EMAIL_MAX = 254
# Digits with optional spaces, dashes and a leading +: 9 to 15 digits (E.164 allows 15).
PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 \-]{7,20}")

# Failure reports an address may send per hour before it must wait (or phone).
REPORTS_PER_HOUR = 5

# What a photo may be, told by its content: detector's MIME type -> stored extension.
PHOTO_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
}
# The type a stored photo is served as, by its extension.
PHOTO_MIME = {"jpg": "image/jpeg", "png": "image/png", "heic": "image/heic"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def report_number(report_id: int, created_at: datetime) -> str:
    """What a reporter quotes on the phone: AW/2026/000123 (the year in Poland)."""
    return f"AW/{created_at.astimezone(_WARSAW).year}/{report_id:06d}"


@dataclass(frozen=True)
class FailureReportInput:
    address: str
    description: str
    contact_phone: str | None
    contact_email: str | None


def _text(value: str, field: str, limit: int, what: str, what_en: str) -> str:
    text = value.strip()
    if not text:
        raise Required(field)
    if len(text) > limit:
        raise TextTooLong(field, what=what, what_en=what_en, limit=limit)
    return text


def check_failure_report(report: FailureReportInput) -> FailureReportInput:
    """The report as it will be stored (trimmed; blank contacts as None)."""
    address = _text(report.address, "address", ADDRESS_MAX, "Adres", "The address")
    description = _text(
        report.description, "description", DESCRIPTION_MAX, "Opis", "The description"
    )
    phone = (report.contact_phone or "").strip() or None
    if phone is not None:
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE_PATTERN.fullmatch(phone) or not 9 <= digits <= 15:
            raise InvalidPhone("contactPhone")
    email = (report.contact_email or "").strip() or None
    if email is not None and (len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email)):
        raise InvalidEmail("contactEmail")
    return FailureReportInput(address, description, phone, email)


def photo_extension(detected_mime: str | None) -> str:
    """The stored extension of an allowed photo type; PhotoTypeNotAllowed otherwise."""
    extension = PHOTO_TYPES.get(detected_mime or "")
    if extension is None:
        raise PhotoTypeNotAllowed("photo")
    return extension


@dataclass(frozen=True)
class AnnouncementInput:
    kind: AnnouncementKind
    title: str
    body: str
    valid_from: datetime | None
    valid_to: datetime | None


def check_announcement(announcement: AnnouncementInput) -> AnnouncementInput:
    title = _text(announcement.title, "title", TITLE_MAX, "Tytuł", "The title")
    body = _text(announcement.body, "body", BODY_MAX, "Treść", "The text")
    start, end = announcement.valid_from, announcement.valid_to
    if start is not None and end is not None and end < start:
        raise AnnouncementPeriodInvalid("validTo")
    return AnnouncementInput(announcement.kind, title, body, start, end)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def names_street(text: str, street: str) -> bool:
    """Whether an announcement's text names the street: its name's words in a row,
    without the "ul."/"al." prefix, whatever the case. The last word is compared by
    its stem, so a declined name counts too ("ul. Lipowa" in "na ulicy Lipowej")."""
    wanted = [w for w in _words(street) if w not in {"ul", "al", "pl", "os", "ulica", "aleja"}]
    if not wanted:
        return False
    words = _words(text)
    # The last word of the street may be declined: compare its stem (all but 2 letters).
    stem = wanted[-1][:-2] if len(wanted[-1]) > 4 else wanted[-1]
    for i in range(len(words) - len(wanted) + 1):
        head = words[i : i + len(wanted) - 1]
        last = words[i + len(wanted) - 1]
        if head == wanted[:-1] and last.startswith(stem):
            return True
    return False

"""Message threads between a customer and the office: numbers, answer deadlines,
status changes, text limits and which attachments are allowed.

Pure decisions; each raises the domain error of the first field at fault, named as
the API's input field, so pages show the message beside that field.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models.enums import Author, ThreadCategory, ThreadStatus
from models.errors import (
    AttachmentTooLarge,
    AttachmentTypeNotAllowed,
    Required,
    TextTooLong,
    ThreadClosed,
    TooManyAttachments,
)

_WARSAW = ZoneInfo("Europe/Warsaw")
SUBJECT_MAX = 200
BODY_MAX = 5000
FILENAME_MAX = 255

# How a category reads in Polish (pages and e-mails).
CATEGORY_LABELS = {
    ThreadCategory.QUESTION: "Pytanie",
    ThreadCategory.COMPLAINT: "Reklamacja",
    ThreadCategory.REQUEST: "Wniosek",
    ThreadCategory.REMARK: "Uwaga",
    ThreadCategory.GRIEVANCE: "Skarga",
}

# Days within which the law expects an answer: a complaint (reklamacja) and a
# grievance (skarga) 14 days, a request (wniosek) 30 days. Others have no legal term.
LEGAL_ANSWER_DAYS = {
    ThreadCategory.COMPLAINT: 14,
    ThreadCategory.GRIEVANCE: 14,
    ThreadCategory.REQUEST: 30,
}
# Threads without a legal term still join staff's queue: answered within 30 days.
OFFICE_ANSWER_DAYS = 30

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_MESSAGE = 5

# What an attachment may be, told by its content: MIME type -> stored extension.
ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "text/plain": "txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
}
# An OLE compound file (legacy Office) says what it holds only deep inside; among
# compound files only Word and Excel documents are taken, by the name's extension.
OLE_BY_EXTENSION = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}
# What the opening of a file says, for the types a detector names several ways.
DETECTED_ALIASES = {"image/heif": "image/heic", "image/jpg": "image/jpeg"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def thread_number(thread_id: int, created_at: datetime) -> str:
    """What a customer quotes: W/2026/000123 (the year in Poland)."""
    return f"W/{created_at.astimezone(_WARSAW).year}/{thread_id:06d}"


def legal_answer_due(category: ThreadCategory, created_at: datetime) -> date | None:
    """The last day of the legal term to answer, counted from the day it was sent
    (in Poland); None for categories without one."""
    days = LEGAL_ANSWER_DAYS.get(category)
    if days is None:
        return None
    return created_at.astimezone(_WARSAW).date() + timedelta(days=days)


def respond_by(category: ThreadCategory, created_at: datetime) -> date:
    """The day by which staff should answer: the legal term, else the office's own."""
    legal = legal_answer_due(category, created_at)
    if legal is not None:
        return legal
    return created_at.astimezone(_WARSAW).date() + timedelta(days=OFFICE_ANSWER_DAYS)


def status_after_message(status: ThreadStatus, author: Author) -> ThreadStatus:
    """A staff reply answers a thread, a customer's message opens it again; a closed
    thread takes no new messages."""
    if status == ThreadStatus.CLOSED:
        raise ThreadClosed("threadId")
    return ThreadStatus.ANSWERED if author == Author.STAFF else ThreadStatus.OPEN


def _text(value: str, field: str, limit: int, what: str, what_en: str) -> str:
    text = value.strip()
    if not text:
        raise Required(field)
    if len(text) > limit:
        raise TextTooLong(field, what=what, what_en=what_en, limit=limit)
    return text


def check_subject(subject: str) -> str:
    return _text(subject, "subject", SUBJECT_MAX, "Temat", "The subject")


def check_body(body: str) -> str:
    return _text(body, "body", BODY_MAX, "Treść wiadomości", "The message")


@dataclass(frozen=True)
class AttachmentLimits:
    max_bytes: int = ATTACHMENT_MAX_BYTES
    per_message: int = ATTACHMENTS_PER_MESSAGE

    @property
    def megabytes(self) -> int:
        return max(1, self.max_bytes // (1024 * 1024))


def check_attachment_count(count: int, limits: AttachmentLimits) -> None:
    if count > limits.per_message:
        raise TooManyAttachments("attachments", limit=limits.per_message)


def check_attachment_size(size: int, limits: AttachmentLimits) -> None:
    if size > limits.max_bytes:
        raise AttachmentTooLarge("attachments", megabytes=limits.megabytes)


def looks_like_text(head: bytes) -> bool:
    """Plain text: UTF-8 (a character cut at the end of `head` allowed) with no control
    characters other than tab, line breaks and form feed."""
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3 or error.reason != "unexpected end of data":
            return False
        text = head[: error.start].decode("utf-8")
    return all(ch >= " " or ch in "\t\n\r\f" for ch in text) and "\x7f" not in text


def office_zip_type(names: list[str], mimetype_entry: bytes | None) -> str | None:
    """The office document a ZIP holds, by its parts: OOXML's [Content_Types].xml with
    word/document.xml or xl/workbook.xml, or OpenDocument's `mimetype` entry."""
    if mimetype_entry is not None:
        declared = mimetype_entry.strip().decode("ascii", "replace")
        if declared in ATTACHMENT_TYPES and declared.startswith("application/vnd.oasis"):
            return declared
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def attachment_type(
    head: bytes,
    detected: str | None,
    filename: str,
    zip_type: str | None = None,
) -> tuple[str, str]:
    """(MIME type, stored extension) of an allowed attachment, by its content: the
    opening bytes, a detector's verdict on them, and for a ZIP what it holds. The
    name decides nothing, except which of Word or Excel a compound file is."""
    if head.startswith(ZIP_MAGIC):
        mime = zip_type
    elif head.startswith(OLE_MAGIC):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        mime = OLE_BY_EXTENSION.get(extension)
    else:
        mime = DETECTED_ALIASES.get(detected or "", detected)
        if mime not in ATTACHMENT_TYPES or mime.startswith("application/vnd"):
            mime = "text/plain" if looks_like_text(head) else None
    if mime is None or mime not in ATTACHMENT_TYPES:
        raise AttachmentTypeNotAllowed("attachments", filename=safe_display_name(filename))
    return mime, ATTACHMENT_TYPES[mime]


def safe_display_name(filename: str) -> str:
    """The name as sent, without any folder part or control characters, at most 255
    characters; "plik" when nothing is left."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    return name[:FILENAME_MAX] or "plik"


def ascii_filename(filename: str) -> str:
    """A plain-ASCII stand-in for a file name (for `filename=` of Content-Disposition):
    letters without their accents, anything else but digits, dots, dashes and
    underscores as "_"."""
    name = safe_display_name(filename).replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in plain).strip("._")
    return cleaned or "zalacznik"

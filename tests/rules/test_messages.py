"""Message threads: numbers, the legal answer terms, status changes and which files
are allowed, decided by content."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Author, ThreadCategory, ThreadStatus
from models.errors import (
    AttachmentTooLarge,
    AttachmentTypeNotAllowed,
    Required,
    TextTooLong,
    ThreadClosed,
    TooManyAttachments,
)
from models.rules.messages import (
    BODY_MAX,
    OLE_MAGIC,
    ZIP_MAGIC,
    AttachmentLimits,
    ascii_filename,
    attachment_type,
    check_attachment_count,
    check_attachment_size,
    check_body,
    check_subject,
    legal_answer_due,
    looks_like_text,
    office_zip_type,
    respond_by,
    safe_display_name,
    status_after_message,
    thread_number,
)

# 23:30 UTC on 31.12.2026 is already 1 January 2027 in Poland.
NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
NOON = datetime(2026, 11, 21, 11, 0, tzinfo=UTC)


def test_a_thread_number_carries_the_polish_year() -> None:
    assert thread_number(123, NOON) == "W/2026/000123"
    assert thread_number(7, NEW_YEARS_EVE) == "W/2027/000007"


@pytest.mark.parametrize(
    ("category", "due"),
    [
        (ThreadCategory.COMPLAINT, date(2026, 12, 5)),
        (ThreadCategory.GRIEVANCE, date(2026, 12, 5)),
        (ThreadCategory.REQUEST, date(2026, 12, 21)),
        (ThreadCategory.QUESTION, None),
        (ThreadCategory.REMARK, None),
    ],
)
def test_the_legal_answer_term_by_category(category: ThreadCategory, due: date | None) -> None:
    assert legal_answer_due(category, NOON) == due
    assert respond_by(category, NOON) == (due or date(2026, 12, 21))


def test_the_term_counts_from_the_day_in_poland() -> None:
    assert legal_answer_due(ThreadCategory.COMPLAINT, NEW_YEARS_EVE) == date(2027, 1, 15)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(list(ThreadCategory)),
)
@settings(deadline=None)
def test_staff_answer_by_the_legal_term_when_there_is_one(
    moment: datetime, category: ThreadCategory
) -> None:
    sent = moment.replace(tzinfo=UTC)
    legal = legal_answer_due(category, sent)
    assert legal is None or respond_by(category, sent) == legal
    assert respond_by(category, sent) > sent.date()


def test_a_staff_reply_answers_and_a_customer_message_reopens() -> None:
    assert status_after_message(ThreadStatus.OPEN, Author.STAFF) == ThreadStatus.ANSWERED
    assert status_after_message(ThreadStatus.ANSWERED, Author.CUSTOMER) == ThreadStatus.OPEN
    assert status_after_message(ThreadStatus.ANSWERED, Author.STAFF) == ThreadStatus.ANSWERED
    for author in Author:
        with pytest.raises(ThreadClosed) as refused:
            status_after_message(ThreadStatus.CLOSED, author)
        assert refused.value.field == "threadId"


def test_texts_are_trimmed_required_and_limited() -> None:
    assert check_subject("  Faktura  ") == "Faktura"
    with pytest.raises(Required):
        check_body(" \n ")
    assert check_body("x" * BODY_MAX) == "x" * BODY_MAX
    with pytest.raises(TextTooLong):
        check_body("x" * (BODY_MAX + 1))
    with pytest.raises(TextTooLong):
        check_subject("x" * 201)


def test_size_and_count_limits() -> None:
    limits = AttachmentLimits(max_bytes=10 * 1024 * 1024, per_message=5)
    check_attachment_size(10 * 1024 * 1024, limits)
    with pytest.raises(AttachmentTooLarge) as large:
        check_attachment_size(10 * 1024 * 1024 + 1, limits)
    assert large.value.code == "ATTACHMENT_TOO_LARGE"
    assert "10 MB" in large.value.message("pl")
    check_attachment_count(5, limits)
    with pytest.raises(TooManyAttachments):
        check_attachment_count(6, limits)


@pytest.mark.parametrize(
    ("head", "detected", "name", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf", "x.bin", "application/pdf"),
        (b"\xff\xd8\xff\xe0", "image/jpeg", "photo.pdf", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png", "a", "image/png"),
        (b"\x00\x00\x00\x18ftypheic", "image/heif", "a.heic", "image/heic"),
        ("Zażółć gęślą jaźń\r\n\tok".encode(), None, "notatka.exe", "text/plain"),
        (OLE_MAGIC + b"\x00" * 8, None, "pismo.DOC", "application/msword"),
        (OLE_MAGIC + b"\x00" * 8, None, "arkusz.xls", "application/vnd.ms-excel"),
    ],
)
def test_allowed_types_are_told_by_content(
    head: bytes, detected: str | None, name: str, expected: str
) -> None:
    assert attachment_type(head, detected, name)[0] == expected


@pytest.mark.parametrize(
    ("head", "detected", "name"),
    [
        (b"MZ\x90\x00\x03", "application/x-dosexec", "faktura.pdf"),
        (b"\x7fELF\x02\x01", None, "skan.jpg"),
        (OLE_MAGIC + b"\x00" * 8, None, "wiadomosc.msg"),
        (ZIP_MAGIC + b"\x00" * 8, "application/zip", "dokument.docx"),
        (b"GIF89a\x01\x00", "image/gif", "a.png"),
        (b"", None, "pusty.txt"),
        (b"text\x00with\x01controls", None, "a.txt"),
    ],
)
def test_other_content_is_refused_whatever_its_name(
    head: bytes, detected: str | None, name: str
) -> None:
    with pytest.raises(AttachmentTypeNotAllowed) as refused:
        attachment_type(head, detected, name)
    assert refused.value.field == "attachments"
    assert name in refused.value.message("pl")


def test_office_zips_by_their_parts() -> None:
    docx = ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
    xlsx = ["[Content_Types].xml", "xl/workbook.xml"]
    assert office_zip_type(docx, None).endswith("wordprocessingml.document")  # type: ignore[union-attr]
    assert office_zip_type(xlsx, None).endswith("spreadsheetml.sheet")  # type: ignore[union-attr]
    odt = office_zip_type(["mimetype", "content.xml"], b"application/vnd.oasis.opendocument.text")
    assert odt == "application/vnd.oasis.opendocument.text"
    assert office_zip_type(["mimetype"], b"application/epub+zip") is None
    assert office_zip_type(["word/document.xml"], None) is None
    assert office_zip_type(["evil.exe"], None) is None
    zipped = attachment_type(ZIP_MAGIC, "application/zip", "a.zip", office_zip_type(docx, None))
    assert zipped[1] == "docx"


def test_text_may_end_in_a_cut_character() -> None:
    text = "Zażółć".encode()
    assert looks_like_text(text[:-1])
    assert not looks_like_text(b"\xff\xfe\x00a")


def test_file_names_are_made_safe() -> None:
    assert safe_display_name("C:\\Users\\jan\\skan.pdf") == "skan.pdf"
    assert safe_display_name("../../etc/passwd") == "passwd"
    assert safe_display_name("a\r\nb.txt") == "ab.txt"
    assert safe_display_name("") == "plik"
    assert ascii_filename('Źródło "wody"; łąka.pdf') == "Zrodlo__wody___laka.pdf"
    assert ascii_filename("żółć") == "zolc"
    assert ascii_filename("日本") == "zalacznik"


@given(st.text(max_size=300))
@settings(deadline=None)
def test_an_ascii_name_is_always_safe_in_a_header(name: str) -> None:
    plain = ascii_filename(name)
    assert plain and plain.isascii()
    assert all(ch.isalnum() or ch in "._-" for ch in plain)

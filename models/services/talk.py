"""Failure reports from the public and announcements from staff: one use case, one
transaction each.

A failure report is throttled per client address through the shared allowance table
(models/services/allowances.py, under its own key), so every worker counts one
allowance; a photo is checked by its content and size before anything is stored, then
written under a generated name beside the report's row. The office learns of a new
report by e-mail, queued through the outbox in the report's transaction.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import BinaryIO

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.errors import FailureReportRateLimited, NotFound, PhotoTooLarge
from models.orm import Announcement, FailureReport, User
from models.rules import talk as rules
from models.rules.allowance import WINDOW
from models.services import audit, outbox, stored_files
from models.services.allowances import add_points, refund_points
from models.settings import UtilitySettings

PHOTO_FOLDER = "failure-reports"


def _megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def check_photo(photo: BinaryIO, limit: int = rules.PHOTO_MAX_BYTES) -> str:
    """The stored extension of an acceptable photo; raises before anything is stored.

    The photo's size is measured by seeking, not by reading it (the page has already
    refused one that outgrew the limit while it arrived)."""
    if stored_files.size_of(photo) > limit:
        raise PhotoTooLarge("photo", megabytes=_megabytes(limit))
    return rules.photo_extension(stored_files.detect_type(stored_files.head_of(photo)))


def photo_path(upload_dir: Path, key: str) -> Path | None:
    """Where a stored photo lies, for a key this module generated; None otherwise."""
    return stored_files.stored_path(upload_dir, PHOTO_FOLDER, key)


async def _throttle(client_address: str | None, clock: Clock) -> None:
    key = f"failure-report:{client_address or 'unknown'}"
    window = await add_points(key, 1, clock.now())
    if window.used > rules.REPORTS_PER_HOUR:
        await refund_points(key, 1, window)
        raise FailureReportRateLimited(window.start + WINDOW)


async def report_failure(
    report: rules.FailureReportInput,
    photo: BinaryIO | None,
    *,
    clock: Clock,
    client_address: str | None,
    upload_dir: Path,
    utility: UtilitySettings,
) -> FailureReport:
    """Store a report (and its photo) and tell the office; refusals store nothing."""
    checked = rules.check_failure_report(report)
    extension = check_photo(photo) if photo is not None else None
    await _throttle(client_address, clock)
    now = clock.now()
    stored: Path | None = None
    try:
        key = None
        if photo is not None and extension is not None:
            key, stored = await asyncio.to_thread(
                stored_files.store, photo, upload_dir, PHOTO_FOLDER, extension
            )
        async with in_transaction():
            row = await FailureReport.create(
                created_at=now,
                address=checked.address,
                description=checked.description,
                contact_phone=checked.contact_phone,
                contact_email=checked.contact_email,
                photo_key=key,
                photo_type=rules.PHOTO_MIME.get(extension or ""),
            )
            await outbox.queue_email(
                utility.email,
                "failure_reported",
                {
                    "number": rules.report_number(row.id, row.created_at),
                    "address": row.address,
                    "description": row.description,
                    "contact_phone": row.contact_phone or "",
                    "contact_email": row.contact_email or "",
                    "has_photo": key is not None,
                },
                now=now,
                key=f"failure-reported:{row.id}",
            )
            await audit.record(
                "FAILURE_REPORTED",
                at=now,
                actor=None,
                object_type="FailureReport",
                object_id=row.id,
                client_address=client_address,
            )
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return row


async def failure_reports_page(offset: int, limit: int) -> tuple[list[FailureReport], int]:
    """Newest first."""
    rows = await FailureReport.all().order_by("-created_at", "-id").offset(offset).limit(limit)
    return list(rows), await FailureReport.all().count()


async def mark_failure_handled(
    report_id: int, *, by: User, clock: Clock, client_address: str | None
) -> FailureReport:
    now = clock.now()
    async with in_transaction():
        row = await FailureReport.get_or_none(id=report_id)
        if row is None:
            raise NotFound("id")
        if row.handled_at is None:
            row.handled_at = now
            await row.save(update_fields=["handled_at"])
            await audit.record(
                "FAILURE_HANDLED",
                at=now,
                actor=by,
                object_type="FailureReport",
                object_id=row.id,
                client_address=client_address,
            )
    return row


async def publish_announcement(
    announcement: rules.AnnouncementInput,
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
) -> Announcement:
    checked = rules.check_announcement(announcement)
    now = clock.now()
    async with in_transaction():
        row = await Announcement.create(
            kind=checked.kind,
            title=checked.title,
            body=checked.body,
            published_at=now,
            valid_from=checked.valid_from,
            valid_to=checked.valid_to,
            created_by=by,
        )
        await audit.record(
            "ANNOUNCEMENT_PUBLISHED",
            at=now,
            actor=by,
            object_type="Announcement",
            object_id=row.id,
            client_address=client_address,
        )
    return row


async def announcement_history(offset: int, limit: int) -> tuple[list[Announcement], int]:
    """Every announcement, newest first."""
    rows = await Announcement.all().order_by("-published_at", "-id").offset(offset).limit(limit)
    return list(rows), await Announcement.all().count()

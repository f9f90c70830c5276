"""Talking with the utility: the public failure report, staff's view of the reports,
and the announcements staff publish (read by anyone through `announcements`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from models.errors import PhotoTypeNotAllowed
from models.rules.talk import AnnouncementInput, FailureReportInput
from resolvers import talk
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import IsStaff, IsStaffWriting, Public
from schema.types.common import Connection, check_page_size, connection, page_start
from schema.types.enums import AnnouncementKind
from schema.types.talk import Announcement, FailureReport


@strawberry.input
class ReportFailureInput:
    address: str
    description: str
    contact_phone: str | None = None
    contact_email: str | None = None
    photo: Upload | None = strawberry.field(
        default=None,
        description="JPEG, PNG or HEIC, told by its content; at most 10 MB. Sent by the "
        "/awaria page; /graphql does not take file uploads yet",
    )


@strawberry.input
class PublishAnnouncementInput:
    kind: AnnouncementKind
    title: str
    body: str
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@strawberry.type
class FailureReportPayload:
    report: FailureReport | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AnnouncementPayload:
    announcement: Announcement | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TalkQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: failure reports from the public form, newest first",
    )
    async def failure_reports(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[FailureReport]:
        size, start = check_page_size(first), page_start(after)
        rows, total = await talk.failure_reports(info.context, start, size)
        return connection([FailureReport.from_row(r) for r in rows], start, size, total)

    @strawberry.field(permission_classes=[IsStaff], description="STAFF: one failure report")
    async def failure_report(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> FailureReport | None:
        row = await talk.failure_report(info.context, str(id))
        return None if row is None else FailureReport.from_row(row)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: every announcement, current, coming and past, newest first",
    )
    async def announcement_history(
        self, info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
    ) -> Connection[Announcement]:
        size, start = check_page_size(first), page_start(after)
        rows, total = await talk.announcement_history(info.context, start, size)
        return connection([Announcement.from_row(r) for r in rows], start, size, total)


@strawberry.type
class TalkMutation:
    @mutation(permission_classes=[Public], description="PUBLIC: the 'Zgłoś awarię' form")
    async def report_failure(
        self, info: strawberry.Info[Context], input: ReportFailureInput
    ) -> FailureReportPayload:
        report = FailureReportInput(
            address=input.address,
            description=input.description,
            contact_phone=input.contact_phone,
            contact_email=input.contact_email,
        )
        photo: Any = input.photo
        # An uploaded file (Starlette's UploadFile) holds its content in `.file`; a
        # value that is no file at all (a string in JSON) is no photo either.
        stream = getattr(photo, "file", photo)
        if stream is not None and not (hasattr(stream, "read") and hasattr(stream, "seek")):
            raise PhotoTypeNotAllowed("photo")
        row = await talk.report_failure(info.context, report, stream)
        return FailureReportPayload(report=FailureReport.from_row(row))

    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: a failure report dealt with; it stays listed, marked handled",
    )
    async def mark_failure_report_handled(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> FailureReportPayload:
        row = await talk.mark_failure_handled(info.context, str(id))
        return FailureReportPayload(report=FailureReport.from_row(row))

    @mutation(permission_classes=[IsStaffWriting], description="STAFF")
    async def publish_announcement(
        self, info: strawberry.Info[Context], input: PublishAnnouncementInput
    ) -> AnnouncementPayload:
        announcement = AnnouncementInput(
            kind=input.kind,
            title=input.title,
            body=input.body,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
        )
        row = await talk.publish_announcement(info.context, announcement)
        return AnnouncementPayload(announcement=Announcement.from_row(row))

"""Failure reports (anyone may send one; staff read them) and announcements staff publish."""

from __future__ import annotations

from typing import BinaryIO

from models.errors import NotFound
from models.orm import Announcement, FailureReport, User
from models.rules.talk import AnnouncementInput, FailureReportInput
from models.services import talk
from resolvers.context import Context
from resolvers.ids import pk_of


def _viewer(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    return viewer


async def report_failure(
    ctx: Context, report: FailureReportInput, photo: BinaryIO | None
) -> FailureReport:
    row = await talk.report_failure(
        report,
        photo,
        clock=ctx.clock,
        client_address=ctx.client_address,
        upload_dir=ctx.settings.upload_dir,
        utility=ctx.settings.utility,
    )
    ctx.loaders.clear_all()
    return row


async def failure_reports(ctx: Context, offset: int, size: int) -> tuple[list[FailureReport], int]:
    # One more than the page: it says whether another page follows.
    return await talk.failure_reports_page(offset, size + 1)


async def failure_report(ctx: Context, report_id: str) -> FailureReport | None:
    pk = pk_of(report_id, "FailureReport")
    return None if pk is None else await FailureReport.get_or_none(id=pk)


async def mark_failure_handled(ctx: Context, report_id: str) -> FailureReport:
    pk = pk_of(report_id, "FailureReport")
    if pk is None:
        raise NotFound("id")
    return await talk.mark_failure_handled(
        pk, by=_viewer(ctx), clock=ctx.clock, client_address=ctx.client_address
    )


async def publish_announcement(ctx: Context, announcement: AnnouncementInput) -> Announcement:
    row = await talk.publish_announcement(
        announcement, by=_viewer(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return row


async def announcement_history(
    ctx: Context, offset: int, size: int
) -> tuple[list[Announcement], int]:
    return await talk.announcement_history(offset, size + 1)

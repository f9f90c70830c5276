"""Message threads: the customer writes on their own account's threads, staff on any."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from models.enums import Author, Role, ThreadCategory, ThreadStatus
from models.errors import NotFound
from models.orm import Attachment, Message, MessageThread, User
from models.services import messages
from models.services.messages import IncomingFile
from resolvers.context import Context
from resolvers.ids import pk_of


def _viewer(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    return viewer


async def send_message(
    ctx: Context,
    account_id: str,
    category: ThreadCategory,
    subject: str,
    body: str,
    files: Sequence[tuple[str, BinaryIO]],
) -> MessageThread:
    """On the customer's own account only (another's is "not found", as everywhere)."""
    viewer = _viewer(ctx)
    pk = pk_of(account_id, "Account")
    if pk is None or viewer.role != Role.CUSTOMER or not await ctx.can_see_account(pk):
        raise NotFound("accountId")
    settings = ctx.settings
    thread = await messages.send_message(
        pk,
        category,
        subject,
        body,
        [IncomingFile(name, stream) for name, stream in files],
        by=viewer,
        clock=ctx.clock,
        client_address=ctx.client_address,
        upload_dir=settings.upload_dir,
        limits=settings.attachments,
        utility=settings.utility,
    )
    ctx.loaders.clear_all()
    return thread


async def _visible_thread(ctx: Context, thread_id: str, field: str) -> MessageThread:
    pk = pk_of(thread_id, "MessageThread")
    thread = None if pk is None else await MessageThread.get_or_none(id=pk)
    if thread is None or not await ctx.can_see_account(thread.account_id):
        raise NotFound(field)
    return thread


async def reply(
    ctx: Context, thread_id: str, body: str, files: Sequence[tuple[str, BinaryIO]]
) -> MessageThread:
    viewer = _viewer(ctx)
    thread = await _visible_thread(ctx, thread_id, "threadId")
    settings = ctx.settings
    updated = await messages.reply(
        thread.id,
        body,
        [IncomingFile(name, stream) for name, stream in files],
        author=Author.STAFF if ctx.is_staff else Author.CUSTOMER,
        by=viewer,
        clock=ctx.clock,
        client_address=ctx.client_address,
        upload_dir=settings.upload_dir,
        limits=settings.attachments,
        utility=settings.utility,
    )
    ctx.loaders.clear_all()
    return updated


async def close_thread(ctx: Context, thread_id: str) -> MessageThread:
    pk = pk_of(thread_id, "MessageThread")
    if pk is None:
        raise NotFound("id")
    thread = await messages.close_thread(
        pk, by=_viewer(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    return thread


async def inbox(
    ctx: Context, status: ThreadStatus | None, offset: int, size: int
) -> tuple[list[MessageThread], int]:
    # One more than the page: it says whether another page follows.
    return await messages.inbox_page(status, offset, size + 1)


async def open_count(ctx: Context) -> int:
    return await messages.open_count()


async def visible_message(ctx: Context, pk: int) -> Message | None:
    message = await Message.get_or_none(id=pk).select_related("thread")
    if message is None or not await ctx.can_see_account(message.thread.account_id):
        return None
    return message


async def visible_attachment(ctx: Context, pk: int) -> Attachment | None:
    """An attachment for the thread's customer and staff; None for anyone else."""
    attachment = await Attachment.get_or_none(id=pk).select_related("message__thread")
    if attachment is None or not await ctx.can_see_account(attachment.message.thread.account_id):
        return None
    return attachment

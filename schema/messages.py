"""Message threads between customers and the office, with attachments.

Files come as `Upload` values: over /graphql by the multipart request spec (bearer
tokens, or cookie sessions passing the CSRF checks), from the pages' forms through
`web.upload_forms`. Either way the body was limited while it streamed and the files
are spooled (to disk past 1 MiB), so checking them reads no file whole.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import strawberry
from strawberry.file_uploads import Upload

from models.errors import AttachmentTypeNotAllowed
from resolvers import messages
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite, IsStaff, IsStaffWriting
from schema.types.common import Connection, check_page_size, connection, page_start
from schema.types.enums import ThreadCategory, ThreadStatus
from schema.types.talk import MessageThread

ATTACHMENTS_HELP = (
    "at most 5 files of at most 10 MB each (EBOK_ATTACHMENTS_PER_MESSAGE, "
    "EBOK_ATTACHMENT_MAX_MB); PDF, JPEG, PNG, HEIC, plain text, DOCX, XLSX, ODT, ODS, "
    "DOC or XLS, told by their content"
)


@strawberry.input
class SendMessageInput:
    account_id: strawberry.ID
    subject: str
    category: ThreadCategory
    body: str
    attachments: list[Upload] | None = strawberry.field(default=None, description=ATTACHMENTS_HELP)


@strawberry.input
class ReplyInput:
    thread_id: strawberry.ID
    body: str
    attachments: list[Upload] | None = strawberry.field(default=None, description=ATTACHMENTS_HELP)


@strawberry.type
class MessageThreadPayload:
    thread: MessageThread | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def incoming_files(values: list[Any] | None) -> list[tuple[str, BinaryIO]]:
    """The uploaded files (Starlette's UploadFile holds its content in `.file`); a
    value that is no file at all (a string sent in JSON) is no allowed attachment."""
    files = []
    for value in values or []:
        stream = getattr(value, "file", None)
        if stream is None or not (hasattr(stream, "read") and hasattr(stream, "seek")):
            raise AttachmentTypeNotAllowed("attachments", filename=str(value)[:40])
        files.append((str(getattr(value, "filename", "") or ""), stream))
    return files


@strawberry.type
class MessageQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: customer message threads, open first, then answered, then "
        "closed; within each, the earliest day to answer by first",
    )
    async def inbox(
        self,
        info: strawberry.Info[Context],
        status: ThreadStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[MessageThread]:
        size, start = check_page_size(first), page_start(after)
        rows, total = await messages.inbox(info.context, status, start, size)
        return connection([MessageThread.from_row(r) for r in rows], start, size, total)


@strawberry.type
class MessageMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="a new thread on the customer's own account, with its first message",
    )
    async def send_message(
        self, info: strawberry.Info[Context], input: SendMessageInput
    ) -> MessageThreadPayload:
        files = incoming_files(input.attachments)
        thread = await messages.send_message(
            info.context,
            str(input.account_id),
            input.category,
            input.subject,
            input.body,
            files,
        )
        return MessageThreadPayload(thread=MessageThread.from_row(thread))

    @mutation(
        permission_classes=[CanWrite],
        description="a message on a thread: the customer's opens it again, staff's answers "
        "it (and tells the customer by e-mail); a closed thread takes none",
    )
    async def reply(
        self, info: strawberry.Info[Context], input: ReplyInput
    ) -> MessageThreadPayload:
        files = incoming_files(input.attachments)
        thread = await messages.reply(info.context, str(input.thread_id), input.body, files)
        return MessageThreadPayload(thread=MessageThread.from_row(thread))

    @mutation(permission_classes=[IsStaffWriting], description="STAFF: close a thread")
    async def close_thread(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> MessageThreadPayload:
        thread = await messages.close_thread(info.context, str(id))
        return MessageThreadPayload(thread=MessageThread.from_row(thread))

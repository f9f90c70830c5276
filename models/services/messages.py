"""Message threads between customers and the office: one use case, one transaction each.

Attachments are checked (count, size by seeking, type by content) before anything is
stored; then the files are copied under generated names off the event loop, and the
thread, message and attachment rows are written in one transaction. Whatever fails
after a file was copied removes the copies again: a refusal stores nothing.

A customer's message tells the office (the utility's address); a staff reply tells
the customer (every address of the account), both through the outbox in the same
transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tortoise.expressions import RawSQL
from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import Author, ThreadCategory, ThreadStatus
from models.errors import NotFound
from models.orm import Account, Attachment, Message, MessageThread, User
from models.rules import messages as rules
from models.services import audit, outbox, stored_files
from models.services.account_contacts import account_emails
from models.settings import UtilitySettings

ATTACHMENT_FOLDER = "attachments"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: the name the sender gave and its (spooled) content."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    stream: BinaryIO
    content_type: str
    extension: str
    size: int


@dataclass(frozen=True)
class StoredFile:
    checked: CheckedFile
    key: str
    path: Path
    sha256: str


def check_files(files: Sequence[IncomingFile], limits: rules.AttachmentLimits) -> list[CheckedFile]:
    """Every file's type and size, or the first refusal (before anything is stored)."""
    rules.check_attachment_count(len(files), limits)
    checked = []
    for file in files:
        size = stored_files.size_of(file.stream)
        rules.check_attachment_size(size, limits)
        head = stored_files.head_of(file.stream)
        zip_type = None
        if head.startswith(rules.ZIP_MAGIC):
            contents = stored_files.zip_contents(file.stream)
            zip_type = rules.office_zip_type(*contents) if contents else None
        mime, extension = rules.attachment_type(
            head, stored_files.detect_type(head), file.filename, zip_type
        )
        name = rules.safe_display_name(file.filename)
        checked.append(CheckedFile(name, file.stream, mime, extension, size))
    return checked


def _store_all(files: list[CheckedFile], upload_dir: Path) -> list[StoredFile]:
    """Copy each file under a generated name, with its SHA-256; on failure none is left."""
    stored: list[StoredFile] = []
    try:
        for file in files:
            digest = hashlib.sha256()
            file.stream.seek(0)
            while chunk := file.stream.read(_CHUNK):
                digest.update(chunk)
            key, path = stored_files.store(
                file.stream, upload_dir, ATTACHMENT_FOLDER, file.extension
            )
            stored.append(StoredFile(file, key, path, digest.hexdigest()))
    except BaseException:
        _remove(stored)
        raise
    return stored


def _remove(stored: list[StoredFile]) -> None:
    for file in stored:
        file.path.unlink(missing_ok=True)


def attachment_path(upload_dir: Path, key: str) -> Path | None:
    """Where a stored attachment lies, for a key this module generated; None otherwise."""
    return stored_files.stored_path(upload_dir, ATTACHMENT_FOLDER, key)


async def _add_message(
    thread: MessageThread,
    author: Author,
    by: User,
    body: str,
    stored: list[StoredFile],
    clock: Clock,
) -> Message:
    now = clock.now()
    message = await Message.create(
        thread=thread, author=author, author_user=by, body=body, sent_at=now
    )
    for file in stored:
        await Attachment.create(
            message=message,
            filename=file.checked.filename,
            content_type=file.checked.content_type,
            size=file.checked.size,
            sha256=file.sha256,
            storage_key=file.key,
            created_at=now,
        )
    return message


async def _bump_account(account_id: int) -> None:
    account = await Account.select_for_update().get(id=account_id)
    account.version = account.version + 1
    await account.save(update_fields=["version"])


async def _tell_office(
    thread: MessageThread,
    account: Account,
    body: str,
    files: int,
    utility: UtilitySettings,
    message: Message,
    clock: Clock,
) -> None:
    await outbox.queue_email(
        utility.email,
        "message_received",
        {
            "number": rules.thread_number(thread.id, thread.created_at),
            "account": account.number,
            "subject": thread.subject,
            "category": rules.CATEGORY_LABELS[thread.category],
            "answer_due": thread.answer_due.strftime("%d.%m.%Y") if thread.answer_due else "",
            "body": body,
            "attachments": files,
        },
        now=clock.now(),
        key=f"message-received:{message.id}",
    )


async def _tell_customer(
    thread: MessageThread, account: Account, message: Message, clock: Clock
) -> None:
    for address in await account_emails(account):
        await outbox.queue_email(
            address,
            "message_answered",
            {
                "number": rules.thread_number(thread.id, thread.created_at),
                "subject": thread.subject,
                "account": account.number,
            },
            now=clock.now(),
            key=f"message-answered:{message.id}:{address}",
        )


async def send_message(
    account_id: int,
    category: ThreadCategory,
    subject: str,
    body: str,
    files: Sequence[IncomingFile],
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
    upload_dir: Path,
    limits: rules.AttachmentLimits,
    utility: UtilitySettings,
) -> MessageThread:
    """A customer's new thread with its first message; refusals store nothing."""
    subject = rules.check_subject(subject)
    body = rules.check_body(body)
    checked = check_files(files, limits)
    stored = await asyncio.to_thread(_store_all, checked, upload_dir)
    try:
        async with in_transaction():
            account = await Account.get_or_none(id=account_id)
            if account is None:
                raise NotFound("accountId")
            now = clock.now()
            thread = await MessageThread.create(
                account=account,
                subject=subject,
                category=category,
                status=ThreadStatus.OPEN,
                created_at=now,
                updated_at=now,
                answer_due=rules.legal_answer_due(category, now),
                respond_by=rules.respond_by(category, now),
            )
            message = await _add_message(thread, Author.CUSTOMER, by, body, stored, clock)
            await _bump_account(account.id)
            await _tell_office(thread, account, body, len(stored), utility, message, clock)
            await audit.record(
                "MESSAGE_THREAD_STARTED",
                at=now,
                actor=by,
                object_type="MessageThread",
                object_id=thread.id,
                client_address=client_address,
                details={"account": account.number, "attachments": len(stored)},
            )
    except BaseException:
        _remove(stored)
        raise
    return thread


async def reply(
    thread_id: int,
    body: str,
    files: Sequence[IncomingFile],
    *,
    author: Author,
    by: User,
    clock: Clock,
    client_address: str | None,
    upload_dir: Path,
    limits: rules.AttachmentLimits,
    utility: UtilitySettings,
) -> MessageThread:
    """A message on a thread: staff's answers it, the customer's opens it again."""
    body = rules.check_body(body)
    checked = check_files(files, limits)
    stored: list[StoredFile] = []
    try:
        async with in_transaction():
            thread = await MessageThread.select_for_update().get_or_none(id=thread_id)
            if thread is None:
                raise NotFound("threadId")
            thread.status = rules.status_after_message(thread.status, author)
            stored = await asyncio.to_thread(_store_all, checked, upload_dir)
            message = await _add_message(thread, author, by, body, stored, clock)
            thread.updated_at = clock.now()
            await thread.save(update_fields=["status", "updated_at"])
            account = await Account.get(id=thread.account_id)
            await _bump_account(account.id)
            if author == Author.STAFF:
                await _tell_customer(thread, account, message, clock)
            else:
                await _tell_office(thread, account, body, len(stored), utility, message, clock)
            await audit.record(
                "MESSAGE_SENT",
                at=clock.now(),
                actor=by,
                object_type="MessageThread",
                object_id=thread.id,
                client_address=client_address,
                details={"author": author.value, "attachments": len(stored)},
            )
    except BaseException:
        _remove(stored)
        raise
    return thread


async def close_thread(
    thread_id: int, *, by: User, clock: Clock, client_address: str | None
) -> MessageThread:
    async with in_transaction():
        thread = await MessageThread.select_for_update().get_or_none(id=thread_id)
        if thread is None:
            raise NotFound("id")
        if thread.status != ThreadStatus.CLOSED:
            thread.status = ThreadStatus.CLOSED
            thread.updated_at = clock.now()
            await thread.save(update_fields=["status", "updated_at"])
            await _bump_account(thread.account_id)
            await audit.record(
                "MESSAGE_THREAD_CLOSED",
                at=clock.now(),
                actor=by,
                object_type="MessageThread",
                object_id=thread.id,
                client_address=client_address,
            )
    return thread


async def inbox_page(
    status: ThreadStatus | None, offset: int, limit: int
) -> tuple[list[MessageThread], int]:
    """Staff's queue: open threads first, then answered, then closed; within each,
    the earliest day to answer by first."""
    query = MessageThread.all()
    if status is not None:
        query = query.filter(status=status)
    # Constants only (no caller's value): the same SQL on SQLite and PostgreSQL.
    rank = RawSQL("CASE status WHEN 'OPEN' THEN 0 WHEN 'ANSWERED' THEN 1 ELSE 2 END")
    rows = (
        await query.annotate(rank=rank)
        .order_by("rank", "respond_by", "created_at", "id")
        .offset(offset)
        .limit(limit)
    )
    return list(rows), await query.count()


async def open_count() -> int:
    return await MessageThread.filter(status=ThreadStatus.OPEN).count()

"""Talking with the utility: announcements, threads, messages and requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from models import rows
from models.rules.messages import thread_number
from models.rules.talk import report_number
from resolvers.context import Context
from schema.permissions import IsStaff
from schema.types.enums import (
    AnnouncementKind,
    Author,
    BillingCycle,
    RegistrationKind,
    RequestStatus,
    ThreadCategory,
    ThreadStatus,
)

if TYPE_CHECKING:
    from schema.types.accounts import Account

ACCOUNTS = "schema.types.accounts"


async def _account(info: strawberry.Info[Context], account_id: int):  # -> Account
    from schema.types.accounts import Account

    row = await info.context.loaders.accounts_by_id.load(account_id)
    assert row is not None  # rows reference accounts with ON DELETE CASCADE
    return Account.from_row(row)


@strawberry.type
class Announcement(relay.Node):
    id: relay.NodeID[int]
    kind: AnnouncementKind
    title: str
    body: str
    published_at: datetime
    valid_from: datetime | None
    valid_to: datetime | None

    @classmethod
    def from_row(cls, row: rows.AnnouncementRow) -> Announcement:
        return cls(
            id=row.id,
            kind=row.kind,
            title=row.title,
            body=row.body,
            published_at=row.published_at,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )


@strawberry.type
class Attachment(relay.Node):
    id: relay.NodeID[int]
    filename: str
    content_type: str
    size: int
    storage_key: strawberry.Private[str] = ""

    @strawberry.field(description="relative URL, readable by the thread's customer and staff only")
    def url(self) -> str:
        return f"/wiadomosci/zalaczniki/{self.id}"

    @strawberry.field(
        description="the file's generated name in the upload folder, for the download route; "
        "visible only to those who may read the attachment"
    )
    def stored_name(self) -> str:
        return self.storage_key

    @classmethod
    def from_row(cls, row: rows.AttachmentRow) -> Attachment:
        return cls(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            storage_key=row.storage_key,
        )


@strawberry.type
class Message(relay.Node):
    id: relay.NodeID[int]
    author: Author
    body: str
    sent_at: datetime

    @strawberry.field
    async def attachments(self, info: strawberry.Info[Context]) -> list[Attachment]:
        found = await info.context.loaders.attachments_by_message.load(self.id)
        return [Attachment.from_row(r) for r in found]

    @classmethod
    def from_row(cls, row: rows.MessageRow) -> Message:
        return cls(id=row.id, author=row.author, body=row.body, sent_at=row.sent_at)


@strawberry.type
class MessageThread(relay.Node):
    id: relay.NodeID[int]
    subject: str
    category: ThreadCategory
    status: ThreadStatus
    created_at: datetime
    updated_at: datetime = strawberry.field(description="when the last message came or it closed")
    answer_due: date | None = strawberry.field(
        description="the last day of the legal term to answer: 14 days for a complaint or "
        "a grievance, 30 for a request; null for other categories"
    )
    respond_by: date | None = strawberry.field(
        description="STAFF queue order: the legal term, else the office's own 30 days"
    )
    account_id: strawberry.Private[int]

    @strawberry.field(description="what the customer quotes, e.g. W/2026/000123")
    def number(self) -> str:
        return thread_number(self.id, self.created_at)

    @strawberry.field
    async def account(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Account, strawberry.lazy(ACCOUNTS)]:
        return await _account(info, self.account_id)

    @strawberry.field
    async def messages(self, info: strawberry.Info[Context]) -> list[Message]:
        found = await info.context.loaders.messages_by_thread.load(self.id)
        return [Message.from_row(r) for r in found]

    @classmethod
    def from_row(cls, row: rows.MessageThreadRow) -> MessageThread:
        return cls(
            id=row.id,
            subject=row.subject,
            category=row.category,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            answer_due=row.answer_due,
            respond_by=row.respond_by,
            account_id=row.account_id,
        )


@strawberry.type
class BillingCycleChangeRequest(relay.Node):
    id: relay.NodeID[int]
    requested: BillingCycle
    status: RequestStatus
    created_at: datetime
    effective_from: date | None = strawberry.field(
        description="the first billing period to which the change applies, once approved"
    )
    account_id: strawberry.Private[int] = 0

    @strawberry.field(description="the account whose cycle would change")
    async def account(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Account, strawberry.lazy(ACCOUNTS)]:
        return await _account(info, self.account_id)

    @classmethod
    def from_row(cls, row: rows.BillingCycleChangeRequestRow) -> BillingCycleChangeRequest:
        return cls(
            id=row.id,
            requested=row.requested,
            status=row.status,
            created_at=row.created_at,
            effective_from=row.effective_from,
            account_id=row.account_id,
        )


@strawberry.type
class FieldChange:
    field: str
    old_value: str | None
    new_value: str


@strawberry.type
class DataChangeRequest(relay.Node):
    id: relay.NodeID[int]
    changes: list[FieldChange] = strawberry.field(
        description="field name -> requested value, as submitted"
    )
    status: RequestStatus
    created_at: datetime
    resolved_at: datetime | None
    note: str | None
    account_id: strawberry.Private[int]

    @strawberry.field
    async def account(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Account, strawberry.lazy(ACCOUNTS)]:
        return await _account(info, self.account_id)

    @classmethod
    def from_row(cls, row: rows.DataChangeRequestRow) -> DataChangeRequest:
        changes = [
            FieldChange(field=c["field"], old_value=c.get("oldValue"), new_value=c["newValue"])
            for c in row.changes or []
        ]
        return cls(
            id=row.id,
            changes=changes,
            status=row.status,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
            note=row.note,
            account_id=row.account_id,
        )


@strawberry.type
class Registration(relay.Node):
    id: relay.NodeID[int]
    account_number: str
    email: str
    login: str
    created_at: datetime
    status: RequestStatus
    kind: RegistrationKind = strawberry.field(
        description="a new user's request, or a signed-in user's request for one more account"
    )
    invoice_number: str = strawberry.field(description="the invoice number given as proof")


@strawberry.type
class FailureReport(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime
    address: str
    description: str
    contact_phone: str | None
    contact_email: str | None
    number: str = strawberry.field(description="what the reporter quotes, e.g. AW/2026/000123")
    handled_at: datetime | None = strawberry.field(description="when staff marked it handled")
    photo_key: strawberry.Private[str | None] = None
    photo_type: str | None = strawberry.field(
        default=None, description="the photo's type, told by its content"
    )

    @strawberry.field(
        description="relative URL of the photo, readable by staff only; null without one"
    )
    def photo_url(self) -> str | None:
        if self.photo_key is None:
            return None
        return f"/obsluga/awarie/{relay.to_base64('FailureReport', self.id)}/zdjecie"

    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: the photo's generated file name in the upload folder",
    )
    def photo_name(self) -> str | None:
        return self.photo_key

    @classmethod
    def from_row(cls, row: rows.FailureReportRow) -> FailureReport:
        return cls(
            id=row.id,
            created_at=row.created_at,
            address=row.address,
            description=row.description,
            contact_phone=row.contact_phone,
            contact_email=row.contact_email,
            number=report_number(row.id, row.created_at),
            handled_at=row.handled_at,
            photo_key=row.photo_key,
            photo_type=row.photo_type,
        )

"""Talking to the utility: threads, messages, requests, announcements, failure reports."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import (
    AnnouncementKind,
    Author,
    BillingCycle,
    RequestStatus,
    ThreadCategory,
    ThreadStatus,
)
from models.orm.accounts import Account
from models.orm.identity import User


class MessageThread(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="message_threads", on_delete=fields.CASCADE
    )
    subject = fields.CharField(max_length=200)
    category = fields.CharEnumField(ThreadCategory, max_length=16)
    status = fields.CharEnumField(ThreadStatus, max_length=16, default=ThreadStatus.OPEN)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # The last day of the legal term to answer (complaints, grievances, requests), and
    # the day staff's queue is ordered by (the legal term, else the office's own).
    answer_due = fields.DateField(null=True)
    respond_by = fields.DateField(null=True)

    class Meta:
        table = "message_threads"
        indexes = (
            ("account_id", "updated_at"),
            ("status", "updated_at"),
            ("status", "respond_by"),
        )


class Message(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[MessageThread] = fields.ForeignKeyField(
        "ebok.MessageThread", related_name="messages", on_delete=fields.CASCADE
    )
    author = fields.CharEnumField(Author, max_length=16)
    author_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "messages"
        indexes = (("thread_id", "sent_at"),)


class Attachment(Model):
    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation[Message] = fields.ForeignKeyField(
        "ebok.Message", related_name="attachments", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "attachments"
        indexes = (("message_id",),)


class DataChangeRequest(Model):
    """Changes asked for, as a JSON list of {field, oldValue, newValue}."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account", related_name="data_change_requests", on_delete=fields.CASCADE
    )
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    changes = fields.JSONField()
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.TextField(null=True)

    class Meta:
        table = "data_change_requests"
        indexes = (
            ("status", "created_at"),
            ("account_id",),
        )


class BillingCycleChangeRequest(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ebok.Account",
        related_name="billing_cycle_requests",
        on_delete=fields.CASCADE,
    )
    requested = fields.CharEnumField(BillingCycle, max_length=16)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    effective_from = fields.DateField(null=True)
    # When the billing run switched the account's cycle (at the first period starting
    # on or after effective_from): an approved change is applied exactly once.
    applied_at = fields.DatetimeField(null=True)
    note = fields.TextField(null=True)

    class Meta:
        table = "billing_cycle_requests"
        indexes = (
            ("status", "created_at"),
            ("account_id",),
        )


class Announcement(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(AnnouncementKind, max_length=32)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    published_at = fields.DatetimeField()
    valid_from = fields.DatetimeField(null=True)
    valid_to = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "announcements"
        indexes = (("kind", "published_at"), ("published_at",))


class FailureReport(Model):
    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(db_index=True)
    address = fields.CharField(max_length=300)
    description = fields.TextField()
    contact_phone = fields.CharField(max_length=32, null=True)
    contact_email = fields.CharField(max_length=254, null=True)
    # The photo, stored under EBOK_UPLOAD_DIR by a generated name, and its detected type.
    photo_key = fields.CharField(max_length=64, null=True)
    photo_type = fields.CharField(max_length=32, null=True)
    # When staff marked it handled (who did is in the audit log).
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "failure_reports"

"""What the service does behind the scenes: e-mail waiting to go out, and the audit trail."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import OutboxStatus, ReminderKind
from models.orm.identity import User


class OutboxEmail(Model):
    """An e-mail written in the same transaction as the change it reports, sent later.

    `key` names the event it reports (unique), so writing it twice queues it once;
    `message_id` stays the same through retries. A worker claims a message until
    `claimed_until` before sending it, so two workers never send one message at once.
    """

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True, null=True)
    message_id = fields.CharField(max_length=200, null=True)
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body_text = fields.TextField()
    body_html = fields.TextField(null=True)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.QUEUED)
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.SmallIntField(default=0)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "email_outbox"
        indexes = (("status", "next_attempt_at"),)


class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "ebok.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=64)
    object_id = fields.CharField(max_length=64, null=True)
    details = fields.JSONField(null=True)
    client_address = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "audit_log"
        indexes = (("object_type", "object_id"),)


class RateAllowance(Model):
    """A caller's hourly GraphQL allowance: what the current window has used so far.

    Kept in the database so that every worker process (and every machine behind a
    proxy) charges the same allowance.
    """

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100, unique=True)
    window_start = fields.DatetimeField()
    used = fields.IntField(default=0)

    class Meta:
        table = "rate_allowances"


class JobState(Model):
    """How far a scheduled job has got (e.g. the last reading window it closed), so a
    worker that was down catches up, and a job run twice does its work once."""

    name = fields.CharField(max_length=64, primary_key=True)
    done_until = fields.DateField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "job_states"


class ReminderSent(Model):
    """A reminder sent: one row per event, so it is sent once whatever the worker does.

    `subject_id` is the account (reading-window reminders) or the invoice (payment
    reminders) and `event` the day the event is about (the window's month, the invoice's
    due date). The unique triple lets the database refuse a second send, and the
    reminder's e-mails are queued in the transaction that writes the row.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ReminderKind, max_length=32)
    subject_id = fields.IntField()
    event = fields.DateField()
    sent_at = fields.DatetimeField()
    recipients = fields.SmallIntField(default=0)

    class Meta:
        table = "reminders_sent"
        unique_together = (("kind", "subject_id", "event"),)

"""Draining the outbox: claim a due message, hand it over, write down what happened.

Claiming is a compare-and-set UPDATE on one row: "attempts is still n, nobody holds a
lease on it, it is still QUEUED" -> "attempts n+1, leased until now+LEASE". Exactly one
worker's UPDATE matches, on SQLite (writes are serialised) as on PostgreSQL (the second
UPDATE waits for the first and re-reads the row), so any number of workers, in one
process or many, never send one message at the same time. The attempt number is the
claim's token: a worker writes its outcome only while the row still carries its number.

A message is marked SENT as soon as the server accepts it (250 to DATA), before
anything else happens, so it is not sent again. A worker that dies while sending
leaves its lease to run out, and the message is picked up again then.

The one at-least-once edge, which SMTP itself has (RFC 1047): a server that accepted a
message whose worker died, or lost its database, before writing SENT gets it a second
time when the lease ends, with the same Message-ID, so mail clients can tell. Dropped
connections *during* DATA are no such case: a server that did not answer 250 did not
take the message, and sending it again is the first delivery.

A failed attempt waits (models/rules/mail_retry.py) and is tried again; the row keeps
the error's summary, never the message. Log lines name the outbox id, the Message-ID
and the attempt, never the recipient, the body, or anything in it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from models.clock import Clock
from models.enums import OutboxStatus
from models.orm import OutboxEmail
from models.rules.mail_retry import gives_up, retry_delay
from models.services.mail_message import OutgoingMail, UnsendableMessage, build_message
from models.services.mail_transport import DeliveryFailed, Transport

log = logging.getLogger("ebok.mail")

# How long a claim lasts. Longer than any one message can take (MESSAGE_TIMEOUT plus
# the time to write SENT), so a live worker never loses a message it is sending.
LEASE = timedelta(minutes=5)
# The most one message may take from connecting to the server's last answer.
MESSAGE_TIMEOUT = 90.0
# Writing SENT is retried for about this long (a busy SQLite file, a lost connection):
# giving up sooner would send the message again when its lease ends.
MARK_SENT_PATIENCE = 60.0
BATCH_SIZE = 50


@dataclass
class DrainReport:
    """What one pass over the due messages did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    taken_by_others: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class Sender:
    """Who the messages come from: EBOK_MAIL_FROM and the utility's name beside it."""

    address: str
    name: str


async def deliver_due(
    transport: Transport,
    sender: Sender,
    clock: Clock,
    *,
    batch_size: int = BATCH_SIZE,
    should_stop: Callable[[], bool] = lambda: False,
) -> DrainReport:
    """Deliver the messages due now, oldest first, up to `batch_size` of them."""
    report = DrainReport()
    now = clock.now()
    due = (
        await OutboxEmail.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at", "id")
        .limit(batch_size)
        .values_list("id", "attempts")
    )
    for outbox_id, attempts in due:
        if should_stop():
            break
        try:
            outcome = await _deliver_one(outbox_id, attempts, transport, sender, clock)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A row or a bug must not stop the others; its lease runs out and it is
            # tried again (and given up once it has used its attempts).
            log.exception("mail %s: unexpected error; the message stays queued", outbox_id)
            continue
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retrying":
            report.retrying += 1
        elif outcome == "failed":
            report.failed += 1
        else:
            report.taken_by_others += 1
    return report


async def _deliver_one(
    outbox_id: int, seen_attempts: int, transport: Transport, sender: Sender, clock: Clock
) -> str:
    attempt = seen_attempts + 1
    if not await _claim(outbox_id, seen_attempts, clock.now()):
        return "taken"
    if gives_up(seen_attempts, permanent=False):
        # Attempts used up by workers that died on it (the lease ran out each time).
        await _write_failure(outbox_id, attempt, "no attempts left", permanent=True, clock=clock)
        return "failed"
    row = await OutboxEmail.get(id=outbox_id)
    mail = await _outgoing(row, attempt, sender)
    try:
        message = build_message(mail, sender=sender.address, sender_name=sender.name)
    except UnsendableMessage as exc:
        await _write_failure(outbox_id, attempt, str(exc), permanent=True, clock=clock)
        return "failed"
    try:
        async with asyncio.timeout(MESSAGE_TIMEOUT):
            await transport.deliver(message, mail)
    except DeliveryFailed as exc:
        given_up = await _write_failure(
            outbox_id, attempt, exc.summary, permanent=exc.permanent, clock=clock
        )
        return "failed" if given_up else "retrying"
    except TimeoutError:
        summary = f"no answer within {MESSAGE_TIMEOUT:.0f} s"
        given_up = await _write_failure(outbox_id, attempt, summary, permanent=False, clock=clock)
        return "failed" if given_up else "retrying"
    await _mark_sent(mail, attempt, clock)
    return "sent"


async def _claim(outbox_id: int, seen_attempts: int, now: datetime) -> bool:
    """Compare-and-set: true for exactly one of the workers that saw `seen_attempts`."""
    claimed = (
        await OutboxEmail.filter(id=outbox_id, attempts=seen_attempts, status=OutboxStatus.QUEUED)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(attempts=seen_attempts + 1, claimed_until=now + LEASE)
    )
    return bool(claimed)


async def _outgoing(row: OutboxEmail, attempt: int, sender: Sender) -> OutgoingMail:
    message_id = row.message_id
    if not message_id:
        # A row queued without one gets it now and keeps it through its retries.
        domain = sender.address.rpartition("@")[2].rstrip(">") or "localhost"
        message_id = f"<{uuid.uuid4().hex}@{domain}>"
        await OutboxEmail.filter(id=row.id, attempts=attempt).update(message_id=message_id)
    return OutgoingMail(
        id=row.id,
        message_id=message_id,
        to_address=row.to_address,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        created_at=row.created_at,
    )


async def _mark_sent(mail: OutgoingMail, attempt: int, clock: Clock) -> None:
    """SENT, at once, and insisting: not writing it means sending the message twice."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MARK_SENT_PATIENCE
    pause = 0.1
    while True:
        try:
            updated = await OutboxEmail.filter(id=mail.id, attempts=attempt).update(
                status=OutboxStatus.SENT, sent_at=clock.now(), claimed_until=None, last_error=None
            )
            break
        except Exception as exc:
            if loop.time() + pause > deadline:
                log.error(
                    "mail %s %s was accepted but could not be marked sent (%s); "
                    "it will be sent again when its lease ends",
                    mail.id,
                    mail.message_id,
                    type(exc).__name__,
                )
                return
            log.warning("mail %s: marking it sent failed (%s); trying again", mail.id, exc)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)
    if not updated:
        log.error(
            "mail %s %s was sent after its lease ran out; another worker may send it again",
            mail.id,
            mail.message_id,
        )
        return
    log.info("mail %s %s sent (attempt %d)", mail.id, mail.message_id, attempt)


async def _write_failure(
    outbox_id: int, attempt: int, summary: str, *, permanent: bool, clock: Clock
) -> bool:
    """Record a failed attempt; True when the message is given up (FAILED)."""
    now = clock.now()
    given_up = gives_up(attempt, permanent=permanent)
    changes: dict[str, object] = {"claimed_until": None, "last_error": summary}
    if given_up:
        changes["status"] = OutboxStatus.FAILED
    else:
        changes["next_attempt_at"] = now + retry_delay(attempt)
    updated = await OutboxEmail.filter(id=outbox_id, attempts=attempt).update(**changes)
    if not updated:
        log.error("mail %s: attempt %d ended after its lease ran out", outbox_id, attempt)
    elif given_up:
        # An operator must see this one: the customer is still waiting for the message.
        log.error("mail %s given up after attempt %d: %s", outbox_id, attempt, summary)
    else:
        log.warning(
            "mail %s attempt %d failed: %s; next attempt at %s",
            outbox_id,
            attempt,
            summary,
            changes["next_attempt_at"],
        )
    return given_up

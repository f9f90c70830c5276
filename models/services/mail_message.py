"""An outbox row as the MIME message that leaves the building.

Plain text first (every mail client shows it, screen readers read it best), the HTML
alternative after it when the template has one; UTF-8 throughout, so "Wodociągi"
arrives as "Wodociągi". The Message-ID is the row's own, kept through retries, so a
copy sent twice (see mail_delivery's note on the one at-least-once edge) is
recognisably the same message to the recipient's mail client.
"""

from __future__ import annotations

import email.policy
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr


class UnsendableMessage(ValueError):
    """A row no server could ever take (no valid recipient, a header with a line break)."""


@dataclass(frozen=True)
class OutgoingMail:
    """What delivery needs of an outbox row: nothing else of it leaves this module."""

    id: int
    message_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: datetime


# How a message is written out, for SMTP and for .eml files alike. Headers are not
# folded below 998 characters: the standard library's folding at 78 drops the space
# between two encoded words ("eBOK – Wodociągi" arrived as "eBOK –Wodociągi"). The
# body was encoded when it was set (quoted-printable, lines of at most 76), so it
# keeps its short lines.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)


def to_bytes(message: EmailMessage) -> bytes:
    """The message as it goes over the wire (CRLF line ends)."""
    return message.as_bytes(policy=WIRE_POLICY)


def build_message(mail: OutgoingMail, *, sender: str, sender_name: str) -> EmailMessage:
    """The message with From, To, Subject, Date, Message-ID and its parts.

    `sender` is EBOK_MAIL_FROM: a bare address gets the utility's name as its display
    name; one that already has a display name ("Name <addr>") is kept as it is.
    """
    message = EmailMessage()
    try:
        message["From"] = _sender(sender, sender_name)
        message["To"] = _recipient(mail.to_address)
        message["Subject"] = mail.subject
        message["Message-ID"] = mail.message_id
    except (ValueError, IndexError) as exc:
        # The email package refuses line breaks in headers (no header injection) and
        # malformed addresses; such a row can never be sent, whatever the server says.
        raise UnsendableMessage(f"{type(exc).__name__}: {exc}") from None
    message["Date"] = format_datetime(mail.created_at)
    # RFC 3834: an automatic message, so out-of-office replies are not sent back to it.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps Polish text readable in the raw message and 7-bit safe.
    message.set_content(mail.body_text, charset="utf-8", cte="quoted-printable")
    if mail.body_html:
        message.add_alternative(
            mail.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    # Set last: the parts above would take a Content-* header down with them.
    message["Content-Language"] = "pl"
    return message


def _sender(sender: str, name: str) -> Address | str:
    display, address = parseaddr(sender)
    if not address or "@" not in address:
        raise ValueError("EBOK_MAIL_FROM is not an e-mail address")
    if display:
        return sender
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _recipient(to_address: str) -> Address:
    # One "@" between two non-empty parts, nothing blank or unprintable (a line break
    # would be a header injection): the shape every address eBOK accepts has.
    if any(c.isspace() or not c.isprintable() for c in to_address):
        raise ValueError("the recipient address holds a blank or a control character")
    local, at, domain = to_address.partition("@")
    if not at or not local or not domain or "@" in domain:
        raise ValueError("the recipient is not an e-mail address")
    # RFC 5321's limits (a 64-octet local part, 254 in all, as the outbox column holds).
    if len(local) > 64 or len(to_address) > 254:
        raise ValueError("the recipient address is too long")
    return Address(username=local, domain=domain)


def is_sendable_address(address: str) -> bool:
    try:
        _recipient(address)
    except ValueError:
        return False
    return True


def eml_file_name(mail: OutgoingMail) -> str:
    """One name per message, the same at every attempt, so a retry replaces its own file.

    The row id keeps files in queue order; the Message-ID's digest keeps a message of a
    database that was reset from taking an older message's name.
    """
    digest = hashlib.sha256(mail.message_id.encode("utf-8")).hexdigest()[:12]
    return f"{mail.id:08d}-{digest}.eml"

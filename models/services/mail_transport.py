"""Where a built message goes: an SMTP server (EBOK_SMTP_URL) or `.eml` files (unset).

A transport either returns (the message was handed over: the server answered 250 to
its DATA, or its file is in place) or raises `DeliveryFailed`, saying whether asking
again could help. What it raises carries a short summary for the outbox row and the
log: the server's reply or the error's kind, never the message, its recipient or the
SMTP password.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from models.rules.mail_retry import is_permanent_reply
from models.services.mail_message import OutgoingMail, eml_file_name, to_bytes
from models.settings import ConfigurationError, Settings

# Seconds to wait for each step of an SMTP conversation (connect, EHLO, STARTTLS,
# AUTH, each of MAIL/RCPT/DATA); the worker also bounds a whole message.
SMTP_STEP_TIMEOUT = 20.0
SUMMARY_LENGTH = 300


class DeliveryFailed(Exception):
    """The message was not handed over; `permanent` when trying again cannot help."""

    def __init__(self, summary: str, *, permanent: bool = False) -> None:
        super().__init__(summary)
        self.summary = summary[:SUMMARY_LENGTH]
        self.permanent = permanent


class Transport(Protocol):
    @property
    def description(self) -> str:
        """Where mail goes, fit for a log line (an SMTP URL without its credentials)."""
        ...

    async def deliver(self, message: EmailMessage, mail: OutgoingMail) -> None: ...


def transport_from_settings(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport.from_url(settings.smtp_url, sender=settings.mail_from)
    return EmlDirectory(settings.mail_dir)


@dataclass(frozen=True)
class SmtpTransport:
    """One connection per message: a municipal utility sends a few thousand e-mails a
    day, and a fresh connection cannot have gone stale between two of them.

    `smtp://` speaks plain SMTP and upgrades with STARTTLS whenever the server offers
    it; `smtps://` starts with TLS (port 465). Certificates are checked against the
    system's CAs (SSL_CERT_FILE names another bundle). The password in the URL is sent
    only over TLS, or to a server on this machine (a local relay), never in clear text
    across a network.
    """

    host: str
    port: int
    sender: str
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a log line
    timeout: float = SMTP_STEP_TIMEOUT
    tls_context: ssl.SSLContext | None = None

    @classmethod
    def from_url(cls, url: str, *, sender: str, **options: object) -> SmtpTransport:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigurationError(
                "EBOK_SMTP_URL must look like smtp://user:password@host:port "
                "(or smtps:// for TLS from the start)"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise ConfigurationError("EBOK_SMTP_URL has an invalid port") from exc
        implicit_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=port or (465 if implicit_tls else 25),
            sender=envelope_sender(sender),
            implicit_tls=implicit_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            **options,  # type: ignore[arg-type]
        )

    @property
    def description(self) -> str:
        user = f"{self.username}@" if self.username else ""
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{user}{self.host}:{self.port}"

    async def deliver(self, message: EmailMessage, mail: OutgoingMail) -> None:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.implicit_tls,
            start_tls=None,  # upgrade whenever the server offers STARTTLS
            timeout=self.timeout,
            tls_context=self.tls_context,
        )
        try:
            await client.connect()
            if self.username is not None:
                if not self._may_send_password(client):
                    raise DeliveryFailed(
                        "the server offers no STARTTLS: the SMTP password is not sent in clear"
                    )
                await client.login(self.username, self.password or "")
            await client.sendmail(self.sender, [mail.to_address], to_bytes(message))
        except DeliveryFailed:
            client.close()
            raise
        except aiosmtplib.SMTPException as exc:
            client.close()
            raise _failure(exc, mail.to_address) from None
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            client.close()
            raise DeliveryFailed(_summary(exc, mail.to_address)) from None
        # Handed over: a QUIT that fails changes nothing about that.
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()

    def _may_send_password(self, client: aiosmtplib.SMTP) -> bool:
        if client.get_transport_info("sslcontext") is not None:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def envelope_sender(sender: str) -> str:
    """The bare address of EBOK_MAIL_FROM ("Name <addr>" or "addr"), for MAIL FROM."""
    _, address = parseaddr(sender)
    if "@" not in address:
        raise ConfigurationError(f"EBOK_MAIL_FROM is not an e-mail address: {sender!r}")
    return address


def _failure(exc: aiosmtplib.SMTPException, recipient: str) -> DeliveryFailed:
    """Only the server's word about this recipient or this content is final."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients]
        replies = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        permanent = bool(codes) and all(is_permanent_reply(code) for code in codes)
        return DeliveryFailed(
            _redact(f"recipient refused: {replies}", recipient), permanent=permanent
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return DeliveryFailed(
            _redact(f"{type(exc).__name__}: {exc.code} {exc.message}", recipient),
            permanent=is_permanent_reply(exc.code),
        )
    # Connection, TLS, authentication, sender: the set-up or the moment, not the message.
    return DeliveryFailed(_summary(exc, recipient))


def _summary(exc: BaseException, recipient: str) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        text = f"{type(exc).__name__}: {exc.code} {exc.message}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _redact(text, recipient)


def _redact(text: str, recipient: str) -> str:
    """Servers like to quote the recipient back; the log does not need it."""
    text = " ".join(text.split())
    return text.replace(recipient, "odbiorca") if recipient else text


@dataclass(frozen=True)
class EmlDirectory:
    """Each message as a file `<id>-<digest>.eml` in a directory (var/mail by default),
    for development and for a utility that hands files to another system.

    Written to a temporary name and renamed, so a reader never sees half a message; the
    name is the same at every attempt, so a retry replaces the file instead of adding a
    second one. Files are readable by their owner only: a message may hold a link that
    lets its reader set a password.
    """

    directory: Path

    @property
    def description(self) -> str:
        return f"files in {self.directory}"

    async def deliver(self, message: EmailMessage, mail: OutgoingMail) -> None:
        data = to_bytes(message)
        try:
            await asyncio.to_thread(self._write, eml_file_name(mail), data)
        except OSError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc.strerror or exc}") from None

    def _write(self, name: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / name
        temporary = self.directory / f".{name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

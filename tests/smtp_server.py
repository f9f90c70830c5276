"""A real SMTP server on loopback (aiosmtpd, in its own thread) that records what it accepts.

It can offer STARTTLS with a certificate made for the test (trustme), ask for a login,
refuse recipients, and drop the connection in the middle of DATA: whatever the mail
worker has to survive. Messages are counted by Message-ID, so a duplicate shows.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.servers import free_port

SMTP_USER = "ebok"
SMTP_PASSWORD = "Smtp-Haslo-Tajne-42"


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes
    tls: bool
    login: str | None


@dataclass
class Recorder:
    """The server's handler: records each accepted message; misbehaves when told to."""

    received: list[Received] = field(default_factory=list)
    drop_during_data: int = 0  # drop the connection instead of answering this many DATAs
    refuse_recipients: str | None = None  # e.g. "550 5.1.1 <x> user unknown"
    data_reply: str | None = None  # e.g. "451 4.3.0 try again later"
    data_delay: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self._lock:
            drop = self.drop_during_data > 0
            if drop:
                self.drop_during_data -= 1
        if drop:
            # The whole message arrived but is not accepted: no 250, the line goes dead.
            server.transport.abort()
            return "421 gone"
        if self.data_reply:
            return self.data_reply
        raw = bytes(envelope.original_content or envelope.content)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.authenticated else None
        with self._lock:
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    message=message,  # type: ignore[arg-type]
                    raw=raw,
                    tls=session.ssl is not None,
                    login=login,
                )
            )
        return "250 2.0.0 OK: queued"

    def message_ids(self) -> Counter[str]:
        with self._lock:
            return Counter(str(r.message["Message-ID"]) for r in self.received)


@dataclass(frozen=True)
class Tls:
    """A certificate authority made for one test, a server certificate for 127.0.0.1,
    and a client context that trusts that authority (and nothing else)."""

    ca: trustme.CA
    server: ssl.SSLContext
    client: ssl.SSLContext


def make_tls() -> Tls:
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return Tls(ca=ca, server=server, client=client)


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, auth_data=auth_data)


@contextmanager
def smtp_server(
    recorder: Recorder | None = None,
    *,
    port: int | None = None,
    tls: Tls | None = None,
    require_login: bool = False,
) -> Iterator[tuple[Recorder, int]]:
    """Serve on 127.0.0.1 (a free port unless given) until the block ends."""
    recorder = recorder or Recorder()
    port = port or free_port()
    options: dict[str, Any] = {}
    if tls is not None:
        options["tls_context"] = tls.server
    if require_login:
        options.update(
            authenticator=_authenticate, auth_required=True, auth_require_tls=tls is not None
        )
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()

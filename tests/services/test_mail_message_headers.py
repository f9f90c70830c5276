"""A subject keeps every space on the wire, however long it is."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime

import pytest

from models.clock import WARSAW
from models.services.mail_message import OutgoingMail, build_message, to_bytes

SUBJECTS = [
    # Folded at 78 by the standard library, the space after the dash was lost here.
    "Otrzymaliśmy Twoje zgłoszenie do eBOK – Wodociągi Dąbrowa Wielka",
    "Dostęp do eBOK przyznany – Wodociągi Dąbrowa Wielka",
    "Brak odczytu wodomierza – wracasz do rozliczeń co dwa miesiące " * 3,
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_reads_back_exactly(subject: str) -> None:
    mail = OutgoingMail(
        id=1,
        message_id="<1@ebok.localhost>",
        to_address="kasia@example.com",
        subject=subject,
        body_text="zażółć gęślą jaźń " * 20,
        body_html=None,
        created_at=datetime(2026, 11, 21, 10, tzinfo=WARSAW),
    )
    raw = to_bytes(build_message(mail, sender="ebok@localhost", sender_name="Wodociągi"))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == subject
    body = parsed.get_body(("plain",))
    assert body is not None and body.get_content().startswith("zażółć gęślą jaźń")
    # The body keeps quoted-printable's short lines.
    assert max(len(line) for line in raw.split(b"\r\n")[raw.split(b"\r\n").index(b"") :]) <= 78

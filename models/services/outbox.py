"""Queueing e-mail: written in the transaction of the change it reports.

`queue_email` renders a message from models/mail/<template>.txt (and .html, when
there is one) and stores it in the outbox; the worker (`ebok worker`, or `ebok
serve` in-process) delivers it later. A message is keyed by the event it reports
(`key`), so reporting one event twice queues it once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.orm import OutboxEmail
from models.services import outbox_signal
from models.settings import UtilitySettings

MAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "mail"

_text = jinja2.Environment(
    loader=jinja2.FileSystemLoader(MAIL_TEMPLATES),
    autoescape=False,  # plain text: nothing to escape, and escaping would show as &amp;
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_html = jinja2.Environment(
    loader=jinja2.FileSystemLoader(MAIL_TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
# Every template may name the utility (the shared footer and layout do; see
# models/mail/README.md) without each caller passing it.
for _environment in (_text, _html):
    _environment.globals["utility"] = UtilitySettings()


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    """(subject, plain text, HTML or None). The text template's first line is
    "Subject: ..."; the HTML part is optional."""
    text = _text.get_template(f"{template}.txt").render(context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"mail template {template}.txt must start with a Subject: line")
    html_path = MAIL_TEMPLATES / f"{template}.html"
    html = _html.get_template(f"{template}.html").render(context) if html_path.exists() else None
    return first.removeprefix("Subject: ").strip(), body.lstrip("\n"), html


async def queue_email(
    to_address: str,
    template: str,
    context: dict[str, Any],
    *,
    now: datetime,
    key: str | None = None,
    domain: str = "ebok.localhost",
) -> OutboxEmail | None:
    """Queue one e-mail; None when one for the same event (`key`) is queued already."""
    subject, text, html = render_email(template, context)
    fields = {
        "key": key,
        "message_id": f"<{uuid.uuid4().hex}@{domain}>",
        "to_address": to_address,
        "subject": subject,
        "body_text": text,
        "body_html": html,
        "created_at": now,
        "next_attempt_at": now,
    }
    # A nudge for this process's worker, which looks a moment later (after the commit).
    outbox_signal.mail_queued()
    if key is None:
        return await OutboxEmail.create(**fields)
    if await OutboxEmail.exists(key=key):
        return None
    try:
        # A savepoint: a duplicate key must not undo the caller's transaction.
        async with in_transaction():
            return await OutboxEmail.create(**fields)
    except IntegrityError:
        return None

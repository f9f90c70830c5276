"""Request bodies that carry files: limited in size while they stream, never read whole.

A body is counted as it arrives: once it passes its limit, reading stops with
`BodyTooLarge`, whether or not the client declared a Content-Length (a declared
length over the limit is refused before a byte is read). Multipart files are
spooled by Starlette's parser (to disk past 1 MiB), so an upload costs no more
memory than its largest text field.

GraphQL uploads follow the GraphQL multipart request spec (web/graphql_app.py);
a page's upload form wraps its route in `limited_body`.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.routing import request_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A 10,000-transfer camt.053 statement is about 12 MB; files larger than this are
# no statement and no attachment eBOK takes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TOO_LARGE = f"Plik jest za duży: można wysłać najwyżej {MAX_UPLOAD_BYTES // 2**20} MB."


class BodyTooLarge(Exception):
    """The body went past its limit while it was being read."""


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, None without one; 400 when it is nonsense."""
    header = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    if header is None:
        return None
    try:
        return int(header)
    except ValueError:
        raise HTTPException(400, "Invalid Content-Length header.") from None


def is_multipart(scope: Scope) -> bool:
    header = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    return header.split(b";", 1)[0].strip().lower() == b"multipart/form-data"


def limited(receive: Receive, limit: int) -> Receive:
    """`receive` that stops a body as soon as it grows past `limit` bytes, so a body
    sent without Content-Length is never read whole either."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return receive_within_limit


class limited_body:
    """A page endpoint whose body may be at most `limit` bytes: 413 (the error page)
    before reading when the declared length is over, and as soon as the stream is."""

    def __init__(self, endpoint: Any, limit: int = MAX_UPLOAD_BYTES) -> None:
        self.app: ASGIApp = request_response(endpoint)
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = declared_length(scope)
        if declared is not None and declared > self.limit:
            raise HTTPException(413, UPLOAD_TOO_LARGE)
        try:
            await self.app(scope, limited(receive, self.limit), send)
        except BodyTooLarge:
            raise HTTPException(413, UPLOAD_TOO_LARGE) from None

"""Repeat views that cost nearly nothing: ETags and "304 Not Modified".

A page (or a persisted GraphQL operation) is fully determined by what was asked
(path, query, operation and variables), who asked (viewer, their first steps, the
session's CSRF token that forms embed), how it is shown (language, contrast, text
size), the running code, the day and minute (reading windows, overdue invoices and
announcements change with time) and the data version of models/reads/versions.py,
which every write moves. Their hash is the ETag: a request that sends it back in
`If-None-Match` gets 304 without the operation running at all.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

from models.reads.versions import data_version
from web.preferences import read_preferences
from web.rendering import VARY, is_fragment_request

# Pages look different after a new release even when the data did not change.
RELEASE = str(time.time_ns())
REVALIDATE = "private, no-cache"

Endpoint = Callable[[Request], Awaitable[Response]]


def _viewer_parts(request: Request) -> list[str]:
    viewer = getattr(request.state, "viewer", None)
    if viewer is None:
        return ["anonymous"]
    return [
        str(viewer.id),
        str(viewer.role),
        str(viewer.must_change_password),
        str(viewer.accepted_terms_version),
        ",".join(sorted(getattr(request.state, "scopes", ()))),
    ]


async def etag_for(request: Request, asked: Iterable[str]) -> str:
    """The ETag of what this request would be answered with."""
    viewer = getattr(request.state, "viewer", None)
    clock = request.app.state.clock
    prefs = read_preferences(request)
    parts = [
        RELEASE,
        *asked,
        *_viewer_parts(request),
        getattr(request.state, "csrf_token", "") or "",
        request.headers.get("accept-language", ""),
        prefs.contrast,
        prefs.font,
        clock.now().strftime("%Y-%m-%dT%H:%M"),
        await _data_version(request, viewer.id if viewer else None),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


async def _data_version(request: Request, user_id: int | None) -> str:
    """The version read with the viewer's session (web/auth.py), else read now."""
    known: str | None = getattr(request.state, "data_version", None)
    if known is not None and user_id is not None:
        return known
    return await data_version(user_id)


def matches(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return any(tag.strip() in (etag, "*") for tag in sent.split(","))


def not_modified(etag: str, vary: str) -> Response:
    return Response(
        status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE, "Vary": vary}
    )


def conditional(handler: Endpoint) -> Endpoint:
    """A GET page answered 304 when the browser's copy is still what it would get."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        if getattr(request.state, "viewer", None) is None:
            return await handler(request)  # the page redirects to /login
        asked = [request.url.path, request.url.query, str(is_fragment_request(request))]
        etag = await etag_for(request, asked)
        if matches(request, etag):
            return not_modified(etag, VARY)
        response = await handler(request)
        if response.status_code == 200:
            response.headers["ETag"] = etag
            response.headers["Cache-Control"] = REVALIDATE
        return response

    return endpoint

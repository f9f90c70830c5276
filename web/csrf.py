"""Cross-site request forgery: what a request must show before the session acts on it.

Pages: every form post carries the request's CSRF token (a hidden field), and a post
that a browser says comes from another site (a foreign `Origin`, or
`Sec-Fetch-Site: cross-site`) is refused before its body is read, which also stops
login CSRF on the forms that exist before sign-in.

/graphql: a request that the session cookie authenticates must send the session's
token in the `X-CSRF-Token` header, which a cross-site form cannot set, and, when
the browser sends them, come from this very origin. Partner apps authenticate with
`Authorization: Bearer`, carry no ambient credentials, and are not affected.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request

from models.security_log import security_event
from web.uploads import BodyTooLarge

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "check_form_token",
    "graphql_refusal",
    "read_form",
    "refuse_cross_site_post",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MAX_FORM_FIELDS = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}
FORM_REFUSED = "Formularz wygasł lub pochodzi z innej strony. Odśwież stronę i spróbuj ponownie."


def _origin_key(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or base URL; None for "null" or nonsense."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


def is_foreign_origin(request: HTTPConnection) -> bool:
    """True when the browser's `Origin` header names another origin than this site's."""
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = _origin_key(f"{request.url.scheme}://{request.url.netloc}")
    return _origin_key(origin) != own


def _token_matches(sent: object, request: HTTPConnection) -> bool:
    expected = getattr(request.state, "csrf_token", None)
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent, str(expected))


def _refused(request: HTTPConnection, reason: str) -> None:
    security_event(
        "csrf_refused",
        level=logging.WARNING,
        reason=reason,
        path=request.url.path,
        method=request.scope.get("method"),
        origin=request.headers.get("origin"),
        fetch_site=request.headers.get("sec-fetch-site"),
        ip=request.client.host if request.client else None,
    )


# --- pages ---------------------------------------------------------------------------


def refuse_cross_site_post(request: Request) -> None:
    """403 for a post that the browser says another site sent (defence in depth on top
    of the form token: it also covers the forms shown before sign-in)."""
    if is_foreign_origin(request):
        reason = "foreign_origin"
    elif request.headers.get("sec-fetch-site") == "cross-site":
        reason = "cross_site_fetch"
    else:
        return
    _refused(request, reason)
    raise HTTPException(status_code=403, detail=FORM_REFUSED)


async def read_form(request: Request) -> FormData:
    """The posted form, once its origin and CSRF token have been checked (403 otherwise).

    A client that disconnects mid-body raises ClientDisconnect, which the app answers
    without an error log (web/errors.py): nobody is left to read the answer.
    """
    refuse_cross_site_post(request)
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS)
    except (ClientDisconnect, BodyTooLarge):
        raise
    except Exception as exc:  # malformed multipart/urlencoded bodies are the client's fault
        raise HTTPException(status_code=400, detail="Nieprawidłowe dane formularza.") from exc
    check_form_token(request, form)
    return form


def check_form_token(request: Request, form: FormData) -> None:
    """403 unless the form carries the request's CSRF token."""
    if not _token_matches(form.get(CSRF_FIELD), request):
        _refused(request, "form_token")
        raise HTTPException(status_code=403, detail=FORM_REFUSED)


# --- /graphql ------------------------------------------------------------------------


def graphql_refusal(request: HTTPConnection, *, ide_page: bool) -> str | None:
    """Why a /graphql request must be refused (and a `csrf_refused` event logged), or
    None when it may go on.

    Only requests that the session cookie authenticates are checked. `ide_page` is a
    browser's GET of the GraphiQL page itself: a navigation, which can carry no
    header, so it needs no token, and a typed address (`Sec-Fetch-Site: none`) is
    fine; anything else must be `same-origin` when the browser says.
    """
    if getattr(request.state, "auth", None) != "session":
        return None
    reason = _graphql_reason(request, ide_page=ide_page)
    if reason is not None:
        _refused(request, reason)
    return reason


def _graphql_reason(request: HTTPConnection, *, ide_page: bool) -> str | None:
    if is_foreign_origin(request):
        return "foreign_origin"
    fetch_site = request.headers.get("sec-fetch-site")
    navigation = ide_page and request.headers.get("sec-fetch-dest", "document") == "document"
    allowed_sites = ("same-origin", "none") if navigation else ("same-origin",)
    if fetch_site is not None and fetch_site not in allowed_sites:
        return "cross_site_fetch"
    if navigation:
        return None
    if not _token_matches(request.headers.get(CSRF_HEADER), request):
        return "missing_csrf_header"
    return None

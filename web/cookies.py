"""Every cookie eBOK sets or reads, named and flagged in one place.

Outside plain-HTTP development a cookie's name carries the `__Host-` prefix and the
`Secure` flag. A browser accepts a `__Host-` cookie only from this very host, over
https, with `Path=/` and no `Domain`, so neither a sibling subdomain nor someone on
the network between a visitor and a plain-http link can plant one. That matters:
a planted anonymous CSRF cookie (`ebok_anon`) would let another site sign a victim
in to the attacker's account (login CSRF), and a planted session cookie likewise.

The prefixed name is used when `EBOK_ENV=production` or the request came over
https (behind a trusted proxy, the scheme it forwarded). The plain name is used
only for plain-HTTP development, tests and the demo on http://127.0.0.1, where a
browser would refuse a `Secure` cookie. Only the name for the current mode is read:
in production a plain `ebok_anon` cookie is ignored, whoever planted it.

Four functions, each taking the base name (e.g. "ebok_sesja"):

    cookie_name(request, base)     the name to use on this request
    get_cookie(request, base)      its value, or None
    set_cookie(response, request, base, value, *, max_age=None, httponly=True)
    delete_cookie(response, request, base)

Every cookie is `Path=/` and `SameSite=Lax`; `max_age=None` makes a cookie that
ends with the browser session.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import HTTPConnection
from starlette.responses import Response

__all__ = ["HOST_PREFIX", "cookie_name", "delete_cookie", "get_cookie", "set_cookie"]

HOST_PREFIX: Final = "__Host-"
_SAME_SITE: Final = "lax"


def _is_production(request: HTTPConnection) -> bool:
    # A bare Starlette app (some unit tests) has no settings: the scheme decides.
    app = request.scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    return bool(getattr(settings, "is_production", False))


def _secure(request: HTTPConnection) -> bool:
    return request.scope.get("scheme") == "https" or _is_production(request)


def cookie_name(request: HTTPConnection, base: str) -> str:
    """`__Host-<base>` in production or over https; `<base>` in plain-HTTP development."""
    return HOST_PREFIX + base if _secure(request) else base


def get_cookie(request: HTTPConnection, base: str) -> str | None:
    """The cookie's value under this request's name for it; None when absent or empty."""
    return request.cookies.get(cookie_name(request, base)) or None


def set_cookie(
    response: Response,
    request: HTTPConnection,
    base: str,
    value: str,
    *,
    max_age: int | None = None,
    httponly: bool = True,
) -> None:
    """Set the cookie on `response` under this request's name, with its flags."""
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        secure=_secure(request),
        httponly=httponly,
        samesite=_SAME_SITE,
    )


def delete_cookie(response: Response, request: HTTPConnection, base: str) -> None:
    """Tell the browser to drop the cookie (same name and flags as when it was set)."""
    response.delete_cookie(
        cookie_name(request, base),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite=_SAME_SITE,
    )

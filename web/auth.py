"""Who is at the other end of a request: a browser session or a partner app's token.

A small pure-ASGI middleware resolves it once and leaves it in `request.state`
(`viewer`, `scopes`, `session`, `csrf_token`), where the GraphQL context and the
pages both find it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.clock import Clock
from models.enums import Scope as TokenScope
from models.services.sessions import resume_session
from models.services.tokens import authenticate_bearer
from models.settings import Settings

SESSION_COOKIE = "ebok_sesja"
ANON_COOKIE = "ebok_anon"
ALL_SCOPES = frozenset(TokenScope)
# Stylesheets, scripts and the health check need no viewer: no session lookup for them.
ANONYMOUS_PATHS = ("/static/", "/healthz")


def anonymous_csrf_token(secret_key: str, anon_id: str) -> str:
    """Forms before sign-in (login, failure report) carry an HMAC of a random cookie:
    a cross-site page can neither read the cookie nor compute the token."""
    return hmac.new(secret_key.encode(), f"csrf:{anon_id}".encode(), hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    header = next((v for k, v in scope["headers"] if k == b"cookie"), b"")
    parsed = SimpleCookie()
    try:
        parsed.load(header.decode("latin-1"))
    except Exception:  # a malformed cookie header means no cookies, not a 500
        return {}
    return {k: m.value for k, m in parsed.items()}


def _client_host(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


def _bearer(scope: Scope) -> str | None:
    header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if not header:
        return None
    kind, _, token = header.decode("latin-1").partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, clock: Clock) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ANONYMOUS_PATHS):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state.update(viewer=None, scopes=frozenset(), session=None, session_key=None)
        cookies = _cookies(scope)
        new_anon_id: str | None = None
        token = _bearer(scope)
        if token is not None:
            bearer = await authenticate_bearer(
                token, self.clock, client_address=_client_host(scope)
            )
            state["bad_credentials"] = bearer is None
            if bearer is not None:
                state.update(viewer=bearer.user, scopes=bearer.scopes, auth="token")
        elif SESSION_COOKIE in cookies:
            signed_in = await resume_session(cookies[SESSION_COOKIE], self.clock)
            if signed_in is not None:
                state.update(
                    viewer=signed_in.user,
                    scopes=ALL_SCOPES,
                    session=signed_in.session,
                    session_key=cookies[SESSION_COOKIE],
                    csrf_token=signed_in.session.csrf_token,
                    auth="session",
                )
        if state.get("csrf_token") is None:
            anon_id = cookies.get(ANON_COOKIE)
            if not anon_id:
                anon_id = new_anon_id = secrets.token_urlsafe(24)
            state["anon_id"] = anon_id
            state["csrf_token"] = anonymous_csrf_token(self.settings.secret_key, anon_id)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and new_anon_id is not None:
                response = Response()
                response.set_cookie(
                    ANON_COOKIE,
                    new_anon_id,
                    httponly=True,
                    samesite="lax",
                    secure=self.settings.is_production,
                    path="/",
                )
                cookie_headers = [h for h in response.raw_headers if h[0] == b"set-cookie"]
                message["headers"] = list(message.get("headers", [])) + cookie_headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def set_session_cookie(response: Response, key: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        key,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.is_production
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"

"""Who is at the other end of a request: a browser session or a partner app's token.

A small pure-ASGI middleware resolves it once and leaves it in `request.state`
(`viewer`, `scopes`, `session`, `csrf_token`), where the GraphQL context and the
pages both find it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.clock import Clock
from models.enums import Scope as TokenScope
from models.services.sessions import resume_session
from models.services.tokens import authenticate_bearer
from models.settings import Settings
from web.cookies import delete_cookie, get_cookie, set_cookie

# Base names: web.cookies adds the __Host- prefix outside plain-HTTP development.
SESSION_COOKIE = "ebok_sesja"
ANON_COOKIE = "ebok_anon"
ALL_SCOPES = frozenset(TokenScope)
# Stylesheets, scripts and the health check need no viewer: no session lookup for them.
ANONYMOUS_PATHS = ("/static/", "/healthz")
GRAPHQL_PATH = "/graphql"


def anonymous_csrf_token(secret_key: str, anon_id: str) -> str:
    """Forms before sign-in (login, failure report) carry an HMAC of a random cookie:
    a cross-site page can neither read the cookie nor compute the token."""
    return hmac.new(secret_key.encode(), f"csrf:{anon_id}".encode(), hashlib.sha256).hexdigest()


def _bearer(scope: Scope) -> str | None:
    header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if not header:
        return None
    kind, _, token = header.decode("latin-1").partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


def _wants_anonymous_token(scope: Scope, state: dict[str, Any], bearer: str | None) -> bool:
    """Only pages get the anonymous cookie and its token: a partner app (bearer token)
    posts no forms, and /graphql takes no form token from anyone not signed in."""
    if bearer is not None or state.get("csrf_token") is not None:
        return False
    return scope["path"].rstrip("/") != GRAPHQL_PATH


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, clock: Clock) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ANONYMOUS_PATHS):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        state = scope.setdefault("state", {})
        state.update(viewer=None, scopes=frozenset(), session=None, session_key=None)
        token = _bearer(scope)
        if token is not None:
            client = scope.get("client")
            await self._authenticate_token(token, state, client[0] if client else None)
        else:
            await self._resume_session(connection, state)
        if not _wants_anonymous_token(scope, state, token):
            await self.app(scope, receive, send)
            return
        new_anon_id = self._anonymous_token(connection, state)
        if new_anon_id is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                response = Response()
                set_cookie(response, connection, ANON_COOKIE, new_anon_id)
                cookie_headers = [h for h in response.raw_headers if h[0] == b"set-cookie"]
                message["headers"] = list(message.get("headers", [])) + cookie_headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _authenticate_token(
        self, token: str, state: dict[str, Any], address: str | None
    ) -> None:
        bearer = await authenticate_bearer(token, self.clock, client_address=address)
        state["bad_credentials"] = bearer is None
        if bearer is not None:
            state.update(
                viewer=bearer.user, scopes=bearer.scopes, auth="token", token_id=bearer.token_id
            )

    async def _resume_session(self, connection: HTTPConnection, state: dict[str, Any]) -> None:
        key = get_cookie(connection, SESSION_COOKIE)
        if key is None:
            return
        # A page shown again may be answered 304 by its ETag (web/conditional.py), which
        # takes the data version: read with the session, it costs no statement of its own.
        reading = connection.scope["method"] in ("GET", "HEAD")
        signed_in = await resume_session(key, self.clock, with_version=reading)
        if signed_in is not None:
            state.update(
                data_version=signed_in.data_version,
                viewer=signed_in.user,
                scopes=ALL_SCOPES,
                session=signed_in.session,
                session_key=key,
                csrf_token=signed_in.session.csrf_token,
                auth="session",
            )

    def _anonymous_token(self, connection: HTTPConnection, state: dict[str, Any]) -> str | None:
        """The form token of a visitor not signed in; returns a new cookie value to set
        when the visitor has none yet."""
        anon_id = get_cookie(connection, ANON_COOKIE)
        new_anon_id = None
        if anon_id is None:
            anon_id = new_anon_id = secrets.token_urlsafe(24)
        state["anon_id"] = anon_id
        state["csrf_token"] = anonymous_csrf_token(self.settings.secret_key, anon_id)
        return new_anon_id


def set_session_cookie(response: Response, request: HTTPConnection, key: str) -> None:
    set_cookie(response, request, SESSION_COOKIE, key)


def clear_session_cookie(response: Response, request: HTTPConnection) -> None:
    delete_cookie(response, request, SESSION_COOKIE)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"

"""Security headers on every HTTP response, as one small pure-ASGI middleware.

The Content-Security-Policy allows only this site's own scripts and stylesheets and
no inline code at all: templates carry no `<script>` bodies, no `on*=` handlers and
no `style=` attributes, and htmx runs with eval and script tags switched off. That
turns a markup injection into dead text instead of running code.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "STRICT_TRANSPORT_SECURITY",
    "SecurityHeadersMiddleware",
]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Only features Chromium knows: an unknown one is logged as a console error.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Sent only on https responses (browsers ignore it on plain http anyway): a year, and
# for subdomains too, so a visitor's browser never tries plain http here again.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every HTTP response that does not already set them,
    and Strict-Transport-Security to every response to an https request.

    A response that sets its own Content-Security-Policy keeps it: GraphiQL (outside
    production, web/graphiql.py) needs data: fonts, and it is the one place that says so.
    `policy_for_path` gives another policy for paths that start with a prefix.
    """

    def __init__(self, app: ASGIApp, policy_for_path: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.policy_for_path = dict(policy_for_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = CONTENT_SECURITY_POLICY
        # Behind a trusted proxy uvicorn has already put the forwarded scheme here.
        https = scope.get("scheme") == "https"
        path: str = scope.get("path", "")
        for prefix, special in self.policy_for_path.items():
            if path.startswith(prefix):
                policy = special
                break

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = policy if name == "Content-Security-Policy" else value
                if https:
                    headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""The GraphiQL page that GET /graphql shows a browser outside production.

Strawberry's own page loads GraphiQL from a CDN with inline scripts, so it needs a
loose Content-Security-Policy and stays blank without internet. This one is served
from the project's own static files (web/static/vendor/graphiql/) with a small
start-up script, and gets a policy that allows this site alone.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.rendering import templates

__all__ = ["GRAPHIQL_POLICY", "render_graphiql"]

TEMPLATE = "graphiql/page.html"

# Like the pages' policy (web/security.py), except that GraphiQL's fonts are data:
# URLs in its stylesheet, and its components set some styles inline.
GRAPHIQL_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def render_graphiql(request: Request) -> HTMLResponse:
    """The page, with the CSRF token of whoever is signed in (empty for the anonymous)."""
    html = templates.get_template(TEMPLATE).render(
        csrf_token=getattr(request.state, "csrf_token", None) or ""
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": GRAPHIQL_POLICY})

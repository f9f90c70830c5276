"""POST /graphql for partner apps (and GET for queries), with the pages' own context."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from resolvers.context import Context
from web.gql import build_context

# GraphiQL (never in production) is Strawberry's page: inline scripts and styles and
# the GraphiQL bundle from its CDN. Only that page gets this looser policy.
GRAPHIQL_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://unpkg.com",
        "style-src 'self' 'unsafe-inline' https://unpkg.com",
        "font-src 'self' data: https://unpkg.com",
        "img-src 'self' data: https://unpkg.com",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)


def _error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class GraphQLEndpoint(GraphQL):
    """Strawberry's ASGI view, answering malformed requests in JSON, never in plain text."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            code = "BAD_REQUEST" if exc.status_code < 500 else "INTERNAL"
            response = JSONResponse(_error_body(exc.reason, code), status_code=exc.status_code)
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:  # type: ignore[override]
        return HTMLResponse(
            self.graphql_ide_html, headers={"Content-Security-Policy": GRAPHIQL_POLICY}
        )

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        context = build_context(request, response)
        # Partner apps' requests are charged to the caller's hourly allowance; the
        # pages' own operations (web/gql.py) are not.
        context.charge_allowance = True
        return context

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

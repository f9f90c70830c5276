"""POST /graphql for partner apps (and GET for queries), with the pages' own context.

Strawberry's ASGI view does the GraphQL work; this subclass decides what reaches it
and how a refusal reads. Every refusal is a JSON `{"errors": [...]}` body with a
code (`BAD_REQUEST`, `FORBIDDEN`), never Strawberry's plain text and never a 500:

- the body is limited in size (413), by Content-Length and while it streams;
- `application/json` bodies are read, parsed by orjson, which refuses invalid UTF-8
  and deep nesting; the document must be an object (400);
- `multipart/form-data` bodies (the GraphQL multipart request spec: `operations`,
  `map`, then the files) carry files for `Upload` arguments, only from a caller
  with a bearer token or a session cookie that passes the CSRF checks (403 for the
  anonymous), up to MAX_UPLOAD_BYTES (web/uploads.py), the files spooled as they
  stream; any other type is 415;
- a request authenticated by the session cookie must pass web.csrf's checks (403);
- a client that goes away mid-body is not an error worth a traceback.

Every answer says `Cache-Control: no-store` and varies by Authorization and Cookie:
it is one caller's data. The exception is a persisted operation asked for by GET
(`?operationName=Dashboard&variables=...`, no `query`: the pages' own operations in
web/operations): it carries an ETag (web/conditional.py) and may be kept privately to
be revalidated, and a request that sends the ETag back gets 304 without running.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLRequestData

from resolvers.context import Context
from web.conditional import REVALIDATE, etag_for, matches, not_modified
from web.csrf import graphql_refusal
from web.gql import build_context, operation_documents
from web.graphiql import render_graphiql
from web.uploads import (
    MAX_UPLOAD_BYTES,
    BodyTooLarge,
    declared_length,
    is_multipart,
    limited,
)

log = logging.getLogger("ebok.web")

# The largest honest JSON request is a page's operation with its variables: a few KiB
# (queries are capped at 2,000 tokens). A quarter of a MiB leaves room for long
# queries typed into GraphiQL while keeping a flood of big bodies from costing
# memory and parse time. It also bounds each text part (`operations`, `map`) of a
# multipart upload, whose whole body may be up to MAX_UPLOAD_BYTES.
MAX_BODY_BYTES = 256 * 1024
MAX_UPLOAD_FILES = 10

JSON_CONTENT_TYPE = "application/json"
MULTIPART_CONTENT_TYPE = "multipart/form-data"
MULTIPART_REFUSED = "File uploads (multipart/form-data) need a bearer token or a signed-in session."
MULTIPART_MALFORMED = "The multipart body does not follow the GraphQL multipart request spec."
UNSUPPORTED_TYPE = "Send the operation as application/json (or multipart/form-data with files)."
NOT_AN_OBJECT = "The request must be a JSON object (batches are not accepted)."
BAD_OPERATION_NAME = "The GraphQL operation's `operationName` must be a string or null."
TOO_LARGE = f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."
FORBIDDEN = "Cross-site request refused: send the X-CSRF-Token header from this site."
VARY_ON = ("Authorization", "Cookie")


def error_response(status: int, message: str, code: str) -> JSONResponse:
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


def _body_limit(scope: Scope) -> int:
    """JSON bodies MAX_BODY_BYTES; multipart MAX_UPLOAD_BYTES, or a message's files at
    their configured limits (EBOK_ATTACHMENTS_PER_MESSAGE × EBOK_ATTACHMENT_MAX_MB)
    with room for the operation, when that is more."""
    if not is_multipart(scope):
        return MAX_BODY_BYTES
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    limits = getattr(settings, "attachments", None)
    if limits is None:
        return MAX_UPLOAD_BYTES
    return max(MAX_UPLOAD_BYTES, limits.per_message * limits.max_bytes + MAX_BODY_BYTES)


def _private(response: Response) -> None:
    """One caller's answer: never stored, and keyed by who asked, whatever was there."""
    headers = response.headers
    headers["Cache-Control"] = "no-store"
    present = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
    lowered = {v.lower() for v in present}
    headers["Vary"] = ", ".join(present + [v for v in VARY_ON if v.lower() not in lowered])


class GraphQLEndpoint(GraphQL):
    """Strawberry's ASGI view, answering malformed requests in JSON, never in plain text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("multipart_uploads_enabled", True)
        super().__init__(*args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, limited(receive, _body_limit(scope)))
        response = await self._respond(request)
        _private(response)
        etag = getattr(request.state, "persisted_etag", None)
        if etag and response.status_code in (200, 304) and b'"errors"' not in response.body:
            response.headers["ETag"] = etag
            response.headers["Cache-Control"] = REVALIDATE
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        try:
            declared = declared_length(request.scope)
            if declared is not None and declared > _body_limit(request.scope):
                return _too_large(request.scope)
            ide_page = self.should_render_graphql_ide(self.request_adapter_class(request))
            if graphql_refusal(request, ide_page=ide_page) is not None:
                return error_response(403, FORBIDDEN, "FORBIDDEN")
            if request.method == "POST" and is_multipart(request.scope):
                await _read_upload_form(request)
            persisted = _persisted_operation(request)
            if persisted is not None:
                etag = await etag_for(request, [persisted, request.url.query])
                request.state.persisted_etag = etag
                if matches(request, etag):
                    return not_modified(etag, ", ".join(VARY_ON))
            return await self.run(request)
        except HTTPException as exc:
            code = "BAD_REQUEST" if exc.status_code < 500 else "INTERNAL"
            code = "FORBIDDEN" if exc.status_code == 403 else code
            return error_response(exc.status_code, exc.reason, code)
        except BodyTooLarge:
            return _too_large(request.scope)
        except ClientDisconnect:
            # Nobody is left to read an answer; the server drops it. Not an error.
            log.info("client disconnected while sending a /graphql request")
            return error_response(400, "The client disconnected.", "BAD_REQUEST")

    # --- Strawberry's hooks ---------------------------------------------------------

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            _require_json_or_upload(request)
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, str | None):
            raise HTTPException(400, BAD_OPERATION_NAME)
        if isinstance(data, GraphQLRequestData) and request.method == "GET" and not data.query:
            # A persisted operation: the pages' own document, by its name.
            data.query = operation_documents().get(data.operation_name or "")
        return data

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        """The operation of a GraphQL multipart request, its files in place: at most
        MAX_UPLOAD_FILES files, text parts of at most MAX_BODY_BYTES, and a `map`
        that names only files that were sent."""
        form = (await request.get_form_data()).form  # read with its limits in `_respond`
        operations, files_map = form.get("operations"), form.get("map")
        if not isinstance(operations, str) or not isinstance(files_map, str):
            raise HTTPException(400, MULTIPART_MALFORMED)
        parsed = self.parse_json(operations)
        mapping = self.parse_json(files_map)
        files = {k: v for k, v in form.multi_items() if not isinstance(v, str)}
        if not all(
            isinstance(paths, list)
            and all(isinstance(p, str) and p.startswith("variables.") for p in paths)
            and key in files
            for key, paths in mapping.items()
        ):
            raise HTTPException(400, MULTIPART_MALFORMED)
        try:
            return replace_placeholders_with_files(parsed, mapping, files)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise HTTPException(400, MULTIPART_MALFORMED) from exc

    def parse_json(self, data: str | bytes) -> Any:
        """Every JSON document this view reads (the body; `variables` and `extensions`
        in a GET's query string) must be an object: batching is off, and anything
        else would reach code that expects a mapping."""
        value = super().parse_json(data)
        if not isinstance(value, dict):
            raise HTTPException(400, NOT_AN_OBJECT)
        return value

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses invalid UTF-8 and nesting deeper than 1,024 levels with a
        # JSONDecodeError, which Strawberry answers as a bad request.
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET that names an operation asks for data (a persisted operation), not
        # for the IDE, whatever its Accept header says.
        if request.query_params.get("operationName"):
            return False
        return super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:  # type: ignore[override]
        return render_graphiql(request)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        context = build_context(request, response)
        # Partner apps' requests are charged to the caller's hourly allowance; the
        # pages' own operations (web/gql.py) are not.
        context.charge_allowance = True
        return context


def _persisted_operation(request: Request) -> str | None:
    """The name of the persisted operation a GET asks for without a query, if any."""
    params = request.query_params
    if request.method != "GET" or params.get("query"):
        return None
    name = params.get("operationName") or ""
    return name if name in operation_documents() else None


async def _read_upload_form(request: Request) -> None:
    """Read a multipart body (Starlette keeps it for Strawberry's `parse_multipart`):
    403 for an anonymous caller, before a byte of it is read; at most
    MAX_UPLOAD_FILES files, and text parts of at most MAX_BODY_BYTES."""
    # A session reaching here passed web.csrf's header and origin checks.
    if getattr(request.state, "auth", None) not in ("token", "session"):
        raise HTTPException(403, MULTIPART_REFUSED)
    try:
        await request.form(
            max_files=MAX_UPLOAD_FILES,
            max_fields=MAX_UPLOAD_FILES + 2,
            max_part_size=MAX_BODY_BYTES,
        )
    except (MultiPartException, StarletteHTTPException) as exc:
        raise HTTPException(400, MULTIPART_MALFORMED) from exc


def _require_json_or_upload(request: AsyncHTTPRequestAdapter) -> None:
    media_type = (request.content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_CONTENT_TYPE and media_type != MULTIPART_CONTENT_TYPE:
        raise HTTPException(415, UNSUPPORTED_TYPE)


def _too_large(scope: Scope) -> JSONResponse:
    limit = _body_limit(scope) // 2**20
    message = f"The request body is larger than {limit} MiB." if is_multipart(scope) else TOO_LARGE
    return error_response(413, message, "BAD_REQUEST")

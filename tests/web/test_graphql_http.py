"""/graphql over HTTP: malformed, oversized and abandoned requests get JSON errors,
never a 500 and never a traceback in the log; answers are never cached."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.types import Message

from models.clock import Clock
from models.settings import Settings
from web.app import create_app
from web.graphql_app import MAX_BODY_BYTES

pytestmark = pytest.mark.usefixtures("db")

QUERY = "{ termsVersion }"
DEEP = b"[" * 100_000 + b"]" * 100_000


def _assert_json_error(response: httpx.Response, status: int, code: str = "BAD_REQUEST") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == code
    assert isinstance(errors[0]["message"], str) and errors[0]["message"]


def _assert_quiet_log(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]


@pytest.mark.parametrize(
    "body",
    [
        b'"a string"',
        b"42",
        b"true",
        b"null",
        b"[]",
        b'[{"query": "{ termsVersion }"}]',
        DEEP,
        b'{"query": "{ termsVersion }", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'\xff\xfe{"query": "{ termsVersion }"}',
        b'{"query": "\xc3\x28"}',
        b'{"query": 42}',
        b'{"query": ["{ termsVersion }"]}',
        b'{"query": "{ termsVersion }", "variables": [1]}',
        b'{"query": "{ termsVersion }", "variables": "{}"}',
        b'{"query": "{ termsVersion }", "operationName": 5}',
        b'{"query": "{ termsVersion }", "operationName": {"a": 1}}',
        b'{"query": "{ termsVersion }", "operationName": ["A"]}',
        b'{"query": "{ termsVersion }", "extensions": 3}',
        b"",
        b"{not json",
    ],
    ids=lambda body: body[:40].decode("latin-1"),
)
async def test_a_malformed_json_body_is_400_json(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    with caplog.at_level(logging.INFO):
        response = await http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    _assert_json_error(response, 400)
    _assert_quiet_log(caplog)


@pytest.mark.parametrize(
    "params",
    [
        {"query": QUERY, "variables": "[1]"},
        {"query": QUERY, "variables": "null"},
        {"query": QUERY, "variables": "\u00ff{"},
        {"query": QUERY, "extensions": "7"},
        {"variables": "{}"},
    ],
)
async def test_a_malformed_get_is_400_json(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, params: dict[str, str]
) -> None:
    with caplog.at_level(logging.INFO):
        response = await http.get("/graphql", params=params, headers={"accept": "application/json"})
    _assert_json_error(response, 400)
    _assert_quiet_log(caplog)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/graphql", ""],
)
async def test_other_content_types_are_415_json(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, content_type: str
) -> None:
    with caplog.at_level(logging.INFO):
        response = await http.post(
            "/graphql",
            content=b'{"query": "{ termsVersion }"}',
            headers={"content-type": content_type},
        )
    _assert_json_error(response, 415)
    _assert_quiet_log(caplog)


async def test_multipart_is_refused_to_the_anonymous(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        upload = await http.post(
            "/graphql",
            data={"operations": '{"query": "{ termsVersion }"}', "map": "{}"},
            files={"0": ("a.txt", b"hello", "text/plain")},
        )
        broken = await http.post(
            "/graphql",
            content=b'--x\r\nContent-Disposition: form-data; name="operations\r\n\r\n{',
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        no_boundary = await http.post(
            "/graphql", content=b"junk", headers={"content-type": "multipart/form-data"}
        )
    # Uploads are for bearer tokens and sessions (tests/web/test_bank_statement_upload.py).
    for response in (upload, broken, no_boundary):
        _assert_json_error(response, 403, "FORBIDDEN")
        assert "bearer token" in response.json()["errors"][0]["message"]
    _assert_quiet_log(caplog)


async def test_a_well_formed_request_still_works(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        json={"query": QUERY, "variables": {}, "operationName": None},
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.json() == {"data": {"termsVersion": "2026-01"}}
    named = await http.post(
        "/graphql", json={"query": "query Terms { termsVersion }", "operationName": "Terms"}
    )
    assert named.json() == {"data": {"termsVersion": "2026-01"}}


# --- size ---------------------------------------------------------------------------------


async def test_a_declared_oversized_body_is_413_before_it_is_read(
    settings: Settings, clock: Clock
) -> None:
    app = create_app(settings, clock, manage_database=False)
    reads = 0

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = _scope(
        "POST",
        [(b"content-type", b"application/json"), (b"content-length", b"20000000")],
    )
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert reads == 0
    assert b'"BAD_REQUEST"' in sent[1]["body"]


async def test_a_streamed_oversized_body_is_413_without_reading_it_all(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    chunk = b" " * 65536
    pulled = 0

    async def twenty_megabytes() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(20 * 16):
            pulled += 1
            yield chunk

    with caplog.at_level(logging.INFO):
        response = await http.post(
            "/graphql", content=twenty_megabytes(), headers={"content-type": "application/json"}
        )
    _assert_json_error(response, 413)
    assert pulled * len(chunk) <= MAX_BODY_BYTES + len(chunk)
    _assert_quiet_log(caplog)


async def test_a_body_just_under_the_limit_is_read(http: httpx.AsyncClient) -> None:
    body = b'{"query": "{ termsVersion }"}'
    padded = body + b" " * (MAX_BODY_BYTES - len(body))
    response = await http.post(
        "/graphql", content=padded, headers={"content-type": "application/json"}
    )
    assert response.json() == {"data": {"termsVersion": "2026-01"}}


# --- a client that leaves -----------------------------------------------------------------


def _scope(method: str, headers: list[tuple[bytes, bytes]], path: str = "/graphql") -> Any:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/graphql", b"application/json"), ("/login", b"application/x-www-form-urlencoded")],
)
async def test_a_client_disconnecting_mid_body_is_not_an_error(
    settings: Settings,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    path: str,
    content_type: bytes,
) -> None:
    app = create_app(settings, clock, manage_database=False)
    messages: list[Message] = [
        {"type": "http.request", "body": b'{"query": "{ terms', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        pass

    with caplog.at_level(logging.INFO):
        await app(_scope("POST", [(b"content-type", content_type)], path), receive, send)
    _assert_quiet_log(caplog)


# --- headers ------------------------------------------------------------------------------


async def test_graphql_answers_are_private_and_vary_by_credentials(
    http: httpx.AsyncClient,
) -> None:
    answers = [
        await http.post("/graphql", json={"query": QUERY}),
        await http.get("/graphql", params={"query": QUERY}),
        await http.post("/graphql", content=b"[]", headers={"content-type": "application/json"}),
        await http.post("/graphql", json={"query": QUERY}, headers={"authorization": "Bearer x"}),
    ]
    for response in answers:
        assert response.headers["cache-control"] == "no-store"
        vary = [v.strip().lower() for v in response.headers["vary"].split(",")]
        assert "authorization" in vary and "cookie" in vary

"""Each caller's hourly allowance of cost points through /graphql, and `rateLimit`."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Any

import httpx
import pytest

from models.clock import Clock
from models.services.allowances import Allowances
from models.settings import DEFAULT_QUERY_ALLOWANCE, ConfigurationError, Settings, load_settings
from tests.conftest import TEST_NOW
from tests.support import Api
from web.app import create_app

pytestmark = pytest.mark.usefixtures("demo")

RATE = "{ rateLimit { limit remaining cost resetAt } }"
ISSUE = """mutation { issueToken(input: {login: "jan.kowalski", password: "Woda-Demo-2026!"}) {
  token } }"""
# Enough for a sign-in (20 points) and a few small requests.
SMALL = 40
Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Client:
    """Clients of one app (one worker) with a small allowance, from any address."""
    app = create_app(replace(settings, query_allowance=SMALL), clock, manage_database=False)

    @asynccontextmanager
    async def connect(address: str = "10.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http

    return connect


async def _post(
    http: httpx.AsyncClient, query: str, token: str | None = None
) -> tuple[dict[str, Any], httpx.Response]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    return response.json(), response


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def _token(http: httpx.AsyncClient) -> str:
    body, _ = await _post(http, ISSUE)
    return str(body["data"]["issueToken"]["token"])


async def test_rate_limit_reports_the_allowance_and_what_this_request_cost(
    http: httpx.AsyncClient,
) -> None:
    body, _ = await _post(http, RATE)
    assert body["data"]["rateLimit"] == {
        "limit": DEFAULT_QUERY_ALLOWANCE,
        "remaining": DEFAULT_QUERY_ALLOWANCE - 1,
        "cost": 1,
        "resetAt": (TEST_NOW + timedelta(hours=1)).astimezone(UTC).isoformat(),
    }
    query = "{ rateLimit { remaining cost } announcements { title } tariff { validFrom } }"
    body, _ = await _post(http, query)
    assert body["data"]["rateLimit"] == {"remaining": DEFAULT_QUERY_ALLOWANCE - 4, "cost": 3}


async def test_a_spent_allowance_refuses_requests_until_the_window_renews(
    client: Client, clock: Clock
) -> None:
    async with client() as http:
        for spent in range(1, SMALL + 1):
            body, _ = await _post(http, RATE)
            assert body["data"]["rateLimit"]["remaining"] == SMALL - spent
        body, response = await _post(http, RATE)
        assert _codes(body) == ["RATE_LIMITED"]
        assert body["data"] is None
        assert response.headers["retry-after"] == "3600"
        assert re.search(r"\d\d\.\d\d\.\d{4}", body["errors"][0]["message"])  # when it renews
        clock.set(TEST_NOW + timedelta(hours=1))
        body, _ = await _post(http, RATE)
        assert body["data"]["rateLimit"]["remaining"] == SMALL - 1


async def test_anonymous_callers_are_told_apart_by_address(client: Client) -> None:
    async with client("10.0.0.1") as first, client("10.0.0.2") as second:
        for _ in range(SMALL):
            await _post(first, RATE)
        assert _codes((await _post(first, RATE))[0]) == ["RATE_LIMITED"]
        body, _ = await _post(second, RATE)
        assert body["data"]["rateLimit"]["remaining"] == SMALL - 1


async def test_a_user_has_one_allowance_with_any_token_from_any_address(client: Client) -> None:
    async with client("10.0.0.1") as phone, client("10.0.0.2") as laptop:
        first, second = await _token(phone), await _token(laptop)
        for _ in range(SMALL // 2):
            await _post(phone, RATE, first)
            await _post(laptop, RATE, second)
        body, _ = await _post(laptop, "{ rateLimit { remaining } me { login } }", second)
        assert _codes(body) == ["RATE_LIMITED"]


async def test_the_pages_own_operations_are_not_charged(client: Client) -> None:
    async with client() as http:
        page = await http.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        form = {"login": "jan.kowalski", "password": "Woda-Demo-2026!", "csrf_token": csrf[1]}
        assert (await http.post("/login", data=form)).status_code == 303
        for path in ["/", "/konto", "/faktury", "/platnosci", "/saldo", "/odczyty"] * 3:
            assert (await http.get(path)).status_code == 200, path
        # The session's own /graphql request is the first one charged.
        meta = re.search(r'name="csrf-token" content="([^"]+)"', (await http.get("/konto")).text)
        assert meta
        response = await http.get(
            "/graphql", params={"query": RATE}, headers={"x-csrf-token": meta[1]}
        )
        assert response.json()["data"]["rateLimit"]["remaining"] == SMALL - 1


async def test_a_page_still_answers_when_the_api_allowance_is_spent(client: Client) -> None:
    async with client() as http:
        token = await _token(http)
        while not _codes((await _post(http, RATE, token))[0]):
            pass
        assert (await http.get("/")).status_code == 200


async def test_an_in_process_operation_sees_the_allowance_without_spending_it(api: Api) -> None:
    first = await api.data(RATE)
    second = await api.data(RATE)
    assert first == second
    assert first["rateLimit"]["cost"] == 0
    assert first["rateLimit"]["remaining"] == DEFAULT_QUERY_ALLOWANCE


def test_the_allowance_comes_from_the_environment(tmp_path: Any) -> None:
    assert load_settings({"EBOK_SECRET_KEY": "k"}, tmp_path).query_allowance == (
        DEFAULT_QUERY_ALLOWANCE
    )
    small = load_settings({"EBOK_SECRET_KEY": "k", "EBOK_QUERY_ALLOWANCE": "40"}, tmp_path)
    assert small.query_allowance == 40

    for bad in ["0", "-3", "lots"]:
        with pytest.raises(ConfigurationError):
            load_settings({"EBOK_SECRET_KEY": "k", "EBOK_QUERY_ALLOWANCE": bad}, tmp_path)


async def test_a_fault_while_charging_is_masked_and_logged(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object) -> None:
        raise ConnectionError("database gone: host db-7")

    monkeypatch.setattr(Allowances, "charge", broken)
    with caplog.at_level(logging.ERROR, logger="ebok.graphql"):
        body, _ = await _post(http, RATE)
    assert _codes(body) == ["INTERNAL"]
    assert "db-7" not in str(body)
    assert any("db-7" in str(r.exc_info) for r in caplog.records)

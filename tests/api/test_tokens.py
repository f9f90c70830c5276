"""Partner apps sign in with issueToken, refresh, and call /graphql with a bearer token."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from models.clock import Clock
from models.rules.totp import totp_at
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

ISSUE = """mutation Issue($login: String!, $password: String!, $otp: String) {
  issueToken(input: {login: $login, password: $password, otp: $otp}) {
    token refreshToken expiresAt errors { field code message }
  }
}"""
REFRESH = """mutation Refresh($r: String!) {
  refreshToken(input: {refreshToken: $r}) { token refreshToken errors { field code } }
}"""


async def _post(http: httpx.AsyncClient, query: str, variables: dict, token: str | None = None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200
    return response.json()


async def test_a_partner_app_signs_in_and_reads_the_account(http: httpx.AsyncClient) -> None:
    issued = await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"})
    payload = issued["data"]["issueToken"]
    assert payload["errors"] == []
    token = payload["token"]
    data = await _post(http, "{ accounts { number } }", {}, token)
    assert data["data"]["accounts"] == [{"number": "100001"}]


async def test_wrong_password_is_a_user_error_not_a_crash(http: httpx.AsyncClient) -> None:
    issued = await _post(http, ISSUE, {"login": "jan.kowalski", "password": "nope"})
    payload = issued["data"]["issueToken"]
    assert payload["token"] is None
    assert payload["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert "hasło" in payload["errors"][0]["message"]


async def test_a_bad_bearer_token_is_unauthenticated(http: httpx.AsyncClient) -> None:
    data = await _post(http, "{ accounts { number } }", {}, "ebok_at_forged")
    assert data["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refresh_rotates_and_the_old_refresh_token_dies(http: httpx.AsyncClient) -> None:
    first = (await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"}))[
        "data"
    ]["issueToken"]
    second = (await _post(http, REFRESH, {"r": first["refreshToken"]}))["data"]["refreshToken"]
    assert second["errors"] == [] and second["token"] != first["token"]
    again = (await _post(http, REFRESH, {"r": first["refreshToken"]}))["data"]["refreshToken"]
    assert again["token"] is None and again["errors"][0]["field"] == "refreshToken"
    old_access = await _post(http, "{ accounts { number } }", {}, first["token"])
    assert old_access["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    new_access = await _post(http, "{ accounts { number } }", {}, second["token"])
    assert new_access["data"]["accounts"] == [{"number": "100001"}]


async def test_an_access_token_expires_after_an_hour(http: httpx.AsyncClient, clock: Clock) -> None:
    issued = (await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"}))[
        "data"
    ]["issueToken"]
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    data = await _post(http, "{ accounts { number } }", {}, issued["token"])
    assert data["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = (await _post(http, REFRESH, {"r": issued["refreshToken"]}))["data"]["refreshToken"]
    assert refreshed["errors"] == []


async def test_staff_need_the_one_time_code(api: Api) -> None:
    variables = {"login": "obsluga", "password": "Obsluga-Demo-2026!"}
    missing = (await api.data(ISSUE, variables))["issueToken"]
    assert missing["token"] is None and missing["errors"][0]["code"] == "INVALID_CREDENTIALS"
    code = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    ok = (await api.data(ISSUE, {**variables, "otp": code}))["issueToken"]
    assert ok["errors"] == [] and ok["token"]

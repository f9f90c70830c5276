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
    old_access = await _post(http, "{ accounts { number } }", {}, first["token"])
    assert old_access["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    new_access = await _post(http, "{ accounts { number } }", {}, second["token"])
    assert new_access["data"]["accounts"] == [{"number": "100001"}]
    again = (await _post(http, REFRESH, {"r": first["refreshToken"]}))["data"]["refreshToken"]
    assert again["token"] is None and again["errors"][0]["field"] == "refreshToken"


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


TOKENS = "{ me { apiTokens { id name scopes createdAt expiresAt lastUsedAt } } }"
REVOKE = """mutation Revoke($id: ID!) { revokeApiToken(id: $id) { ok errors { field code } } }"""


async def _issue(http: httpx.AsyncClient) -> dict:
    variables = {"login": "jan.kowalski", "password": "Woda-Demo-2026!"}
    return (await _post(http, ISSUE, variables))["data"]["issueToken"]


async def test_reusing_a_rotated_refresh_token_revokes_its_whole_family(
    http: httpx.AsyncClient,
) -> None:
    first = await _issue(http)
    second = (await _post(http, REFRESH, {"r": first["refreshToken"]}))["data"]["refreshToken"]
    # Someone replays the first refresh token (a stolen copy): every descendant dies.
    replay = (await _post(http, REFRESH, {"r": first["refreshToken"]}))["data"]["refreshToken"]
    assert replay["token"] is None
    dead = await _post(http, "{ accounts { number } }", {}, second["token"])
    assert dead["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    third = (await _post(http, REFRESH, {"r": second["refreshToken"]}))["data"]["refreshToken"]
    assert third["token"] is None and third["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # Another sign-in of the same user is a family of its own and lives on.
    other = await _issue(http)
    alive = await _post(http, "{ accounts { number } }", {}, other["token"])
    assert alive["data"]["accounts"] == [{"number": "100001"}]


async def test_a_refresh_chain_ends_thirty_days_after_the_sign_in(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    pair = await _issue(http)
    for _ in range(4):  # refreshed every week, the chain still ends on day 30
        clock.set(clock.now() + timedelta(days=7))
        pair = (await _post(http, REFRESH, {"r": pair["refreshToken"]}))["data"]["refreshToken"]
        assert pair["errors"] == []
    clock.set(clock.now() + timedelta(days=2, minutes=1))
    late = (await _post(http, REFRESH, {"r": pair["refreshToken"]}))["data"]["refreshToken"]
    assert late["token"] is None and late["errors"][0]["code"] == "TOKEN_EXPIRED"


async def test_api_tokens_list_partner_sign_ins_with_last_use_and_revoke_ends_them_at_once(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    app = await _issue(http)
    clock.set(clock.now() + timedelta(minutes=5))
    refreshed = (await _post(http, REFRESH, {"r": app["refreshToken"]}))["data"]["refreshToken"]
    clock.set(clock.now() + timedelta(minutes=5))
    listed = (await _post(http, TOKENS, {}, refreshed["token"]))["data"]["me"]["apiTokens"]
    assert len(listed) == 1, "a refreshed sign-in is one entry, not one per pair"
    token = listed[0]
    assert token["scopes"] == ["READ", "WRITE"]
    assert token["lastUsedAt"].startswith(clock.now().date().isoformat())
    assert token["expiresAt"] > token["createdAt"]
    revoked = await _post(http, REVOKE, {"id": token["id"]}, refreshed["token"])
    assert revoked["data"]["revokeApiToken"] == {"ok": True, "errors": []}
    gone = await _post(http, "{ accounts { number } }", {}, refreshed["token"])
    assert gone["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    no_refresh = (await _post(http, REFRESH, {"r": refreshed["refreshToken"]}))["data"]
    assert no_refresh["refreshToken"]["token"] is None


async def test_a_token_of_someone_else_cannot_be_revoked(http: httpx.AsyncClient, api: Api) -> None:
    jans = await _issue(http)
    listed = (await _post(http, TOKENS, {}, jans["token"]))["data"]["me"]["apiTokens"]
    other = await api.data(REVOKE, {"id": listed[0]["id"]}, as_user="wspolnota.lipowa")
    assert other["revokeApiToken"] == {
        "ok": False,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    still = await _post(http, "{ accounts { number } }", {}, jans["token"])
    assert still["data"]["accounts"] == [{"number": "100001"}]


async def test_a_read_only_token_cannot_call_a_mutation(api: Api) -> None:
    from models.enums import Scope

    refused = await api.run(
        REVOKE, {"id": "QXBpVG9rZW46MQ=="}, as_user="jan.kowalski", scopes=frozenset({Scope.READ})
    )
    assert refused.codes == ["FORBIDDEN"]
    assert refused.data is None or refused.data.get("revokeApiToken") is None


async def test_payload_errors_speak_the_callers_language(http: httpx.AsyncClient) -> None:
    variables = {"login": "jan.kowalski", "password": "nope"}
    response = await http.post(
        "/graphql",
        json={"query": ISSUE, "variables": variables},
        headers={"accept-language": "en-GB,en;q=0.9"},
    )
    error = response.json()["data"]["issueToken"]["errors"][0]
    assert error["code"] == "INVALID_CREDENTIALS"
    assert error["message"].startswith("Wrong login or password")


async def test_ten_failures_lock_issue_token_as_the_pages(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.services import signin

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(signin, "pause", no_wait)
    for _ in range(10):
        failed = (await _post(http, ISSUE, {"login": "jan.kowalski", "password": "x"}))["data"]
        assert failed["issueToken"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    variables = {"login": "jan.kowalski", "password": "Woda-Demo-2026!"}
    locked = (await _post(http, ISSUE, variables))["data"]["issueToken"]
    assert locked["token"] is None
    assert locked["errors"] == [
        {"field": None, "code": "ACCOUNT_LOCKED", "message": locked["errors"][0]["message"]}
    ]
    # The page says the same to a browser.
    page = await http.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = await http.post("/login", data={**variables, "csrf_token": token})
    assert form.status_code == 422 and "wstrzymane" in form.text


async def test_an_impossible_login_is_a_wrong_login_in_the_api_too(api: Api) -> None:
    variables = {"login": "jan.kowalski\x00", "password": "Woda-Demo-2026!"}
    result = await api.run(ISSUE, variables)
    assert result.errors == []
    assert result.data["issueToken"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # Longer than any login: refused by the input bounds before anything runs.
    too_long = await api.run(ISSUE, {**variables, "login": "ą" * 65})
    assert too_long.codes == ["BAD_REQUEST"]

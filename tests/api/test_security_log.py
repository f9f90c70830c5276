"""Security events reach the log as structured lines, never with a secret."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("demo")

ISSUE = """mutation { issueToken(input: {login: "jan.kowalski", password: "Woda-Demo-2026!"}) {
  token refreshToken errors { code } } }"""


def _events(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "ebok.security"]


async def test_token_life_and_refused_authorization_are_logged_without_secrets(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ebok.security")
    issued = (await http.post("/graphql", json={"query": ISSUE})).json()["data"]["issueToken"]
    bearer = {"authorization": f"Bearer {issued['token']}"}
    listed = await http.post(
        "/graphql", json={"query": "{ me { apiTokens { id } } }"}, headers=bearer
    )
    token_id = listed.json()["data"]["me"]["apiTokens"][0]["id"]
    revoke = "mutation R($id: ID!) { revokeApiToken(id: $id) { ok } }"
    await http.post(
        "/graphql", json={"query": revoke, "variables": {"id": token_id}}, headers=bearer
    )
    await http.post("/graphql", json={"query": "{ accounts { number } }"})
    events = _events(caplog)
    names = [e["event"] for e in events]
    assert {"sign_in_succeeded", "token_issued", "token_used", "token_revoked"} <= set(names)
    refused = next(e for e in events if e["event"] == "authorization_refused")
    assert refused["code"] == "UNAUTHENTICATED" and refused["field"] == "Query.accounts"
    everything = "\n".join(caplog.messages)
    for secret in (issued["token"], issued["refreshToken"], "Woda-Demo-2026!"):
        assert secret not in everything

"""The audit log: sign-ins, failures, requests and staff decisions; who, what, when,
from where; filters; never a secret."""

from __future__ import annotations

import re

import httpx
import pytest

from models.orm import AuditEntry, OutboxEmail
from models.services.demo import stored_registration_invoice_number
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

LOG = """query Log($first: Int, $after: String, $action: String, $actor: String) {
  auditLog(first: $first, after: $after, action: $action, actor: $actor) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id at actor action target ip } }
  }
}"""
ISSUE = """mutation Issue($login: String!, $password: String!) {
  issueToken(input: {login: $login, password: $password}) { token errors { code } }
}"""
REGISTER = """mutation R($input: RegisterInput!) { register(input: $input) {
  registration { id } errors { code } } }"""
DECIDE = """mutation D($input: DecideInput!) { decideRegistration(input: $input) {
  registration { status } errors { code } } }"""
STAFF = "obsluga"


async def _post(http: httpx.AsyncClient, query: str, variables: dict) -> dict:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    return response.json()


async def _log(api: Api, **variables: object) -> list[dict]:
    data = await api.data(LOG, variables, as_user=STAFF)
    return [e["node"] for e in data["auditLog"]["edges"]]


async def test_sign_ins_and_failures_are_in_the_log_with_the_address(
    api: Api, http: httpx.AsyncClient
) -> None:
    await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"})
    await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Tajne-Zle-Haslo"})
    entries = await _log(api)
    assert [e["action"] for e in entries[:2]] == ["SIGN_IN_FAILED", "SIGN_IN"]
    failed, succeeded = entries[0], entries[1]
    assert succeeded["actor"] == "jan.kowalski" and failed["actor"] is None
    assert failed["target"] == "Login jan.kowalski"
    assert failed["ip"] == succeeded["ip"] == "127.0.0.1"
    assert failed["at"]


async def test_filters_by_action_and_actor(api: Api, http: httpx.AsyncClient) -> None:
    await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"})
    await _post(http, ISSUE, {"login": "wspolnota.lipowa", "password": "Woda-Demo-2026!"})
    await _post(http, ISSUE, {"login": "nobody", "password": "x"})
    assert {e["actor"] for e in await _log(api, action="SIGN_IN")} == {
        "jan.kowalski",
        "wspolnota.lipowa",
    }
    assert [e["action"] for e in await _log(api, actor="jan.kowalski")] == ["SIGN_IN"]
    assert [e["target"] for e in await _log(api, action="sign_in_failed")] == ["Login nobody"]


async def test_pages_of_the_log_follow_each_other(api: Api, http: httpx.AsyncClient) -> None:
    for _ in range(5):
        await _post(http, ISSUE, {"login": "nobody", "password": "x"})
    filters = {"first": 3, "action": "SIGN_IN_FAILED"}
    first = (await api.data(LOG, filters, as_user=STAFF))["auditLog"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    rest = await _log(api, **filters, after=first["pageInfo"]["endCursor"])
    ids = [e["node"]["id"] for e in first["edges"]] + [e["id"] for e in rest]
    assert len(set(ids)) == 5


async def test_no_password_or_token_ever_appears_in_the_log(
    api: Api, http: httpx.AsyncClient
) -> None:
    issued = await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Woda-Demo-2026!"})
    token = issued["data"]["issueToken"]["token"]
    await _post(http, ISSUE, {"login": "jan.kowalski", "password": "Sekret-Pomylka-1"})
    invoice = await stored_registration_invoice_number()
    await api.data(
        REGISTER,
        {
            "input": {
                "accountNumber": "100002",
                "invoiceNumber": invoice,
                "email": "k@example.com",
                "login": "k.wisniewska",
                "acceptTerms": True,
                "consentDataProcessing": True,
            }
        },
    )
    pending = await api.data("{ pendingRegistrations { id } }", as_user=STAFF)
    await api.data(
        DECIDE,
        {"input": {"id": pending["pendingRegistrations"][0]["id"], "approve": True}},
        as_user=STAFF,
    )
    mail = await OutboxEmail.get(subject__contains="przyznany")
    first_password = re.search(r"Hasło jednorazowe: (\S+)", mail.body_text).group(1)  # type: ignore[union-attr]
    secrets = ["Woda-Demo-2026!", "Sekret-Pomylka-1", token, first_password]
    shown = str(await _log(api, first=100))
    stored = str([(a.details, a.object_id) for a in await AuditEntry.all()])
    for secret in secrets:
        assert secret not in shown and secret not in stored
    actions = {e["action"] for e in await _log(api, first=100)}
    assert {
        "SIGN_IN",
        "SIGN_IN_FAILED",
        "REGISTRATION_REQUESTED",
        "REGISTRATION_APPROVED",
    } <= actions


async def test_the_log_is_for_staff_only(api: Api) -> None:
    assert (await api.run(LOG)).codes == ["UNAUTHENTICATED"]
    assert (await api.run(LOG, as_user="jan.kowalski")).codes == ["FORBIDDEN"]

"""The pages' operations by name over GET /graphql, with ETags and 304s."""

from __future__ import annotations

import json

import httpx
import pytest

from models.orm import Account
from models.services.figures import check_figures
from tests.support import StatementCounter

pytestmark = pytest.mark.usefixtures("demo")

ISSUE = """mutation { issueToken(input: {login: "jan.kowalski", password: "Woda-Demo-2026!"})
  { token } }"""
DASHBOARD = {
    "operationName": "Dashboard",
    "variables": json.dumps({"number": "100001", "from": "2024-11-01", "to": "2026-10-31"}),
}


@pytest.fixture
async def bearer(http: httpx.AsyncClient) -> dict[str, str]:
    issued = await http.post("/graphql", json={"query": ISSUE})
    return {"authorization": f"Bearer {issued.json()['data']['issueToken']['token']}"}


async def test_a_persisted_operation_is_asked_by_name_and_revalidated_by_etag(
    http: httpx.AsyncClient, bearer: dict[str, str], sql_statements: StatementCounter
) -> None:
    first = await http.get("/graphql", params=DASHBOARD, headers=bearer)
    assert first.status_code == 200
    assert first.json()["data"]["account"]["number"] == "100001"
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    sql_statements.statements.clear()
    again = await http.get("/graphql", params=DASHBOARD, headers={**bearer, "if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    # The token and the data version: the operation itself never ran.
    assert len(sql_statements.statements) <= 2, sql_statements.statements


async def test_never_a_stale_answer_after_a_write(
    http: httpx.AsyncClient, bearer: dict[str, str]
) -> None:
    first = await http.get("/graphql", params=DASHBOARD, headers=bearer)
    await Account.filter(number="100001").update(balance="1.00")
    await check_figures(repair=True)
    after = await http.get(
        "/graphql", params=DASHBOARD, headers={**bearer, "if-none-match": first.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.json()["data"]["account"]["balance"] == first.json()["data"]["account"]["balance"]
    assert after.headers["etag"] != first.headers["etag"]


async def test_another_caller_never_gets_the_first_callers_answer(
    http: httpx.AsyncClient, bearer: dict[str, str]
) -> None:
    first = await http.get("/graphql", params=DASHBOARD, headers=bearer)
    anonymous = await http.get(
        "/graphql", params=DASHBOARD, headers={"if-none-match": first.headers["etag"]}
    )
    assert anonymous.status_code == 200
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "etag" not in anonymous.headers


async def test_the_public_home_operation_is_cacheable_for_everyone(http: httpx.AsyncClient) -> None:
    first = await http.get("/graphql", params={"operationName": "HomePage"})
    assert first.status_code == 200 and first.json()["data"]["tariff"]
    again = await http.get(
        "/graphql",
        params={"operationName": "HomePage"},
        headers={"if-none-match": first.headers["etag"]},
    )
    assert again.status_code == 304


async def test_an_unknown_name_without_a_query_is_a_bad_request(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"operationName": "NoSuchThing"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "etag" not in response.headers

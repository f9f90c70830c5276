"""Hostile or broken requests get coded errors, never tracebacks."""

from __future__ import annotations

import logging

import httpx
import pytest

from models import errors
from resolvers import public
from tests.support import Api


async def test_too_deep_a_query_is_refused(api: Api) -> None:
    nested = "{ me { accounts { meters { readings { edges { node { meter { readings { edges { node { meter { serialNumber } } } } } } } } } } } }"  # noqa: E501
    result = await api.run(nested)
    assert "QUERY_TOO_COMPLEX" in result.codes
    assert result.data is None


async def test_more_than_15_aliases_are_refused(api: Api) -> None:
    aliases = " ".join(f"a{i}: termsVersion" for i in range(16))
    result = await api.run("{ " + aliases + " }")
    assert result.codes == ["QUERY_TOO_COMPLEX"]
    fine = await api.run("{ " + " ".join(f"a{i}: termsVersion" for i in range(15)) + " }")
    assert not fine.errors


async def test_more_than_2000_tokens_are_refused(api: Api) -> None:
    fields = " ".join("termsVersion" for _ in range(2100))
    result = await api.run("{ " + fields + " }")
    assert result.codes == ["QUERY_TOO_COMPLEX"]


async def test_a_malformed_query_is_a_bad_request(api: Api) -> None:
    result = await api.run("{ accounts { number ")
    assert result.codes == ["BAD_REQUEST"]
    unknown = await api.run("{ noSuchField }")
    assert unknown.codes == ["BAD_REQUEST"]


@pytest.mark.usefixtures("db")
async def test_an_unexpected_exception_is_logged_and_masked(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ctx: object, day: object) -> object:
        raise RuntimeError("secret internals: table xyz")

    monkeypatch.setattr(public, "reading_window", broken)
    with caplog.at_level(logging.ERROR, logger="ebok.graphql"):
        result = await api.run("{ readingWindow { isOpen } }")
    assert result.codes == ["INTERNAL"]
    error = result.errors[0]
    assert error["message"] == "Unexpected error."
    assert "secret internals" not in str(error)
    request_id = error["extensions"]["requestId"]
    assert request_id and any(request_id in r.getMessage() for r in caplog.records)
    assert any("secret internals" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


@pytest.mark.usefixtures("db")
async def test_a_domain_error_raised_by_a_resolver_reaches_the_caller_with_its_code(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(ctx: object, day: object) -> object:
        raise errors.BadRequest("No window that far ahead.")

    monkeypatch.setattr(public, "reading_window", refuse)
    with caplog.at_level(logging.ERROR, logger="ebok.graphql"):
        result = await api.run("{ readingWindow { isOpen } }")
    assert result.codes == ["BAD_REQUEST"]
    assert result.errors[0]["message"] == "No window that far ahead."
    assert caplog.records == []


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"variables": {}}', "application/json", 400),
        (b"query=1", "text/plain", 415),  # only JSON bodies are read
    ],
)
async def test_a_malformed_http_body_is_400_json(
    http: httpx.AsyncClient, body: bytes, content_type: str, status: int
) -> None:
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    payload = response.json()
    assert payload["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.usefixtures("db")
async def test_health_check_reports_the_database(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}

    class Down:
        async def execute_query(self, sql: str) -> None:
            raise ConnectionError("database is down")

    from models.services import database

    monkeypatch.setattr(database.connections, "get", lambda name: Down())
    response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"


async def test_a_query_validated_before_is_refused_again_the_same_way(api: Api) -> None:
    """Validation is kept per query text: a second caller of the same refused text gets
    the same coded refusal, and a valid text stays valid for everyone."""
    aliases = "{ " + " ".join(f"a{i}: termsVersion" for i in range(16)) + " }"
    first, second = await api.run(aliases), await api.run(aliases)
    assert first.codes == second.codes == ["QUERY_TOO_COMPLEX"]
    assert first.errors == second.errors
    unknown = [await api.run("{ noSuchField }") for _ in range(2)]
    assert [r.codes for r in unknown] == [["BAD_REQUEST"], ["BAD_REQUEST"]]
    valid = [await api.run("{ termsVersion }") for _ in range(2)]
    assert not any(r.errors for r in valid)

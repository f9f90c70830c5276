"""No other site can use a visitor's session: /graphql wants the CSRF header from this
origin, and page posts that a browser says come from elsewhere are refused."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import httpx
import pytest

from tests.web.test_csrf_everywhere import _post_paths

pytestmark = pytest.mark.usefixtures("demo")

SECRET_QUERY = '{ account(number: "100001") { paymentAccountNumber balance { amount } } }'
OWN = "http://testserver"
EVIL = "https://evil.example"
EBOK_JS = Path(__file__).resolve().parents[2] / "web" / "static" / "js" / "ebok.js"


def _meta_token(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert match, "every page carries its CSRF token in a meta tag"
    return match.group(1)


def _form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def _sign_in(http: httpx.AsyncClient) -> str:
    """Signs jan.kowalski in; returns the session's CSRF token as the pages carry it."""
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={
            "login": "jan.kowalski",
            "password": "Woda-Demo-2026!",
            "csrf_token": _form_token(page.text),
        },
    )
    assert response.status_code == 303
    dashboard = await http.get("/konto")
    token = _meta_token(dashboard.text)
    assert token == _form_token(dashboard.text)
    return token


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "data" not in response.json()


def _csrf_events(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    lines = [r.getMessage() for r in caplog.records if r.name == "ebok.security"]
    return [e for e in map(json.loads, lines) if e["event"] == "csrf_refused"]


# --- /graphql with the session cookie -----------------------------------------------------


async def test_the_session_needs_the_csrf_header_on_graphql(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = await _sign_in(http)
    with caplog.at_level(logging.INFO, logger="ebok.security"):
        bare = await http.post("/graphql", json={"query": SECRET_QUERY})
        wrong = await http.post(
            "/graphql", json={"query": SECRET_QUERY}, headers={"x-csrf-token": "x" * 43}
        )
    _refused(bare)
    _refused(wrong)
    events = _csrf_events(caplog)
    assert [e["reason"] for e in events] == ["missing_csrf_header"] * 2
    assert token not in caplog.text

    fine = await http.post(
        "/graphql",
        json={"query": SECRET_QUERY},
        headers={"x-csrf-token": token, "origin": OWN, "sec-fetch-site": "same-origin"},
    )
    assert fine.status_code == 200
    assert fine.json()["data"]["account"]["paymentAccountNumber"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"operations=%7B%22query%22%3A%22%7B+me+%7B+login+%7D+%7D%22%7D", "text/plain"),
        (
            b'--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            b'{"query": "{ me { login } }"}\r\n--b\r\nContent-Disposition: form-data; '
            b'name="map"\r\n\r\n{}\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        (b'{"query": "{ me { login } }"}', "text/plain"),
    ],
    ids=["text-plain-form", "multipart-form", "text-plain-json"],
)
async def test_a_cross_site_html_form_cannot_read_account_data(
    http: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    await _sign_in(http)
    response = await http.post(
        "/graphql",
        content=content,
        headers={"content-type": content_type, "origin": EVIL, "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert "jan.kowalski" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": EVIL},
        {"origin": "null"},
        {"origin": "https://testserver"},  # another scheme is another origin
        {"origin": "http://testserver:8080"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "none"},
    ],
)
async def test_the_header_alone_is_not_enough_from_elsewhere(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    token = await _sign_in(http)
    with caplog.at_level(logging.INFO, logger="ebok.security"):
        response = await http.post(
            "/graphql", json={"query": SECRET_QUERY}, headers={"x-csrf-token": token, **headers}
        )
    _refused(response)
    assert _csrf_events(caplog)


async def test_a_query_by_get_with_the_session_needs_the_header_too(
    http: httpx.AsyncClient,
) -> None:
    token = await _sign_in(http)
    params = {"query": "{ me { login } }"}
    _refused(await http.get("/graphql", params=params))
    allowed = await http.get("/graphql", params=params, headers={"x-csrf-token": token})
    assert allowed.json() == {"data": {"me": {"login": "jan.kowalski"}}}


async def test_graphiql_may_be_opened_by_address_but_not_from_another_site(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http)
    navigation = {"accept": "text/html", "sec-fetch-dest": "document"}
    typed = await http.get("/graphql", headers={**navigation, "sec-fetch-site": "none"})
    assert typed.status_code == 200 and "graphiql" in typed.text.lower()
    linked = await http.get("/graphql", headers={**navigation, "sec-fetch-site": "same-origin"})
    assert linked.status_code == 200
    _refused(await http.get("/graphql", headers={**navigation, "sec-fetch-site": "cross-site"}))
    framed = {"accept": "text/html", "sec-fetch-dest": "iframe", "sec-fetch-site": "none"}
    _refused(await http.get("/graphql", headers=framed))


async def test_bearer_and_anonymous_callers_are_not_affected(http: httpx.AsyncClient) -> None:
    issued = await http.post(
        "/graphql",
        json={
            "query": "mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }",
            "variables": {"i": {"login": "jan.kowalski", "password": "Woda-Demo-2026!"}},
        },
        headers={"origin": EVIL, "sec-fetch-site": "cross-site"},
    )
    bearer = issued.json()["data"]["issueToken"]["token"]
    await _sign_in(http)  # the cookie is there too, but the bearer token decides
    response = await http.post(
        "/graphql",
        json={"query": "{ me { login } }"},
        headers={"authorization": f"Bearer {bearer}", "origin": EVIL},
    )
    assert response.json() == {"data": {"me": {"login": "jan.kowalski"}}}


# --- the pages ----------------------------------------------------------------------------


def test_htmx_sends_the_token_from_the_meta_tag() -> None:
    script = EBOK_JS.read_text(encoding="utf-8")
    assert "htmx:configRequest" in script and '"X-CSRF-Token"' in script
    assert 'meta[name="csrf-token"]' in script


async def test_every_page_carries_the_token_for_htmx(http: httpx.AsyncClient) -> None:
    anonymous = await http.get("/login")
    assert _meta_token(anonymous.text) == _form_token(anonymous.text)
    assert f'data-csrf-token="{_meta_token(anonymous.text)}"' in anonymous.text


@pytest.mark.parametrize("path", _post_paths())
@pytest.mark.parametrize(
    "headers",
    [{"origin": EVIL}, {"origin": "null"}, {"sec-fetch-site": "cross-site"}],
    ids=["foreign-origin", "null-origin", "cross-site"],
)
async def test_a_cross_site_post_is_refused_even_with_the_token(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, path: str, headers: dict[str, str]
) -> None:
    page = await http.get("/login")
    data = {"csrf_token": _form_token(page.text), "login": "jan.kowalski", "password": "x"}
    with caplog.at_level(logging.INFO, logger="ebok.security"):
        response = await http.post(path, data=data, headers=headers)
    assert response.status_code == 403
    assert [e["reason"] for e in _csrf_events(caplog)] in (
        ["foreign_origin"],
        ["cross_site_fetch"],
    )


async def test_login_from_this_site_still_works(http: httpx.AsyncClient) -> None:
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={
            "login": "jan.kowalski",
            "password": "Woda-Demo-2026!",
            "csrf_token": _form_token(page.text),
        },
        headers={"origin": OWN, "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 303

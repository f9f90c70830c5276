"""Cookie names and flags: `__Host-` and Secure outside plain-HTTP development."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

import web.auth
from models.clock import Clock
from models.settings import Settings
from web.app import create_app
from web.auth import ANON_COOKIE, SESSION_COOKIE, anonymous_csrf_token
from web.cookies import cookie_name, delete_cookie, get_cookie, set_cookie

pytestmark = pytest.mark.usefixtures("demo")

PASSWORD = "Woda-Demo-2026!"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    """name -> the whole Set-Cookie line, for every cookie the response sets."""
    lines = response.headers.get_list("set-cookie")
    return {line.split("=", 1)[0]: line for line in lines}


@asynccontextmanager
async def _client(
    settings: Settings, clock: Clock, *, env: str, scheme: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(replace(settings, env=env), clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    base_url = f"{scheme}://testserver"
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client(settings: Settings, clock: Clock) -> ClientFactory:
    """`async with client(env=..., scheme=...) as http:` the app in that mode."""

    def make(env: str = "production", scheme: str = "https") -> AbstractAsyncContextManager:
        return _client(settings, clock, env=env, scheme=scheme)

    return make


# --- the module -----------------------------------------------------------------------


def _bare_request(scheme: str = "http", cookie: str = "") -> Request:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    return Request({"type": "http", "scheme": scheme, "path": "/", "headers": headers})


def test_plain_names_only_over_plain_http_outside_production() -> None:
    assert cookie_name(_bare_request("http"), "ebok_sesja") == "ebok_sesja"
    assert cookie_name(_bare_request("https"), "ebok_sesja") == "__Host-ebok_sesja"


def test_get_cookie_reads_only_the_name_for_the_mode() -> None:
    both = "ebok_anon=plain; __Host-ebok_anon=prefixed"
    assert get_cookie(_bare_request("http", both), "ebok_anon") == "plain"
    assert get_cookie(_bare_request("https", both), "ebok_anon") == "prefixed"
    assert get_cookie(_bare_request("https", "ebok_anon=plain"), "ebok_anon") is None


def test_set_and_delete_carry_the_host_prefix_rules() -> None:
    response = Response()
    set_cookie(response, _bare_request("https"), "ebok_kontrast", "high", max_age=60)
    line = response.headers["set-cookie"]
    assert line.startswith("__Host-ebok_kontrast=high;")
    for flag in ("HttpOnly", "Max-Age=60", "Path=/", "SameSite=lax", "Secure"):
        assert flag in line
    assert "Domain" not in line
    gone = Response()
    delete_cookie(gone, _bare_request("https"), "ebok_kontrast")
    assert gone.headers["set-cookie"].startswith('__Host-ebok_kontrast="";')


# --- the app ------------------------------------------------------------------------------


async def test_production_sets_a_prefixed_secure_anonymous_cookie(client: ClientFactory) -> None:
    async with client(env="production", scheme="http") as http:
        response = await http.get("/login")
    cookies = _set_cookies(response)
    assert set(cookies) == {"__Host-" + ANON_COOKIE}
    line = cookies["__Host-" + ANON_COOKIE]
    assert "Secure" in line and "Path=/" in line and "HttpOnly" in line
    assert "Domain" not in line


async def test_https_sets_prefixed_cookies_even_in_development(client: ClientFactory) -> None:
    async with client(env="development", scheme="https") as http:
        response = await http.get("/login")
        assert "__Host-" + ANON_COOKIE in _set_cookies(response)
        pref = await http.get("/ustawienia/kontrast/high", params={"wroc": "/"})
        assert "__Host-ebok_kontrast" in _set_cookies(pref)
        page = await http.get("/regulamin")
    assert 'class="contrast-high font-100"' in page.text


async def test_plain_http_development_keeps_plain_names(client: ClientFactory) -> None:
    async with client(env="development", scheme="http") as http:
        response = await http.get("/login")
    line = _set_cookies(response)[ANON_COOKIE]
    assert "Secure" not in line


async def test_a_planted_plain_anonymous_cookie_is_ignored_in_production(
    client: ClientFactory,
) -> None:
    """Login CSRF: another site plants `ebok_anon=x` and posts the token it computed for x.
    In production only the `__Host-` cookie counts, which no other site can plant."""
    async with client(env="production", scheme="https") as http:
        forged = anonymous_csrf_token("test-secret", "planted-by-attacker")
        response = await http.post(
            "/login",
            data={"login": "jan.kowalski", "password": PASSWORD, "csrf_token": forged},
            headers={"cookie": f"{ANON_COOKIE}=planted-by-attacker"},
        )
    assert response.status_code == 403
    assert not any(SESSION_COOKIE in name for name in _set_cookies(response))


async def test_signing_in_and_out_in_production_uses_the_prefixed_session_cookie(
    client: ClientFactory,
) -> None:
    async with client(env="production", scheme="https") as http:
        page = await http.get("/login")
        signed_in = await http.post(
            "/login",
            data={"login": "jan.kowalski", "password": PASSWORD, "csrf_token": _csrf(page.text)},
        )
        assert signed_in.status_code == 303
        line = _set_cookies(signed_in)["__Host-" + SESSION_COOKIE]
        assert "Secure" in line and "HttpOnly" in line and "SameSite=lax" in line
        dashboard = await http.get("/konto")
        assert dashboard.status_code == 200 and "jan.kowalski" in dashboard.text
        out = await http.post("/logout", data={"csrf_token": _csrf(dashboard.text)})
        assert out.status_code == 303
        assert "__Host-" + SESSION_COOKIE not in http.cookies
        assert (await http.get("/konto")).status_code == 303


async def test_no_anonymous_cookie_for_graphql_or_bearer_callers(
    client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_run(secret_key: str, anon_id: str) -> str:
        raise AssertionError("the anonymous form token was computed")

    monkeypatch.setattr(web.auth, "anonymous_csrf_token", must_not_run)
    async with client(env="production", scheme="https") as http:
        query = await http.get("/graphql", params={"query": "{ termsVersion }"})
        assert query.status_code == 200 and "set-cookie" not in query.headers
        posted = await http.post("/graphql", json={"query": "{ termsVersion }"})
        assert posted.status_code == 200 and "set-cookie" not in posted.headers
        bearer = await http.get("/regulamin", headers={"authorization": "Bearer nonsense"})
        assert bearer.status_code == 200 and "set-cookie" not in bearer.headers


async def test_pages_still_get_the_anonymous_cookie(client: ClientFactory) -> None:
    async with client(env="production", scheme="https") as http:
        response = await http.get("/regulamin")
    assert "__Host-" + ANON_COOKIE in _set_cookies(response)

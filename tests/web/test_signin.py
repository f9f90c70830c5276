"""Signing in to the pages: server-side sessions, fresh ids, CSRF on every post."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from models.clock import Clock
from models.orm import Session
from tests.support import StatementCounter
from web.auth import SESSION_COOKIE

pytestmark = pytest.mark.usefixtures("demo")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


async def _sign_in(http: httpx.AsyncClient, password: str = "Woda-Demo-2026!") -> httpx.Response:
    page = await http.get("/login")
    assert page.status_code == 200
    return await http.post(
        "/login",
        data={"login": "jan.kowalski", "password": password, "csrf_token": _csrf(page.text)},
    )


async def test_signing_in_starts_a_session_in_an_httponly_samesite_cookie(
    http: httpx.AsyncClient,
) -> None:
    response = await _sign_in(http)
    assert response.status_code == 303
    assert response.headers["location"] == "/konto"
    cookie = next(h for h in response.headers.get_list("set-cookie") if SESSION_COOKIE in h)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    key = http.cookies[SESSION_COOKIE]
    assert await Session.filter(user__login="jan.kowalski").count() == 1
    # Only a hash of the id is stored: the cookie value is nowhere in the table.
    assert not await Session.filter(key_hash=key).exists()


async def test_a_wrong_password_re_renders_the_form_with_the_error(http: httpx.AsyncClient) -> None:
    response = await _sign_in(http, password="wrong")
    assert response.status_code == 422
    assert "<title>Błąd:" in response.text
    assert "Nieprawidłowy login lub hasło" in response.text
    assert 'value="jan.kowalski"' in response.text
    assert "wrong" not in response.text
    assert await Session.all().count() == 0


async def test_a_post_without_the_csrf_token_changes_nothing(http: httpx.AsyncClient) -> None:
    await http.get("/login")
    response = await http.post(
        "/login", data={"login": "jan.kowalski", "password": "Woda-Demo-2026!"}
    )
    assert response.status_code == 403
    forged = await http.post(
        "/login",
        data={"login": "jan.kowalski", "password": "Woda-Demo-2026!", "csrf_token": "x" * 64},
    )
    assert forged.status_code == 403
    assert await Session.all().count() == 0


async def test_each_sign_in_gets_a_new_session_id(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    first = http.cookies[SESSION_COOKIE]
    # Signing in again from the same browser replaces the session, never reuses it.
    page = await http.get("/deklaracja-dostepnosci")
    again = await http.post(
        "/login",
        data={
            "login": "jan.kowalski",
            "password": "Woda-Demo-2026!",
            "csrf_token": _csrf(page.text),
        },
    )
    assert again.status_code == 303
    assert http.cookies[SESSION_COOKIE] != first
    assert await Session.all().count() == 1  # the old session row is gone


async def test_logout_deletes_the_session(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    login_page = await http.get("/deklaracja-dostepnosci")
    response = await http.post("/logout", data={"csrf_token": _csrf(login_page.text)})
    assert response.status_code == 303
    assert await Session.all().count() == 0
    assert SESSION_COOKIE not in http.cookies


async def test_the_session_reaches_graphql_like_a_token_does(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    page = await http.get("/deklaracja-dostepnosci")
    response = await http.post(
        "/graphql",
        json={"query": "{ me { login } accounts { number } }"},
        headers={"x-csrf-token": _csrf(page.text)},
    )
    assert response.json()["data"] == {
        "me": {"login": "jan.kowalski"},
        "accounts": [{"number": "100001"}],
    }


async def test_static_files_cost_no_session_lookup(
    http: httpx.AsyncClient, sql_statements: StatementCounter
) -> None:
    await _sign_in(http)
    sql_statements.statements.clear()
    response = await http.get("/static/css/ebok.css")
    assert response.status_code == 200
    assert sql_statements.statements == []
    page = await http.get("/deklaracja-dostepnosci")
    assert "jan.kowalski" in page.text  # pages still know who is signed in


async def test_an_idle_session_expires_and_activity_keeps_it(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    await _sign_in(http)
    start = clock.now()
    for minutes in (20, 40, 60):  # a page every 20 minutes keeps the session alive
        clock.set(start + timedelta(minutes=minutes))
        assert (await http.get("/konto")).status_code == 200
    clock.set(start + timedelta(minutes=60 + 31))  # then 31 minutes of nothing
    response = await http.get("/konto")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert await Session.all().count() == 0


async def test_the_owners_browser_signs_in_while_the_login_is_locked(
    http: httpx.AsyncClient, settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from models.services import signin

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(signin, "pause", no_wait)
    # The owner signed in from this browser before: it keeps a known-device cookie.
    assert (await _sign_in(http)).status_code == 303
    device_cookie = http.cookies["ebok_urzadzenie"]
    await http.post("/logout", data={"csrf_token": _csrf((await http.get("/konto")).text)})
    # Meanwhile someone else fails ten times and the login locks.
    from web.app import create_app

    attacker_app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=attacker_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as attacker:
        for _ in range(11):
            page = await attacker.get("/login")
            await attacker.post(
                "/login",
                data={"login": "jan.kowalski", "password": "guess", "csrf_token": _csrf(page.text)},
            )
        locked = await _sign_in(attacker)
        assert locked.status_code == 422 and "wstrzymane" in locked.text
    http.cookies.set("ebok_urzadzenie", device_cookie)
    assert (await _sign_in(http)).status_code == 303

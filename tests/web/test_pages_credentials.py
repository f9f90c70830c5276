"""The credential pages without JavaScript: plain links and form posts, errors beside
the fields, a first sign-in that leads through its steps, and links from e-mails."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from models.clock import Clock
from models.orm import ApiToken, OutboxEmail, Session, User
from models.rules.totp import totp_at
from models.services.credentials import create_staff

pytestmark = pytest.mark.usefixtures("demo")

PASSWORD = "Woda-Demo-2026!"
NEW_PASSWORD = "pociąg do Gdyni o 7:15"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


async def _post(http: httpx.AsyncClient, path: str, data: dict, *, page: str | None = None):
    form = await http.get(page or path)
    return await http.post(path, data={**data, "csrf_token": _csrf(form.text)})


async def _sign_in(http: httpx.AsyncClient, login: str = "jan.kowalski", password: str = PASSWORD):
    return await _post(http, "/login", {"login": login, "password": password})


def _error_beside(html: str, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="error-message">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


async def test_a_first_sign_in_leads_through_the_password_and_the_regulations(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    await User.filter(login="jan.kowalski").update(
        must_change_password=True,
        password_expires_at=clock.now() + timedelta(days=7),
        accepted_terms_version=None,
    )
    signed_in = await _sign_in(http)
    assert signed_in.headers["location"] == "/dane/haslo"
    # Every account page sends there while the password waits.
    for path in ("/konto", "/faktury", "/odczyty"):
        response = await http.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/dane/haslo")
    page = await http.get("/dane/haslo")
    assert "Ustaw własne hasło" in page.text and "Hasło jednorazowe z e-maila" in page.text
    weak = await _post(
        http, "/dane/haslo", {"currentPassword": PASSWORD, "newPassword": "qwertyuiop123"}
    )
    assert weak.status_code == 422
    assert "<title>Błąd:" in weak.text
    assert "popularnych" in _error_beside(weak.text, "newPassword")
    assert 'aria-describedby="newPassword-hint newPassword-error"' in weak.text
    assert "qwertyuiop123" not in weak.text and PASSWORD not in weak.text
    changed = await _post(
        http, "/dane/haslo", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )
    assert (changed.status_code, changed.headers["location"]) == (303, "/regulamin/akceptacja")
    assert (await http.get("/konto")).headers["location"] == "/regulamin/akceptacja"
    unticked = await _post(http, "/regulamin/akceptacja", {"version": "2026-01"})
    assert unticked.status_code == 422
    assert "Zaznacz" in _error_beside(unticked.text, "accept")
    accepted = await _post(http, "/regulamin/akceptacja", {"version": "2026-01", "accept": "1"})
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/konto")
    assert (await http.get("/konto")).status_code == 200


async def test_a_stale_regulations_page_asks_again(http: httpx.AsyncClient) -> None:
    await User.filter(login="jan.kowalski").update(accepted_terms_version="2020-01")
    assert (await _sign_in(http)).headers["location"] == "/regulamin/akceptacja"
    page = await http.get("/regulamin/akceptacja")
    assert "zmienił się od Twojej ostatniej wizyty" in page.text
    stale = await _post(http, "/regulamin/akceptacja", {"version": "2020-01", "accept": "1"})
    assert stale.status_code == 422 and "2026-01" in _error_beside(stale.text, "accept")


async def test_a_new_staff_member_sets_a_password_then_two_step_sign_in(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    _, one_time = await create_staff("anna.nowak", "anna@wodociagi.example", clock)
    assert (await _sign_in(http, "anna.nowak", one_time)).headers["location"] == "/dane/haslo"
    changed = await _post(
        http, "/dane/haslo", {"currentPassword": one_time, "newPassword": "sześć kotów pije mleko"}
    )
    assert changed.headers["location"] == "/dane/dwuetapowe"
    assert (await http.get("/konto")).headers["location"] == "/dane/dwuetapowe"
    start = await _post(http, "/dane/dwuetapowe/wlacz", {}, page="/dane/dwuetapowe")
    assert start.status_code == 303
    page = await http.get("/dane/dwuetapowe")
    assert "<svg" in page.text and "Kod QR" in page.text
    secret = (await User.get(login="anna.nowak")).totp_pending_secret
    assert secret is not None and secret[:4] in page.text
    wrong = await _post(http, "/dane/dwuetapowe/potwierdz", {"code": "12"}, page="/dane/dwuetapowe")
    assert wrong.status_code == 422 and _error_beside(wrong.text, "code")
    assert "<svg" in wrong.text  # the same secret is shown again
    code = totp_at(secret, Clock.real_now())
    done = await _post(http, "/dane/dwuetapowe/potwierdz", {"code": code}, page="/dane/dwuetapowe")
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.text)
    assert len(codes) == 10
    assert 'href="/konto"' in done.text
    assert (await http.get("/konto")).status_code == 200
    # Shown once: the page afterwards has no codes.
    after = await http.get("/dane/dwuetapowe")
    assert not any(c in after.text for c in codes) and "10 z 10" in after.text


async def test_a_customer_switches_two_step_on_and_off(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    await _post(http, "/dane/dwuetapowe/wlacz", {}, page="/dane/dwuetapowe")
    secret = (await User.get(login="jan.kowalski")).totp_pending_secret
    assert secret
    done = await _post(
        http,
        "/dane/dwuetapowe/potwierdz",
        {"code": totp_at(secret, Clock.real_now())},
        page="/dane/dwuetapowe",
    )
    codes = re.findall(r"<li><code>([a-z0-9-]{11})</code></li>", done.text)
    missing = await _post(
        http, "/dane/dwuetapowe/wylacz", {"password": PASSWORD}, page="/dane/dwuetapowe"
    )
    assert missing.status_code == 422 and _error_beside(missing.text, "disableCode")
    off = await _post(
        http,
        "/dane/dwuetapowe/wylacz",
        {"password": PASSWORD, "disableCode": codes[0]},
        page="/dane/dwuetapowe",
    )
    assert off.headers["location"] == "/dane?zmieniono=dwuetapowe-wylaczone"
    assert (await User.get(login="jan.kowalski")).totp_secret is None


async def test_forgotten_password_by_the_pages(http: httpx.AsyncClient) -> None:
    login = await http.get("/login")
    assert '<a href="/haslo/reset">Nie pamiętasz hasła?</a>' in login.text
    unknown = await _post(http, "/haslo/reset", {"login": "nikt.taki"})
    known = await _post(http, "/haslo/reset", {"login": "jan.kowalski"})
    # The same answer for both: nobody learns which logins exist.
    assert unknown.headers["location"] == known.headers["location"] == "/haslo/reset/wyslano"
    assert "Sprawdź pocztę" in (await http.get("/haslo/reset/wyslano")).text
    [mail] = await OutboxEmail.filter(subject="Ustaw nowe hasło do eBOK")
    token = re.search(r"/haslo/reset/([A-Za-z0-9_-]+)", mail.body_text).group(1)  # type: ignore[union-attr]
    path = f"/haslo/reset/{token}"
    weak = await _post(http, path, {"newPassword": "jan.kowalski!!"})
    assert weak.status_code == 422 and _error_beside(weak.text, "newPassword")
    done = await _post(http, path, {"newPassword": NEW_PASSWORD})
    assert done.status_code == 200 and "Nowe hasło jest ustawione" in done.text
    again = await _post(http, path, {"newPassword": "jeszcze inne długie hasło"})
    assert again.status_code == 422 and "Link wygasł" in again.text
    assert (await _sign_in(http, password=NEW_PASSWORD)).headers["location"] == "/konto"


async def test_an_empty_reset_form_is_an_error_beside_the_field(http: httpx.AsyncClient) -> None:
    response = await _post(http, "/haslo/reset", {"login": "  "})
    assert response.status_code == 422 and _error_beside(response.text, "login")
    assert await OutboxEmail.all().count() == 0


async def test_a_password_change_keeps_this_browser_and_ends_the_others(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    from models.services.sessions import start_session

    jan = await User.get(login="jan.kowalski")
    await start_session(jan, clock, client_address=None, user_agent="the other browser")
    await _sign_in(http)
    wrong = await _post(
        http, "/dane/haslo", {"currentPassword": "zle", "newPassword": NEW_PASSWORD}
    )
    assert "nieprawidłowe" in _error_beside(wrong.text, "currentPassword")
    changed = await _post(
        http, "/dane/haslo", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )
    assert changed.headers["location"] == "/dane?zmieniono=haslo"
    overview = await http.get("/dane?zmieniono=haslo")
    assert overview.status_code == 200 and "Hasło zostało zmienione" in overview.text
    sessions = await Session.filter(user=jan).values_list("user_agent", flat=True)
    assert len(sessions) == 1 and "the other browser" not in sessions  # this browser only


async def test_login_and_e_mail_changes_by_the_pages(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    taken = await _post(http, "/dane/login", {"newLogin": "wspolnota.lipowa", "password": PASSWORD})
    assert taken.status_code == 422 and "zajęty" in _error_beside(taken.text, "newLogin")
    assert 'value="wspolnota.lipowa"' in taken.text and PASSWORD not in taken.text
    done = await _post(http, "/dane/login", {"newLogin": "jan.k", "password": PASSWORD})
    assert done.headers["location"] == "/dane?zmieniono=login"
    bad = await _post(http, "/dane/email", {"newEmail": "nie-adres", "password": PASSWORD})
    assert bad.status_code == 422 and _error_beside(bad.text, "newEmail")
    sent = await _post(
        http, "/dane/email", {"newEmail": "jan@nowy.example.pl", "password": PASSWORD}
    )
    assert sent.headers["location"] == "/dane?zmieniono=email"
    [mail] = await OutboxEmail.filter(to_address="jan@nowy.example.pl")
    token = re.search(r"/dane/email/([A-Za-z0-9_-]+)", mail.body_text).group(1)  # type: ignore[union-attr]
    # Opening the link changes nothing by itself (mail scanners open links too).
    confirm = await http.get(f"/dane/email/{token}")
    assert confirm.status_code == 200
    assert (await User.get(login="jan.k")).email != "jan@nowy.example.pl"
    confirmed = await _post(http, f"/dane/email/{token}", {})
    assert confirmed.headers["location"] == "/dane?zmieniono=email-potwierdzony"
    assert (await User.get(login="jan.k")).email == "jan@nowy.example.pl"


async def test_tokens_page_shows_the_secret_once_and_revokes(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    empty = await _post(http, "/tokeny", {"name": "", "days": "365"})
    assert empty.status_code == 422
    assert _error_beside(empty.text, "name") and _error_beside(empty.text, "scopes")
    created = await _post(http, "/tokeny", {"name": "Budżet", "scopes": "READ", "days": "90"})
    assert created.status_code == 200
    secret = re.search(r'id="nowy-token">(ebok_pt_[A-Za-z0-9_-]+)<', created.text).group(1)  # type: ignore[union-attr]
    listing = await http.get("/tokeny")
    assert "Budżet" in listing.text and secret not in listing.text
    assert "jeszcze nie" in listing.text
    token_id = re.search(r'name="id" value="([^"]+)"', listing.text).group(1)  # type: ignore[union-attr]
    revoked = await _post(http, "/tokeny/uniewaznij", {"id": token_id}, page="/tokeny")
    assert revoked.headers["location"] == "/tokeny?uniewazniono=1"
    assert (await ApiToken.get(name="Budżet")).revoked_at is not None


async def test_hostile_token_forms_are_refused_cleanly(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    for data in (
        {"name": "x", "scopes": "ADMIN", "days": "365"},
        {"name": "x", "scopes": "READ", "days": "99999999999999999999"},
        {"name": "x" * 5000, "scopes": "READ", "days": "365"},
    ):
        response = await _post(http, "/tokeny", data)
        assert response.status_code == 422, data
    someone_elses = await _post(
        http, "/tokeny/uniewaznij", {"id": "QXBpVG9rZW46MQ=="}, page="/tokeny"
    )
    assert someone_elses.status_code == 422
    huge = await _post(http, "/tokeny/uniewaznij", {"id": "x" * 10_000}, page="/tokeny")
    assert huge.status_code == 422
    assert await ApiToken.filter(name="x").count() == 0


@pytest.mark.parametrize(
    "path",
    ["/dane", "/dane/haslo", "/dane/login", "/dane/email", "/dane/dwuetapowe", "/tokeny"],
)
async def test_signed_out_visitors_go_to_the_login(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert (response.status_code, response.headers["location"]) == (303, "/login")


@pytest.mark.parametrize(
    "path",
    [
        "/dane/haslo",
        "/regulamin/akceptacja",
        "/dane/login",
        "/dane/email",
        "/dane/dwuetapowe/wlacz",
        "/dane/dwuetapowe/potwierdz",
        "/dane/dwuetapowe/wylacz",
        "/tokeny",
        "/tokeny/uniewaznij",
        "/haslo/reset",
        "/haslo/reset/abc",
        "/dane/email/abc",
    ],
)
async def test_every_new_form_refuses_a_post_without_its_token(
    http: httpx.AsyncClient, path: str
) -> None:
    await _sign_in(http)
    before = await User.get(login="jan.kowalski")
    response = await http.post(
        path, data={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD, "name": "x"}
    )
    assert response.status_code == 403
    after = await User.get(login="jan.kowalski")
    assert after.password_hash == before.password_hash
    assert await ApiToken.filter(name="x").count() == 0

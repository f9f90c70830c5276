"""A user's own credentials through the API: first sign-in, password change and reset,
login and e-mail changes, and the break-ins each must withstand."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from models.clock import Clock
from models.enums import ConsentKind, Scope, TokenKind
from models.orm import ApiToken, AuditEntry, Consent, OutboxEmail, Session, User, UserToken
from models.services import tokens
from models.services.secrets import secret_hash
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

DEMO_PASSWORD = "Woda-Demo-2026!"
NEW_PASSWORD = "pociąg do Gdyni o 7:15"
ISSUE = """mutation Issue($login: String!, $password: String!, $otp: String) {
  issueToken(input: {login: $login, password: $password, otp: $otp}) {
    token errors { field code } } }"""
CHANGE = """mutation Change($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new}) {
    user { login mustChangePassword } errors { field code message } } }"""
ACCEPT = """mutation Accept($version: String!) {
  acceptTerms(input: {version: $version}) {
    user { acceptedTermsVersion } errors { field code } } }"""
REQUEST_RESET = """mutation Forgot($login: String!) {
  requestPasswordReset(input: {login: $login}) { ok errors { code } } }"""
RESET = """mutation Reset($token: String!, $new: String!) {
  resetPassword(input: {token: $token, newPassword: $new}) { ok errors { field code message } } }"""
CHANGE_LOGIN = """mutation Login($new: String!, $password: String!) {
  changeLogin(input: {newLogin: $new, password: $password}) {
    user { login } errors { field code } } }"""
REQUEST_EMAIL = """mutation Email($email: String!, $password: String!) {
  requestEmailChange(input: {newEmail: $email, password: $password}) {
    ok errors { field code } } }"""
CONFIRM_EMAIL = """mutation Confirm($token: String!) {
  confirmEmailChange(input: {token: $token}) { ok errors { field code } } }"""


async def _mail_to(address: str) -> list[OutboxEmail]:
    return await OutboxEmail.filter(to_address=address).order_by("id")


def _link_token(mail: OutboxEmail, path: str) -> str:
    match = re.search(re.escape(path) + r"([A-Za-z0-9_-]+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


async def _sign_in(api: Api, login: str, password: str, otp: str | None = None) -> list[str]:
    result = await api.data(ISSUE, {"login": login, "password": password, "otp": otp})
    return [e["code"] for e in result["issueToken"]["errors"]]


async def _first_password(clock: Clock) -> None:
    """Jan's account as staff approval leaves it: a generated first password to change."""
    await User.filter(login="jan.kowalski").update(
        must_change_password=True,
        password_expires_at=clock.now() + timedelta(days=7),
        accepted_terms_version=None,
    )


# --- first sign-in ------------------------------------------------------------------------


async def test_a_first_password_signs_in_once_then_must_be_changed(api: Api, clock: Clock) -> None:
    await _first_password(clock)
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == []
    # A reused first password: the first sign-in spent it. Said (TOKEN_EXPIRED) only
    # because the password matched: its owner learns nothing new.
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == ["TOKEN_EXPIRED"]
    refused = await api.run("{ accounts { number } }", as_user="jan.kowalski")
    assert refused.codes == ["PASSWORD_CHANGE_REQUIRED"]
    # Nor can the first password be kept as one's own.
    same = await api.data(
        CHANGE, {"current": DEMO_PASSWORD, "new": DEMO_PASSWORD}, as_user="jan.kowalski"
    )
    assert same["changePassword"]["errors"][0]["code"] == "WEAK_PASSWORD"
    changed = await api.data(
        CHANGE, {"current": DEMO_PASSWORD, "new": NEW_PASSWORD}, as_user="jan.kowalski"
    )
    assert changed["changePassword"] == {
        "user": {"login": "jan.kowalski", "mustChangePassword": False},
        "errors": [],
    }
    # Then the regulations; then the account.
    refused = await api.run("{ accounts { number } }", as_user="jan.kowalski")
    assert refused.codes == ["TERMS_NOT_ACCEPTED"]
    version = (await api.data("{ termsVersion }"))["termsVersion"]
    accepted = await api.data(ACCEPT, {"version": version}, as_user="jan.kowalski")
    assert accepted["acceptTerms"] == {"user": {"acceptedTermsVersion": version}, "errors": []}
    data = await api.data("{ accounts { number } }", as_user="jan.kowalski")
    assert data["accounts"] == [{"number": "100001"}]
    assert await _sign_in(api, "jan.kowalski", NEW_PASSWORD) == []
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == ["INVALID_CREDENTIALS"]


async def test_an_expired_first_password_does_not_sign_in(api: Api, clock: Clock) -> None:
    await _first_password(clock)
    clock.set(clock.now() + timedelta(days=8))
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == ["TOKEN_EXPIRED"]
    # A wrong password says nothing about expiry.
    assert await _sign_in(api, "jan.kowalski", "not the password") == ["INVALID_CREDENTIALS"]


async def test_only_the_regulations_in_force_can_be_accepted(api: Api) -> None:
    await User.filter(login="jan.kowalski").update(accepted_terms_version="2020-01")
    stale = await api.data(ACCEPT, {"version": "2020-01"}, as_user="jan.kowalski")
    assert stale["acceptTerms"]["errors"] == [{"field": "version", "code": "INVALID"}]
    version = (await api.data("{ termsVersion }"))["termsVersion"]
    await api.data(ACCEPT, {"version": version}, as_user="jan.kowalski")
    consent = (
        await Consent.filter(user__login="jan.kowalski", kind=ConsentKind.TERMS)
        .order_by("-id")
        .first()
    )
    assert consent is not None and consent.text_version == version
    assert await AuditEntry.filter(action="TERMS_ACCEPTED").count() == 1


async def test_new_regulations_ask_everyone_again(api: Api) -> None:
    from dataclasses import replace

    api.settings = replace(
        api.settings, utility=replace(api.settings.utility, terms_version="2027-01")
    )
    refused = await api.run("{ accounts { number } }", as_user="jan.kowalski")
    assert refused.codes == ["TERMS_NOT_ACCEPTED"]
    await api.data(ACCEPT, {"version": "2027-01"}, as_user="jan.kowalski")
    assert (await api.data("{ accounts { number } }", as_user="jan.kowalski"))["accounts"]


# --- changing the password -----------------------------------------------------------------


async def test_a_password_change_needs_the_current_password(api: Api) -> None:
    wrong = await api.data(
        CHANGE, {"current": "not-my-password", "new": NEW_PASSWORD}, as_user="jan.kowalski"
    )
    assert wrong["changePassword"]["errors"][0]["field"] == "currentPassword"
    assert wrong["changePassword"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == []


@pytest.mark.parametrize(
    "weak", ["short", "qwertyuiop123", "jan.kowalski2026", "Wodociągi-2026", "aaaaaaaaaaaaaaa"]
)
async def test_a_weak_new_password_is_refused_with_the_reason(api: Api, weak: str) -> None:
    result = await api.data(CHANGE, {"current": DEMO_PASSWORD, "new": weak}, as_user="jan.kowalski")
    error = result["changePassword"]["errors"][0]
    assert (error["field"], error["code"]) == ("newPassword", "WEAK_PASSWORD")
    assert error["message"]
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == []


async def test_a_password_change_ends_every_other_session_and_token_and_says_so(
    api: Api, clock: Clock
) -> None:
    jan = await User.get(login="jan.kowalski")
    await tokens.issue_access_token(jan, clock, client_address="10.0.0.1")
    await tokens.create_personal_token(jan, "app", [Scope.READ], 30, clock, client_address=None)
    from models.services.sessions import start_session

    await start_session(jan, clock, client_address="10.0.0.2", user_agent="other browser")
    await api.data(CHANGE, {"current": DEMO_PASSWORD, "new": NEW_PASSWORD}, as_user="jan.kowalski")
    assert await Session.filter(user=jan).count() == 0
    assert await ApiToken.filter(user=jan, revoked_at__isnull=True).count() == 0
    mails = await _mail_to(jan.email)
    assert [m.subject for m in mails] == ["Hasło do eBOK zostało zmienione"]
    assert NEW_PASSWORD not in mails[0].body_text
    entry = await AuditEntry.get(action="PASSWORD_CHANGED")
    assert entry.actor_id == jan.id and entry.details == {"sessions_ended": 1, "tokens_revoked": 2}


async def test_a_change_through_a_token_keeps_that_token(api: Api, clock: Clock, http) -> None:  # type: ignore[no-untyped-def]
    jan = await User.get(login="jan.kowalski")
    _, kept = await tokens.create_personal_token(
        jan, "kept", [Scope.READ, Scope.WRITE], 30, clock, client_address=None
    )
    _, other = await tokens.create_personal_token(
        jan, "other", [Scope.READ], 30, clock, client_address=None
    )
    response = await http.post(
        "/graphql",
        json={"query": CHANGE, "variables": {"current": DEMO_PASSWORD, "new": NEW_PASSWORD}},
        headers={"authorization": f"Bearer {kept}"},
    )
    assert response.json()["data"]["changePassword"]["errors"] == []
    assert (
        await ApiToken.get(token_hash=secret_hash(kept)).values_list("revoked_at", flat=True)
        is None
    )
    assert (
        await ApiToken.get(token_hash=secret_hash(other)).values_list("revoked_at", flat=True)
        is not None
    )


async def test_checking_several_passwords_in_one_request_is_refused(api: Api) -> None:
    many = (
        "mutation { "
        + " ".join(
            f'c{n}: changePassword(input: {{currentPassword: "guess{n}", newPassword: "x"}}) '
            "{ errors { code } }"
            for n in range(3)
        )
        + " }"
    )
    assert (await api.run(many, as_user="jan.kowalski")).codes == ["BAD_REQUEST"]


async def test_a_huge_password_is_refused_before_anything_runs(api: Api) -> None:
    result = await api.run(
        CHANGE, {"current": DEMO_PASSWORD, "new": "x" * 100_000}, as_user="jan.kowalski"
    )
    assert result.codes == ["BAD_REQUEST"]


# --- password reset ------------------------------------------------------------------------


async def test_a_reset_link_sets_a_new_password_once(api: Api, clock: Clock) -> None:
    jan = await User.get(login="jan.kowalski")
    from models.services.sessions import start_session

    await start_session(jan, clock, client_address="10.0.0.2", user_agent="a browser")
    assert (await api.data(REQUEST_RESET, {"login": "jan.kowalski"}))["requestPasswordReset"] == {
        "ok": True,
        "errors": [],
    }
    [mail] = await _mail_to(jan.email)
    assert mail.subject == "Ustaw nowe hasło do eBOK"
    token = _link_token(mail, "/haslo/reset/")
    assert mail.body_text.count(f"http://127.0.0.1:8000/haslo/reset/{token}") == 1
    # Only a hash is stored, and the token carries at least 128 random bits.
    assert not await UserToken.filter(token_hash=token).exists()
    assert len(token) >= 22
    done = await api.data(RESET, {"token": token, "new": NEW_PASSWORD})
    assert done["resetPassword"] == {"ok": True, "errors": []}
    assert await _sign_in(api, "jan.kowalski", NEW_PASSWORD) == []
    assert await Session.filter(user=jan).count() == 0
    again = await api.data(RESET, {"token": token, "new": "zupełnie inne hasło 42"})
    assert again["resetPassword"]["errors"][0]["code"] == "TOKEN_EXPIRED"
    assert await _sign_in(api, "jan.kowalski", NEW_PASSWORD) == []
    assert await AuditEntry.filter(action="PASSWORD_RESET", actor=jan).exists()


async def test_a_reset_link_expires_after_an_hour(api: Api, clock: Clock) -> None:
    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    [mail] = await _mail_to((await User.get(login="jan.kowalski")).email)
    clock.set(clock.now() + timedelta(minutes=61))
    result = await api.data(
        RESET, {"token": _link_token(mail, "/haslo/reset/"), "new": NEW_PASSWORD}
    )
    assert result["resetPassword"]["errors"][0] == {
        "field": "token",
        "code": "TOKEN_EXPIRED",
        "message": "Link wygasł lub został już użyty. Poproś o nowy.",
    }
    assert await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == []


async def test_a_forged_reset_token_is_refused(api: Api) -> None:
    result = await api.data(RESET, {"token": "A" * 43, "new": NEW_PASSWORD})
    assert result["resetPassword"]["errors"][0]["code"] == "TOKEN_EXPIRED"


async def test_a_reset_still_asks_for_a_strong_password(api: Api) -> None:
    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    [mail] = await _mail_to((await User.get(login="jan.kowalski")).email)
    token = _link_token(mail, "/haslo/reset/")
    weak = await api.data(RESET, {"token": token, "new": "password1234"})
    assert weak["resetPassword"]["errors"][0]["code"] == "WEAK_PASSWORD"
    # A refused attempt does not spend the link.
    assert (await api.data(RESET, {"token": token, "new": NEW_PASSWORD}))["resetPassword"]["ok"]


async def test_reset_answers_the_same_whether_or_not_the_login_exists(api: Api) -> None:
    known = await api.run(REQUEST_RESET, {"login": "jan.kowalski"})
    unknown = await api.run(REQUEST_RESET, {"login": "nobody.at.all"})
    by_email = await api.run(REQUEST_RESET, {"login": "nobody@example.pl"})
    assert known.data == unknown.data == by_email.data
    assert known.errors == unknown.errors == by_email.errors == []
    assert await OutboxEmail.all().count() == 1


async def test_reset_by_e_mail_address_reaches_the_user(api: Api) -> None:
    jan = await User.get(login="jan.kowalski")
    await api.data(REQUEST_RESET, {"login": jan.email.upper()})
    assert len(await _mail_to(jan.email)) == 1


async def test_reset_mail_is_limited_to_three_an_hour(api: Api, clock: Clock) -> None:
    for _ in range(5):
        result = await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
        assert result["requestPasswordReset"]["ok"]
    jan = await User.get(login="jan.kowalski")
    assert len(await _mail_to(jan.email)) == 3
    clock.set(clock.now() + timedelta(minutes=61))
    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    assert len(await _mail_to(jan.email)) == 4


async def test_no_password_token_or_link_reaches_any_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    # Everything the service logs at its own levels (SQL statements with their
    # parameters are a debugging aid of the database client, off unless asked for).
    caplog.set_level(logging.INFO)
    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    [mail] = await _mail_to((await User.get(login="jan.kowalski")).email)
    token = _link_token(mail, "/haslo/reset/")
    await api.data(RESET, {"token": token, "new": NEW_PASSWORD})
    await api.data(
        CHANGE,
        {"current": NEW_PASSWORD, "new": "inne bardzo długie hasło 7"},
        as_user="jan.kowalski",
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "password_reset" in logged  # the events are logged, without their secrets
    for secret in (token, NEW_PASSWORD, "inne bardzo długie hasło 7", "/haslo/reset/"):
        assert secret not in logged


# --- login and e-mail ----------------------------------------------------------------------


async def test_the_login_changes_with_the_password(api: Api) -> None:
    taken = await api.data(
        CHANGE_LOGIN, {"new": "wspolnota.lipowa", "password": DEMO_PASSWORD}, as_user="jan.kowalski"
    )
    assert taken["changeLogin"]["errors"] == [{"field": "newLogin", "code": "LOGIN_TAKEN"}]
    wrong = await api.data(
        CHANGE_LOGIN, {"new": "jan.k", "password": "nope"}, as_user="jan.kowalski"
    )
    assert wrong["changeLogin"]["errors"] == [{"field": "password", "code": "INVALID_CREDENTIALS"}]
    bad = await api.data(
        CHANGE_LOGIN, {"new": "j a n", "password": DEMO_PASSWORD}, as_user="jan.kowalski"
    )
    assert bad["changeLogin"]["errors"] == [{"field": "newLogin", "code": "INVALID"}]
    done = await api.data(
        CHANGE_LOGIN, {"new": "Jan.K", "password": DEMO_PASSWORD}, as_user="jan.kowalski"
    )
    assert done["changeLogin"] == {"user": {"login": "jan.k"}, "errors": []}
    assert await _sign_in(api, "jan.k", DEMO_PASSWORD) == []
    assert await AuditEntry.filter(action="LOGIN_CHANGED").count() == 1


async def test_a_new_e_mail_address_is_confirmed_by_a_link_sent_to_it(api: Api) -> None:
    jan = await User.get(login="jan.kowalski")
    wrong = await api.data(
        REQUEST_EMAIL, {"email": "jan@nowy.example.pl", "password": "x"}, as_user="jan.kowalski"
    )
    assert wrong["requestEmailChange"]["errors"] == [
        {"field": "password", "code": "INVALID_CREDENTIALS"}
    ]
    bad = await api.data(
        REQUEST_EMAIL,
        {"email": "not an address", "password": DEMO_PASSWORD},
        as_user="jan.kowalski",
    )
    assert bad["requestEmailChange"]["errors"] == [{"field": "newEmail", "code": "INVALID"}]
    ok = await api.data(
        REQUEST_EMAIL,
        {"email": "jan@nowy.example.pl", "password": DEMO_PASSWORD},
        as_user="jan.kowalski",
    )
    assert ok["requestEmailChange"] == {"ok": True, "errors": []}
    # Nothing changes until the new address proves it receives mail.
    assert (await User.get(id=jan.id)).email == jan.email
    [confirm] = await _mail_to("jan@nowy.example.pl")
    [notice] = await _mail_to(jan.email)
    assert "/dane/email/" not in notice.body_text
    token = _link_token(confirm, "/dane/email/")
    assert (await api.data(CONFIRM_EMAIL, {"token": token}))["confirmEmailChange"]["ok"]
    assert (await User.get(id=jan.id)).email == "jan@nowy.example.pl"
    again = await api.data(CONFIRM_EMAIL, {"token": token})
    assert again["confirmEmailChange"]["errors"] == [{"field": "token", "code": "TOKEN_EXPIRED"}]
    changed = await _mail_to(jan.email)
    assert [m.subject for m in changed][-1] == "Adres e-mail w eBOK został zmieniony"


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CHANGE, {"current": DEMO_PASSWORD, "new": NEW_PASSWORD}),
        (ACCEPT, {"version": "2026-01"}),
        (CHANGE_LOGIN, {"new": "jan.k", "password": DEMO_PASSWORD}),
        (REQUEST_EMAIL, {"email": "a@b.pl", "password": DEMO_PASSWORD}),
    ],
)
async def test_a_read_only_token_changes_nothing(api: Api, query: str, variables: dict) -> None:
    result = await api.run(query, variables, as_user="jan.kowalski", scopes=frozenset({Scope.READ}))
    assert result.codes == ["FORBIDDEN"]
    jan = await User.get(login="jan.kowalski")
    assert jan.login == "jan.kowalski" and await _sign_in(api, "jan.kowalski", DEMO_PASSWORD) == []


@pytest.mark.parametrize("query", [CHANGE, CHANGE_LOGIN])
async def test_anonymous_callers_are_unauthenticated(api: Api, query: str) -> None:
    variables = {"current": "a", "new": "b"} if query == CHANGE else {"new": "a", "password": "b"}
    assert (await api.run(query, variables)).codes == ["UNAUTHENTICATED"]


async def test_personal_tokens_survive_until_a_password_change(api: Api, clock: Clock) -> None:
    jan = await User.get(login="jan.kowalski")
    row, _ = await tokens.create_personal_token(
        jan, "app", [Scope.READ], 30, clock, client_address=None
    )
    assert row.kind == TokenKind.PERSONAL
    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    assert (await ApiToken.get(id=row.id)).revoked_at is None


async def test_one_reset_link_used_twice_at_once_sets_one_password(api: Api) -> None:
    import asyncio

    await api.data(REQUEST_RESET, {"login": "jan.kowalski"})
    [mail] = await _mail_to((await User.get(login="jan.kowalski")).email)
    token = _link_token(mail, "/haslo/reset/")
    first, second = await asyncio.gather(
        api.data(RESET, {"token": token, "new": NEW_PASSWORD}),
        api.data(RESET, {"token": token, "new": "zupełnie inne hasło 42"}),
    )
    outcomes = sorted([first["resetPassword"]["ok"], second["resetPassword"]["ok"]])
    assert outcomes == [False, True]
    winner = NEW_PASSWORD if first["resetPassword"]["ok"] else "zupełnie inne hasło 42"
    assert await _sign_in(api, "jan.kowalski", winner) == []

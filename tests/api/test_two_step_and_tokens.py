"""Two-step sign-in, recovery codes, staff's first sign-in and partner-app tokens."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from models.clock import Clock
from models.enums import Scope
from models.orm import ApiToken, AuditEntry, OutboxEmail, RecoveryCode
from models.rules.totp import totp_at
from models.services.credentials import create_staff
from models.services.secrets import secret_hash
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

DEMO_PASSWORD = "Woda-Demo-2026!"
ISSUE = """mutation Issue($login: String!, $password: String!, $otp: String) {
  issueToken(input: {login: $login, password: $password, otp: $otp}) {
    token errors { field code } } }"""
BEGIN = "mutation { beginTwoStepSetup { secret otpauthUri errors { code } } }"
CONFIRM = """mutation Confirm($code: String!) {
  confirmTwoStepSetup(input: {code: $code}) {
    recoveryCodes user { twoStepEnabled recoveryCodesLeft } errors { field code } } }"""
DISABLE = """mutation Disable($password: String!, $code: String!) {
  disableTwoStep(input: {password: $password, code: $code}) {
    user { twoStepEnabled } errors { field code } } }"""
CHANGE = """mutation Change($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new}) {
    user { mustChangePassword } errors { field code } } }"""
CREATE = """mutation Create($name: String!, $scopes: [Scope!]!, $days: Int) {
  createApiToken(input: {name: $name, scopes: $scopes, expiresInDays: $days}) {
    token apiToken { id name scopes expiresAt lastUsedAt } errors { field code } } }"""
REVOKE = "mutation Revoke($id: ID!) { revokeApiToken(id: $id) { ok errors { code } } }"


def _now_code(secret: str, offset: int = 0) -> str:
    return totp_at(secret, Clock.real_now(), offset)


async def _issue(api: Api, login: str, password: str, otp: str | None = None) -> dict:
    result = await api.data(ISSUE, {"login": login, "password": password, "otp": otp})
    return result["issueToken"]


async def _enrol(api: Api, login: str) -> tuple[str, list[str]]:
    begun = (await api.data(BEGIN, as_user=login))["beginTwoStepSetup"]
    assert begun["errors"] == []
    secret = begun["secret"]
    assert begun["otpauthUri"].startswith("otpauth://totp/eBOK%3A")
    assert f"secret={secret}" in begun["otpauthUri"]
    confirmed = (await api.data(CONFIRM, {"code": _now_code(secret)}, as_user=login))[
        "confirmTwoStepSetup"
    ]
    assert confirmed["errors"] == []
    return secret, confirmed["recoveryCodes"]


# --- two-step sign-in for customers -----------------------------------------------------------


async def test_two_step_sign_in_is_confirmed_with_a_first_code(api: Api) -> None:
    begun = (await api.data(BEGIN, as_user="jan.kowalski"))["beginTwoStepSetup"]
    wrong = await api.data(CONFIRM, {"code": "000000"}, as_user="jan.kowalski")
    if _now_code(begun["secret"]) != "000000":
        assert wrong["confirmTwoStepSetup"]["errors"] == [
            {"field": "code", "code": "INVALID_CREDENTIALS"}
        ]
        # Not on until confirmed: the password alone still signs in.
        assert (await _issue(api, "jan.kowalski", DEMO_PASSWORD))["token"]
    confirmed = await api.data(
        CONFIRM, {"code": _now_code(begun["secret"])}, as_user="jan.kowalski"
    )
    payload = confirmed["confirmTwoStepSetup"]
    assert payload["user"] == {"twoStepEnabled": True, "recoveryCodesLeft": 10}
    codes = payload["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    # Only hashes are kept.
    stored = await RecoveryCode.filter(user__login="jan.kowalski").values_list(
        "code_hash", flat=True
    )
    assert not set(codes) & set(stored)
    assert await OutboxEmail.filter(subject="Włączono logowanie dwuetapowe w eBOK").count() == 1
    assert await AuditEntry.filter(action="TWO_STEP_ENABLED").count() == 1


async def test_after_enrolment_the_password_alone_no_longer_signs_in(api: Api) -> None:
    secret, _ = await _enrol(api, "jan.kowalski")
    alone = await _issue(api, "jan.kowalski", DEMO_PASSWORD)
    assert alone["errors"] == [{"field": None, "code": "INVALID_CREDENTIALS"}]
    # The code that confirmed the set-up is spent; the next one works.
    with_code = await _issue(api, "jan.kowalski", DEMO_PASSWORD, _now_code(secret, 1))
    assert with_code["token"]


async def test_a_recovery_code_signs_in_once(api: Api) -> None:
    _, codes = await _enrol(api, "jan.kowalski")
    first = await _issue(api, "jan.kowalski", DEMO_PASSWORD, codes[0].upper())
    assert first["token"] and first["errors"] == []
    again = await _issue(api, "jan.kowalski", DEMO_PASSWORD, codes[0])
    assert again["errors"][0]["code"] == "INVALID_CREDENTIALS"
    left = await api.data("{ me { recoveryCodesLeft } }", as_user="jan.kowalski")
    assert left["me"]["recoveryCodesLeft"] == 9


async def test_another_users_recovery_code_does_not_work(api: Api) -> None:
    _, jan_codes = await _enrol(api, "jan.kowalski")
    await _enrol(api, "wspolnota.lipowa")
    result = await _issue(api, "wspolnota.lipowa", DEMO_PASSWORD, jan_codes[0])
    assert result["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_two_step_is_disabled_with_the_password_and_a_code(api: Api) -> None:
    _, codes = await _enrol(api, "jan.kowalski")
    no_password = await api.data(
        DISABLE, {"password": "x", "code": codes[1]}, as_user="jan.kowalski"
    )
    assert no_password["disableTwoStep"]["errors"] == [
        {"field": "password", "code": "INVALID_CREDENTIALS"}
    ]
    no_code = await api.data(
        DISABLE, {"password": DEMO_PASSWORD, "code": "123"}, as_user="jan.kowalski"
    )
    assert no_code["disableTwoStep"]["errors"] == [{"field": "code", "code": "INVALID_CREDENTIALS"}]
    done = await api.data(
        DISABLE, {"password": DEMO_PASSWORD, "code": codes[1]}, as_user="jan.kowalski"
    )
    assert done["disableTwoStep"] == {"user": {"twoStepEnabled": False}, "errors": []}
    assert await RecoveryCode.filter(user__login="jan.kowalski").count() == 0
    assert (await _issue(api, "jan.kowalski", DEMO_PASSWORD))["token"]


async def test_a_second_set_up_is_refused_while_two_step_is_on(api: Api) -> None:
    await _enrol(api, "jan.kowalski")
    again = await api.data(BEGIN, as_user="jan.kowalski")
    assert again["beginTwoStepSetup"]["errors"] == [{"code": "INVALID"}]


async def test_the_pending_secret_is_only_the_users_own(api: Api) -> None:
    begun = (await api.data(BEGIN, as_user="jan.kowalski"))["beginTwoStepSetup"]
    mine = await api.data("{ me { pendingTwoStepSetup { secret } } }", as_user="jan.kowalski")
    assert mine["me"]["pendingTwoStepSetup"] == {"secret": begun["secret"]}


# --- staff: a one-time password, then a password and two-step sign-in ----------------------


async def test_a_new_staff_member_sets_a_password_and_two_step_sign_in(
    api: Api, clock: Clock
) -> None:
    user, one_time = await create_staff("Anna.Nowak", "anna.nowak@wodociagi.example", clock)
    assert user.login == "anna.nowak"
    assert (await _issue(api, "anna.nowak", one_time))["token"]
    assert (await _issue(api, "anna.nowak", one_time))["errors"][0]["code"] == "TOKEN_EXPIRED"
    search = '{ account(number: "100001") { number } }'
    assert (await api.run(search, as_user="anna.nowak")).codes == ["PASSWORD_CHANGE_REQUIRED"]
    await api.data(
        CHANGE, {"current": one_time, "new": "sześć kotów pije mleko"}, as_user="anna.nowak"
    )
    assert (await api.run(search, as_user="anna.nowak")).codes == ["TWO_STEP_REQUIRED"]
    secret, _ = await _enrol(api, "anna.nowak")
    assert (await api.data(search, as_user="anna.nowak"))["account"] == {"number": "100001"}
    # Staff keep two-step sign-in.
    refused = await api.data(
        DISABLE,
        {"password": "sześć kotów pije mleko", "code": _now_code(secret, 1)},
        as_user="anna.nowak",
    )
    assert refused["disableTwoStep"]["errors"] == [{"field": None, "code": "INVALID"}]
    assert await AuditEntry.filter(action="STAFF_CREATED", object_id=str(user.id)).exists()


async def test_a_staff_login_is_never_taken_twice(clock: Clock) -> None:
    from models.errors import LoginTaken

    with pytest.raises(LoginTaken):
        await create_staff("obsluga", "x@wodociagi.example", clock)


# --- partner-app tokens -----------------------------------------------------------------------


async def _post(http: httpx.AsyncClient, query: str, variables: dict, token: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return response.json()


async def test_a_token_is_shown_once_and_only_its_hash_is_kept(api: Api) -> None:
    created = await api.data(
        CREATE, {"name": "Domowy budżet", "scopes": ["READ"], "days": 30}, as_user="jan.kowalski"
    )
    payload = created["createApiToken"]
    assert payload["errors"] == []
    secret = payload["token"]
    assert secret.startswith("ebok_pt_")
    assert payload["apiToken"]["name"] == "Domowy budżet" and payload["apiToken"]["scopes"] == [
        "READ"
    ]
    row = await ApiToken.get(name="Domowy budżet")
    assert row.token_hash == secret_hash(secret) and secret not in (row.token_hash, row.name)
    listed = await api.data("{ me { apiTokens { name lastUsedAt } } }", as_user="jan.kowalski")
    assert {"name": "Domowy budżet", "lastUsedAt": None} in listed["me"]["apiTokens"]
    assert await AuditEntry.filter(action="TOKEN_CREATED").count() == 1


async def test_a_read_token_reads_but_every_mutation_is_refused(
    api: Api, http: httpx.AsyncClient
) -> None:
    created = await api.data(
        CREATE, {"name": "tylko odczyt", "scopes": ["READ"]}, as_user="jan.kowalski"
    )
    token = created["createApiToken"]["token"]
    read = await _post(http, "{ accounts { number } }", {}, token)
    assert read["data"]["accounts"] == [{"number": "100001"}]
    for query, variables in [
        (CREATE, {"name": "więcej", "scopes": ["READ", "WRITE"]}),
        (CHANGE, {"current": DEMO_PASSWORD, "new": "zupełnie nowe hasło 9"}),
        (REVOKE, {"id": created["createApiToken"]["apiToken"]["id"]}),
        (BEGIN, {}),
    ]:
        refused = await _post(http, query, variables, token)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", query
    assert await ApiToken.filter(name="więcej").count() == 0
    used = await api.data("{ me { apiTokens { name lastUsedAt } } }", as_user="jan.kowalski")
    assert any(t["name"] == "tylko odczyt" and t["lastUsedAt"] for t in used["me"]["apiTokens"])


async def test_a_write_token_may_change_things(api: Api, http: httpx.AsyncClient) -> None:
    created = await api.data(
        CREATE, {"name": "pełny", "scopes": ["READ", "WRITE"]}, as_user="jan.kowalski"
    )
    token = created["createApiToken"]["token"]
    made = await _post(http, CREATE, {"name": "z tokenu", "scopes": ["READ"]}, token)
    assert made["data"]["createApiToken"]["errors"] == []


async def test_a_revoked_token_stops_working_at_once(api: Api, http: httpx.AsyncClient) -> None:
    created = (
        await api.data(CREATE, {"name": "apka", "scopes": ["READ"]}, as_user="jan.kowalski")
    )["createApiToken"]
    assert (await _post(http, "{ me { login } }", {}, created["token"]))["data"]["me"]
    revoked = await api.data(REVOKE, {"id": created["apiToken"]["id"]}, as_user="jan.kowalski")
    assert revoked["revokeApiToken"] == {"ok": True, "errors": []}
    after = await _post(http, "{ accounts { number } }", {}, created["token"])
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await AuditEntry.filter(action="TOKEN_REVOKED").count() == 1


async def test_another_customers_token_cannot_be_revoked(api: Api) -> None:
    created = (
        await api.data(CREATE, {"name": "jana", "scopes": ["READ"]}, as_user="jan.kowalski")
    )["createApiToken"]
    other = await api.data(REVOKE, {"id": created["apiToken"]["id"]}, as_user="wspolnota.lipowa")
    assert other["revokeApiToken"]["errors"] == [{"code": "NOT_FOUND"}]
    assert (await ApiToken.get(name="jana")).revoked_at is None


async def test_an_expired_token_is_refused(api: Api, http: httpx.AsyncClient, clock: Clock) -> None:
    created = (
        await api.data(
            CREATE, {"name": "krótki", "scopes": ["READ"], "days": 1}, as_user="jan.kowalski"
        )
    )["createApiToken"]
    clock.set(clock.now() + timedelta(days=2))
    after = await _post(http, "{ accounts { number } }", {}, created["token"])
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"name": "x", "scopes": [], "days": 30}, "scopes"),
        ({"name": "   ", "scopes": ["READ"], "days": 30}, "name"),
        ({"name": "x", "scopes": ["READ"], "days": 0}, "expiresInDays"),
        ({"name": "x", "scopes": ["READ"], "days": 731}, "expiresInDays"),
        ({"name": "x", "scopes": ["READ"], "days": -5}, "expiresInDays"),
    ],
)
async def test_bad_token_input_is_a_coded_error(api: Api, variables: dict, field: str) -> None:
    result = await api.data(CREATE, variables, as_user="jan.kowalski")
    assert result["createApiToken"]["errors"] == [{"field": field, "code": "INVALID"}]
    assert await ApiToken.filter(name="x").count() == 0


async def test_bad_token_shapes_never_reach_the_resolver(api: Api) -> None:
    huge = await api.run(CREATE, {"name": "x" * 1000, "scopes": ["READ"]}, as_user="jan.kowalski")
    assert huge.codes == ["BAD_REQUEST"]
    wrong = await api.run(CREATE, {"name": "x", "scopes": ["ADMIN"]}, as_user="jan.kowalski")
    assert wrong.errors and wrong.data is None
    overflow = await api.run(
        CREATE, {"name": "x", "scopes": ["READ"], "days": 2**40}, as_user="jan.kowalski"
    )
    assert overflow.errors and overflow.data is None


async def test_default_expiry_is_a_year(api: Api, clock: Clock) -> None:
    await api.data(CREATE, {"name": "rok", "scopes": ["READ"]}, as_user="jan.kowalski")
    row = await ApiToken.get(name="rok")
    assert row.expires_at == clock.now() + timedelta(days=365)
    assert row.scopes == Scope.READ.value

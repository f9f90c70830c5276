"""Registration through the API: one proof, one answer for every refusal, a receipt
by e-mail, staff approval with a first password, and the sign-in that follows."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from models.clock import Clock
from models.enums import ConsentKind, RegistrationKind, RequestStatus
from models.orm import AuditEntry, Consent, OutboxEmail, Registration, User
from models.services.demo import stored_registration_invoice_number
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) {
    registration { id accountNumber email login status kind }
    errors { field code message }
  }
}"""
DECIDE = """mutation Decide($input: DecideInput!) {
  decideRegistration(input: $input) {
    registration { id status accountNumber }
    errors { field code message }
  }
}"""
PENDING = "{ pendingRegistrations { id accountNumber login kind invoiceNumber status } }"
ISSUE = """mutation Issue($login: String!, $password: String!) {
  issueToken(input: {login: $login, password: $password}) { token errors { code message } }
}"""
STAFF = "obsluga"


async def _invoice() -> str:
    number = await stored_registration_invoice_number()
    assert number is not None
    return number


def _input(invoice: str, **changes: object) -> dict:
    values = {
        "accountNumber": "100002",
        "invoiceNumber": invoice,
        "email": "katarzyna@example.com",
        "login": "k.wisniewska",
        "acceptTerms": True,
        "consentDataProcessing": True,
    }
    values.update(changes)
    return values


async def _register(api: Api, invoice: str, **changes: object) -> dict:
    data = await api.data(REGISTER, {"input": _input(invoice, **changes)})
    return data["register"]


async def test_the_readme_invoice_registers_account_100002(api: Api) -> None:
    invoice = await _invoice()
    assert invoice == "FV/2025/01/000002"
    payload = await _register(api, invoice)
    assert payload["errors"] == []
    registration = payload["registration"]
    assert registration["accountNumber"] == "100002"
    assert registration["status"] == "PENDING"
    assert registration["kind"] == "NEW_USER"
    row = await Registration.get(login="k.wisniewska")
    consents = await Consent.filter(registration_id=row.id).order_by("kind")
    assert {c.kind for c in consents} == {ConsentKind.TERMS, ConsentKind.DATA_PROCESSING}
    assert all(c.text_version == "2026-01" and c.given_at is not None for c in consents)
    mail = await OutboxEmail.get(to_address="katarzyna@example.com")
    assert "Otrzymaliśmy Twoje zgłoszenie" in mail.subject
    assert "100002" in mail.body_text and mail.body_html is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"accountNumber": "999999"},  # no such account
        {"accountNumber": "100001"},  # an invoice not its own (and a user already)
        {"invoiceNumber": "FV/1999/01/000001"},  # no such invoice
        {"accountNumber": "100003"},  # an account whose invoice this is not
    ],
)
async def test_every_wrong_proof_gets_the_same_answer(api: Api, changes: dict) -> None:
    invoice = await _invoice()
    payload = await _register(api, invoice, **changes)
    assert payload["registration"] is None
    assert [e["code"] for e in payload["errors"]] == ["REGISTRATION_NOT_ELIGIBLE"]
    reference = await _register(api, invoice, accountNumber="000000")
    assert payload["errors"][0]["message"] == reference["errors"][0]["message"]
    assert await Registration.all().count() == 0
    assert await OutboxEmail.all().count() == 0


async def test_an_account_with_a_pending_request_answers_not_eligible_too(api: Api) -> None:
    invoice = await _invoice()
    assert (await _register(api, invoice))["errors"] == []
    again = await _register(api, invoice, login="someone.else", email="x@example.com")
    assert [e["code"] for e in again["errors"]] == ["REGISTRATION_NOT_ELIGIBLE"]


async def test_a_taken_login_is_a_clear_error_on_the_login_field(api: Api) -> None:
    payload = await _register(api, await _invoice(), login="jan.kowalski")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("login", "LOGIN_TAKEN")]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"acceptTerms": False}, "acceptTerms", "REQUIRED"),
        ({"consentDataProcessing": False}, "consentDataProcessing", "REQUIRED"),
        ({"email": "not an address"}, "email", "INVALID"),
        ({"login": "Ä!"}, "login", "INVALID"),
        ({"accountNumber": "  "}, "accountNumber", "REQUIRED"),
    ],
)
async def test_bad_fields_are_coded_errors_and_nothing_is_written(
    api: Api, changes: dict, field: str, code: str
) -> None:
    payload = await _register(api, await _invoice(), **changes)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert await Registration.all().count() == 0


async def test_huge_values_are_refused_before_anything_runs(api: Api) -> None:
    result = await api.run(REGISTER, {"input": _input("x" * 10_000)})
    assert result.codes == ["BAD_REQUEST"]
    assert await Registration.all().count() == 0


async def test_guessing_customer_numbers_is_rate_limited_per_address(
    api: Api, settings, clock: Clock
) -> None:
    from resolvers.context import Context
    from schema import schema

    async def attempt(number: str) -> list[str]:
        context = Context(settings=settings, clock=clock, client_address="203.0.113.9")
        result = await schema.execute(
            REGISTER,
            variable_values={"input": _input("FV/1", accountNumber=number)},
            context_value=context,
        )
        return [e["code"] for e in result.data["register"]["errors"]]

    codes = [await attempt(f"1{n:05d}") for n in range(12)]
    assert codes[:10] == [["REGISTRATION_NOT_ELIGIBLE"]] * 10
    assert codes[10:] == [["RATE_LIMITED"]] * 2
    # Even the right proof waits now, so the limit cannot be told apart from a hit.
    context = Context(settings=settings, clock=clock, client_address="203.0.113.9")
    result = await schema.execute(
        REGISTER, variable_values={"input": _input(await _invoice())}, context_value=context
    )
    assert result.data["register"]["errors"][0]["code"] == "RATE_LIMITED"
    # Another address is not affected.
    assert (await _register(api, await _invoice()))["errors"] == []


async def test_customers_and_the_public_cannot_use_staff_fields(api: Api) -> None:
    await _register(api, await _invoice())
    registration = await Registration.get(login="k.wisniewska")
    rid = await _pending_id(api)
    for as_user in (None, "jan.kowalski"):
        assert (await api.run(PENDING, as_user=as_user)).codes[0] in {
            "UNAUTHENTICATED",
            "FORBIDDEN",
        }
        result = await api.run(DECIDE, {"input": {"id": rid, "approve": True}}, as_user=as_user)
        assert result.codes[0] in {"UNAUTHENTICATED", "FORBIDDEN"}
    assert await User.filter(login="k.wisniewska").count() == 0
    assert (await Registration.get(id=registration.id)).status == RequestStatus.PENDING


async def _pending_id(api: Api) -> str:
    pending = (await api.data(PENDING, as_user=STAFF))["pendingRegistrations"]
    assert len(pending) == 1
    return pending[0]["id"]


async def test_approval_creates_the_user_and_mails_a_first_password_that_signs_in(
    api: Api, clock: Clock
) -> None:
    await _register(api, await _invoice())
    rid = await _pending_id(api)
    payload = (await api.data(DECIDE, {"input": {"id": rid, "approve": True}}, as_user=STAFF))[
        "decideRegistration"
    ]
    assert payload["errors"] == []
    assert payload["registration"]["status"] == "APPROVED"
    user = await User.get(login="k.wisniewska").prefetch_related("accounts")
    assert [a.number for a in user.accounts] == ["100002"]
    assert user.must_change_password
    assert user.password_expires_at == clock.now() + timedelta(days=7)
    assert await Consent.filter(user_id=user.id).count() == 2
    mail = await OutboxEmail.get(subject__contains="przyznany")
    match = re.search(r"Hasło jednorazowe: (\S+)", mail.body_text)
    assert match
    password = match.group(1)
    assert len(password) >= 16
    assert password not in user.password_hash
    entry = await AuditEntry.get(action="REGISTRATION_APPROVED").prefetch_related("actor")
    assert entry.actor.login == STAFF
    assert password not in str(entry.details)
    issued = (await api.data(ISSUE, {"login": "k.wisniewska", "password": password}))["issueToken"]
    assert issued["errors"] == [] and issued["token"]
    me = await api.data("{ me { mustChangePassword } }", as_user="k.wisniewska")
    assert me["me"]["mustChangePassword"] is True
    refused = await api.run("{ accounts { number } }", as_user="k.wisniewska")
    assert refused.codes == ["PASSWORD_CHANGE_REQUIRED"]


async def test_a_first_password_past_its_week_no_longer_signs_in(api: Api, clock: Clock) -> None:
    await _register(api, await _invoice())
    await api.data(
        DECIDE, {"input": {"id": await _pending_id(api), "approve": True}}, as_user=STAFF
    )
    mail = await OutboxEmail.get(subject__contains="przyznany")
    password = re.search(r"Hasło jednorazowe: (\S+)", mail.body_text).group(1)  # type: ignore[union-attr]
    late = Api(api.settings, Clock(clock.now() + timedelta(days=7, minutes=1), frozen=True))
    issued = (await late.data(ISSUE, {"login": "k.wisniewska", "password": password}))["issueToken"]
    assert issued["token"] is None
    assert issued["errors"][0]["code"] == "TOKEN_EXPIRED"


async def test_a_rejection_needs_a_reason_and_mails_it(api: Api) -> None:
    await _register(api, await _invoice())
    rid = await _pending_id(api)
    no_note = await api.data(DECIDE, {"input": {"id": rid, "approve": False}}, as_user=STAFF)
    assert no_note["decideRegistration"]["errors"][0]["field"] == "note"
    note = "Numer faktury nie zgadza się z naszą kartoteką."
    payload = await api.data(
        DECIDE, {"input": {"id": rid, "approve": False, "note": note}}, as_user=STAFF
    )
    assert payload["decideRegistration"]["registration"]["status"] == "REJECTED"
    mail = await OutboxEmail.get(subject__contains="nie zostało zaakceptowane")
    assert note in mail.body_text
    assert await User.filter(login="k.wisniewska").count() == 0
    assert await AuditEntry.filter(action="REGISTRATION_REJECTED").count() == 1


async def test_deciding_twice_is_a_coded_error(api: Api) -> None:
    await _register(api, await _invoice())
    rid = await _pending_id(api)
    await api.data(DECIDE, {"input": {"id": rid, "approve": True}}, as_user=STAFF)
    again = await api.data(
        DECIDE, {"input": {"id": rid, "approve": False, "note": "x"}}, as_user=STAFF
    )
    assert again["decideRegistration"]["errors"][0]["code"] == "INVALID"
    assert await User.filter(login="k.wisniewska").count() == 1


async def test_two_staff_deciding_at_once_make_one_user(api: Api) -> None:
    await _register(api, await _invoice())
    rid = await _pending_id(api)
    results = await asyncio.gather(
        api.data(DECIDE, {"input": {"id": rid, "approve": True}}, as_user=STAFF),
        api.data(DECIDE, {"input": {"id": rid, "approve": True}}, as_user=STAFF),
    )
    errors = [r["decideRegistration"]["errors"] for r in results]
    assert sorted(len(e) for e in errors) == [0, 1]
    assert await User.filter(login="k.wisniewska").count() == 1
    assert await OutboxEmail.filter(subject__contains="przyznany").count() == 1
    assert await AuditEntry.filter(action="REGISTRATION_APPROVED").count() == 1


async def test_a_hostile_id_is_not_found(api: Api) -> None:
    for bad in ("nonsense", "QWNjb3VudDox"):  # garbage, and an Account's id
        payload = await api.data(DECIDE, {"input": {"id": bad, "approve": True}}, as_user=STAFF)
        assert payload["decideRegistration"]["errors"][0]["code"] == "NOT_FOUND"
    assert await Registration.filter(kind=RegistrationKind.NEW_USER).count() == 0

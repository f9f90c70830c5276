"""Monthly billing on request: the customer asks, staff decide, the next period applies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.clock import WARSAW, Clock
from models.enums import BillingCycle, InvoiceKind, RequestStatus, Scope
from models.orm import Account, AuditEntry, BillingCycleChangeRequest, Invoice, OutboxEmail
from models.rules.billing_cycle import next_period_start
from models.services.billing import run_billing
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

REQUEST = """mutation($id: ID!, $cycle: BillingCycle!) {
  requestBillingCycleChange(input: {accountId: $id, cycle: $cycle}) {
    request { id requested status effectiveFrom } errors { field code message } } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $note: String) {
  decideBillingCycleChange(input: {id: $id, approve: $approve, note: $note}) {
    request { status effectiveFrom } errors { field code } } }"""
PENDING = "{ pendingBillingCycleChanges { id requested account { number } } }"


def _clock_at(day: date) -> Clock:
    return Clock(datetime(day.year, day.month, day.day, 6, tzinfo=WARSAW), frozen=True)


async def _account_id(api: Api, login: str = "jan.kowalski", number: str = "100001") -> str:
    data = await api.data(f'{{ account(number: "{number}") {{ id }} }}', as_user=login)
    return str(data["account"]["id"])


async def _request(api: Api, cycle: str = "MONTHLY", **kw: str) -> dict:
    login = kw.get("login", "jan.kowalski")
    account = kw.get("account") or await _account_id(api, login)
    result = await api.data(REQUEST, {"id": account, "cycle": cycle}, as_user=login)
    return result["requestBillingCycleChange"]


def test_a_change_waits_for_the_period_running_now_to_end() -> None:
    # Bimonthly, billed to 31 October: November–December runs now; January is next.
    assert next_period_start(date(2026, 10, 31), BillingCycle.BIMONTHLY, date(2026, 11, 21)) == (
        date(2027, 1, 1)
    )
    assert next_period_start(date(2026, 10, 31), BillingCycle.MONTHLY, date(2026, 11, 21)) == (
        date(2026, 12, 1)
    )
    # A run behind: the periods still roll forward to the one containing today.
    assert next_period_start(date(2026, 6, 30), BillingCycle.BIMONTHLY, date(2026, 11, 21)) == (
        date(2027, 1, 1)
    )
    assert next_period_start(None, BillingCycle.MONTHLY, date(2026, 11, 21)) == date(2026, 12, 1)


async def test_approved_monthly_billing_starts_with_the_next_period(api: Api) -> None:
    asked = await _request(api)
    assert asked["errors"] == []
    assert asked["request"]["status"] == "PENDING" and asked["request"]["effectiveFrom"] is None
    queue = (await api.data(PENDING, as_user="obsluga"))["pendingBillingCycleChanges"]
    assert [(q["requested"], q["account"]["number"]) for q in queue] == [("MONTHLY", "100001")]
    decided = await api.data(
        DECIDE, {"id": asked["request"]["id"], "approve": True}, as_user="obsluga"
    )
    assert decided["decideBillingCycleChange"] == {
        "request": {"status": "APPROVED", "effectiveFrom": "2027-01-01"},
        "errors": [],
    }
    mail = await OutboxEmail.filter(subject__contains="przyjęta").first()
    assert mail is not None and "01.01.2027" in mail.body_text
    assert await AuditEntry.filter(action="BILLING_CYCLE_APPROVED").count() == 1

    # November–December is still billed as one bimonthly period...
    await run_billing(date(2026, 12, 1), _clock_at(date(2027, 1, 4)))
    account = await Account.get(number="100001")
    assert account.billing_cycle == BillingCycle.BIMONTHLY
    last = (
        await Invoice.filter(account=account, kind=InvoiceKind.INVOICE)
        .order_by("-period_to")
        .first()
    )
    assert last is not None and (last.period_from, last.period_to) == (
        date(2026, 11, 1),
        date(2026, 12, 31),
    )
    # ...and January on its own.
    await run_billing(date(2027, 1, 1), _clock_at(date(2027, 2, 3)))
    account = await Account.get(number="100001")
    assert account.billing_cycle == BillingCycle.MONTHLY
    last = (
        await Invoice.filter(account=account, kind=InvoiceKind.INVOICE)
        .order_by("-period_to")
        .first()
    )
    assert last is not None and (last.period_from, last.period_to) == (
        date(2027, 1, 1),
        date(2027, 1, 31),
    )
    applied = await BillingCycleChangeRequest.get(account=account)
    assert applied.applied_at is not None


async def test_a_rejection_tells_the_customer_why(api: Api) -> None:
    asked = await _request(api)
    decided = await api.data(
        DECIDE,
        {"id": asked["request"]["id"], "approve": False, "note": "zaległości"},
        as_user="obsluga",
    )
    assert decided["decideBillingCycleChange"]["request"]["status"] == "REJECTED"
    mail = await OutboxEmail.filter(subject__contains="odrzucony").first()
    assert mail is not None and "zaległości" in mail.body_text
    assert (await Account.get(number="100001")).billing_cycle == BillingCycle.BIMONTHLY


async def test_a_decision_is_made_once(api: Api) -> None:
    asked = await _request(api)
    variables = {"id": asked["request"]["id"], "approve": True}
    await api.data(DECIDE, variables, as_user="obsluga")
    again = await api.data(DECIDE, {**variables, "approve": False}, as_user="obsluga")
    assert [e["code"] for e in again["decideBillingCycleChange"]["errors"]] == ["INVALID"]
    stored = await BillingCycleChangeRequest.get(id=1)
    assert stored.status == RequestStatus.APPROVED


async def test_refused_requests(api: Api) -> None:
    same = await _request(api, "BIMONTHLY")
    assert [e["code"] for e in same["errors"]] == ["INVALID"]
    assert "co dwa miesiące" in same["errors"][0]["message"]
    assert (await _request(api))["errors"] == []
    twice = await _request(api)
    assert [e["code"] for e in twice["errors"]] == ["INVALID"]
    await Account.filter(number="100003").update(
        billing_cycle=BillingCycle.BIMONTHLY, e_readings_blocked=True
    )
    community = await _account_id(api, "wspolnota.lipowa", "100003")
    blocked = await _request(api, login="wspolnota.lipowa", account=community)
    assert [e["code"] for e in blocked["errors"]] == ["READINGS_BLOCKED"]
    assert await BillingCycleChangeRequest.all().count() == 1


async def test_another_customers_account_and_staff_only_decisions(api: Api) -> None:
    others = await _account_id(api, "wspolnota.lipowa", "100003")
    foreign = await _request(api, "BIMONTHLY", account=others)
    assert [(e["field"], e["code"]) for e in foreign["errors"]] == [("accountId", "NOT_FOUND")]
    asked = await _request(api)
    by_customer = await api.run(
        DECIDE, {"id": asked["request"]["id"], "approve": True}, as_user="jan.kowalski"
    )
    assert by_customer.codes == ["FORBIDDEN"]
    assert (await api.run(PENDING, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    read_only = await api.run(
        REQUEST,
        {"id": await _account_id(api), "cycle": "MONTHLY"},
        as_user="jan.kowalski",
        scopes=frozenset({Scope.READ}),
    )
    assert read_only.codes == ["FORBIDDEN"]

"""Corrections of the customer's data: asked for, decided by staff, applied at once."""

from __future__ import annotations

import pytest

from models.enums import RequestStatus, Scope
from models.orm import Account, AuditEntry, DataChangeRequest, OutboxEmail
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

REQUEST = """mutation($id: ID!, $changes: [FieldChangeInput!]!) {
  requestDataChange(input: {accountId: $id, changes: $changes}) {
    request { id status changes { field oldValue newValue } account { number } }
    errors { field code message } } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $note: String) {
  decideDataChangeRequest(input: {id: $id, approve: $approve, note: $note}) {
    request { status note resolvedAt } errors { field code } } }"""
PENDING = "{ pendingDataChangeRequests { id account { number } changes { field newValue } } }"
MINE = '{ account(number: "100001") { phone dataChangeRequests { status changes { field } } } }'


async def _account_id(api: Api, login: str = "jan.kowalski", number: str = "100001") -> str:
    data = await api.data(f'{{ account(number: "{number}") {{ id }} }}', as_user=login)
    return str(data["account"]["id"])


async def _ask(api: Api, changes: list[dict], **kw: str) -> dict:
    login = kw.get("login", "jan.kowalski")
    account = kw.get("account") or await _account_id(api, login)
    result = await api.data(REQUEST, {"id": account, "changes": changes}, as_user=login)
    return result["requestDataChange"]


async def test_a_new_phone_number_is_applied_once_staff_approve(api: Api) -> None:
    before = await Account.get(number="100001")
    asked = await _ask(api, [{"field": "phone", "newValue": "601 200 300"}])
    assert asked["errors"] == []
    assert asked["request"]["status"] == "PENDING"
    assert asked["request"]["changes"] == [
        {"field": "phone", "oldValue": before.phone, "newValue": "601 200 300"}
    ]
    assert (await Account.get(number="100001")).phone == before.phone, "not before approval"

    queue = (await api.data(PENDING, as_user="obsluga"))["pendingDataChangeRequests"]
    assert [(q["account"]["number"], q["changes"]) for q in queue] == [
        ("100001", [{"field": "phone", "newValue": "601 200 300"}])
    ]
    decided = await api.data(
        DECIDE, {"id": asked["request"]["id"], "approve": True}, as_user="obsluga"
    )
    assert decided["decideDataChangeRequest"]["errors"] == []
    assert decided["decideDataChangeRequest"]["request"]["status"] == "APPROVED"

    mine = (await api.data(MINE, as_user="jan.kowalski"))["account"]
    assert mine["phone"] == "601 200 300"
    assert mine["dataChangeRequests"] == [{"status": "APPROVED", "changes": [{"field": "phone"}]}]
    audit = await AuditEntry.get(action="DATA_CHANGE_APPROVED")
    assert audit.details["changes"][0]["oldValue"] == before.phone
    mail = await OutboxEmail.filter(subject="Zmiana danych przyjęta").first()
    assert mail is not None and "601 200 300" in mail.body_text
    assert (await api.data(PENDING, as_user="obsluga"))["pendingDataChangeRequests"] == []


async def test_a_rejection_needs_a_note_changes_nothing_and_is_told(api: Api) -> None:
    asked = await _ask(api, [{"field": "holderName", "newValue": "Jan Nowak"}])
    request_id = asked["request"]["id"]
    bare = await api.data(DECIDE, {"id": request_id, "approve": False}, as_user="obsluga")
    assert [e["field"] for e in bare["decideDataChangeRequest"]["errors"]] == ["note"]
    decided = await api.data(
        DECIDE,
        {"id": request_id, "approve": False, "note": "prosimy o akt małżeństwa"},
        as_user="obsluga",
    )
    assert decided["decideDataChangeRequest"]["request"]["status"] == "REJECTED"
    assert (await Account.get(number="100001")).holder_name != "Jan Nowak"
    mail = await OutboxEmail.filter(subject="Wniosek o zmianę danych odrzucony").first()
    assert mail is not None and "akt małżeństwa" in mail.body_text
    again = await api.data(DECIDE, {"id": request_id, "approve": True}, as_user="obsluga")
    assert [e["code"] for e in again["decideDataChangeRequest"]["errors"]] == ["INVALID"]
    assert (await DataChangeRequest.get()).status == RequestStatus.REJECTED


async def test_bad_requests_are_refused_and_nothing_is_stored(api: Api) -> None:
    cases = [
        ([{"field": "postalCode", "newValue": "00950"}], "postalCode"),
        ([{"field": "balance", "newValue": "-1000"}], "changes"),
        ([{"field": "city", "newValue": "   "}], "city"),
        ([{"field": "email", "newValue": "x" * 199}], "email"),
        ([], "changes"),
    ]
    for changes, field in cases:
        refused = await _ask(api, changes)
        assert [e["field"] for e in refused["errors"]] == [field], changes
        assert refused["request"] is None
    huge = await api.run(
        REQUEST,
        {"id": await _account_id(api), "changes": [{"field": "city", "newValue": "x" * 5000}]},
        as_user="jan.kowalski",
    )
    assert huge.codes == ["BAD_REQUEST"]
    assert await DataChangeRequest.all().count() == 0
    assert (await _ask(api, [{"field": "city", "newValue": "Kraków"}]))["errors"] == []
    waiting = await _ask(api, [{"field": "city", "newValue": "Gdańsk"}])
    assert [e["code"] for e in waiting["errors"]] == ["INVALID"]
    assert await DataChangeRequest.all().count() == 1


async def test_another_customers_account_and_staff_only_decisions(api: Api) -> None:
    others = await _account_id(api, "wspolnota.lipowa", "100003")
    foreign = await _ask(api, [{"field": "phone", "newValue": "601200300"}], account=others)
    assert [(e["field"], e["code"]) for e in foreign["errors"]] == [("accountId", "NOT_FOUND")]
    asked = await _ask(api, [{"field": "phone", "newValue": "601200300"}])
    by_customer = await api.run(
        DECIDE, {"id": asked["request"]["id"], "approve": True}, as_user="jan.kowalski"
    )
    assert by_customer.codes == ["FORBIDDEN"]
    assert (await api.run(PENDING, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    read_only = await api.run(
        REQUEST,
        {"id": await _account_id(api), "changes": [{"field": "city", "newValue": "Kraków"}]},
        as_user="jan.kowalski",
        scopes=frozenset({Scope.READ}),
    )
    assert read_only.codes == ["FORBIDDEN"]

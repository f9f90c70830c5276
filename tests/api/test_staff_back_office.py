"""The staff back office through the API: account search, the account's users and
requests, the queues, and another account under one login."""

from __future__ import annotations

import pytest

from models.orm import Meter, User
from models.services.demo import stored_registration_invoice_number
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

SEARCH = """query Search($q: String!, $first: Int, $after: String) {
  searchAccounts(query: $q, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { number holderName } }
  }
}"""
LINK = """mutation Link($input: RequestAccountLinkInput!) {
  requestAccountLink(input: $input) {
    registration { id accountNumber kind status } errors { field code message }
  }
}"""
DECIDE = """mutation Decide($input: DecideInput!) {
  decideRegistration(input: $input) { registration { status } errors { code } }
}"""
STAFF = "obsluga"


async def _numbers(api: Api, query: str, **kw: object) -> list[str]:
    data = await api.data(SEARCH, {"q": query, **kw}, as_user=STAFF)
    return [e["node"]["number"] for e in data["searchAccounts"]["edges"]]


async def test_search_by_number_prefix_name_address_serial_and_invoice(api: Api) -> None:
    invoice = await stored_registration_invoice_number()
    meter = await Meter.filter(contract__account__number="100003").first()
    assert invoice and meter
    assert await _numbers(api, "100001") == ["100001"]
    assert await _numbers(api, "10000") == ["100001", "100002", "100003"]
    assert await _numbers(api, "Wiśniewska") == ["100002"]
    assert await _numbers(api, meter.serial_number) == ["100003"]
    assert await _numbers(api, invoice) == ["100002"]
    # A part of a serial or an invoice number finds nothing (exact match on the index).
    assert await _numbers(api, meter.serial_number[:-1]) == []
    assert await _numbers(api, "") == []


async def test_search_pages_with_cursors(api: Api) -> None:
    first = await api.data(SEARCH, {"q": "10000", "first": 2}, as_user=STAFF)
    page = first["searchAccounts"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = await _numbers(api, "10000", first=2, after=page["pageInfo"]["endCursor"])
    assert rest == ["100003"]


async def test_hostile_search_input_is_refused_or_finds_nothing(api: Api) -> None:
    assert (await api.run(SEARCH, {"q": "x" * 101}, as_user=STAFF)).codes == ["BAD_REQUEST"]
    assert (await api.run(SEARCH, {"q": "1", "first": 1000}, as_user=STAFF)).codes == [
        "BAD_REQUEST"
    ]
    assert (await api.run(SEARCH, {"q": "1", "after": "bogus"}, as_user=STAFF)).codes == [
        "BAD_REQUEST"
    ]
    assert await _numbers(api, "%") == []
    assert await _numbers(api, "' OR 1=1 --") == []


@pytest.mark.parametrize(
    "query",
    [
        '{ searchAccounts(query: "1") { totalCount } }',
        "{ auditLog { totalCount } }",
        "{ pendingRegistrations { id } }",
        "{ staffQueues { count } }",
        '{ accountUsers(number: "100001") { login } }',
    ],
)
async def test_customers_and_strangers_cannot_use_staff_fields(api: Api, query: str) -> None:
    assert (await api.run(query)).codes == ["UNAUTHENTICATED"]
    assert (await api.run(query, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert not (await api.run(query, as_user=STAFF)).errors


async def test_staff_see_an_accounts_users_and_any_account(api: Api) -> None:
    data = await api.data(
        '{ accountUsers(number: "100001") { login }  account(number: "100003") { holderName } }',
        as_user=STAFF,
    )
    assert data["accountUsers"] == [{"login": "jan.kowalski"}]
    assert data["account"]["holderName"]


async def test_another_account_under_one_login(api: Api) -> None:
    invoice = await stored_registration_invoice_number()
    link = {"input": {"accountNumber": "100002", "invoiceNumber": invoice}}
    payload = (await api.data(LINK, link, as_user="jan.kowalski"))["requestAccountLink"]
    assert payload["errors"] == []
    registration = payload["registration"]
    assert registration["kind"] == "ADD_ACCOUNT" and registration["accountNumber"] == "100002"
    # Asking again while it waits, or with another's invoice, says only "not eligible".
    again = (await api.data(LINK, link, as_user="jan.kowalski"))["requestAccountLink"]
    assert again["errors"][0]["code"] == "REGISTRATION_NOT_ELIGIBLE"
    # Nothing is visible before staff approve.
    before = await api.data("{ accounts { number } }", as_user="jan.kowalski")
    assert before["accounts"] == [{"number": "100001"}]
    queue = await api.data("{ pendingRegistrations { id kind login } }", as_user=STAFF)
    assert queue["pendingRegistrations"][0]["kind"] == "ADD_ACCOUNT"
    assert queue["pendingRegistrations"][0]["login"] == "jan.kowalski"
    decided = await api.data(
        DECIDE, {"input": {"id": registration["id"], "approve": True}}, as_user=STAFF
    )
    assert decided["decideRegistration"]["errors"] == []
    after = await api.data("{ accounts { number } }", as_user="jan.kowalski")
    assert [a["number"] for a in after["accounts"]] == ["100001", "100002"]
    # Each account is still reachable only by its own users.
    other = await api.data(
        '{ a: account(number: "100002") { number } b: account(number: "100001") { number } }',
        as_user="wspolnota.lipowa",
    )
    assert other == {"a": None, "b": None}
    assert await User.filter(accounts__number="100002").count() == 1


async def test_a_link_request_needs_the_right_invoice_and_a_write_token(api: Api) -> None:
    from models.enums import Scope

    wrong = {"input": {"accountNumber": "100003", "invoiceNumber": "FV/2025/01/000002"}}
    payload = (await api.data(LINK, wrong, as_user="jan.kowalski"))["requestAccountLink"]
    assert payload["errors"][0]["code"] == "REGISTRATION_NOT_ELIGIBLE"
    read_only = await api.run(LINK, wrong, as_user="jan.kowalski", scopes=frozenset({Scope.READ}))
    assert read_only.codes == ["FORBIDDEN"]
    own = {"input": {"accountNumber": "100001", "invoiceNumber": "x"}}
    payload = (await api.data(LINK, own, as_user="jan.kowalski"))["requestAccountLink"]
    assert payload["errors"][0]["code"] == "REGISTRATION_NOT_ELIGIBLE"

"""The API of the unmatched-credit queue: staff list, assign and reverse; customers
are refused; every refusal is a coded error in the payload."""

from __future__ import annotations

from decimal import Decimal

import pytest
from strawberry import relay

from models.clock import Clock
from models.enums import PaymentMethod, Scope
from models.orm import AuditEntry, Payment
from models.services.figures import check_figures
from tests.bank_credits import statement, unmatched_credit
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

QUEUE = """query($first: Int, $after: String) { unmatchedCredits(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id amount { amount } bookedOn title payerName payerAccount reference
    statementFilename } } } }"""
ASSIGN = """mutation($input: AssignCreditInput!) { assignCredit(input: $input) {
  payment { id fromBankStatement allocations { invoice { number status } amount { amount } } }
  errors { field code message } } }"""
REVERSE = """mutation($input: ReverseCreditAssignmentInput!) {
  reverseCreditAssignment(input: $input) {
  payment { id allocations { amount { amount } } } errors { field code message } } }"""
QUEUE_COUNT = "{ staffQueues { name count } }"
BALANCE = '{ account(number: "100001") { balance { amount } } }'


def _gid(payment: Payment) -> str:
    return relay.to_base64("Payment", payment.id)


async def _balance(api: Api) -> Decimal:
    data = await api.data(BALANCE, as_user="obsluga")
    return Decimal(data["account"]["balance"]["amount"])


async def test_staff_see_the_queue_and_its_count(api: Api, clock: Clock) -> None:
    source = await statement(clock)
    credits = [await unmatched_credit(clock, source, f"{n}0.00", f"Q-{n}") for n in (1, 2, 3)]
    page = (await api.data(QUEUE, {"first": 2}, as_user="obsluga"))["unmatchedCredits"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    first = page["edges"][0]["node"]
    assert first["id"] == _gid(credits[0])
    assert first["amount"] == {"amount": "10.00"}
    assert first["payerAccount"] == "PL61109010140000071219812874"
    assert first["title"] == "OPLATA ZA WODE LISTOPAD"
    assert first["statementFilename"] == "wyciag-2026-11-20.sta"
    rest = await api.data(
        QUEUE, {"first": 2, "after": page["pageInfo"]["endCursor"]}, as_user="obsluga"
    )
    assert [e["node"]["id"] for e in rest["unmatchedCredits"]["edges"]] == [_gid(credits[2])]
    queues = {
        q["name"]: q["count"]
        for q in (await api.data(QUEUE_COUNT, as_user="obsluga"))["staffQueues"]
    }
    assert queues["UNMATCHED_CREDITS"] == 3


async def test_staff_assign_a_credit_and_reverse_it(api: Api, clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "100.00", "Q-1")
    before = await _balance(api)
    variables = {"input": {"paymentId": _gid(credit), "accountNumber": "100001"}}
    assigned = (await api.data(ASSIGN, variables, as_user="obsluga"))["assignCredit"]
    assert assigned["errors"] == []
    assert assigned["payment"]["fromBankStatement"] is True
    paid = assigned["payment"]["allocations"]
    assert sum(Decimal(a["amount"]["amount"]) for a in paid) == Decimal("100.00")
    assert await _balance(api) == before - Decimal("100.00")

    again = (await api.data(ASSIGN, variables, as_user="obsluga"))["assignCredit"]
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("CREDIT_ALREADY_ASSIGNED", "paymentId")
    ]
    assert "100001" in again["errors"][0]["message"]

    reverse = {"input": {"paymentId": _gid(credit), "reason": "wpłata innego klienta"}}
    reversed_ = (await api.data(REVERSE, reverse, as_user="obsluga"))["reverseCreditAssignment"]
    assert reversed_ == {"payment": {"id": _gid(credit), "allocations": []}, "errors": []}
    assert await _balance(api) == before
    assert (await api.data(QUEUE, as_user="obsluga"))["unmatchedCredits"]["totalCount"] == 1
    entry = await AuditEntry.get(action="CREDIT_ASSIGNMENT_REVERSED")
    assert entry.details["reason"] == "wpłata innego klienta"
    assert await check_figures() == []


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"accountNumber": "999999"}, "NOT_FOUND", "accountNumber"),
        ({"paymentId": relay.to_base64("Payment", 999_999)}, "NOT_FOUND", "paymentId"),
        ({"paymentId": relay.to_base64("Invoice", 1)}, "NOT_FOUND", "paymentId"),
        (
            {"invoiceIds": [relay.to_base64("Invoice", 999_999)]},
            "INVOICE_NOT_PAYABLE",
            "invoiceIds",
        ),
    ],
)
async def test_assignment_refusals_are_coded(
    api: Api, clock: Clock, change: dict[str, object], code: str, field: str
) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    variables = {"input": {"paymentId": _gid(credit), "accountNumber": "100001", **change}}
    result = (await api.data(ASSIGN, variables, as_user="obsluga"))["assignCredit"]
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
    assert result["payment"] is None
    assert (await Payment.get(id=credit.id)).account_id is None


async def test_reversal_refusals_are_coded(api: Api, clock: Clock) -> None:
    online = await Payment.filter(method=PaymentMethod.ONLINE).first()
    assert online is not None
    source = await statement(clock)
    waiting = await unmatched_credit(clock, source, "10.00", "Q-1")
    assigned = await unmatched_credit(clock, source, "10.00", "Q-2")
    assign = {"input": {"paymentId": _gid(assigned), "accountNumber": "100001"}}
    assert (await api.data(ASSIGN, assign, as_user="obsluga"))["assignCredit"]["errors"] == []
    cases = [
        ({"paymentId": _gid(online), "reason": "x"}, "NOT_A_BANK_CREDIT", "paymentId"),
        ({"paymentId": _gid(waiting), "reason": "x"}, "INVALID", "paymentId"),
        ({"paymentId": _gid(assigned), "reason": " "}, "REQUIRED", "reason"),
        (
            {"paymentId": _gid(assigned), "reason": "x", "accountNumber": "100003"},
            "NOT_FOUND",
            "paymentId",
        ),
    ]
    for given, code, field in cases:
        result = (await api.data(REVERSE, {"input": given}, as_user="obsluga"))[
            "reverseCreditAssignment"
        ]
        assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], given
    assert await AuditEntry.filter(action="CREDIT_ASSIGNMENT_REVERSED").count() == 0


async def test_customers_and_read_tokens_are_refused(api: Api, clock: Clock) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "10.00", "Q-1")
    assign = {"input": {"paymentId": _gid(credit), "accountNumber": "100001"}}
    reverse = {"input": {"paymentId": _gid(credit), "reason": "x"}}
    assert (await api.run(QUEUE, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert (await api.run(ASSIGN, assign, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert (await api.run(REVERSE, reverse, as_user="jan.kowalski")).codes == ["FORBIDDEN"]
    assert (await api.run(QUEUE)).codes == ["UNAUTHENTICATED"]
    read_only = frozenset({Scope.READ})
    refused = await api.run(ASSIGN, assign, as_user="obsluga", scopes=read_only)
    assert refused.codes == ["FORBIDDEN"]
    assert (await Payment.get(id=credit.id)).account_id is None

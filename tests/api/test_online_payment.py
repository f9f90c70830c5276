"""Online payment end to end below the pages: startPayment through the schema, the
operator's notification through the endpoint, against a local server that speaks
Przelewy24's protocol (tests/p24_server.py) and against the sandbox operator.

Run on PostgreSQL too (EBOK_TEST_DATABASE_URL): concurrent notifications are then
real transactions racing for the order's row.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from models.clock import Clock
from models.enums import PaymentStatus, Scope
from models.orm import Account, AuditEntry, Invoice, OutboxEmail, Payment, PaymentAllocation
from models.services import online_payments
from models.services.figures import check_figures
from models.services.payment_providers import SandboxProvider, provider_from_settings
from models.settings import Przelewy24Settings, Settings
from tests.p24_server import FakePrzelewy24, running_p24
from tests.support import Api
from web.app import create_app

pytestmark = pytest.mark.usefixtures("demo")

START = """
mutation Start($input: StartPaymentInput!) {
  startPayment(input: $input) {
    payment {
      id amount { amount } method status bookedOn reference allocations { amount { amount } }
    }
    redirectUrl
    errors { field code message }
  }
}"""
OPEN_INVOICES = """
query Open($number: String!) {
  account(number: $number) {
    balance { amount }
    invoices(first: 100) { edges { node { id number status amountDue { amount } } } }
  }
}"""


@pytest.fixture(scope="module")
def fake_p24() -> Iterator[FakePrzelewy24]:
    fake = FakePrzelewy24(merchant_id=11111, pos_id=11112, api_key="api-key", crc="crc-key")
    with running_p24(fake) as running:
        yield running


@pytest.fixture
def p24_settings(settings: Settings, fake_p24: FakePrzelewy24) -> Settings:
    fake_p24.refuse_verify = False
    p24 = Przelewy24Settings(
        fake_p24.merchant_id, fake_p24.pos_id, fake_p24.api_key, fake_p24.crc, fake_p24.url
    )
    return dataclasses.replace(settings, payment_provider="przelewy24", p24=p24)


async def _open_invoices(api: Api, number: str = "100001") -> tuple[list[dict[str, Any]], Decimal]:
    account = (await api.data(OPEN_INVOICES, {"number": number}, as_user="jan.kowalski"))["account"]
    if account is None:  # another customer's account, read by staff in the tests below
        raise AssertionError(number)
    nodes = [e["node"] for e in account["invoices"]["edges"]]
    return [n for n in nodes if n["status"] != "PAID"], Decimal(account["balance"]["amount"])


async def _start(api: Api, ids: list[str], login: str = "jan.kowalski", **extra: Any) -> Any:
    result = await api.run(START, {"input": {"invoiceIds": ids, **extra}}, as_user=login)
    assert not result.errors, result.errors
    return result.data["startPayment"]  # type: ignore[index]


async def test_start_payment_makes_a_pending_order_for_the_sum_due(api: Api) -> None:
    open_invoices, balance = await _open_invoices(api)
    assert {i["status"] for i in open_invoices} == {"UNPAID", "OVERDUE"}
    payload = await _start(api, [i["id"] for i in open_invoices])
    assert payload["errors"] == []
    payment = payload["payment"]
    total = sum(Decimal(i["amountDue"]["amount"]) for i in open_invoices)
    assert Decimal(payment["amount"]["amount"]) == total
    assert (payment["method"], payment["status"], payment["bookedOn"]) == (
        "ONLINE",
        "PENDING",
        None,
    )
    assert payment["allocations"] == []
    assert payload["redirectUrl"] == f"/platnosci/sandbox/{payment['reference']}"
    # A pending order changes no figure.
    still_open, balance_after = await _open_invoices(api)
    assert (still_open, balance_after) == (open_invoices, balance)
    assert await check_figures() == []


async def test_paid_foreign_and_unknown_invoices_are_refused_alike(api: Api) -> None:
    paid = await Invoice.filter(account__number="100001", settlement="PAID").first()
    foreign = await Invoice.filter(account__number="100002").first()
    assert paid is not None and foreign is not None
    from strawberry.relay import to_base64

    for ids in (
        [to_base64("Invoice", paid.id)],
        [to_base64("Invoice", foreign.id)],
        [to_base64("Invoice", 99_999_999)],
        [to_base64("Payment", 1)],
        ["not an id"],
    ):
        payload = await _start(api, ids)
        assert payload["payment"] is None and payload["redirectUrl"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("invoiceIds", "INVOICE_NOT_PAYABLE")
        ]
        # One message for all of them: nothing tells which ids exist.
        assert payload["errors"][0]["message"].startswith("Tej faktury nie można")
    assert await Payment.filter(status=PaymentStatus.PENDING).count() == 0


async def test_the_return_address_must_be_on_this_site(api: Api) -> None:
    open_invoices, _ = await _open_invoices(api)
    ids = [open_invoices[0]["id"]]
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        payload = await _start(api, ids, returnUrl=bad)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("returnUrl", "INVALID")]
    ok = await _start(api, ids, returnUrl="http://127.0.0.1:8000/platnosci?po=1")
    assert ok["errors"] == []
    order = await Payment.get(reference=ok["payment"]["reference"])
    assert order.return_url == "/platnosci?po=1"


async def test_starting_a_payment_needs_the_write_scope(api: Api) -> None:
    open_invoices, _ = await _open_invoices(api)
    result = await api.run(
        START,
        {"input": {"invoiceIds": [open_invoices[0]["id"]]}},
        as_user="jan.kowalski",
        scopes=frozenset({Scope.READ}),
    )
    assert result.codes == ["FORBIDDEN"]


# --- Przelewy24 ---------------------------------------------------------------------------


async def _p24_order(p24_settings: Settings, clock: Clock) -> tuple[Payment, str]:
    api = Api(p24_settings, clock)
    open_invoices, _ = await _open_invoices(api)
    payload = await _start(api, [i["id"] for i in open_invoices])
    assert payload["errors"] == []
    return await Payment.get(reference=payload["payment"]["reference"]), payload["redirectUrl"]


async def _notify(settings: Settings, clock: Clock, body: dict[str, Any]) -> httpx.Response:
    app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post("/platnosci/powiadomienie", json=body)


async def test_register_sends_a_signed_order_and_redirects_to_the_payment_page(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24
) -> None:
    order, redirect = await _p24_order(p24_settings, clock)
    kind, body = fake_p24.requests[-1]
    assert kind == "register"
    assert body["sessionId"] == order.reference
    assert body["amount"] == int(order.amount * 100)
    assert (body["currency"], body["country"], body["language"]) == ("PLN", "PL", "pl")
    assert body["urlStatus"] == "http://127.0.0.1:8000/platnosci/powiadomienie"
    assert body["urlReturn"] == f"http://127.0.0.1:8000/platnosci/potwierdzenie/{order.id}"
    assert fake_p24.registered[order.reference] == body["amount"]
    assert redirect.startswith(fake_p24.url + "/trnRequest/T")
    assert order.provider == "przelewy24"


async def test_a_verified_notification_books_the_chosen_invoices_once(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24
) -> None:
    order, _ = await _p24_order(p24_settings, clock)
    account = await Account.get(number="100001")
    grosze = int(order.amount * 100)
    body = fake_p24.notification(order.reference, grosze, order_id=317000001)

    response = await _notify(p24_settings, clock, body)
    assert response.status_code == 200, response.text
    kind, verify = fake_p24.requests[-1]
    assert kind == "verify"
    assert (verify["sessionId"], verify["orderId"], verify["amount"]) == (
        order.reference,
        317000001,
        grosze,
    )

    booked = await Payment.get(id=order.id)
    assert booked.status == PaymentStatus.COMPLETED
    assert booked.booked_on == clock.today() and booked.provider_order_id == 317000001
    chosen = {i.id for i in await booked.chosen_invoices.all()}
    allocations = await PaymentAllocation.filter(payment_id=order.id)
    assert {a.invoice_id for a in allocations} == chosen
    assert sum(a.amount for a in allocations) == order.amount
    assert {i.settlement for i in await Invoice.filter(id__in=chosen)} == {"PAID"}
    after = await Account.get(id=account.id)
    assert after.balance == account.balance - order.amount
    receipts = await OutboxEmail.filter(key__startswith=f"payment-receipt:{order.id}:")
    assert receipts and "Potwierdzenie wpłaty" in receipts[0].subject
    assert await check_figures() == []

    # The same notification again (the operator retries): 200, nothing more booked.
    again = await _notify(p24_settings, clock, body)
    assert again.status_code == 200
    assert await PaymentAllocation.filter(payment_id=order.id).count() == len(allocations)
    assert (await Account.get(id=account.id)).balance == after.balance
    assert await OutboxEmail.filter(key__startswith=f"payment-receipt:{order.id}:").count() == (
        len(receipts)
    )


async def test_a_notification_with_a_wrong_signature_books_nothing(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24
) -> None:
    order, _ = await _p24_order(p24_settings, clock)
    calls = len(fake_p24.requests)
    grosze = int(order.amount * 100)
    forged = fake_p24.notification(order.reference, grosze, crc="guessed")
    response = await _notify(p24_settings, clock, forged)
    assert response.status_code == 400
    assert len(fake_p24.requests) == calls  # not even asked: the signature comes first
    assert (await Payment.get(id=order.id)).status == PaymentStatus.PENDING
    for malformed in ({}, {"sessionId": order.reference}, [1, 2]):
        assert (await _notify(p24_settings, clock, malformed)).status_code == 400  # type: ignore[arg-type]
    assert await PaymentAllocation.filter(payment_id=order.id).count() == 0


async def test_a_notification_for_another_amount_is_refused_and_logged(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24, caplog: pytest.LogCaptureFixture
) -> None:
    order, _ = await _p24_order(p24_settings, clock)
    grosze = int(order.amount * 100)
    body = fake_p24.notification(order.reference, grosze - 1)  # correctly signed, but short
    with caplog.at_level("WARNING", logger="ebok.security"):
        response = await _notify(p24_settings, clock, body)
    assert response.status_code == 400
    assert (await Payment.get(id=order.id)).status == PaymentStatus.PENDING
    assert any("amount_mismatch" in r.getMessage() for r in caplog.records)
    entry = await AuditEntry.get(action="PAYMENT_NOTIFICATION_REFUSED", object_id=str(order.id))
    assert entry.details["expected"] == grosze and entry.details["notified"] == grosze - 1
    assert await check_figures() == []


async def test_nothing_is_booked_when_the_verify_call_fails(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24
) -> None:
    order, _ = await _p24_order(p24_settings, clock)
    fake_p24.refuse_verify = True
    body = fake_p24.notification(order.reference, int(order.amount * 100))
    assert (await _notify(p24_settings, clock, body)).status_code == 400
    assert fake_p24.requests[-1][0] == "verify"
    assert (await Payment.get(id=order.id)).status == PaymentStatus.PENDING
    fake_p24.refuse_verify = False
    # The operator retries later, and then it is booked.
    assert (await _notify(p24_settings, clock, body)).status_code == 200
    assert (await Payment.get(id=order.id)).status == PaymentStatus.COMPLETED


async def test_concurrent_notifications_book_one_payment(
    p24_settings: Settings, clock: Clock, fake_p24: FakePrzelewy24
) -> None:
    order, _ = await _p24_order(p24_settings, clock)
    account = await Account.get(number="100001")
    body = fake_p24.notification(order.reference, int(order.amount * 100))
    provider = provider_from_settings(p24_settings)
    results = await asyncio.gather(
        *(
            online_payments.receive_notification(body, provider=provider, clock=clock)
            for _ in range(6)
        )
    )
    assert sorted(r.newly for r in results) == [False] * 5 + [True]
    assert sum(a.amount for a in await PaymentAllocation.filter(payment_id=order.id)) == (
        order.amount
    )
    assert (await Account.get(id=account.id)).balance == account.balance - order.amount
    assert await check_figures() == []


# --- the sandbox operator -----------------------------------------------------------------


async def test_the_sandbox_signs_its_notification_as_przelewy24_does(
    api: Api, settings: Settings, clock: Clock
) -> None:
    open_invoices, _ = await _open_invoices(api)
    payload = await _start(api, [i["id"] for i in open_invoices])
    order = await online_payments.sandbox_order(payload["payment"]["reference"])
    assert order is not None
    provider = provider_from_settings(settings)
    assert isinstance(provider, SandboxProvider)
    body = online_payments.sandbox_notification(order, provider)
    # Another installation's key (another secret) cannot sign for this one.
    other = SandboxProvider("another secret")
    forged = online_payments.sandbox_notification(order, other)
    assert (await _notify(settings, clock, forged)).status_code == 400
    assert (await _notify(settings, clock, body)).status_code == 200
    assert (await Payment.get(id=order.payment_id)).status == PaymentStatus.COMPLETED
    balance = (await _open_invoices(api))[1]
    assert balance == Decimal("0.00")
    assert await check_figures() == []

"""Paying chosen invoices on the pages, over HTTP without JavaScript: /platnosci, the
sandbox operator's page, the confirmation page, and what each refuses."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from models.enums import PaymentStatus
from models.orm import Invoice, Payment
from models.rules.money import format_pln

pytestmark = pytest.mark.usefixtures("demo")


def _token(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found
    return found[1]


def _boxes(text: str) -> dict[str, str]:
    """Invoice number -> the checkbox value (its id) on /platnosci."""
    found = re.findall(
        r'name="faktura" value="([^"]+)"[^>]*>\s*<label[^>]*>'
        r'<span class="visually-hidden">Zapłać fakturę (\S+),',
        text,
    )
    return {number: value for value, number in found}


async def _open_invoices() -> list[Invoice]:
    return list(
        await Invoice.filter(
            account__number="100001", settlement__in=["UNPAID", "PARTIALLY_PAID"]
        ).order_by("due_date")
    )


async def test_both_due_invoices_paid_through_the_sandbox(signed_in: httpx.AsyncClient) -> None:
    http = signed_in
    page = await http.get("/platnosci")
    boxes = _boxes(page.text)
    due = await _open_invoices()
    assert set(boxes) == {i.number for i in due} and len(due) == 2
    total = sum((i.gross - i.paid for i in due), Decimal(0))

    # Without JavaScript, "Przelicz" shows the total of the ticked invoices.
    form = {"csrf_token": _token(page.text), "faktura": list(boxes.values())}
    recount = await http.post("/platnosci/zaplac", data={**form, "akcja": "przelicz"})
    assert recount.status_code == 200
    assert f"Razem do zapłaty: <strong>{format_pln(total)}</strong>" in recount.text
    assert recount.text.count(" checked>") == 2

    started = await http.post("/platnosci/zaplac", data={**form, "akcja": "zaplac"})
    assert started.status_code == 303
    sandbox_url = started.headers["location"]
    assert sandbox_url.startswith("/platnosci/sandbox/")
    order = await Payment.get(reference=sandbox_url.rsplit("/", 1)[1])
    assert order.status == PaymentStatus.PENDING and order.amount == total

    sandbox = await http.get(sandbox_url)
    assert sandbox.status_code == 200
    assert format_pln(total) in sandbox.text and "Zapłać" in sandbox.text
    waiting = await http.get(f"/platnosci/potwierdzenie/{order.id}")
    assert "Czekamy na potwierdzenie" in waiting.text

    paid = await http.post(
        sandbox_url, data={"csrf_token": _token(sandbox.text), "akcja": "zaplac"}
    )
    assert paid.status_code == 303
    assert paid.headers["location"] == f"/platnosci/potwierdzenie/{order.id}"
    confirmation = await http.get(paid.headers["location"])
    assert confirmation.status_code == 200
    text = confirmation.text
    assert "Wpłata zaksięgowana" in text and "Nie masz nic do zapłaty." in text
    for invoice in due:
        assert re.search(
            re.escape(invoice.number) + r"</a>: [^<]+ – \s*<strong[^>]*>Zapłacona", text
        )
    after = await http.get("/platnosci")
    assert "Wszystkie faktury są zapłacone." in after.text


async def test_paying_nothing_is_refused_beside_the_boxes(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/platnosci")
    response = await signed_in.post(
        "/platnosci/zaplac", data={"csrf_token": _token(page.text), "akcja": "zaplac"}
    )
    assert response.status_code == 422
    assert 'id="faktura-error"' in response.text
    assert "Zaznacz co najmniej jedną fakturę" in response.text
    assert "<title>Błąd:" in response.text


async def test_someone_elses_invoice_is_refused_without_saying_whose(
    signed_in: httpx.AsyncClient,
) -> None:
    from strawberry.relay import to_base64

    foreign = await Invoice.filter(account__number="100002").first()
    assert foreign is not None
    page = await signed_in.get("/platnosci")
    response = await signed_in.post(
        "/platnosci/zaplac",
        data={
            "csrf_token": _token(page.text),
            "akcja": "zaplac",
            "faktura": to_base64("Invoice", foreign.id),
        },
    )
    assert response.status_code == 422
    assert "Tej faktury nie można teraz opłacić online" in response.text
    assert foreign.number not in response.text
    assert await Payment.filter(status=PaymentStatus.PENDING).count() == 0


async def test_the_total_answers_htmx_alone(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/platnosci")
    boxes = _boxes(page.text)
    first = sorted(boxes.values())[0]
    response = await signed_in.get(
        "/platnosci",
        params={"faktura": first},
        headers={"HX-Request": "true", "HX-Target": "platnosc-suma"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Razem do zapłaty:" in response.text


async def test_a_cancelled_order_changes_nothing(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/platnosci")
    form = {"csrf_token": _token(page.text), "akcja": "zaplac"}
    started = await signed_in.post(
        "/platnosci/zaplac", data={**form, "faktura": list(_boxes(page.text).values())}
    )
    sandbox_url = started.headers["location"]
    sandbox = await signed_in.get(sandbox_url)
    cancelled = await signed_in.post(
        sandbox_url, data={"csrf_token": _token(sandbox.text), "akcja": "anuluj"}
    )
    assert cancelled.status_code == 303
    confirmation = await signed_in.get(cancelled.headers["location"])
    assert "Płatność została anulowana." in confirmation.text
    assert len(await _open_invoices()) == 2


async def test_another_customers_order_and_unknown_pages_are_404(
    signed_in: httpx.AsyncClient,
) -> None:
    other = await Invoice.filter(account__number="100002").first()
    assert other is not None
    foreign = await Payment.create(
        account_id=other.account_id,  # type: ignore[attr-defined]
        amount=Decimal("10.00"),
        method="ONLINE",
        status=PaymentStatus.PENDING,
        created_at=other.created_at,
        reference="someone-elses-order",
        provider="sandbox",
    )
    assert (await signed_in.get(f"/platnosci/potwierdzenie/{foreign.id}")).status_code == 404
    assert (await signed_in.get("/platnosci/potwierdzenie/99999999")).status_code == 404
    assert (await signed_in.get(f"/platnosci/potwierdzenie/{2**70}")).status_code == 404
    assert (await signed_in.get("/platnosci/sandbox/no-such-order")).status_code == 404


async def test_the_notification_endpoint_needs_no_session_but_a_signature(
    http: httpx.AsyncClient,
) -> None:
    assert (await http.post("/platnosci/powiadomienie", json={"x": 1})).status_code == 400
    assert (await http.post("/platnosci/powiadomienie", content=b"{")).status_code == 400
    too_big = b'{"a":"' + b"x" * 20_000 + b'"}'
    assert (await http.post("/platnosci/powiadomienie", content=too_big)).status_code == 400

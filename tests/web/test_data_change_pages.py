"""/dane/zmiana and the data-change part of /obsluga/wnioski, without JavaScript."""

from __future__ import annotations

import re

import httpx
import pytest

from models.clock import Clock
from models.enums import RequestStatus
from models.orm import Account, DataChangeRequest
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


def _form(html: str) -> dict[str, str]:
    """The fields of the change form as the browser would send them, unchanged."""
    fields = re.findall(
        r'<input class="input[^"]*" id="([^"]+)" name="[^"]+" type="[^"]+"( value="[^"]*")?', html
    )
    return {name: value[8:-1] if value else "" for name, value in fields}


async def test_the_customer_sees_the_data_asks_for_a_new_phone_and_staff_apply_it(
    signed_in: httpx.AsyncClient,
) -> None:
    http = signed_in
    account = await Account.get(number="100001")
    page = await http.get("/dane/zmiana")
    assert page.status_code == 200
    assert account.holder_name in page.text and account.street in page.text
    assert "Punkt poboru wody" in page.text, "the contracts are shown"
    form = _form(page.text)
    assert form["city"] == account.city and form["postalCode"] == account.postal_code

    sent = await http.post(
        "/dane/zmiana", data={**form, "phone": "601 200 300", "csrf_token": _csrf(page.text)}
    )
    assert sent.status_code == 303
    after = await http.get(sent.headers["location"])
    assert "Wniosek został wysłany" in after.text and "czeka na decyzję" in after.text
    assert "Wyślij wniosek o zmianę" not in after.text, "one request waits at a time"
    stored = await DataChangeRequest.get(account=account)
    assert [c["field"] for c in stored.changes] == ["phone"], "only what was changed"

    await _staff_signs_in(http)
    queue = await http.get("/obsluga/wnioski")
    assert queue.status_code == 200 and "601 200 300" in queue.text
    decided = await http.post(
        "/obsluga/wnioski/dane",
        data={
            "csrf_token": _csrf(queue.text),
            "requestId": _request_id(queue.text),
            "decyzja": "zatwierdz",
        },
    )
    assert decided.status_code == 303
    assert "Żaden wniosek o zmianę danych nie czeka" in (await http.get("/obsluga/wnioski")).text
    assert (await Account.get(number="100001")).phone == "601 200 300"
    assert (await DataChangeRequest.get(account=account)).status == RequestStatus.APPROVED


async def _staff_signs_in(http: httpx.AsyncClient) -> None:
    http.cookies.clear()
    page = await http.get("/login")
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    data = {"login": "obsluga", "password": "Obsluga-Demo-2026!", "otp": otp}
    signed = await http.post("/login", data={**data, "csrf_token": _csrf(page.text)})
    assert signed.status_code == 303


def _request_id(html: str) -> str:
    found = re.search(
        r'action="/obsluga/wnioski/dane".*?name="requestId" value="([^"]+)"', html, re.S
    )
    assert found, "the data request has a decision form"
    return found[1]


async def test_bad_values_come_back_beside_their_fields_and_nothing_is_stored(
    signed_in: httpx.AsyncClient,
) -> None:
    http = signed_in
    page = await http.get("/dane/zmiana")
    form = _form(page.text)
    answer = await http.post(
        "/dane/zmiana",
        data={**form, "postalCode": "00950", "csrf_token": _csrf(page.text)},
    )
    assert answer.status_code == 422
    assert 'id="postalCode-error"' in answer.text and "00-000" in answer.text
    assert 'value="00950"' in answer.text, "what was typed is kept"
    unchanged = await http.post("/dane/zmiana", data={**form, "csrf_token": _csrf(page.text)})
    assert unchanged.status_code == 422 and "Nic nie zmieniono" in unchanged.text
    script = await http.post(
        "/dane/zmiana",
        data={**form, "street": "<script>alert(1)</script>", "csrf_token": _csrf(page.text)},
    )
    assert script.status_code == 303
    shown = await http.get("/dane/zmiana")
    assert "<script>alert(1)</script>" not in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert await DataChangeRequest.all().count() == 1


async def test_staff_must_say_why_they_reject(signed_in: httpx.AsyncClient) -> None:
    http = signed_in
    page = await http.get("/dane/zmiana")
    await http.post(
        "/dane/zmiana", data={**_form(page.text), "city": "Kraków", "csrf_token": _csrf(page.text)}
    )
    await _staff_signs_in(http)
    queue = await http.get("/obsluga/wnioski")
    refused = await http.post(
        "/obsluga/wnioski/dane",
        data={
            "csrf_token": _csrf(queue.text),
            "requestId": _request_id(queue.text),
            "decyzja": "odrzuc",
        },
    )
    assert refused.status_code == 422 and "uzasadnienie" in refused.text.lower()
    assert (await DataChangeRequest.get()).status == RequestStatus.PENDING

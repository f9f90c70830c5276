"""/dane/rozliczenia and /obsluga/wnioski without JavaScript."""

from __future__ import annotations

import re

import httpx
import pytest

from models.clock import Clock
from models.enums import BillingCycle, RequestStatus
from models.orm import Account, BillingCycleChangeRequest
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


async def _sign_in(http: httpx.AsyncClient, login: str, password: str, otp: str = "") -> None:
    token = _csrf((await http.get("/login")).text)
    data = {"login": login, "password": password, "otp": otp, "csrf_token": token}
    assert (await http.post("/login", data=data)).status_code == 303


async def _customer_asks(http: httpx.AsyncClient) -> None:
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    page = await http.get("/dane/rozliczenia")
    assert page.status_code == 200
    assert "co dwa miesiące" in page.text and "Poproś o rozliczanie co miesiąc" in page.text
    sent = await http.post(
        "/dane/rozliczenia", data={"csrf_token": _csrf(page.text), "cycle": "MONTHLY"}
    )
    assert sent.status_code == 303
    after = await http.get(sent.headers["location"])
    assert "Wniosek został wysłany" in after.text
    assert "czeka na decyzję" in after.text
    assert "Poproś o rozliczanie" not in after.text


async def test_a_customer_asks_and_staff_approve(http: httpx.AsyncClient) -> None:
    await _customer_asks(http)
    http.cookies.clear()
    await _sign_in(
        http, "obsluga", "Obsluga-Demo-2026!", totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    )
    queue = await http.get("/obsluga/wnioski")
    assert queue.status_code == 200 and "Konto 100001" in queue.text
    request_id = re.search(r'name="requestId" value="([^"]+)"', queue.text)
    assert request_id
    decided = await http.post(
        "/obsluga/wnioski",
        data={"csrf_token": _csrf(queue.text), "requestId": request_id[1], "decyzja": "zatwierdz"},
    )
    assert decided.status_code == 303
    assert (
        "Żaden wniosek o zmianę okresu rozliczeniowego nie czeka"
        in (await http.get("/obsluga/wnioski")).text
    )
    stored = await BillingCycleChangeRequest.get(account__number="100001")
    assert stored.status == RequestStatus.APPROVED and stored.effective_from is not None


async def test_a_forged_cycle_value_is_refused_beside_the_form(http: httpx.AsyncClient) -> None:
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    page = await http.get("/dane/rozliczenia")
    answer = await http.post(
        "/dane/rozliczenia", data={"csrf_token": _csrf(page.text), "cycle": "WEEKLY"}
    )
    assert answer.status_code == 422 and "Wybierz" in answer.text
    same = await http.post(
        "/dane/rozliczenia", data={"csrf_token": _csrf(page.text), "cycle": "BIMONTHLY"}
    )
    assert same.status_code == 422 and "już jest rozliczane" in same.text
    assert await BillingCycleChangeRequest.all().count() == 0
    assert (await Account.get(number="100001")).billing_cycle == BillingCycle.BIMONTHLY


async def test_customers_cannot_decide(http: httpx.AsyncClient) -> None:
    await _customer_asks(http)
    assert (await http.get("/obsluga/wnioski")).status_code == 403
    page = await http.get("/dane/rozliczenia")
    answer = await http.post(
        "/obsluga/wnioski",
        data={"csrf_token": _csrf(page.text), "requestId": "x", "decyzja": "zatwierdz"},
    )
    assert answer.status_code == 403
    stored = await BillingCycleChangeRequest.get(account__number="100001")
    assert stored.status == RequestStatus.PENDING

"""/obsluga/rozliczenia: staff run the billing and enter a tariff, without JavaScript."""

from __future__ import annotations

import re
from datetime import date, datetime

import httpx
import pytest

from models.clock import WARSAW, Clock
from models.orm import Invoice, Tariff
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


async def _sign_in_staff(http: httpx.AsyncClient) -> httpx.AsyncClient:
    token = _csrf((await http.get("/login")).text)
    data = {
        "login": "obsluga",
        "password": "Obsluga-Demo-2026!",
        "otp": totp_at("JBSWY3DPEHPK3PXP", Clock.real_now()),
        "csrf_token": token,
    }
    assert (await http.post("/login", data=data)).status_code == 303
    return http


@pytest.fixture
async def staff(http: httpx.AsyncClient) -> httpx.AsyncClient:
    return await _sign_in_staff(http)


async def test_staff_run_the_billing(http: httpx.AsyncClient, clock: Clock) -> None:
    clock.set(datetime(2026, 12, 3, 8, tzinfo=WARSAW))  # before signing in: sessions age
    staff = await _sign_in_staff(http)
    page = await staff.get("/obsluga/rozliczenia")
    assert page.status_code == 200 and 'value="2026-11"' in page.text
    ran = await staff.post(
        "/obsluga/rozliczenia/uruchom", data={"csrf_token": _csrf(page.text), "period": "2026-11"}
    )
    assert ran.status_code == 200
    issued = await Invoice.filter(issued_on=date(2026, 12, 3)).count()
    assert issued > 0 and f"wystawiono dokumentów: {issued}" in ran.text


@pytest.mark.parametrize(
    ("period", "message"),
    [("listopad", "RRRR-MM"), ("2026-13", "RRRR-MM"), ("2026-11", "nie skończył")],
)
async def test_a_bad_month_comes_back_beside_the_field(
    staff: httpx.AsyncClient, period: str, message: str
) -> None:
    page = await staff.get("/obsluga/rozliczenia")
    answer = await staff.post(
        "/obsluga/rozliczenia/uruchom", data={"csrf_token": _csrf(page.text), "period": period}
    )
    assert answer.status_code == 422 and message in answer.text
    assert await Invoice.filter(issued_on__gte=date(2026, 11, 21)).count() == 0


async def test_staff_enter_a_tariff_and_bad_values_are_kept(staff: httpx.AsyncClient) -> None:
    page = await staff.get("/obsluga/rozliczenia")
    form = {
        "csrf_token": _csrf(page.text),
        "validFrom": "01.01.2027",
        "waterPrice": "5,99",
        "sewagePrice": "abc",
        "subscriptionFee": "4,50",
        "vatRate": "8",
    }
    refused = await staff.post("/obsluga/rozliczenia/cennik", data=form)
    assert refused.status_code == 422 and 'value="5,99"' in refused.text
    assert await Tariff.filter(valid_from=date(2027, 1, 1)).count() == 0
    past = await staff.post(
        "/obsluga/rozliczenia/cennik",
        data={**form, "sewagePrice": "8,10", "validFrom": "01.01.2026"},
    )
    assert past.status_code == 422 and "od dziś albo później" in past.text
    added = await staff.post("/obsluga/rozliczenia/cennik", data={**form, "sewagePrice": "8,10"})
    assert added.status_code == 303
    listed = await staff.get(added.headers["location"])
    assert "Nowy cennik został wprowadzony" in listed.text and "01.01.2027" in listed.text
    assert await Tariff.filter(valid_from=date(2027, 1, 1)).count() == 1


async def test_customers_are_refused(http: httpx.AsyncClient) -> None:
    token = _csrf((await http.get("/login")).text)
    data = {"login": "jan.kowalski", "password": "Woda-Demo-2026!", "csrf_token": token}
    assert (await http.post("/login", data=data)).status_code == 303
    assert (await http.get("/obsluga/rozliczenia")).status_code == 403

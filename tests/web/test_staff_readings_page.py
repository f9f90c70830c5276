"""/obsluga/odczyty: staff see blocked accounts and unusual readings and act on them."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from models.clock import WARSAW, Clock
from models.enums import ReadingSource
from models.orm import Account, AuditEntry, Meter, Reading
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


async def _as_staff(http: httpx.AsyncClient) -> None:
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    await _sign_in(http, "obsluga", "Obsluga-Demo-2026!", otp)


async def test_customers_are_refused(http: httpx.AsyncClient) -> None:
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    assert (await http.get("/obsluga/odczyty")).status_code == 403
    page = await http.get("/konto")
    answer = await http.post(
        "/obsluga/odczyty/odblokuj", data={"csrf_token": _csrf(page.text), "accountId": "x"}
    )
    assert answer.status_code == 403


async def test_signed_out_visitors_go_to_the_login(http: httpx.AsyncClient) -> None:
    answer = await http.get("/obsluga/odczyty")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


async def test_staff_lift_a_block_without_javascript(http: httpx.AsyncClient) -> None:
    await Account.filter(number="100003").update(
        e_readings_blocked=True, e_readings_blocked_at=datetime(2026, 11, 1, tzinfo=WARSAW)
    )
    await _as_staff(http)
    page = await http.get("/obsluga/odczyty")
    assert page.status_code == 200
    assert "Odblokuj odczyty konta 100003" in page.text
    account_id = re.search(r'name="accountId" value="([^"]+)"', page.text)
    assert account_id
    data = {"csrf_token": _csrf(page.text), "accountId": account_id[1], "note": "rozmowa tel."}
    done = await http.post("/obsluga/odczyty/odblokuj", data=data)
    assert done.status_code == 303
    after = await http.get(done.headers["location"])
    assert "odblokowane" in after.text and "Odblokuj odczyty konta 100003" not in after.text
    assert not (await Account.get(number="100003")).e_readings_blocked
    entry = await AuditEntry.get(action="E_READINGS_UNBLOCKED")
    assert entry.details == {"note": "rozmowa tel."}


async def test_staff_mark_an_unusual_reading_reviewed(http: httpx.AsyncClient) -> None:
    meter = await Meter.get(serial_number="WS-18-204417")
    await Reading.create(
        meter=meter,
        value=Decimal("830"),
        read_on=datetime(2026, 11, 20).date(),
        source=ReadingSource.CUSTOMER,
        submitted_at=datetime(2026, 11, 20, 12, tzinfo=WARSAW),
        flagged_implausible=True,
    )
    await _as_staff(http)
    page = await http.get("/obsluga/odczyty")
    assert "WS-18-204417" in page.text and "100001" in page.text
    reading_id = re.search(r'name="readingId" value="([^"]+)"', page.text)
    assert reading_id
    data = {"csrf_token": _csrf(page.text), "readingId": reading_id[1]}
    done = await http.post("/obsluga/odczyty/przejrzane", data=data)
    assert done.status_code == 303
    assert await Reading.filter(flagged_implausible=True).count() == 0


async def test_a_bad_id_comes_back_as_a_message(http: httpx.AsyncClient) -> None:
    await _as_staff(http)
    page = await http.get("/obsluga/odczyty")
    data = {"csrf_token": _csrf(page.text), "readingId": "not-an-id"}
    answer = await http.post("/obsluga/odczyty/przejrzane", data=data)
    assert answer.status_code == 422
    assert "Nie znaleziono" in answer.text

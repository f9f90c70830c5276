"""/obsluga/konto/{number}: staff record a collector's or meter-replacement reading."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from models.clock import Clock
from models.enums import ReadingSource
from models.orm import AuditEntry, Reading
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")

PAGE = "/obsluga/konto/100001"
POST = PAGE + "/odczyt"


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:300]
    return token[1]


def _meter_options(html: str) -> dict[str, str]:
    """Serial number -> meter id, from the form's meter list."""
    select = re.search(r'<select[^>]*name="meterId".*?</select>', html, re.S)
    assert select, "no meter list"
    return {
        text.strip(): value
        for value, text in re.findall(r'value="([^"]+)"[^>]*>([^<]+)<', select[0])
    }


async def _sign_in(http: httpx.AsyncClient, login: str, password: str, otp: str = "") -> None:
    token = _csrf((await http.get("/login")).text)
    data = {"login": login, "password": password, "otp": otp, "csrf_token": token}
    assert (await http.post("/login", data=data)).status_code == 303


async def _as_staff(http: httpx.AsyncClient) -> str:
    """Signs staff in; the account page's HTML."""
    otp = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    await _sign_in(http, "obsluga", "Obsluga-Demo-2026!", otp)
    page = await http.get(PAGE)
    assert page.status_code == 200
    return page.text


def _form(html: str, **fields: str) -> dict[str, str]:
    meter = next(iter(_meter_options(html).values()))
    return {
        "csrf_token": _csrf(html),
        "meterId": meter,
        "value": "781,5",
        "readOn": "20.11.2026",
        "source": "COLLECTOR",
        **fields,
    }


async def test_staff_record_a_collector_reading_without_javascript(
    http: httpx.AsyncClient,
) -> None:
    html = await _as_staff(http)
    assert "Zapisz odczyt" in html
    options = _meter_options(html)
    assert list(options) == ["WS-18-204417"], "only this account's meters are offered"
    done = await http.post(POST, data=_form(html))
    assert done.status_code == 303
    assert done.headers["location"].startswith(PAGE + "?zapisano=WS-18-204417")
    after = await http.get(done.headers["location"])
    assert "Zapisano odczyt wodomierza WS-18-204417." in after.text
    assert "781,500" in after.text or "781,5" in after.text
    reading = await Reading.get(value=Decimal("781.5")).prefetch_related("submitted_by")
    assert reading.source == ReadingSource.COLLECTOR
    assert reading.read_on.isoformat() == "2026-11-20"
    assert reading.submitted_by is not None and reading.submitted_by.login == "obsluga"
    assert await AuditEntry.filter(action="READING_RECORDED").count() == 1


async def test_a_meter_replacement_may_start_lower(http: httpx.AsyncClient) -> None:
    html = await _as_staff(http)
    data = _form(html, value="3", source="METER_REPLACEMENT", readOn="2026-11-21")
    done = await http.post(POST, data=data)
    assert done.status_code == 303
    assert await Reading.filter(source=ReadingSource.METER_REPLACEMENT, value=Decimal("3")).exists()


async def test_bad_input_is_shown_beside_each_field(http: httpx.AsyncClient) -> None:
    html = await _as_staff(http)
    data = _form(html, value="dużo", readOn="31.02.2026", source="CUSTOMER")
    answer = await http.post(POST, data=data)
    assert answer.status_code == 422
    text = answer.text
    assert "Wpisz stan liczydła w m³, np. 785,5." in text
    assert "W polu „Data odczytu” wpisz prawdziwą datę" in text
    assert "Wybierz rodzaj odczytu." in text
    assert 'id="value"' in text and 'aria-invalid="true"' in text
    assert 'value="dużo"' in text, "what was typed comes back"
    assert not await AuditEntry.filter(action="READING_RECORDED").exists()


async def test_a_day_after_today_is_refused(http: httpx.AsyncClient) -> None:
    html = await _as_staff(http)
    answer = await http.post(POST, data=_form(html, readOn="2026-11-22"))
    assert answer.status_code == 422
    assert "Data odczytu nie może być późniejsza niż dzisiejsza." in answer.text
    assert not await Reading.filter(value=Decimal("781.5")).exists()


async def test_the_api_refusal_is_shown_beside_the_value(http: httpx.AsyncClient) -> None:
    html = await _as_staff(http)
    answer = await http.post(POST, data=_form(html, value="700"))
    assert answer.status_code == 422
    assert "niższy niż poprzedni odczyt" in answer.text
    group = re.search(r'<div class="form-group form-group--error">.*?</div>', answer.text, re.S)
    assert group and 'for="value"' in group[0], "the message stands beside the value field"
    assert not await AuditEntry.filter(action="READING_RECORDED").exists()


async def test_a_meter_of_another_account_is_refused(http: httpx.AsyncClient) -> None:
    await _as_staff(http)
    other = _meter_options((await http.get("/obsluga/konto/100003")).text)
    html = (await http.get(PAGE)).text
    answer = await http.post(POST, data=_form(html, meterId=next(iter(other.values()))))
    assert answer.status_code == 422
    assert "Wybierz wodomierz tego konta." in answer.text
    assert not await AuditEntry.filter(action="READING_RECORDED").exists()


async def test_an_unknown_account_is_404(http: httpx.AsyncClient) -> None:
    html = await _as_staff(http)
    answer = await http.post("/obsluga/konto/999999/odczyt", data=_form(html))
    assert answer.status_code == 404


async def test_customers_and_forged_posts_are_refused(http: httpx.AsyncClient) -> None:
    forged = await http.post(POST, data={"value": "781,5"})
    assert forged.status_code == 403
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    page = await http.get("/konto")
    data = {"csrf_token": _csrf(page.text), "meterId": "x", "value": "781,5"}
    answer = await http.post(POST, data=data)
    assert answer.status_code == 403
    assert not await AuditEntry.filter(action="READING_RECORDED").exists()

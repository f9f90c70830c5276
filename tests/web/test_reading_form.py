"""The reading form on /odczyty, without JavaScript and with htmx."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from models.clock import WARSAW, Clock
from models.orm import Account, Reading

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def in_window(clock: Clock) -> Clock:
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=WARSAW))
    return clock


async def _form(client: httpx.AsyncClient) -> dict[str, str]:
    page = await client.get("/odczyty")
    assert page.status_code == 200
    meter = re.search(r'name="meterId" value="([^"]+)"', page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert meter and token, "the form is offered inside the window"
    return {"meterId": meter[1], "csrf_token": token[1]}


@pytest.mark.usefixtures("in_window")
async def test_the_window_page_offers_the_form_and_a_countdown(
    signed_in: httpx.AsyncClient,
) -> None:
    page = await signed_in.get("/odczyty")
    assert 'name="value"' in page.text
    assert "zostało dni: 4" in page.text  # 27, 28, 29 and 30 November
    assert "wrócisz do rozliczeń co dwa miesiące" in page.text


async def test_outside_the_window_no_form_is_offered(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/odczyty")  # 21 November
    assert 'name="meterId"' not in page.text
    assert "Teraz nie można podać odczytu" in page.text


@pytest.mark.usefixtures("in_window")
async def test_check_then_send_without_javascript(signed_in: httpx.AsyncClient) -> None:
    form = await _form(signed_in)
    checked = await signed_in.post("/odczyty", data={**form, "value": "789,5", "akcja": "sprawdz"})
    assert checked.status_code == 200
    # 10.5 m³ since 779 m³; the value stays in the field to be sent.
    assert "zużycie 10,5" in checked.text.replace("\xa0", " ")
    # At the demo's gross prices (6,30 zł water + 8,60 zł sewage per m³).
    assert "156,45" in checked.text.replace("\xa0", " ")
    assert "brutto" in checked.text and 'value="789,5"' in checked.text
    assert await Reading.filter(value=Decimal("789.5")).count() == 0
    sent = await signed_in.post("/odczyty", data={**form, "value": "789,5", "akcja": "wyslij"})
    assert sent.status_code == 200
    assert "Odczyt przyjęty" in sent.text
    assert await Reading.filter(value=Decimal("789.5"), source="CUSTOMER").count() == 1
    after = await signed_in.get("/odczyty")
    assert "Odczyt za ten miesiąc został już podany" in after.text


@pytest.mark.usefixtures("in_window")
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Wpisz stan wodomierza"),
        ("abc", "Wpisz stan wodomierza"),
        ("700", "niższy niż poprzedni odczyt"),
        ("1" * 30, "Wpisz stan wodomierza"),
        ("90000", "czego nie da się zużyć"),
    ],
)
async def test_a_refused_value_comes_back_beside_the_field(
    signed_in: httpx.AsyncClient, typed: str, message: str
) -> None:
    form = await _form(signed_in)
    version = (await Account.get(number="100001")).version
    answer = await signed_in.post("/odczyty", data={**form, "value": typed, "akcja": "wyslij"})
    assert answer.status_code == 422
    assert message in answer.text
    assert 'aria-invalid="true"' in answer.text and "Błąd:" in answer.text
    assert (await Account.get(number="100001")).version == version  # nothing written


@pytest.mark.usefixtures("in_window")
async def test_another_customers_meter_is_refused(signed_in: httpx.AsyncClient) -> None:
    form = await _form(signed_in)
    foreign = {**form, "meterId": "TWV0ZXI6Mw==", "value": "4000", "akcja": "wyslij"}  # Meter:3
    answer = await signed_in.post("/odczyty", data=foreign)
    assert answer.status_code == 422
    assert await Reading.filter(value=4000).count() == 0


@pytest.mark.usefixtures("in_window")
async def test_htmx_gets_the_form_or_only_the_check(signed_in: httpx.AsyncClient) -> None:
    form = await _form(signed_in)
    headers = {"HX-Request": "true", "HX-Target": "podglad-x"}
    check = await signed_in.post(
        "/odczyty", data={**form, "value": "781", "akcja": "sprawdz"}, headers=headers
    )
    assert check.status_code == 200
    assert check.text.lstrip().startswith('<div class="reading-preview"')
    assert "<html" not in check.text
    headers["HX-Target"] = "odczyt-x"
    sent = await signed_in.post(
        "/odczyty", data={**form, "value": "781", "akcja": "wyslij"}, headers=headers
    )
    assert "Odczyt przyjęty" in sent.text and "<html" not in sent.text


@pytest.mark.usefixtures("in_window")
async def test_the_dashboard_offers_the_same_form_while_the_window_is_open(
    signed_in: httpx.AsyncClient,
) -> None:
    page = await signed_in.get("/konto")
    meter = re.search(r'name="meterId" value="([^"]+)"', page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert meter and token, "the meter card carries the reading form"
    assert 'action="/odczyty"' in page.text and 'hx-post="/odczyty"' in page.text

    # Sent from the dashboard with htmx, the receipt replaces the form in place.
    answer = await signed_in.post(
        "/odczyty",
        data={"meterId": meter[1], "csrf_token": token[1], "value": "789,5", "akcja": "wyslij"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<div class="reading-form"')
    assert "Odczyt przyjęty" in answer.text
    assert await Reading.filter(value=Decimal("789.5"), source="CUSTOMER").count() == 1
    after = await signed_in.get("/konto")
    assert 'name="meterId"' not in after.text
    assert "Odczyt za ten miesiąc został już podany" in after.text


async def test_outside_the_window_the_dashboard_has_no_form(
    signed_in: httpx.AsyncClient,
) -> None:
    page = await signed_in.get("/konto")
    assert page.status_code == 200
    assert 'name="meterId"' not in page.text

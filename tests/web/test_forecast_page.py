"""/prognoza and /prognoza.pdf: the forecast and the simulation, with and without htmx."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader

from models.orm import Meter, Reading

pytestmark = pytest.mark.usefixtures("demo")


HX = {"HX-Request": "true", "HX-Target": "prognoza"}


async def test_signed_out_visitors_are_sent_to_sign_in(http: httpx.AsyncClient) -> None:
    response = await http.get("/prognoza")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


async def test_the_next_two_months_by_default(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/prognoza")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Prognoza i symulacja płatności</h1>" in text
    assert "Prognoza od 21.11.2026 do 20.01.2027" in text
    assert "z uwzględnieniem sezonowości" in text
    assert 'href="/prognoza.pdf?konto=100001&amp;od=2026-11-21&amp;do=2027-01-20"' in text
    assert 'value="2026-11-21"' in text and 'value="2027-01-20"' in text
    assert "<html" in text


async def test_htmx_gets_only_the_listing(signed_in: httpx.AsyncClient) -> None:
    page = await signed_in.get("/prognoza?od=2026-12-01&do=2026-12-31", headers=HX)
    assert page.status_code == 200
    assert "<html" not in page.text
    assert 'id="prognoza"' in page.text
    assert "Prognoza od 01.12.2026 do 31.12.2026" in page.text
    assert "HX-Request" in page.headers.get("vary", "")


@pytest.mark.parametrize("fragment", [False, True])
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("od=2027-02-01&do=2027-01-01", "do", "nie może być wcześniejsza"),
        ("od=31.02.2027&do=2027-03-01", "od", "wpisz prawdziwą datę"),
        ("od=2026-12-01&do=2030-12-01", "do", "najwyżej 3 lata"),
        ("od=2019-01-01&do=2019-02-01", "od", "najwcześniej"),
    ],
)
async def test_a_bad_period_is_shown_beside_its_field(
    signed_in: httpx.AsyncClient, query: str, field: str, message: str, fragment: bool
) -> None:
    page = await signed_in.get("/prognoza?" + query, headers=HX if fragment else None)
    assert page.status_code == 422
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', page.text, re.S)
    assert error and message in error[1]
    assert "Prognoza od" not in page.text


async def _meter_id(signed_in: httpx.AsyncClient) -> tuple[str, Decimal]:
    page = await signed_in.get("/prognoza")
    meter = re.search(r'name="wodomierz" value="([^"]+)"', page.text)
    assert meter
    row = await Meter.filter(contract__account__number="100001").first()
    last = await Reading.filter(meter=row).order_by("-read_on", "-id").first()
    assert last is not None
    return meter[1], last.value


@pytest.mark.parametrize("fragment", [False, True])
async def test_a_simulation_shows_the_bill_for_the_typed_value(
    signed_in: httpx.AsyncClient, fragment: bool
) -> None:
    meter, last = await _meter_id(signed_in)
    typed = format(last + Decimal("10.5"), "f").replace(".", ",")
    params = {"od": "2026-12-01", "do": "2026-12-31", "wodomierz": meter, "stan": typed}
    page = await signed_in.get("/prognoza", params=params, headers=HX if fragment else None)
    assert page.status_code == 200
    assert "Symulacja od" in page.text
    assert "10,500 m³" in page.text
    assert "Prognoza od 01.12.2026 do 31.12.2026" in page.text  # the period is kept
    assert f'value="{typed}"' in page.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "Wpisz stan wodomierza"), ("1", "niższy niż poprzedni odczyt")],
)
async def test_a_refused_value_is_shown_beside_the_meter(
    signed_in: httpx.AsyncClient, typed: str, message: str
) -> None:
    meter, _ = await _meter_id(signed_in)
    page = await signed_in.get("/prognoza", params={"wodomierz": meter, "stan": typed})
    assert page.status_code == 422
    assert "Błąd:" in page.text
    error = re.search(r'id="stan-[^"]*-error"[^>]*>(.*?)</p>', page.text, re.S)
    assert error and message in error[1]
    assert "Symulacja od" not in page.text


async def test_another_customers_meter_is_a_404(signed_in: httpx.AsyncClient) -> None:
    theirs = await Meter.filter(contract__account__number="100003").first()
    assert theirs is not None
    from strawberry import relay

    meter_id = str(relay.GlobalID("Meter", str(theirs.id)))
    page = await signed_in.get("/prognoza", params={"wodomierz": meter_id, "stan": "5"})
    assert page.status_code == 404


async def test_another_customers_account_is_a_404(signed_in: httpx.AsyncClient) -> None:
    assert (await signed_in.get("/prognoza?konto=100003")).status_code == 404
    assert (await signed_in.get("/prognoza.pdf?konto=100003")).status_code == 404


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_the_pdf_reads_back_with_the_period_and_the_gross_total(
    signed_in: httpx.AsyncClient,
) -> None:
    page = await signed_in.get("/prognoza?od=2026-12-01&do=2027-01-31")
    total = re.search(r"Szacowana kwota do zapłaty: <strong>([^<]+)</strong>", page.text)
    assert total
    pdf = await signed_in.get("/prognoza.pdf?konto=100001&od=2026-12-01&do=2027-01-31")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Prognoza" in text
    assert "nie jest fakturą" in text
    assert "01.12.2026" in text and "31.01.2027" in text
    assert total[1].replace("\u00a0", " ") in text.replace("\u00a0", " ")
    assert "Miejskie Wodociągi" in text


async def test_the_simulation_pdf(signed_in: httpx.AsyncClient) -> None:
    meter, last = await _meter_id(signed_in)
    params = {"konto": "100001", "wodomierz": meter, "stan": str(last + 3)}
    pdf = await signed_in.get("/prognoza.pdf", params=params)
    assert pdf.status_code == 200
    assert "Symulacja płatności" in _pdf_text(pdf.content)


async def test_a_bad_pdf_link_is_a_400_not_a_500(signed_in: httpx.AsyncClient) -> None:
    bad = await signed_in.get("/prognoza.pdf?konto=100001&od=2027-02-01&do=2027-01-01")
    assert bad.status_code == 400


async def test_the_dashboard_and_the_navigation_link_the_forecast(
    signed_in: httpx.AsyncClient,
) -> None:
    dashboard = await signed_in.get("/konto")
    assert 'href="/prognoza">Prognoza rachunku i symulacja płatności</a>' in dashboard.text
    assert 'class="main-nav__link" href="/prognoza"' in dashboard.text

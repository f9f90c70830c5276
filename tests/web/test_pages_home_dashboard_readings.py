"""The home page, the dashboard (/konto) and the meters page (/odczyty) over HTTP.

Pages are a second client of the schema: the figures they show are checked against
what the API returns for the same user.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from itertools import pairwise

import httpx
import pytest

from models.clock import Clock
from models.orm import Account, Reading, User
from models.rules.money import format_decimal_pl
from models.services.sessions import start_session
from tests.support import Api
from web.auth import SESSION_COOKIE
from web.charts import (
    COMPACT,
    MonthPoint,
    build_month_chart,
    month_points,
    months_back,
    nice_step,
    summarise,
)
from web.rendering import money

PASSWORD = "Woda-Demo-2026!"
HTMX = {"HX-Request": "true"}


# --- helpers -----------------------------------------------------------------------------


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


async def _sign_in(http: httpx.AsyncClient, login: str = "jan.kowalski") -> None:
    page = await http.get("/")
    response = await http.post(
        "/login", data={"login": login, "password": PASSWORD, "csrf_token": _csrf(page.text)}
    )
    assert response.status_code == 303, response.text[:500]


class _Text(HTMLParser):
    """The page as a text browser reads it: text in document order, no markup."""

    BLOCKS = frozenset({"p", "li", "tr", "h1", "h2", "h3", "div", "section", "caption", "dt"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(data.strip() + " ")


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\n\s*\n+", "\n", "".join(parser.parts)).replace("\xa0", " ")


def _main(html: str) -> str:
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match
    return match.group(0)


def _history_rows(html: str) -> list[str]:
    table = re.search(r'<table class="table history__table">.*?</table>', html, re.S)
    assert table, "the reading history table"
    return re.findall(r'<th scope="row" class="nowrap">([^<]+)</th>', table.group(0))


def _older_link(html: str) -> str | None:
    match = re.search(r'<a class="pagination__link" href="([^"]+)"[^>]*>Starsze odczyty', html)
    return match.group(1).replace("&amp;", "&") if match else None


# --- signed out ------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("path", ["/konto", "/odczyty"])
async def test_account_pages_send_the_signed_out_to_sign_in(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    # htmx follows redirects invisibly: it is told to load the sign-in page whole.
    partial = await http.get(path, headers=HTMX)
    assert partial.headers["HX-Redirect"] == "/login"


@pytest.mark.usefixtures("demo")
async def test_home_offers_sign_in_registration_failure_report_tariff_and_window(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/")
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    assert re.search(r'<form class="home-signin" method="post" action="/login"', html)
    assert 'name="csrf_token"' in html and 'name="login"' in html and 'name="password"' in html
    assert 'href="/rejestracja"' in html and 'href="/awaria"' in html
    text = text_of(_main(html))
    # The demo tariff: water 5.83 net, 8 % VAT -> 6.30 gross; sewage 7.96 -> 8.60.
    assert "Woda za 1 m³ 5,83 zł 6,30 zł" in text
    assert "Odprowadzanie ścieków za 1 m³ 7,96 zł 8,60 zł" in text
    assert "Opłata abonamentowa za miesiąc 5,20 zł 5,62 zł" in text
    assert "od 01.12.2025" in text and "8% VAT" in text
    assert "25.11.2026 – 30.11.2026" in text and "otwiera się 25.11.2026" in text
    # A planned outage says so in words, first, under its own heading.
    assert re.search(
        r"\nPlanowana przerwa w dostawie wody opublikowano 19\.11\.2026 \n"
        r"Planowana przerwa w dostawie wody: ul\. Lipowa",
        text,
    )
    assert text.index("Utrudnienia w dostawie wody") < text.index("Komunikaty")
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


@pytest.mark.usefixtures("demo")
async def test_the_home_page_sign_in_form_signs_in(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    home = await http.get("/")
    assert 'href="/konto"' in _main(home.text)
    assert 'action="/login"' not in home.text
    assert home.headers["Cache-Control"] == "no-store"


async def test_home_still_offers_sign_in_without_a_tariff(http: httpx.AsyncClient, db: str) -> None:
    # An empty database has no price list: the page says so instead of failing.
    response = await http.get("/")
    assert response.status_code == 200
    assert 'action="/login"' in response.text
    assert "nie udało się teraz wczytać" in response.text


# --- the dashboard ---------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
async def test_dashboard_shows_the_balance_the_api_returns_and_what_is_due(
    http: httpx.AsyncClient, api: Api
) -> None:
    query = """query Balance($number: String!) {
        account(number: $number) {
            balance { amount }
            overdue { amount }
            invoices(first: 50, status: OVERDUE) { edges { node { number } } }
        }
    }"""
    variables = {"number": "100001"}
    account = (await api.data(query, variables, as_user="jan.kowalski"))["account"]
    overdue = account["invoices"]["edges"][0]["node"]
    await _sign_in(http)

    response = await http.get("/konto")
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    text = text_of(_main(html))
    balance = money(account["balance"]["amount"]).replace("\xa0", " ")
    assert f"Do zapłaty {balance}" in text
    assert (
        f"W tym po terminie płatności: {money(account['overdue']['amount'])}".replace("\xa0", " ")
        in text
    )
    # The overdue invoice is marked in words, beside its number, and links to itself
    # with the slashes of its number kept as path segments.
    assert f"Faktura {overdue['number']} Po terminie" in text
    assert f'href="/faktury/{overdue["number"]}"' in html
    assert 'href="/platnosci"' in html
    # Reading order: the balance, then the invoices, then meters, chart, news.
    order = ["Saldo konta", "Faktury do zapłaty", "Wodomierze i odczyty", "Zużycie wody"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    # Kept only by this browser, and revalidated with its ETag at every view.
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.usefixtures("demo")
async def test_dashboard_chart_has_a_text_alternative_and_a_24_month_table(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http)
    html = (await http.get("/konto")).text
    svgs = re.findall(r"<svg class=\"chart usage-chart.*?</svg>", html, re.S)
    assert len(svgs) == 2  # a wide and a narrow drawing of the same data
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title id=\"[^\"]+\">[^<]+</title>", svg)
        assert re.search(r"<desc id=\"[^\"]+\">[^<]*średnio[^<]*</desc>", svg)
        assert "usage-chart__bar--estimated" in svg and "-hatch)" in svg
    table = re.search(r'<table class="table usage-table">.*?</table>', html, re.S)
    assert table
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">", table.group(0))
    assert len(rows) == 24
    body = text_of(table.group(0))
    # 24 full months before November 2026; estimated months are marked in words too.
    assert "listopad 2024" in body and "październik 2026" in body
    assert "listopad 2026" not in body
    assert " tak" in body and " nie" in body
    assert "Dane wykresu w tabeli" in html


@pytest.mark.usefixtures("demo")
async def test_the_community_sees_its_main_meter(http: httpx.AsyncClient) -> None:
    await _sign_in(http, "wspolnota.lipowa")
    for path in ("/konto", "/odczyty"):
        response = await http.get(path)
        assert response.status_code == 200
        assert "Wodomierz główny" in response.text
        assert "100003" in response.text


@pytest.mark.usefixtures("demo")
async def test_several_accounts_get_a_chooser_and_unknown_numbers_a_404(
    http: httpx.AsyncClient,
) -> None:
    user = await User.get(login="jan.kowalski")
    await user.accounts.add(await Account.get(number="100002"))
    await _sign_in(http)

    first = await http.get("/konto")
    assert 'aria-label="Wybór konta"' in first.text
    assert re.search(r'href="/konto\?konto=100001" aria-current="page"', first.text)
    other = await http.get("/konto", params={"konto": "100002"})
    assert other.status_code == 200
    assert re.search(r'href="/konto\?konto=100002" aria-current="page"', other.text)
    # Links to the other account pages keep the chosen account.
    assert 'href="/platnosci?konto=100002"' in other.text
    assert 'href="/odczyty?konto=100002"' in other.text
    readings = await http.get("/odczyty", params={"konto": "100002"})
    assert readings.status_code == 200 and "100002" in readings.text
    assert (await http.get("/konto", params={"konto": "100003"})).status_code == 404
    # No customer number is that long: not theirs either (and never an error page).
    assert (await http.get("/konto", params={"konto": "1" * 40})).status_code == 404


@pytest.mark.usefixtures("demo")
async def test_staff_see_a_short_message_not_an_error(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    staff = await User.get(login="obsluga")
    key = await start_session(staff, clock, client_address=None, user_agent=None)
    http.cookies.set(SESSION_COOKIE, key)
    for path in ("/konto", "/odczyty"):
        response = await http.get(path)
        assert response.status_code == 200
        assert "Konto pracownika nie ma własnych kont klienta" in response.text


@pytest.mark.usefixtures("demo")
async def test_new_regulations_come_first(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    await User.filter(login="jan.kowalski").update(accepted_terms_version="2020-01")
    response = await http.get("/konto")
    assert response.status_code == 303
    assert response.headers["location"] == "/regulamin/akceptacja"


# --- meters and readings ---------------------------------------------------------------


@pytest.mark.usefixtures("demo")
async def test_readings_show_the_meter_window_and_history_in_pages(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http)
    first = await http.get("/odczyty")
    assert first.status_code == 200
    assert first.text.count("<h1") == 1
    text = text_of(_main(first.text))
    assert "WS-18-204417" in text and "ul. Słoneczna 14" in text and "01.12.2019" in text
    assert "Odczyt można podać od 25. do ostatniego dnia miesiąca." in text
    assert "Odczyty przyjmujemy od 25.11.2026 do 30.11.2026." in text
    # Newest first, the source in Polish, consumption since the previous reading.
    newest = await Reading.filter(meter__contract__account__number="100001").order_by("-read_on")
    for reading, previous in list(pairwise(newest))[:2]:
        source = {"CUSTOMER": "Klient", "COLLECTOR": "Inkasent"}[reading.source.value]
        used = format_decimal_pl(reading.value - previous.value, 3)
        value = format_decimal_pl(reading.value, 3)
        assert f"{reading.read_on:%d.%m.%Y} {value} m³ {used} m³ {source}" in text
    page_one = _history_rows(first.text)
    assert len(page_one) == 12

    older = _older_link(first.text)
    assert older and "po=" in older and "wodomierz=" in older
    second = await http.get(older)
    assert second.status_code == 200
    page_two = _history_rows(second.text)
    assert len(page_two) == 12
    assert not set(page_one) & set(page_two)
    assert max(date.fromisoformat("-".join(reversed(d.split(".")))) for d in page_two) < min(
        date.fromisoformat("-".join(reversed(d.split(".")))) for d in page_one
    )
    assert "Najnowsze odczyty" in second.text
    # With one meter, the cursor alone (`?po=`) is enough.
    cursor_only = re.sub(r"wodomierz=[^&]+&?", "", older)
    assert "wodomierz" not in cursor_only
    assert _history_rows((await http.get(cursor_only)).text) == page_two

    # 24 readings (the opening one, 22 sent, one estimated): the second page ends with
    # the first reading, which has no consumption before it.
    assert len(newest) == 24
    assert "pierwszy odczyt" in second.text
    assert _older_link(second.text) is None


@pytest.mark.usefixtures("demo")
async def test_older_readings_come_as_a_fragment_for_htmx(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    first = await http.get("/odczyty")
    older = _older_link(first.text)
    assert older
    fragment = await http.get(older, headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<h1" not in fragment.text
    assert fragment.text.lstrip().startswith('<div class="history" id="historia-')
    assert len(_history_rows(fragment.text)) == 12
    assert "HX-Request" in fragment.headers["Vary"]
    # A boosted navigation to the same address gets the whole page.
    boosted = await http.get(older, headers={**HTMX, "HX-Boosted": "true"})
    assert "<html" in boosted.text
    # The "Starsze odczyty" link replaces only its meter's history.
    assert re.search(r'hx-target="#historia-[^"]+" hx-swap="outerHTML"', first.text)


@pytest.mark.usefixtures("demo")
async def test_a_forged_cursor_or_meter_is_not_found(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    older = _older_link((await http.get("/odczyty")).text)
    assert older
    bad_cursor = re.sub(r"po=[^&]+", "po=nonsense", older)
    assert (await http.get(bad_cursor)).status_code == 404
    others = re.sub(r"wodomierz=[^&]+", "wodomierz=TWV0ZXI6Mg%3D%3D", older)  # Meter:2
    assert (await http.get(others)).status_code == 404


# --- the chart's geometry ---------------------------------------------------------------


def test_the_chart_covers_the_24_full_months_before_this_one() -> None:
    assert months_back(date(2026, 11, 21), 24) == (date(2024, 11, 1), date(2026, 10, 31))
    assert months_back(date(2026, 1, 1), 24) == (date(2024, 1, 1), date(2025, 12, 31))


def test_ticks_are_round_and_the_tallest_bar_fits() -> None:
    assert nice_step(Decimal("17.019")) == 5
    assert nice_step(Decimal("288.6")) == 100
    assert nice_step(Decimal("0.8")) == Decimal("0.2")
    points = [MonthPoint(date(2026, m, 1), Decimal(v)) for m, v in ((1, "8"), (2, "17.019"))]
    chart = build_month_chart(points)
    assert chart.ticks[-1].value == 20
    assert min(bar.y for bar in chart.bars) >= chart.layout.top


def test_missing_months_stay_as_gaps_and_estimates_are_counted() -> None:
    rows = [
        {"month": "2026-01-01", "volume": "8.000", "estimated": False},
        {"month": "2026-03-01", "volume": "9.500", "estimated": True},
    ]
    points = month_points(rows, date(2026, 1, 1), date(2026, 3, 31))
    assert [p.volume for p in points] == [Decimal("8.000"), None, Decimal("9.500")]
    chart = build_month_chart(points, COMPACT)
    assert len(chart.bars) == 2
    summary = summarise(points)
    assert summary.total == Decimal("17.500") and summary.average == Decimal("8.750")
    assert [p.month for p in summary.estimated] == [date(2026, 3, 1)]

"""Hostile query strings and form values: pages answer 4xx with a message, never 500."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from web.forms import DateOutOfRange, parse_date_input

pytestmark = pytest.mark.usefixtures("demo")

OUT_OF_RANGE = "wpisz datę z lat 1900–2199"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def _sign_in(http: httpx.AsyncClient) -> None:
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={
            "login": "jan.kowalski",
            "password": "Woda-Demo-2026!",
            "csrf_token": _csrf(page.text),
        },
    )
    assert response.status_code == 303


def test_typed_dates_are_bounded_to_1900_2199() -> None:
    assert parse_date_input("01.01.1900") == date(1900, 1, 1)
    assert parse_date_input("2199-12-31") == date(2199, 12, 31)
    for text in ("31.12.1899", "01.01.0001", "2200-01-01", "9999-12-31", "0001-01-01"):
        with pytest.raises(DateOutOfRange):
            parse_date_input(text)
    with pytest.raises(ValueError):
        parse_date_input("30.02.2026")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/saldo", {"od": "01.01.0001"}),
        ("/saldo", {"do": "31.12.9999"}),
        ("/saldo", {"od": "0001-01-01", "do": "9999-12-31"}),
        ("/faktury", {"od": "01.01.0001"}),
        ("/faktury", {"do": "9999-12-31"}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
async def test_dates_beyond_the_calendar_get_a_message_not_a_crash(
    http: httpx.AsyncClient, path: str, params: dict[str, str], htmx: bool
) -> None:
    await _sign_in(http)
    headers = {"hx-request": "true"} if htmx else {}
    response = await http.get(path, params=params, headers=headers)
    assert response.status_code == 422
    assert OUT_OF_RANGE in response.text
    for value in params.values():
        assert f'value="{value}"' in response.text  # what was typed stays in the field


HOSTILE = [
    "01.01.0001",
    "31.12.9999",
    "\x00",
    "a" * 3000,
    "-1",
    "<script>",
    "ą\ud7ff",
    "..",
    "9" * 40,
    "YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk=",
]
PARAMS = ["od", "do", "konto", "po", "status", "wodomierz", "lang", "wroc"]
PATHS = [
    "/",
    "/konto",
    "/faktury",
    "/faktury/FV/2026/11/000001",
    "/odczyty",
    "/platnosci",
    "/saldo",
    "/login",
    "/ustawienia/kontrast/high",
    "/ustawienia/czcionka/125",
]


@pytest.mark.parametrize("path", PATHS)
async def test_no_page_answers_500_to_a_hostile_query_string(
    http: httpx.AsyncClient, path: str
) -> None:
    await _sign_in(http)
    failures = []
    for name in PARAMS:
        for value in HOSTILE:
            for headers in ({}, {"hx-request": "true"}):
                response = await http.get(path, params={name: value}, headers=headers)
                if response.status_code >= 500:
                    failures.append((name, value[:20], headers))
    assert not failures


async def test_an_older_readings_request_with_nonsense_is_404(http: httpx.AsyncClient) -> None:
    await _sign_in(http)
    for meter, cursor in (("\x00", "x"), ("a" * 3000, "\x00"), ("TWV0ZXI6OTk5OQ==", "-1")):
        for headers in ({}, {"hx-request": "true"}):
            response = await http.get(
                "/odczyty", params={"wodomierz": meter, "po": cursor}, headers=headers
            )
            assert response.status_code == 404


@pytest.mark.parametrize("login", ["jan.kowalski\x00", "a" * 100_000, "ą" * 65, "jan\nkowalski"])
async def test_an_impossible_login_is_a_wrong_login_not_a_crash(
    http: httpx.AsyncClient, login: str
) -> None:
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={"login": login, "password": "x\x00", "csrf_token": _csrf(page.text)},
    )
    assert response.status_code == 422
    assert "Nieprawidłowy login lub hasło" in response.text

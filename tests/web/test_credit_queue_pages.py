"""/obsluga/wyciagi/do-przypisania and the payments on /obsluga/konto/{number}: staff
assign an unmatched bank credit and reverse a wrong assignment with plain form posts."""

from __future__ import annotations

import re

import httpx
import pytest
from strawberry import relay

from models.clock import Clock
from models.enums import PaymentMethod
from models.orm import AuditEntry, Payment
from models.rules.totp import totp_at
from models.services.figures import check_figures
from tests.bank_credits import statement, unmatched_credit

pytestmark = pytest.mark.usefixtures("demo")

QUEUE = "/obsluga/wyciagi/do-przypisania"


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


def _gid(payment: Payment) -> str:
    return relay.to_base64("Payment", payment.id)


async def _assign(http: httpx.AsyncClient, payment: Payment, number: str) -> httpx.Response:
    page = await http.get(QUEUE)
    form = {"csrf_token": _csrf(page.text), "paymentId": _gid(payment), "accountNumber": number}
    return await http.post(QUEUE, data=form)


async def test_the_queue_shows_each_credit_and_the_staff_home_counts_them(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    source = await statement(clock)
    await unmatched_credit(clock, source, "1234.50", "Q-1", title="ZA WODE 100001?")
    await unmatched_credit(clock, source, "10.00", "Q-2")
    await _as_staff(http)
    home = await http.get("/obsluga")
    assert re.search(
        rf'<a href="{QUEUE}">Wpływy z wyciągów do przypisania</a>: <strong>2</strong>', home.text
    )
    page = await http.get(QUEUE)
    assert page.status_code == 200
    html = page.text
    assert "<h1>Wpływy do przypisania</h1>" in html
    assert "21.11.2026" in html
    assert "1\u00a0234,50\u00a0zł" in html
    assert "JAN KOWALSKI UL. LIPOWA 7 KRAKOW" in html
    assert "PL61109010140000071219812874" in html
    assert "ZA WODE 100001?" in html
    assert html.count('name="accountNumber"') == 2


async def test_staff_assign_a_credit_without_javascript(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "150.00", "Q-1")
    await _as_staff(http)
    posted = await _assign(http, credit, " 100001 ")
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{QUEUE}?przypisano=100001"
    done = await http.get(posted.headers["location"])
    assert "Wpływ przypisany do konta 100001" in done.text
    assert "Wszystkie wpływy z wyciągów są przypisane do kont." in done.text
    assert (await Payment.get(id=credit.id)).account_id is not None
    assert await check_figures() == []

    account = (await http.get("/obsluga/konto/100001")).text
    section = account[account.index('id="wplaty"') :]
    assert "150,00\u00a0zł" in section
    assert re.search(r"<td>FV/\d{4}/\d{2}/\d{6}</td>", section)
    assert section.count("Cofnij przypisanie") == 1  # demo payments are not statement credits


async def test_a_refused_assignment_is_shown_beside_that_credits_field(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    source = await statement(clock)
    await unmatched_credit(clock, source, "10.00", "Q-1")
    credit = await unmatched_credit(clock, source, "20.00", "Q-2")
    await _as_staff(http)
    refused = await _assign(http, credit, "999999")
    assert refused.status_code == 422
    html = refused.text
    assert "<title>Błąd:" in html
    assert html.count('class="error-message"') == 1
    field = re.search(r'<input[^>]*id="accountNumber"[^>]*>', html)
    assert field and 'value="999999"' in field[0]
    assert 'aria-describedby="accountNumber-error"' in field[0]
    error = re.search(r'id="accountNumber-error"[^>]*>(.*?)</p>', html, re.S)
    assert error and "Nie ma konta o numerze 999999" in error[1]
    assert 'href="#accountNumber"' in html
    empty = await _assign(http, credit, "")
    assert empty.status_code == 422 and "Wpisz numer klienta" in empty.text
    assert await Payment.filter(account_id__isnull=True, statement_id__isnull=False).count() == 2


async def test_a_credit_assigned_meanwhile_is_refused_with_the_account_it_went_to(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "20.00", "Q-1")
    await _as_staff(http)
    page = await http.get(QUEUE)
    form = {"csrf_token": _csrf(page.text), "paymentId": _gid(credit), "accountNumber": "100001"}
    assert (await http.post(QUEUE, data=form)).status_code == 303
    again = await http.post(QUEUE, data={**form, "accountNumber": "100003"})
    assert again.status_code == 422
    assert "już przypisany do konta 100001" in again.text
    assert await AuditEntry.filter(action="CREDIT_ASSIGNED").count() == 1


async def test_posts_without_the_csrf_token_are_refused_before_anything_else(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "20.00", "Q-1")
    form = {"paymentId": _gid(credit), "accountNumber": "100001"}
    assert (await http.post(QUEUE, data=form)).status_code == 403  # signed out
    await _as_staff(http)
    assert (await http.post(QUEUE, data=form)).status_code == 403
    reverse = {"paymentId": _gid(credit), "reason": "x"}
    posted = await http.post("/obsluga/konto/100001/cofnij-przypisanie", data=reverse)
    assert posted.status_code == 403
    assert (await Payment.get(id=credit.id)).account_id is None


async def test_customers_get_no_queue(signed_in: httpx.AsyncClient) -> None:
    assert (await signed_in.get(QUEUE)).status_code == 403


async def test_staff_reverse_a_wrong_assignment_with_a_reason(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    credit = await unmatched_credit(clock, await statement(clock), "150.00", "Q-1")
    await _as_staff(http)
    assert (await _assign(http, credit, "100001")).status_code == 303
    page = await http.get("/obsluga/konto/100001")
    url = "/obsluga/konto/100001/cofnij-przypisanie"
    form = {"csrf_token": _csrf(page.text), "paymentId": _gid(credit), "reason": "  "}

    refused = await http.post(url, data=form)
    assert refused.status_code == 422
    field = re.search(r'<textarea[^>]*id="reason"[^>]*>', refused.text)
    assert field and 'aria-describedby="reason-error"' in field[0]
    assert "Podaj powód cofnięcia" in refused.text
    assert (await Payment.get(id=credit.id)).account_id is not None

    other = await http.post(
        "/obsluga/konto/100003/cofnij-przypisanie", data={**form, "reason": "pomyłka"}
    )
    assert other.status_code == 404
    online = await Payment.filter(method=PaymentMethod.ONLINE, account__number="100001").first()
    assert online is not None
    not_bank = await http.post(url, data={**form, "paymentId": _gid(online), "reason": "x"})
    assert not_bank.status_code == 422 and "nie jest wpływ z wyciągu" in not_bank.text

    done = await http.post(url, data={**form, "reason": "wpłata sąsiada"})
    assert done.status_code == 303
    assert done.headers["location"] == "/obsluga/konto/100001?cofnieto=1#wplaty"
    shown = await http.get("/obsluga/konto/100001?cofnieto=1")
    assert "Przypisanie wpływu cofnięte" in shown.text
    assert (await Payment.get(id=credit.id)).account_id is None
    assert await check_figures() == []
    entry = await AuditEntry.get(action="CREDIT_ASSIGNMENT_REVERSED")
    assert entry.details["reason"] == "wpłata sąsiada"
    queue = await http.get(QUEUE)
    assert "150,00\u00a0zł" in queue.text

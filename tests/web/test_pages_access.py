"""The registration form, adding an account and the staff back office, as pages."""

from __future__ import annotations

import re

import httpx
import pytest

from models.clock import Clock
from models.enums import RequestStatus
from models.orm import AuditEntry, OutboxEmail, Registration, User
from models.rules.totp import totp_at

pytestmark = pytest.mark.usefixtures("demo")

INVOICE = "FV/2025/01/000002"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


async def _sign_in(http: httpx.AsyncClient, login: str, password: str, otp: str = "") -> None:
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={"login": login, "password": password, "otp": otp, "csrf_token": _csrf(page.text)},
    )
    assert response.status_code == 303, response.text


async def _sign_in_staff(http: httpx.AsyncClient) -> None:
    await _sign_in(
        http, "obsluga", "Obsluga-Demo-2026!", totp_at("JBSWY3DPEHPK3PXP", Clock.real_now())
    )


def _form(csrf: str, **changes: str) -> dict[str, str]:
    values = {
        "accountNumber": "100002",
        "invoiceNumber": INVOICE,
        "email": "katarzyna@example.com",
        "login": "k.wisniewska",
        "acceptTerms": "1",
        "consentDataProcessing": "1",
        "csrf_token": csrf,
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


async def _register(http: httpx.AsyncClient, **changes: str) -> httpx.Response:
    page = await http.get("/rejestracja")
    assert page.status_code == 200
    return await http.post("/rejestracja", data=_form(_csrf(page.text), **changes))


async def test_the_login_and_home_pages_link_to_registration(http: httpx.AsyncClient) -> None:
    for path in ("/", "/login"):
        assert 'href="/rejestracja"' in (await http.get(path)).text


async def test_registering_redirects_to_a_confirmation(http: httpx.AsyncClient) -> None:
    response = await _register(http)
    assert response.status_code == 303
    assert response.headers["location"] == "/rejestracja?wyslano=1"
    page = await http.get(response.headers["location"])
    assert "Zgłoszenie wysłane" in page.text
    assert await Registration.filter(login="k.wisniewska").exists()


async def test_a_wrong_proof_re_renders_the_form_keeping_the_input(
    http: httpx.AsyncClient,
) -> None:
    response = await _register(http, invoiceNumber="FV/2000/01/000001")
    assert response.status_code == 422
    assert "<title>Błąd:" in response.text
    assert "Nie możemy przyjąć zgłoszenia" in response.text
    assert 'value="katarzyna@example.com"' in response.text
    assert 'value="FV/2000/01/000001"' in response.text
    assert await Registration.all().count() == 0


async def test_a_missing_consent_is_shown_beside_its_box(http: httpx.AsyncClient) -> None:
    form_page = await http.get("/rejestracja")
    data = _form(_csrf(form_page.text))
    del data["consentDataProcessing"]
    response = await http.post("/rejestracja", data=data)
    assert response.status_code == 422
    assert 'id="consentDataProcessing-error"' in response.text
    assert 'href="#consentDataProcessing"' in response.text
    # The other box stays ticked.
    assert re.search(
        r'id="acceptTerms" name="acceptTerms" type="checkbox" value="1" checked', response.text
    )


async def test_registration_without_the_csrf_token_is_refused(http: httpx.AsyncClient) -> None:
    await http.get("/rejestracja")
    response = await http.post("/rejestracja", data=_form("forged"))
    assert response.status_code == 403
    assert await Registration.all().count() == 0


async def test_garbage_in_the_form_is_a_re_rendered_form_not_a_crash(
    http: httpx.AsyncClient,
) -> None:
    response = await _register(
        http, accountNumber="1" * 5000, login="\x00" * 300, email="a" * 100_000
    )
    assert response.status_code == 422
    assert await Registration.all().count() == 0


async def test_customers_cannot_open_the_back_office(http: httpx.AsyncClient) -> None:
    for path in ("/obsluga", "/obsluga/rejestracje", "/obsluga/dziennik", "/obsluga/konto/100001"):
        response = await http.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    for path in ("/obsluga", "/obsluga/rejestracje", "/obsluga/dziennik", "/obsluga/konto/100003"):
        response = await http.get(path)
        assert response.status_code == 403, path
        assert "Wspólnota" not in response.text
    page = await http.get("/konto")
    response = await http.post(
        "/obsluga/rejestracje",
        data={"id": "x", "decision": "approve", "csrf_token": _csrf(page.text)},
    )
    assert response.status_code == 403


async def test_staff_approve_a_registration_from_the_queue(http: httpx.AsyncClient) -> None:
    await _register(http)
    http.cookies.clear()
    await _sign_in_staff(http)
    home = await http.get("/obsluga")
    assert home.status_code == 200
    assert re.search(r"Rejestracje i dodanie kont</a>: <strong>1</strong>", home.text)
    queue = await http.get("/obsluga/rejestracje")
    assert "k.wisniewska" in queue.text and INVOICE in queue.text
    registration_id = re.search(r'name="id" value="([^"]+)"', queue.text).group(1)  # type: ignore[union-attr]
    # Without the token nothing is decided.
    refused = await http.post(
        "/obsluga/rejestracje", data={"id": registration_id, "decision": "approve"}
    )
    assert refused.status_code == 403
    response = await http.post(
        "/obsluga/rejestracje",
        data={
            "id": registration_id,
            "decision": "approve",
            "note": "",
            "csrf_token": _csrf(queue.text),
        },
    )
    assert response.status_code == 303
    assert (await Registration.get(login="k.wisniewska")).status == RequestStatus.APPROVED
    assert await User.filter(login="k.wisniewska").exists()
    after = await http.get(response.headers["location"])
    assert "Nie ma zgłoszeń czekających na decyzję" in after.text


async def test_rejecting_without_a_reason_shows_the_error_beside_the_note(
    http: httpx.AsyncClient,
) -> None:
    await _register(http)
    http.cookies.clear()
    await _sign_in_staff(http)
    queue = await http.get("/obsluga/rejestracje")
    registration_id = re.search(r'name="id" value="([^"]+)"', queue.text).group(1)  # type: ignore[union-attr]
    response = await http.post(
        "/obsluga/rejestracje",
        data={
            "id": registration_id,
            "decision": "reject",
            "note": " ",
            "csrf_token": _csrf(queue.text),
        },
    )
    assert response.status_code == 422
    assert 'id="note-error"' in response.text
    assert (await Registration.get(login="k.wisniewska")).status == RequestStatus.PENDING


async def test_staff_search_finds_accounts_by_every_key(http: httpx.AsyncClient) -> None:
    await _sign_in_staff(http)
    meter = await _first_serial("100001")
    for query, number in [
        ("100003", "100003"),
        ("10000", "100001"),
        ("Wiśniewska", "100002"),
        (meter, "100001"),
        (INVOICE, "100002"),
    ]:
        page = await http.get("/obsluga", params={"q": query})
        assert page.status_code == 200
        assert f'href="/obsluga/konto/{number}"' in page.text, query
    nothing = await http.get("/obsluga", params={"q": "zzzz-nikt"})
    assert "Nie znaleziono konta" in nothing.text


async def _first_serial(number: str) -> str:
    from models.orm import Meter

    meter = await Meter.filter(contract__account__number=number).first()
    assert meter is not None
    return meter.serial_number


async def test_the_staff_account_view_shows_users_and_pending_requests(
    http: httpx.AsyncClient,
) -> None:
    await _register(http)
    http.cookies.clear()
    await _sign_in_staff(http)
    page = await http.get("/obsluga/konto/100002")
    assert page.status_code == 200
    assert "Wiśniewska" in page.text
    assert "k.wisniewska" in page.text  # the pending request
    jan = await http.get("/obsluga/konto/100001")
    assert "jan.kowalski" in jan.text
    assert (await http.get("/obsluga/konto/999999")).status_code == 404


async def test_the_audit_log_page_filters_and_shows_no_secret(http: httpx.AsyncClient) -> None:
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    http.cookies.clear()
    page = await http.get("/login")
    await http.post(
        "/login",
        data={"login": "jan.kowalski", "password": "Zle-Haslo-123", "csrf_token": _csrf(page.text)},
    )
    await _sign_in_staff(http)
    log = await http.get("/obsluga/dziennik")
    assert log.status_code == 200
    assert "SIGN_IN_FAILED" in log.text and "SIGN_IN" in log.text
    assert "Zle-Haslo-123" not in log.text and "Woda-Demo-2026!" not in log.text
    filtered = await http.get("/obsluga/dziennik", params={"akcja": "SIGN_IN_FAILED"})
    assert "SIGN_IN_FAILED" in filtered.text
    assert "<td>SIGN_IN</td>" not in filtered.text
    by_actor = await http.get("/obsluga/dziennik", params={"kto": "obsluga"})
    assert "<td>SIGN_IN_FAILED</td>" not in by_actor.text
    assert await AuditEntry.filter(action="SIGN_IN_FAILED").count() == 1


async def test_a_customer_asks_to_add_an_account_and_staff_approve_it(
    http: httpx.AsyncClient,
) -> None:
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    form = await http.get("/konta/dodaj")
    assert form.status_code == 200
    wrong = await http.post(
        "/konta/dodaj",
        data={"accountNumber": "100002", "invoiceNumber": "FV/1/1", "csrf_token": _csrf(form.text)},
    )
    assert wrong.status_code == 422 and "Nie możemy przyjąć zgłoszenia" in wrong.text
    sent = await http.post(
        "/konta/dodaj",
        data={"accountNumber": "100002", "invoiceNumber": INVOICE, "csrf_token": _csrf(form.text)},
    )
    assert sent.status_code == 303
    assert "Prośba wysłana" in (await http.get(sent.headers["location"])).text
    assert (await http.get("/konto?konto=100002")).status_code == 404
    http.cookies.clear()
    await _sign_in_staff(http)
    queue = await http.get("/obsluga/rejestracje")
    assert "Dodanie konta" in queue.text
    registration_id = re.search(r'name="id" value="([^"]+)"', queue.text).group(1)  # type: ignore[union-attr]
    await http.post(
        "/obsluga/rejestracje",
        data={"id": registration_id, "decision": "approve", "csrf_token": _csrf(queue.text)},
    )
    http.cookies.clear()
    await _sign_in(http, "jan.kowalski", "Woda-Demo-2026!")
    dashboard = await http.get("/konto?konto=100002")
    assert dashboard.status_code == 200
    assert "account-chooser" in dashboard.text
    assert await OutboxEmail.filter(subject__contains="100002 dodane").count() == 1

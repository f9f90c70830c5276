"""Registration and the staff back office in Chromium: the form with and without
JavaScript, then staff approving the request, each page checked by axe."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from models.clock import Clock
from models.rules.totp import totp_at
from tests.browser.conftest import format_violations

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]

INVOICE = "FV/2025/01/000002"
STAFF_SECRET = "JBSWY3DPEHPK3PXP"


async def _check(page: Page, axe_violations: Axe) -> None:
    await expect(page.locator("h1")).to_have_count(1)
    violations = await axe_violations(page)
    assert not violations, format_violations(violations)


async def test_the_registration_form_shows_errors_beside_the_fields(
    page_both: Page, axe_violations: Axe
) -> None:
    page = page_both
    await page.goto("/login")
    await page.get_by_role("link", name="Zarejestruj się w eBOK").click()
    await expect(page).to_have_url(re.compile(r"/rejestracja$"))
    await _check(page, axe_violations)
    await page.get_by_label("Numer klienta").fill("100002")
    await page.get_by_label("Numer jednej z Twoich faktur").fill("FV/1999/01/000001")
    await page.get_by_label("Adres e-mail").fill("katarzyna@example.com")
    await page.get_by_role("button", name="Wyślij zgłoszenie").click()
    await expect(page).to_have_title(re.compile("^Błąd:"))
    await expect(page.locator(".error-summary a[href='#login']")).to_have_text(
        "To pole jest wymagane."
    )
    await expect(page.locator("#login-error")).to_contain_text("To pole jest wymagane.")
    # What was typed stays in the form.
    await expect(page.get_by_label("Adres e-mail")).to_have_value("katarzyna@example.com")
    await _check(page, axe_violations)


async def test_register_then_staff_approve_in_the_back_office(
    page_nojs: Page, page_js: Page, axe_violations: Axe
) -> None:
    customer = page_nojs
    await customer.goto("/rejestracja")
    await customer.get_by_label("Numer klienta").fill("100002")
    await customer.get_by_label("Numer jednej z Twoich faktur").fill(INVOICE)
    await customer.get_by_label("Adres e-mail").fill("katarzyna@example.com")
    await customer.get_by_label("Login, którym będziesz się logować").fill("k.wisniewska")
    await customer.get_by_label("Akceptuję regulamin eBOK").check()
    await customer.get_by_label(re.compile("Zgadzam się na przetwarzanie")).check()
    await customer.get_by_role("button", name="Wyślij zgłoszenie").click()
    await expect(customer.locator("h1")).to_have_text("Zgłoszenie wysłane")
    await _check(customer, axe_violations)

    staff = page_js
    await staff.goto("/login")
    await staff.get_by_label("Login").fill("obsluga")
    await staff.get_by_label("Hasło").fill("Obsluga-Demo-2026!")
    # The next step's code: one a test signed in with moments ago cannot have used.
    await staff.get_by_label(re.compile("Kod jednorazowy")).fill(
        totp_at(STAFF_SECRET, Clock.real_now(), 1)
    )
    await staff.locator("main").get_by_role("button", name="Zaloguj się").click()
    await expect(staff).to_have_url(re.compile(r"/konto$"))
    await staff.goto("/obsluga")
    await expect(staff.locator("h1")).to_have_text("Panel obsługi")
    await _check(staff, axe_violations)
    await staff.get_by_label(re.compile("Numer klienta, nazwisko")).fill("Wiśniewska")
    await staff.get_by_role("button", name="Szukaj").click()
    await staff.get_by_role("link", name="100002").click()
    await expect(staff).to_have_url(re.compile(r"/obsluga/konto/100002$"))
    await expect(staff.locator("main")).to_contain_text("k.wisniewska")
    await _check(staff, axe_violations)

    await staff.goto("/obsluga/rejestracje")
    await _check(staff, axe_violations)
    request = staff.locator("section.staff-request", has_text="k.wisniewska")
    await request.get_by_role("button", name="Zatwierdź").click()
    await expect(staff.locator("[role=status]")).to_contain_text("100002")
    await expect(staff.locator("main")).not_to_contain_text("k.wisniewska")

    await staff.goto("/obsluga/dziennik")
    await expect(staff.locator("main")).to_contain_text("REGISTRATION_APPROVED")
    await _check(staff, axe_violations)
    await staff.get_by_label("Zdarzenie").select_option("REGISTRATION_APPROVED")
    await staff.get_by_role("button", name="Filtruj").click()
    await expect(staff.locator("tbody tr")).to_have_count(1)
    await _check(staff, axe_violations)

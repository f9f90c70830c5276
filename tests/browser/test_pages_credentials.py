"""The credential pages in Chromium: no axe violations (normal and high contrast), one
h1, reflow at 320 px, with JavaScript on and off; the forms' error states too.

The demo customer is left as found: a token made here is revoked, two-step sign-in
switched on here is switched off again with a recovery code.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from models.clock import Clock
from models.rules.totp import totp_at
from tests.browser.conftest import DEMO_PASSWORD, format_violations, sign_in

pytestmark = pytest.mark.browser

Axe = Callable[[Page], Awaitable[list[dict[str, Any]]]]
Check = Callable[[Page], Awaitable[int]]
Prefs = Callable[..., Awaitable[None]]
PASSWORD = DEMO_PASSWORD


async def _check(page: Page, axe: Axe, viewport_320: Check, set_preferences: Prefs) -> None:
    """One h1, no axe violations and reflow at 320 px, in normal and high contrast, on
    the page as it is now (a form's error state included: no reload)."""
    await expect(page.locator("h1")).to_have_count(1)
    for contrast in ("normal", "high"):
        await set_preferences(page, contrast=contrast)
        await page.evaluate(
            "c => document.documentElement.className = "
            "document.documentElement.className.replace(/contrast-\\w+/, 'contrast-' + c)",
            contrast,
        )
        violations = await axe(page)
        assert not violations, f"{page.url} ({contrast}):\n" + format_violations(violations)
        await viewport_320(page)
    await set_preferences(page, contrast="normal")


async def test_forgotten_password_pages(
    page_both: Page, axe_violations: Axe, viewport_320: Check, set_preferences: Prefs
) -> None:
    page = page_both
    await page.goto("/login")
    await page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    await expect(page).to_have_url(re.compile(r"/haslo/reset$"))
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_role("button", name="Wyślij link").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Błąd:"))
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Login lub adres e-mail").fill("nikt.taki")
    await page.get_by_role("button", name="Wyślij link").click()
    await expect(page.locator("h1")).to_have_text("Sprawdź pocztę")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.goto("/haslo/reset/" + "A" * 43)
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Nowe hasło").fill("pociąg do Gdyni o 7:15")
    await page.get_by_role("button", name="Ustaw nowe hasło").click()
    await expect(page.locator(".error-summary")).to_contain_text("Link wygasł")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.goto("/dane/email/" + "A" * 43)
    await _check(page, axe_violations, viewport_320, set_preferences)


async def test_own_data_password_login_and_e_mail_pages(
    page_both: Page,
    js_enabled: bool,
    axe_violations: Axe,
    viewport_320: Check,
    set_preferences: Prefs,
) -> None:
    page = page_both
    await sign_in(page)
    await page.get_by_role("link", name="Moje dane").click()
    await expect(page.locator("h1")).to_have_text("Moje dane logowania")
    await _check(page, axe_violations, viewport_320, set_preferences)

    await page.get_by_role("link", name="Zmień hasło").click()
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Obecne hasło").fill("nie to hasło")
    await page.get_by_label("Nowe hasło").fill("qwertyuiop123")
    if js_enabled:  # the length as one types; without JavaScript the hint says the rule
        await expect(page.locator("#newPassword-strength")).to_contain_text("Długość: 13")
    await page.get_by_role("button", name="Zapisz nowe hasło").click()
    await expect(page.locator("#currentPassword-error")).to_be_visible()
    await _check(page, axe_violations, viewport_320, set_preferences)

    await page.goto("/dane/login")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Nowy login").fill("wspolnota.lipowa")
    await page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Zmień login").click()
    await expect(page.locator("#newLogin-error")).to_contain_text("zajęty")
    await _check(page, axe_violations, viewport_320, set_preferences)

    await page.goto("/dane/email")
    await page.get_by_label("Nowy adres e-mail").fill("to nie adres")
    await page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Wyślij link potwierdzający").click()
    await expect(page.locator("#newEmail-error")).to_be_visible()
    await _check(page, axe_violations, viewport_320, set_preferences)

    await page.goto("/regulamin/akceptacja")
    await _check(page, axe_violations, viewport_320, set_preferences)


async def test_two_step_pages_from_qr_code_to_recovery_codes_and_off_again(
    page_nojs: Page, axe_violations: Axe, viewport_320: Check, set_preferences: Prefs
) -> None:
    page = page_nojs
    await sign_in(page)
    await page.goto("/dane/dwuetapowe")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_role("button", name="Włącz logowanie dwuetapowe").click()
    await expect(page.locator("figure.qr svg")).to_be_visible()
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Sześciocyfrowy kod").fill("12")
    await page.get_by_role("button", name="Włącz logowanie dwuetapowe").click()
    await expect(page.locator("#code-error")).to_be_visible()
    await _check(page, axe_violations, viewport_320, set_preferences)
    secret = (await page.locator("#klucz").inner_text()).replace(" ", "")
    await page.get_by_label("Sześciocyfrowy kod").fill(totp_at(secret, Clock.real_now()))
    await page.get_by_role("button", name="Włącz logowanie dwuetapowe").click()
    await expect(page.locator("h1")).to_have_text("Zapisz kody odzyskiwania")
    codes = await page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.goto("/dane/dwuetapowe")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    await page.get_by_label("Kod z aplikacji albo kod odzyskiwania").fill(codes[0])
    await page.get_by_role("button", name="Wyłącz logowanie dwuetapowe").click()
    await expect(page.locator(".notice")).to_contain_text("wyłączone")


async def test_tokens_page_creates_shows_once_and_revokes(
    page_both: Page, axe_violations: Axe, viewport_320: Check, set_preferences: Prefs
) -> None:
    page = page_both
    await sign_in(page)
    await page.goto("/tokeny")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_role("button", name="Utwórz token").click()
    await expect(page.locator("#name-error")).to_be_visible()
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_label("Nazwa").fill("Przeglądarka")
    await page.get_by_role("button", name="Utwórz token").click()
    await expect(page.locator("#nowy-token")).to_contain_text("ebok_pt_")
    await _check(page, axe_violations, viewport_320, set_preferences)
    await page.get_by_role("button", name="Unieważnij Przeglądarka").click()
    await expect(page.locator(".notice")).to_contain_text("unieważniony")
    await expect(page.get_by_role("button", name="Unieważnij Przeglądarka")).to_have_count(0)

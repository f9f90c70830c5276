"""Security measures as a browser meets them: htmx sends the CSRF header."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser


async def test_htmx_requests_carry_the_current_csrf_token(page_js: Page) -> None:
    page = page_js
    await page.goto("/login")
    anonymous = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert anonymous
    await page.get_by_label("Login").fill("jan.kowalski")
    await page.get_by_label("Hasło").fill("Woda-Demo-2026!")
    # A boosted sign-in swaps <body> only; the token in <head> must follow the session.
    await page.locator("main").get_by_role("button", name="Zaloguj się").click()
    await expect(page).to_have_url(re.compile(r"/konto$"))
    form_token = page.locator(".site-header__signout input[name=csrf_token]")
    session_token = await form_token.get_attribute("value")
    assert session_token and session_token != anonymous

    async with page.expect_request(re.compile(r"/ustawienia/kontrast/")) as sent:
        await page.get_by_role("link", name="Kontrast wysoki").click()
    request = await sent.value
    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("x-csrf-token") == session_token

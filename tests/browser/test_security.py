"""Security measures as a browser meets them: htmx and GraphiQL send the CSRF header."""

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


async def test_graphiql_renders_from_own_files_and_queries_with_the_session(
    page_js: Page, live_server: str
) -> None:
    page = page_js
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server) else elsewhere.append(request.url)
        ),
    )
    await page.goto("/login")
    await page.get_by_label("Login").fill("jan.kowalski")
    await page.get_by_label("Hasło").fill("Woda-Demo-2026!")
    await page.locator("main").get_by_role("button", name="Zaloguj się").click()
    await expect(page).to_have_url(re.compile(r"/konto$"))

    # GraphiQL keeps the query in localStorage: start it with ours.
    await page.add_init_script("window.localStorage.setItem('graphiql:query', '{ me { login } }')")
    response = await page.goto("/graphql")
    assert response is not None and response.status == 200
    await expect(page.locator(".graphiql-container")).to_be_visible()
    # The answer needs the session's X-CSRF-Token, which the page's fetcher sends.
    await page.locator(".graphiql-execute-button").click()
    await expect(page.locator(".result-window")).to_contain_text("jan.kowalski")
    assert elsewhere == []

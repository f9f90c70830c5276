"""The e-mail layout as a mail client shows it: axe finds nothing, and it reflows at 320 px."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from models.services.outbox import render_email
from tests.browser.conftest import format_violations

pytestmark = pytest.mark.browser


async def test_the_email_layout_is_accessible_and_fits_a_phone(
    browser: Browser,
    axe_violations: Callable[[Page], Awaitable[list[dict[str, Any]]]],
    viewport_320: Callable[[Page], Awaitable[int]],
) -> None:
    _, _, html = render_email("mail_check", {"requested_at": "21.11.2026 o 10:00"})
    assert html is not None
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.set_content(html)
        assert await page.locator("html").get_attribute("lang") == "pl"
        assert await page.locator("h1").count() == 1
        assert await page.locator("script, img, link[rel=stylesheet]").count() == 0
        violations = await axe_violations(page)
        assert violations == [], format_violations(violations)
        await viewport_320(page)
    finally:
        await context.close()

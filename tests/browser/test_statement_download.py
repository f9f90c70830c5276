"""The statement downloaded from /saldo in Chromium, with JavaScript on and off: the
form's range becomes the file's, and the page with the form stays axe-clean."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_no_violations, sign_in

pytestmark = pytest.mark.browser


async def test_the_csv_is_downloaded_for_the_range_typed_into_the_form(
    page_both: Page, tmp_path: Path
) -> None:
    page = page_both
    await sign_in(page)
    await page.goto("/saldo")
    form = page.locator("#saldo-pobierz")
    await form.get_by_label("Początek okresu").fill("2026-03-01")
    await form.get_by_label("Koniec okresu").fill("2026-10-31")
    async with page.expect_download() as download_info:
        await form.get_by_role("button", name="Pobierz CSV").click()
    download = await download_info.value
    assert download.suggested_filename == "saldo-100001-2026-03-01-2026-10-31.csv"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    text = saved.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1][:2] == ["2026-02-28", "Saldo początkowe"]
    assert rows[-1][:2] == ["2026-10-31", "Saldo końcowe"]
    # The PDF button sends the same fields elsewhere, with no script needed.
    await expect(form.get_by_role("button", name="Pobierz PDF")).to_have_attribute(
        "formaction", "/saldo.pdf"
    )


async def test_the_saldo_page_with_the_download_form_passes_axe(
    page_js: Page, axe_violations: Any, set_preferences: Any
) -> None:
    await sign_in(page_js)
    await page_js.goto("/saldo?od=2026-01-01&do=2026-11-21")
    await expect(page_js.locator("#saldo-pobierz")).to_be_visible()
    await assert_no_violations(page_js, axe_violations, set_preferences)

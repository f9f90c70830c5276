"""/wiadomosci and /obsluga/wiadomosci in Chromium, JavaScript on and off: a customer
sends a complaint with a photo (after an error), staff answer it from the inbox, and
axe finds nothing on any of the pages, in either contrast."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from models.clock import Clock
from models.rules.totp import totp_at
from tests.browser.conftest import (
    CLOCK,
    AxeCheck,
    ConsoleErrors,
    _new_page,
    assert_no_violations,
    sign_in,
)
from tests.servers import running_server

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 2000


@pytest.fixture(scope="module")
def messages_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("messages_server")
    with running_server(workdir, env={"EBOK_CLOCK": CLOCK}) as base_url:
        yield base_url


@pytest.fixture
async def page(
    browser: Browser, messages_server: str, console_errors: ConsoleErrors, js_enabled: bool
) -> AsyncIterator[Page]:
    context, page = await _new_page(browser, messages_server, console_errors, js=js_enabled)
    yield page
    await context.close()


async def test_a_complaint_with_a_photo_answered_by_staff(
    page: Page,
    js_enabled: bool,
    axe_violations: AxeCheck,
    set_preferences: Any,
    tmp_path: Path,
) -> None:
    subject = f"Wyciek przy liczniku ({'js' if js_enabled else 'bez js'})"
    await sign_in(page)
    await page.goto("/wiadomosci")
    main = page.locator("main")
    await expect(page.locator("h1")).to_have_text("Wiadomości")
    await assert_no_violations(page, axe_violations, set_preferences)

    await main.get_by_label("Rodzaj sprawy").select_option("COMPLAINT")
    await main.get_by_label("Temat").fill(subject)
    await main.get_by_role("button", name="Wyślij wiadomość").click()
    await expect(page.locator("#body-error")).to_be_visible()
    await expect(main.get_by_label("Temat")).to_have_value(subject)
    violations = await axe_violations(page)
    assert not violations, violations

    photo = tmp_path / "licznik.png"
    photo.write_bytes(PNG)
    await main.get_by_label("Treść").fill("Pod licznikiem stoi woda.\n<b>Proszę o kontakt.</b>")
    await main.get_by_label(re.compile("Załączniki")).set_input_files(str(photo))
    await main.get_by_role("button", name="Wyślij wiadomość").click()
    await expect(page.locator("h1")).to_have_text(subject)
    await expect(main.get_by_role("status")).to_contain_text(re.compile(r"W/\d{4}/\d{6}"))
    await expect(main).to_contain_text("<b>Proszę o kontakt.</b>")
    await expect(main.get_by_role("link", name="Pobierz załącznik licznik.png")).to_be_visible()
    thread_url = page.url.split("?")[0]
    await assert_no_violations(page, axe_violations, set_preferences)

    # Staff, in a second sign-in on the same browser page (a code is accepted once).
    await page.context.clear_cookies()
    code = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now(), offset_steps=0 if js_enabled else 1)
    await sign_in(page, "obsluga", "Obsluga-Demo-2026!", code)
    await page.goto("/obsluga/wiadomosci")
    await expect(page.locator("h1")).to_have_text("Wiadomości od klientów")
    await assert_no_violations(page, axe_violations, set_preferences)
    await main.get_by_role("link", name=subject).click()
    await expect(page.locator("h1")).to_contain_text(subject)
    await assert_no_violations(page, axe_violations, set_preferences)
    await main.get_by_label("Treść odpowiedzi").fill("Wyślemy montera jutro.")
    await main.get_by_role("button", name="Wyślij odpowiedź").click()
    await expect(main.get_by_role("status")).to_contain_text("Odpowiedź wysłana")
    await expect(main).to_contain_text("Wyślemy montera jutro.")

    await page.context.clear_cookies()
    await sign_in(page)
    await page.goto(thread_url)
    await expect(main).to_contain_text("Wyślemy montera jutro.")
    await expect(main).to_contain_text("Z odpowiedzią")

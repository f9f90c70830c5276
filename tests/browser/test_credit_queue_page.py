"""The queue of unmatched bank credits in a browser, with JavaScript and without: axe
finds nothing on the queue, on a refused assignment or on the account's payments, and
a credit is assigned and given back (plain form posts without JavaScript).

Its own demo server: the credits are written into its database, as the statement
import leaves them, and assigning them must not pay the invoices other page tests
expect unpaid."""

from __future__ import annotations

import sqlite3
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


def _add_unmatched_credits(database: Path) -> None:
    """A statement with two credits no account was found for (dates stored as the
    server stores its own payments')."""
    with sqlite3.connect(database) as db:
        created_at, booked_on = db.execute(
            "SELECT created_at, booked_on FROM payments WHERE booked_on IS NOT NULL LIMIT 1"
        ).fetchone()
        db.execute(
            "INSERT INTO bank_statements"
            " (filename, sha256, format, imported_at, transactions, credits)"
            " VALUES ('wyciag-listopad.sta', ?, 'MT940', ?, 2, 2)",
            ("ab" * 32, created_at),
        )
        statement_id = db.execute("SELECT max(id) FROM bank_statements").fetchone()[0]
        for amount, reference, title in (
            ("85.40", "BRW-UNMATCHED-1", "WODA LISTOPAD"),
            ("120.00", "BRW-UNMATCHED-2", "OPLATA ZA MIESZKANIE 7"),
        ):
            db.execute(
                "INSERT INTO payments (account_id, amount, method, status, created_at, booked_on,"
                " reference, title, payer_name, payer_account, statement_id)"
                " VALUES (NULL, ?, 'BANK_TRANSFER', 'COMPLETED', ?, ?, ?, ?,"
                " 'ANNA NOWAK', 'PL61109010140000071219812874', ?)",
                (amount, created_at, booked_on, reference, title, statement_id),
            )


@pytest.fixture(scope="module")
def queue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("credit_queue_server")
    with running_server(workdir, env={"EBOK_CLOCK": CLOCK}) as base_url:
        _add_unmatched_credits(workdir / "ebok.sqlite3")
        yield base_url


@pytest.fixture
async def page(
    browser: Browser, queue_server: str, console_errors: ConsoleErrors, js_enabled: bool
) -> AsyncIterator[Page]:
    context, page = await _new_page(browser, queue_server, console_errors, js=js_enabled)
    yield page
    await context.close()


async def test_staff_assign_and_reverse_a_credit(
    page: Page, js_enabled: bool, axe_violations: AxeCheck, set_preferences: Any
) -> None:
    # A code is accepted once: the second run uses the next one (within the allowed drift).
    code = totp_at("JBSWY3DPEHPK3PXP", Clock.real_now(), offset_steps=0 if js_enabled else 1)
    await sign_in(page, "obsluga", "Obsluga-Demo-2026!", code)
    main = page.locator("main")
    await page.goto("/obsluga")
    await main.get_by_role("link", name="Wpływy z wyciągów do przypisania").click()
    await expect(page.locator("h1")).to_have_text("Wpływy do przypisania")
    await expect(main.locator("tbody tr")).to_have_count(2)
    await assert_no_violations(page, axe_violations, set_preferences)

    first = main.locator("tbody tr").first
    await first.get_by_label("Numer klienta").fill("999999")
    await first.get_by_role("button", name="Przypisz").click()
    await expect(main.locator("#accountNumber-error")).to_contain_text("Nie ma konta o numerze")
    await assert_no_violations(page, axe_violations, set_preferences)

    first = main.locator("tbody tr").first
    await first.get_by_label("Numer klienta").fill("100002")
    await first.get_by_role("button", name="Przypisz").click()
    await expect(main.get_by_role("status")).to_contain_text("przypisany do konta 100002")
    await expect(main.locator("tbody tr")).to_have_count(1)

    await main.get_by_role("link", name="Zobacz wpłaty konta").click()
    payments = main.locator("section[aria-labelledby='wplaty']")
    await expect(payments).to_contain_text("85,40")
    await assert_no_violations(page, axe_violations, set_preferences)
    await payments.get_by_role("button", name="Cofnij przypisanie").click()
    await expect(main.locator("#reason-error")).to_contain_text("Podaj powód")
    await payments.get_by_label("Powód cofnięcia (trafi do dziennika zdarzeń)").fill(
        "wpłata innego klienta"
    )
    await payments.get_by_role("button", name="Cofnij przypisanie").click()
    await expect(main.get_by_role("status")).to_contain_text("Przypisanie wpływu cofnięte")
    await page.goto("/obsluga/wyciagi/do-przypisania")
    await expect(main.locator("tbody tr")).to_have_count(2)

"""The billing run, as properties: whatever chunk a crash interrupts, completing the
run afterwards issues exactly what one uninterrupted run issues (numbers included,
nothing twice, no gap), and a further run issues nothing."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models.clock import WARSAW, Clock
from models.enums import ReadingSource
from models.orm import Account, Invoice, InvoiceLine, Meter, Reading
from models.services import billing
from models.services.billing import run_billing
from models.services.demo import seed_demo
from models.services.figures import check_figures
from models.settings import UtilitySettings
from tests.conftest import _empty_all_tables

pytestmark = pytest.mark.usefixtures("db")

DECEMBER = date(2026, 12, 1)
RUN_DAY = Clock(datetime(2027, 1, 5, 6, tzinfo=WARSAW), frozen=True)
SEEDED_ON = Clock(datetime(2026, 11, 21, 10, tzinfo=WARSAW), frozen=True)


class ServerWentDown(RuntimeError):
    pass


async def _fresh_demo(database_kind: str, collector_m3: int | None) -> None:
    """The demo as seeded, with the community's collector reading at the end of
    December when `collector_m3` is given (else December is estimated)."""
    await _empty_all_tables(database_kind)
    assert await seed_demo(SEEDED_ON, UtilitySettings())
    if collector_m3 is None:
        return
    account = await Account.get(number="100003")
    meter = await Meter.filter(contract__account=account, is_main=True).first()
    assert meter is not None
    last = await Reading.filter(meter=meter).order_by("-read_on").first()
    assert last is not None
    await Reading.create(
        meter=meter,
        value=(last.value + Decimal(collector_m3)) % 10**meter.digits,
        read_on=date(2026, 12, 30),
        source=ReadingSource.COLLECTOR,
        submitted_at=SEEDED_ON.now(),
    )


async def _issued() -> list[tuple[Any, ...]]:
    """Every document the run issued, as a customer and the tax office would see it."""
    documents = []
    for invoice in await Invoice.filter(issued_on=RUN_DAY.today()).order_by("number"):
        lines = await InvoiceLine.filter(invoice_id=invoice.id).order_by("id")
        documents.append(
            (
                invoice.number,
                invoice.account_id,
                invoice.kind,
                invoice.period_from,
                invoice.period_to,
                invoice.gross,
                tuple((line.service, line.quantity, line.gross) for line in lines),
            )
        )
    return documents


@settings(
    deadline=None,
    max_examples=6,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    crash_at=st.integers(min_value=0, max_value=3),
    collector_m3=st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
)
# Nothing used in December after an estimated November: the correction is a credit note.
@example(crash_at=0, collector_m3=0)
async def test_a_crash_anywhere_then_completion_equals_one_clean_run(
    db: str, database_kind: str, crash_at: int, collector_m3: int | None
) -> None:
    await _fresh_demo(database_kind, collector_m3)
    with patch.object(billing, "CHUNK", 1):  # one account per chunk, as with the crash
        clean = await run_billing(DECEMBER, RUN_DAY)
    expected = await _issued()
    assert clean.issued == len(expected) > 0

    await _fresh_demo(database_kind, collector_m3)
    real = billing._write_documents
    calls = 0

    async def crashing(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        await real(*args, **kwargs)  # the chunk's documents are written...
        if calls == crash_at + 1:
            raise ServerWentDown  # ...and the server goes down before it commits

    with (
        patch.object(billing, "CHUNK", 1),
        patch.object(billing, "_write_documents", crashing),
        contextlib.suppress(ServerWentDown),
    ):
        await run_billing(DECEMBER, RUN_DAY)
    half = await _issued()
    assert half == expected[: len(half)], "what was issued before the crash stays as it is"
    assert await check_figures() == []

    with patch.object(billing, "CHUNK", 1):
        await run_billing(DECEMBER, RUN_DAY)
        again = await run_billing(DECEMBER, RUN_DAY)
    assert await _issued() == expected
    assert again.issued == 0
    assert await check_figures() == []

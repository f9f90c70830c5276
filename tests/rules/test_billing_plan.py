"""The billing run's decisions for one account, replayed month by month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from models.rules.billing import invoice_totals
from models.rules.billing_plan import (
    AccountPlan,
    AccountState,
    BilledEstimate,
    MeterReading,
    MeterState,
    may_be_due,
    next_period,
    plan_account,
    plan_due,
)
from models.rules.reading_window import add_months, month_end
from models.rules.tariff import TariffRates

D = Decimal
TARIFFS = [
    TariffRates(date(2020, 1, 1), date(2025, 6, 30), D("5.00"), D("6.00"), D("3.00"), D("8")),
    TariffRates(date(2025, 7, 1), None, D("5.50"), D("6.40"), D("3.20"), D("8")),
]
SERVICES = frozenset({"WATER", "SEWAGE", "SUBSCRIPTION"})
START = date(2024, 12, 31)


@dataclass
class Ledger:
    """Applies plans the way the billing service stores them."""

    digits: int
    cycle: int
    readings: list[MeterReading] = field(default_factory=list)
    next_from: date | None = None
    billed_reading_id: int | None = None
    estimates: list[BilledEstimate] = field(default_factory=list)
    documents: list = field(default_factory=list)
    next_id: int = 1

    def read(self, day: date, value: Decimal, source: str = "CUSTOMER") -> MeterReading:
        reading = MeterReading(self.next_id, day, value, source)
        self.next_id += 1
        self.readings.append(reading)
        self.readings.sort(key=lambda r: (r.read_on, r.id))
        return reading

    def state(self) -> AccountState:
        meter = MeterState(
            id=1,
            digits=self.digits,
            installed_on=date(2020, 1, 1),
            removed_on=None,
            readings=tuple(self.readings),
            billed_reading_id=self.billed_reading_id,
        )
        return AccountState(
            1, self.cycle, SERVICES, (meter,), self.next_from, tuple(self.estimates)
        )

    def apply(self, plan: AccountPlan) -> None:
        """Store the plan as the billing service does: provisional ids become real."""
        stored: dict[int, int] = {}
        for planned in plan.estimated_readings:
            stored[planned.id] = self.read(planned.read_on, planned.value, "ESTIMATED").id
        for document in plan.documents:
            invoice_id = len(self.documents) + 1
            self.documents.append(document)
            if document.kind == "CORRECTION":
                self.estimates = [e for e in self.estimates if e.invoice_id != document.corrects_id]
                continue
            self.next_from = document.period_to + timedelta(days=1)
            ((_, closing),) = document.closings
            self.billed_reading_id = stored.get(closing, closing)
            if closing in stored:
                self.estimates.append(
                    BilledEstimate(
                        stored[closing], invoice_id, document.period_from, document.period_to,
                        document.volume,
                    )
                )  # fmt: skip


def _months(first: date, count: int) -> list[date]:
    return [add_months(first, i) for i in range(count)]


def test_a_monthly_account_is_billed_from_its_readings_then_not_again() -> None:
    ledger = Ledger(digits=5, cycle=1)
    ledger.read(START, D("100"), "COLLECTOR")
    ledger.read(date(2025, 1, 28), D("112.500"))
    plan = plan_account(ledger.state(), date(2025, 1, 1), TARIFFS)
    assert plan is not None and plan.estimated_readings == []
    (invoice,) = plan.documents
    assert (invoice.period_from, invoice.period_to) == (date(2025, 1, 1), date(2025, 1, 31))
    assert invoice.volume == D("12.500")
    water = next(line for line in invoice.lines if line.service == "WATER")
    assert water.quantity == D("12.500") and not water.estimated
    ledger.apply(plan)
    assert plan_account(ledger.state(), date(2025, 1, 1), TARIFFS) is None, "issued once"


def test_a_bimonthly_period_waits_for_its_second_month_and_splits_at_a_tariff_change() -> None:
    ledger = Ledger(digits=5, cycle=2)
    ledger.read(date(2025, 4, 30), D("0"), "COLLECTOR")
    ledger.read(date(2025, 6, 27), D("20.000"))
    ledger.read(date(2025, 8, 26), D("40.000"))
    assert plan_account(ledger.state(), date(2025, 5, 1), TARIFFS) is None
    first = plan_account(ledger.state(), date(2025, 6, 1), TARIFFS)
    assert first is not None
    ledger.apply(first)
    second = plan_account(ledger.state(), date(2025, 8, 1), TARIFFS)
    assert second is not None
    invoice = second.documents[0]
    assert (invoice.period_from, invoice.period_to) == (date(2025, 7, 1), date(2025, 8, 31))
    assert invoice.volume == D("20.000")


def test_a_period_without_a_reading_is_estimated_and_the_next_reading_corrects_it() -> None:
    ledger = Ledger(digits=5, cycle=1)
    ledger.read(START, D("0"), "COLLECTOR")
    for month, value in ((1, "31"), (2, "59"), (3, "90")):
        ledger.read(month_end(date(2025, month, 1)), D(value))
        plan = plan_account(ledger.state(), date(2025, month, 1), TARIFFS)
        assert plan is not None
        ledger.apply(plan)
    # April: no reading, the average daily use (1 m³) estimates it.
    april = plan_account(ledger.state(), date(2025, 4, 1), TARIFFS)
    assert april is not None and len(april.estimated_readings) == 1
    assert april.documents[0].volume == D("30.000")
    assert all(line.estimated for line in april.documents[0].lines if line.unit == "M3")
    ledger.apply(april)
    # May's reading shows 80 m³ used in April and May together: April gets corrected.
    ledger.read(date(2025, 5, 31), D("170"))
    may = plan_account(ledger.state(), date(2025, 5, 1), TARIFFS)
    assert may is not None
    invoice, correction = may.documents
    assert correction.kind == "CORRECTION" and correction.corrects_id == 4
    assert invoice.volume + correction.volume + D("30.000") == D("80.000")
    assert correction.volume > 0


@st.composite
def histories(draw):  # type: ignore[no-untyped-def]
    cycle = draw(st.sampled_from([1, 2]))
    months = draw(st.integers(min_value=4, max_value=14))
    daily = draw(st.lists(st.decimals("0.05", "3", places=3), min_size=months, max_size=months))
    missing = draw(st.sets(st.integers(0, months - 1), max_size=months // 2))
    # Five digits wrap at 100,000 m³; four at 10,000, within the history's reach.
    digits = draw(st.sampled_from([4, 5]))
    return cycle, months, daily, missing, digits


@settings(max_examples=80, deadline=None)
@given(histories())
def test_estimates_plus_corrections_add_up_to_what_the_meter_measured(history) -> None:  # type: ignore[no-untyped-def]
    cycle, months, daily, missing, digits = history
    ledger = Ledger(digits=digits, cycle=cycle)
    ledger.read(START, D("0"), "COLLECTOR")
    register = D(0)
    measured: dict[int, Decimal] = {}  # actual reading id -> m³ since the opening reading
    checked = {"corrections": 0}
    for index, month in enumerate(_months(date(2025, 1, 1), months)):
        end = month_end(month)
        register += daily[index] * end.day
        if index not in missing:
            reading = ledger.read(end, register % (10**digits))
            measured[reading.id] = register
        plans = plan_due(ledger.state(), month, TARIFFS)
        if not plans:
            assert next_period(ledger.state())[1] > end
            continue
        (plan,) = plans  # run every month: one period at most is due
        for document in plan.documents:
            totals = invoice_totals(document.lines)
            assert totals.gross == sum((line.gross for line in document.lines), D(0))
        ledger.apply(plan)
        assert plan_due(ledger.state(), month, TARIFFS) == [], "a second run issues nothing"
        corrected = any(d.kind == "CORRECTION" for d in plan.documents)
        checked["corrections"] += corrected
        if ledger.billed_reading_id in measured:
            # Closed by an actual reading: the invoices and corrections bill exactly
            # what the meter measured, so no estimate's miss is left uncorrected (one
            # that was exactly right needs no correction and gets none).
            billed = sum((d.volume for d in ledger.documents), D(0))
            assert billed == measured[ledger.billed_reading_id]


def test_a_run_catches_up_on_every_period_a_missed_run_left() -> None:
    ledger = Ledger(digits=5, cycle=1)
    ledger.read(START, D("0"), "COLLECTOR")
    ledger.read(date(2025, 1, 30), D("30"))
    ledger.read(date(2025, 3, 29), D("95"))
    plans = plan_due(ledger.state(), date(2025, 3, 1), TARIFFS)
    # January read, February estimated, March read and February corrected.
    assert [p.documents[0].period_to for p in plans] == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
    ]  # fmt: skip
    assert [len(p.estimated_readings) for p in plans] == [0, 1, 0]
    march = plans[2].documents
    assert [d.kind for d in march] == ["INVOICE", "CORRECTION"]
    assert march[1].corrects_id == plans[1].documents[0].id, "a provisional id of this run"
    assert sum(d.volume for p in plans for d in p.documents) == D("95.000")


@settings(deadline=None)
@given(
    last_end=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    cycle=st.sampled_from([1, 2]),
    run_month=st.dates(date(2020, 1, 1), date(2031, 12, 31)).map(lambda d: d.replace(day=1)),
    readings=st.lists(st.integers(0, 400), min_size=1, max_size=4),
)
def test_an_account_the_run_skips_has_nothing_due(
    last_end: date, cycle: int, run_month: date, readings: list[int]
) -> None:
    """The run reads the history only of accounts `may_be_due` lets through: whatever
    the readings, an account it stops would have had no period planned."""
    ledger = Ledger(digits=5, cycle=cycle, next_from=last_end + timedelta(days=1))
    for step, used in enumerate(sorted(readings)):
        ledger.read(last_end + timedelta(days=20 * step), D(used))
    if not may_be_due(ledger.next_from, cycle, run_month):
        assert plan_due(ledger.state(), run_month, TARIFFS) == []
    else:
        assert next_period(ledger.state())[1] <= month_end(run_month)

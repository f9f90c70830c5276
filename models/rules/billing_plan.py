"""What the billing run issues for one account: the decision, without any I/O.

An account is billed period after period, each starting the day after the last one
billed (the first the day after the meters' opening readings) and ending at the end
of its last month: one month for monthly billing, two for bimonthly. In the run for
month P an account is due when its next period ends no later than P's last day, so
a run repeated issues nothing new and a run for a later month catches up.

For each counted meter (the main meter of a housing community, every meter of
anyone else) the period runs from the reading that closed the last period to the
newest actual reading within it; without one, the meter is estimated on the
period's last day (models/rules/estimates.py). When an actual reading follows
estimated ones, each estimated period gets a correction for the volume its
estimate missed, and the new period starts from the interpolated actual register:
estimates plus corrections add up to what the meters measured.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import count

from models.rules.billing import (
    ALL_SERVICES,
    LineDraft,
    bill_period,
    correction_lines,
)
from models.rules.estimates import (
    RegisterPoint,
    average_daily_use,
    estimated_register,
    interpolated_registers,
)
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.rollover import consumption_between
from models.rules.tariff import TariffRates

__all__ = [
    "AccountPlan",
    "AccountState",
    "BilledEstimate",
    "MeterReading",
    "MeterState",
    "PlannedDocument",
    "PlannedReading",
    "advance",
    "next_period",
    "plan_account",
    "plan_due",
]

ESTIMATED = "ESTIMATED"
# A run catches up at most this many periods of one account (ten years of months).
MAX_PERIODS_PER_RUN = 120
_ONE_DAY = timedelta(days=1)
_ZERO = Decimal("0.000")


@dataclass(frozen=True)
class MeterReading:
    id: int
    read_on: date
    value: Decimal
    source: str

    @property
    def estimated(self) -> bool:
        return self.source == ESTIMATED

    @property
    def point(self) -> RegisterPoint:
        return RegisterPoint(self.read_on, self.value)


@dataclass(frozen=True)
class BilledEstimate:
    """An estimated reading that closed an issued invoice not yet corrected."""

    reading_id: int
    invoice_id: int
    period_from: date
    period_to: date
    invoice_volume: Decimal
    # The volume its sewage lines billed (less than the water when some water is
    # supplied under a contract without sewage, e.g. a garden's).
    invoice_sewage_volume: Decimal | None = None

    @property
    def sewage_volume(self) -> Decimal:
        return (
            self.invoice_volume
            if self.invoice_sewage_volume is None
            else self.invoice_sewage_volume
        )


@dataclass(frozen=True)
class MeterState:
    id: int
    digits: int
    installed_on: date
    removed_on: date | None
    # The meter's readings, oldest first (at least those from a year before the
    # reading that closed the last period).
    readings: tuple[MeterReading, ...]
    # The reading that closed the account's last period (None before the first).
    billed_reading_id: int | None = None
    # The services of the meter's contract: its water is billed as sewage only when
    # the contract includes sewage collection.
    services: frozenset[str] = ALL_SERVICES


@dataclass(frozen=True)
class AccountState:
    account_id: int
    cycle_months: int
    services: frozenset[str]
    meters: tuple[MeterState, ...]
    # The day after the last period billed (None before the first invoice).
    next_from: date | None
    # Estimated readings that closed invoices still waiting for their correction.
    estimates: tuple[BilledEstimate, ...] = ()


@dataclass(frozen=True)
class PlannedReading:
    """An estimated reading to store on the period's last day. Its `id` is provisional
    (negative) until stored: later periods of the same run refer to it by that id."""

    id: int
    meter_id: int
    read_on: date
    value: Decimal


@dataclass(frozen=True)
class PlannedDocument:
    """An invoice or correction to issue. `id` is provisional (negative); `readings`
    and `corrects_id` hold stored ids, or provisional ones of this run's plans."""

    id: int
    kind: str  # "INVOICE" or "CORRECTION"
    period_from: date
    period_to: date
    lines: list[LineDraft]
    readings: list[int]
    billing_key: str
    corrects_id: int | None = None
    volume: Decimal = _ZERO  # of water: what the meters measured (or the estimate said)
    sewage_volume: Decimal = _ZERO  # billed as sewage
    # An invoice's closing reading of each meter: where the next period starts.
    closings: tuple[tuple[int, int], ...] = ()


@dataclass
class AccountPlan:
    estimated_readings: list[PlannedReading] = field(default_factory=list)
    documents: list[PlannedDocument] = field(default_factory=list)


@dataclass(frozen=True)
class _MeterOutcome:
    meter_id: int
    sewage: bool
    volume: Decimal
    estimated: bool
    start: int
    closing: int
    # (invoice, estimated volume, actual volume) for each corrected invoice.
    corrections: list[tuple[BilledEstimate, Decimal, Decimal]]


def next_period(state: AccountState) -> tuple[date, date] | None:
    """The next period to bill: from the day after the last one (or after the opening
    readings) to the end of its last month. None when no meter has any reading."""
    start = state.next_from
    if start is None:
        openings = [m.readings[0].read_on for m in state.meters if m.readings]
        if not openings:
            return None
        start = max(openings) + _ONE_DAY
    return start, period_end(start, state.cycle_months)


@lru_cache(maxsize=4096)
def period_end(start: date, cycle_months: int) -> date:
    """The last day of a period starting `start`: the end of its last month."""
    return month_end(add_months(month_start(start), cycle_months - 1))


def may_be_due(next_from: date | None, cycle_months: int, run_month: date) -> bool:
    """Whether an account may have a period due by the end of `run_month`: one never
    billed may (its readings decide); one billed is due once its next period ends by
    then. A run reads the history of these accounts only."""
    return next_from is None or period_end(next_from, cycle_months) <= month_end(run_month)


def plan_due(
    state: AccountState,
    run_month: date,
    tariffs: Sequence[TariffRates],
    ids: Iterator[int] | None = None,
) -> list[AccountPlan]:
    """Every period of the account due by the end of `run_month`, oldest first: a run
    catches up on periods a missed run left, and a run repeated finds nothing due."""
    ids = ids or count(-1, -1)
    plans: list[AccountPlan] = []
    while len(plans) < MAX_PERIODS_PER_RUN:
        plan = plan_account(state, run_month, tariffs, ids)
        if plan is None:
            break
        plans.append(plan)
        billed_to = next(d.period_to for d in plan.documents if d.kind == "INVOICE")
        if not may_be_due(billed_to + _ONE_DAY, state.cycle_months, run_month):
            break  # the usual case: no state to advance, no next period to try
        state = advance(state, plan)
    return plans


def plan_account(
    state: AccountState,
    run_month: date,
    tariffs: Sequence[TariffRates],
    ids: Iterator[int] | None = None,
) -> AccountPlan | None:
    """The documents of the account's next period, if it ends by the end of
    `run_month`; None when it is not due or there is nothing to bill from."""
    ids = ids or count(-1, -1)
    period = next_period(state)
    if period is None or period[1] > month_end(run_month):
        return None
    period_from, period_to = period
    plan = AccountPlan()
    outcomes = [
        _meter_outcome(meter, state, period_from, period_to, plan, ids)
        for meter in state.meters
        if _active(meter, period_from, period_to) and meter.readings
    ]
    if not outcomes:
        return None
    plan.documents += _corrections(outcomes, state, tariffs, ids)
    volume = sum((o.volume for o in outcomes), _ZERO)
    sewage = sum((o.volume for o in outcomes if o.sewage), _ZERO)
    estimated = any(o.estimated for o in outcomes)
    lines = _invoice_lines(
        period_from, period_to, volume, sewage, tariffs, estimated, _services(state)
    )
    references = [r for o in outcomes for r in (o.start, o.closing)]
    invoice = PlannedDocument(
        id=next(ids),
        kind="INVOICE",
        period_from=period_from,
        period_to=period_to,
        lines=lines,
        readings=references,
        billing_key=f"{state.account_id}:{period_to.isoformat()}",
        volume=volume,
        sewage_volume=sewage,
        closings=tuple((o.meter_id, o.closing) for o in outcomes),
    )
    plan.documents.insert(0, invoice)
    return plan


_SEWAGE = "SEWAGE"


def _services(state: AccountState) -> frozenset[str]:
    return frozenset(state.services) & ALL_SERVICES or ALL_SERVICES


def _invoice_lines(
    period_from: date,
    period_to: date,
    water: Decimal,
    sewage: Decimal,
    tariffs: Sequence[TariffRates],
    estimated: bool,
    services: frozenset[str],
) -> list[LineDraft]:
    """Water and subscription as the account's contracts have them; sewage for the
    water of the meters whose contract includes it."""
    lines = bill_period(
        period_from, period_to, water, tariffs, estimated=estimated,
        services=services - {_SEWAGE},
    )  # fmt: skip
    if _SEWAGE in services:
        sewage_lines = bill_period(
            period_from, period_to, sewage, tariffs, estimated=estimated,
            services=frozenset({_SEWAGE}),
        )  # fmt: skip
        position = sum(1 for line in lines if line.service == "WATER")
        lines[position:position] = sewage_lines
    return lines


def _active(meter: MeterState, period_from: date, period_to: date) -> bool:
    return meter.installed_on <= period_to and (
        meter.removed_on is None or meter.removed_on >= period_from
    )


def _outcome(
    meter: MeterState,
    volume: Decimal,
    estimated: bool,
    start: int,
    closing: int,
    corrections: list[tuple[BilledEstimate, Decimal, Decimal]],
) -> _MeterOutcome:
    return _MeterOutcome(
        meter.id, _SEWAGE in meter.services, volume, estimated, start, closing, corrections
    )


def _start_reading(meter: MeterState, period_from: date) -> MeterReading:
    """The reading the period is measured from: the one that closed the last period,
    or (first period) the newest before the period starts, or else the first."""
    if meter.billed_reading_id is not None:
        for reading in meter.readings:
            if reading.id == meter.billed_reading_id:
                return reading
    before = [r for r in meter.readings if r.read_on < period_from]
    return before[-1] if before else meter.readings[0]


def _meter_outcome(
    meter: MeterState,
    state: AccountState,
    period_from: date,
    period_to: date,
    plan: AccountPlan,
    ids: Iterator[int],
) -> _MeterOutcome:
    start = _start_reading(meter, period_from)
    actual_after = [
        r
        for r in meter.readings
        if not r.estimated and start.read_on < r.read_on <= period_to and r.id != start.id
    ]
    if not actual_after:
        actual = [r.point for r in meter.readings if not r.estimated]
        daily = average_daily_use(actual, period_to, meter.digits)
        value = estimated_register(start.point, daily, period_to, meter.digits)
        planned = PlannedReading(next(ids), meter.id, period_to, value)
        plan.estimated_readings.append(planned)
        volume = consumption_between(start.value, value, meter.digits)
        return _outcome(meter, volume, True, start.id, planned.id, [])
    closing = max(actual_after, key=lambda r: (r.read_on, r.id))
    if not start.estimated:
        volume = consumption_between(start.value, closing.value, meter.digits)
        return _outcome(meter, volume, False, start.id, closing.id, [])
    return _corrected_outcome(meter, state, start, closing)


def _corrected_outcome(
    meter: MeterState, state: AccountState, start: MeterReading, closing: MeterReading
) -> _MeterOutcome:
    """An actual reading after estimated ones: the register on each estimated day is
    interpolated between the last actual reading before them and this one."""
    chain = _estimated_chain(meter, start)
    last_actual = _last_actual_before(meter, chain[0])
    if last_actual is None:  # never read before the estimates: nothing to interpolate
        volume = consumption_between(start.value, closing.value, meter.digits)
        return _outcome(meter, volume, False, start.id, closing.id, [])
    days = [r.read_on for r in chain]
    actual_values = interpolated_registers(last_actual.point, closing.point, days, meter.digits)
    by_reading = {e.reading_id: e for e in state.estimates}
    corrections = []
    previous_estimated, previous_actual = last_actual.value, last_actual.value
    for reading, actual_value in zip(chain, actual_values, strict=True):
        estimated_volume = consumption_between(previous_estimated, reading.value, meter.digits)
        actual_volume = consumption_between(previous_actual, actual_value, meter.digits)
        billed = by_reading.get(reading.id)
        if billed is not None:
            corrections.append((billed, estimated_volume, actual_volume))
        previous_estimated, previous_actual = reading.value, actual_value
    volume = consumption_between(actual_values[-1], closing.value, meter.digits)
    return _outcome(meter, volume, False, start.id, closing.id, corrections)


def _estimated_chain(meter: MeterState, last: MeterReading) -> list[MeterReading]:
    """The estimated readings ending at `last`, back to the last actual one, oldest first."""
    older = [r for r in meter.readings if (r.read_on, r.id) <= (last.read_on, last.id)]
    chain: list[MeterReading] = []
    for reading in reversed(older):
        if not reading.estimated:
            break
        chain.append(reading)
    return list(reversed(chain))


def _last_actual_before(meter: MeterState, first_estimate: MeterReading) -> MeterReading | None:
    before = [
        r
        for r in meter.readings
        if not r.estimated and (r.read_on, r.id) < (first_estimate.read_on, first_estimate.id)
    ]
    return before[-1] if before else None


def _corrections(
    outcomes: Sequence[_MeterOutcome],
    state: AccountState,
    tariffs: Sequence[TariffRates],
    ids: Iterator[int],
) -> list[PlannedDocument]:
    """One correction per corrected invoice, summing what its meters' estimates missed
    (for sewage, those of the meters whose contract includes it)."""
    missed: dict[int, Decimal] = {}
    missed_sewage: dict[int, Decimal] = {}
    billed_of: dict[int, BilledEstimate] = {}
    references: dict[int, list[int]] = {}
    for outcome in outcomes:
        for billed, estimated, actual in outcome.corrections:
            key = billed.invoice_id
            billed_of[key] = billed
            missed[key] = missed.get(key, _ZERO) + actual - estimated
            if outcome.sewage:
                missed_sewage[key] = missed_sewage.get(key, _ZERO) + actual - estimated
            references.setdefault(key, []).extend([billed.reading_id, outcome.closing])
    documents = []
    services = _services(state)
    for invoice_id, difference in sorted(missed.items()):
        billed = billed_of[invoice_id]
        sewage_difference = missed_sewage.get(invoice_id, _ZERO)
        if difference == 0 and sewage_difference == 0:
            continue
        period = (billed.period_from, billed.period_to)
        lines = []
        if "WATER" in services and difference:
            lines += correction_lines(
                *period, billed.invoice_volume, billed.invoice_volume + difference, tariffs,
                services=frozenset({"WATER"}),
            )  # fmt: skip
        if _SEWAGE in services and sewage_difference:
            lines += correction_lines(
                *period, billed.sewage_volume, billed.sewage_volume + sewage_difference,
                tariffs, services=frozenset({_SEWAGE}),
            )  # fmt: skip
        documents.append(
            PlannedDocument(
                id=next(ids),
                kind="CORRECTION",
                period_from=billed.period_from,
                period_to=billed.period_to,
                lines=lines,
                readings=references[invoice_id],
                billing_key=f"{invoice_id}:correction",
                corrects_id=invoice_id,
                volume=difference,
                sewage_volume=sewage_difference,
            )
        )
    return documents


def advance(state: AccountState, plan: AccountPlan) -> AccountState:
    """The account's state after `plan` is issued: the next period starts after it, the
    meters continue from its closing readings, its estimates wait for correction and
    the invoices it corrected wait no more."""
    invoice = next(d for d in plan.documents if d.kind == "INVOICE")
    corrected = {d.corrects_id for d in plan.documents if d.kind == "CORRECTION"}
    planned = {r.meter_id: r for r in plan.estimated_readings}
    closing = dict(invoice.closings)
    meters = tuple(_advance_meter(m, closing.get(m.id), planned.get(m.id)) for m in state.meters)
    estimates = [e for e in state.estimates if e.invoice_id not in corrected]
    estimates += [
        BilledEstimate(
            r.id, invoice.id, invoice.period_from, invoice.period_to, invoice.volume,
            invoice.sewage_volume,
        )
        for r in plan.estimated_readings
    ]  # fmt: skip
    return replace(
        state,
        meters=meters,
        next_from=invoice.period_to + _ONE_DAY,
        estimates=tuple(estimates),
    )


def _advance_meter(
    meter: MeterState, closing_id: int | None, estimate: PlannedReading | None
) -> MeterState:
    readings = meter.readings
    if estimate is not None:
        added = MeterReading(estimate.id, estimate.read_on, estimate.value, ESTIMATED)
        readings = tuple(sorted((*readings, added), key=lambda r: (r.read_on, r.id)))
    billed = closing_id if closing_id is not None else meter.billed_reading_id
    return replace(meter, readings=readings, billed_reading_id=billed)

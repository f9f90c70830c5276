"""The plan of the demo data: every row decided in plain Python, nothing written.

Seeding happens in two steps. `build_demo_plan` decides every row in plain Python
from the demo's today (the clock's Warsaw date) and a fixed random seed, so the same
date always gives the same rows; `models.services.demo.seed_demo` writes that plan
in one transaction.
Prices, VAT, invoice totals, consumption and payment allocation all come from the
pure rules in `models.rules`, so the demo shows what the real code computes.

What the plan holds (T = today; "the history" = the 24 full months before T's month):

- two tariffs: the old one from the first of the month 36 months before T's month,
  the current one from the first of the month 11 months before it, so exactly one
  bimonthly period of 100001 straddles the change and is split pro rata;
- 100001 Jan Kowalski (bimonthly): a reading in every month of the history plus an
  opening reading, one of them ESTIMATED; 12 invoices and one correction of the
  estimated one; the newest invoice unpaid (not yet due), the one before it overdue,
  the rest paid, with one payment paying two documents and one invoice paid in two
  instalments;
- 100002 Katarzyna Wiśniewska (bimonthly, no eBOK user): 12 invoices, the newest
  unpaid; its first invoice number is `demo_registration_invoice_number(clock)`;
- 100003 Wspólnota Mieszkaniowa ul. Lipowa 12 (monthly): a main meter whose register
  rolls over past 99 999 during the history, 24 invoices, the newest unpaid;
- users `jan.kowalski`, `wspolnota.lipowa` (customers) and `obsluga` (staff), and
  three announcements.

Every timestamp falls on a day before T (at a fixed or drawn hour), so the rows do
not depend on the time of day the demo is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from itertools import pairwise

from models.clock import WARSAW, Clock
from models.enums import (
    AnnouncementKind,
    InvoiceKind,
    PaymentMethod,
    ReadingSource,
    Role,
    Service,
)
from models.rules.allocation import OpenInvoice, allocate
from models.rules.billing import LineDraft, bill_period, invoice_totals, price_line, split_quantity
from models.rules.money import ZERO, format_decimal_pl, to_grosz
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.rollover import consumption_between
from models.rules.tariff import TariffRates, split_by_tariff, tariff_on
from models.services import demo_data as data
from models.settings import UtilitySettings

__all__ = [
    "BILLING_RUN",
    "CONTRACT_SIGNED_TIME",
    "AccountPlan",
    "AnnouncementPlan",
    "DemoPlan",
    "InvoicePlan",
    "PaymentPlan",
    "ReadingPlan",
    "UserPlan",
    "build_demo_plan",
    "demo_registration_invoice_number",
    "warsaw_moment",
]

SEED = 2026
HISTORY_MONTHS = 24
"""Readings and invoices cover the 24 full months before the current one."""
OLD_TARIFF_MONTHS_BACK = 36
NEW_TARIFF_MONTHS_BACK = 11
BIMONTHLY_MONTHS = 2
ONE_DAY = timedelta(days=1)
LITRE = Decimal("0.001")

ISSUE_DELAY_DAYS = (3, 6)
"""An invoice is issued this many days (inclusive range) after its period ends."""
NEWEST_ISSUED_DAYS_AGO = 3
"""The newest invoice is issued at least this recently, so it is not yet due."""
PAID_DAYS_BEFORE_DUE = (1, 4)
FIRST_INSTALMENT_DAYS_BEFORE_DUE = 11
SECOND_INSTALMENT_DAYS_BEFORE_DUE = 2

COLLECTOR_VISITS_KOWALSKI = 3
"""Months in which the collector, not Jan Kowalski, read the meter (besides the visit
after the estimate)."""
COLLECTOR_VISITS_LIPOWA = 6
ESTIMATED_MONTH = 9
"""Month of the history whose reading is estimated: it ends a billing period in the
middle, within one tariff, with a regular invoice after it to carry the correction."""
HIGH_USE_FACTOR = 1.1
"""In the estimated month and the next, Jan Kowalski used more than ever before (this
much above his profile's ceiling), so the estimate, which follows his average, falls
short whatever the season and the correction asks for more."""
ESTIMATE_MIN_SHORTFALL = Decimal("0.500")
"""The estimate is at least this many m³ below the actual use, so the correction shows."""

CUSTOMER_HOURS = (17, 22)
"""Customers submit e-readings in the evening."""
OFFICE_HOURS = (8, 15)
"""Collectors read meters and the call centre takes readings during the working day."""
BANK_HOURS = (9, 16)
ESTIMATE_RUN = time(1, 30)
"""The nightly job estimates missing readings after the window has closed."""
BILLING_RUN = time(6, 0)
PUBLISH_TIME = time(9, 0)
CONTRACT_SIGNED_TIME = time(10, 0)

USER_CREATED_DAYS_BEFORE_HISTORY = 20
STAFF_CREATED_MONTHS_BEFORE_HISTORY = 12
CONSENTS_GIVEN_DAYS_AGO = 45
OUTAGE_DAYS_AHEAD = 3
OUTAGE_PUBLISHED_DAYS_AGO = 2
NEWS_PUBLISHED_DAYS_AGO = 10
PROMOTION_PUBLISHED_DAYS_AGO = 20
CONTRACT_SIGNED_DAY = (2, 20)
METER_MADE_YEARS_BEFORE_INSTALLATION = 1

# --- The plan ------------------------------------------------------------------------------


@dataclass(eq=False)
class ReadingPlan:
    read_on: date
    value: Decimal
    source: ReadingSource
    submitted_at: datetime
    by_user: bool
    """Submitted through eBOK by the account's user (else by phone, collector or system)."""

    @property
    def customer_month(self) -> date | None:
        return month_start(self.read_on) if self.source is ReadingSource.CUSTOMER else None


@dataclass(eq=False)
class InvoicePlan:
    kind: InvoiceKind
    period_from: date
    period_to: date
    issued_on: date
    due_date: date
    lines: list[LineDraft]
    readings: list[ReadingPlan]
    corrects: InvoicePlan | None = None
    number: str = ""

    @property
    def gross(self) -> Decimal:
        return invoice_totals(self.lines).gross


@dataclass(eq=False)
class PaymentPlan:
    booked_on: date
    amount: Decimal
    method: PaymentMethod
    created_at: datetime
    pays: list[InvoicePlan]
    """What the customer meant to pay; the allocation (by the rules) must agree."""
    allocations: list[tuple[InvoicePlan, Decimal]] = field(default_factory=list)
    reference: str = ""


@dataclass(eq=False)
class AccountPlan:
    customer: data.DemoCustomer
    contract_signed_on: date
    meter_installed_on: date
    readings: list[ReadingPlan]
    invoices: list[InvoicePlan]
    payments: list[PaymentPlan]

    @property
    def contract_number(self) -> str:
        return f"U/{self.contract_signed_on.year}/{self.customer.contract_serial}"

    @property
    def meter_serial(self) -> str:
        made = self.meter_installed_on.year - METER_MADE_YEARS_BEFORE_INSTALLATION
        return f"{self.customer.meter_prefix}-{made % 100:02d}-{self.customer.meter_serial}"


@dataclass(frozen=True)
class UserPlan:
    login: str
    email: str
    role: Role
    totp_secret: str | None
    created_at: datetime
    account_number: str | None
    consents_given_at: datetime | None


@dataclass(frozen=True)
class AnnouncementPlan:
    kind: AnnouncementKind
    title: str
    body: str
    published_at: datetime
    valid_from: datetime | None
    valid_to: datetime | None


@dataclass(eq=False)
class DemoPlan:
    today: date
    tariffs: list[TariffRates]
    accounts: list[AccountPlan]
    users: list[UserPlan]
    announcements: list[AnnouncementPlan]

    def account(self, number: str) -> AccountPlan:
        return next(a for a in self.accounts if a.customer.number == number)


# --- Calendar helpers ------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """Months of the history, counted 0..23 from the oldest; -1 is the opening month."""

    today: date
    payment_term: timedelta

    @property
    def first_month(self) -> date:
        return add_months(month_start(self.today), -HISTORY_MONTHS)

    def month(self, index: int) -> date:
        return add_months(self.first_month, index)

    @property
    def yesterday(self) -> date:
        return self.today - ONE_DAY


def warsaw_moment(day: date, moment: time) -> datetime:
    """A Warsaw wall-clock moment, stored in UTC."""
    return datetime.combine(day, moment, tzinfo=WARSAW).astimezone(UTC)


def _at_random(rng: random.Random, day: date, hours: tuple[int, int]) -> datetime:
    return warsaw_moment(day, time(rng.randint(*hours), rng.randrange(60)))


def _issue_date(rng: random.Random, cal: _Calendar, period_to: date, *, newest: bool) -> date:
    """A few days after the period; the newest one recently enough not to be due yet.

    Never later than yesterday: nothing in the demo happens today or in the future.
    """
    issued = period_to + timedelta(days=rng.randint(*ISSUE_DELAY_DAYS))
    if newest:
        issued = max(issued, cal.today - timedelta(days=NEWEST_ISSUED_DAYS_AGO))
    return min(issued, cal.yesterday)


# --- Tariffs ---------------------------------------------------------------------------------


def _plan_tariffs(cal: _Calendar) -> list[TariffRates]:
    current_month = month_start(cal.today)
    old_from = add_months(current_month, -OLD_TARIFF_MONTHS_BACK)
    new_from = add_months(current_month, -NEW_TARIFF_MONTHS_BACK)

    def rates(prices: data.DemoPrices, valid_from: date, valid_to: date | None) -> TariffRates:
        return TariffRates(
            valid_from=valid_from,
            valid_to=valid_to,
            water_price=prices.water,
            sewage_price=prices.sewage,
            subscription_fee=prices.subscription,
            vat_rate=prices.vat_rate,
        )

    return [
        rates(data.OLD_PRICES, old_from, new_from - ONE_DAY),
        rates(data.NEW_PRICES, new_from, None),
    ]


# --- Meters and readings -----------------------------------------------------------------


def _reading_days(rng: random.Random, cal: _Calendar, first_day: int) -> list[date]:
    """The opening reading on the last day of the month before the history, then one
    day in each month's window (from `first_day` to the month's end)."""
    days = [month_end(cal.month(-1))]
    for index in range(HISTORY_MONTHS):
        month = cal.month(index)
        days.append(month.replace(day=rng.randint(first_day, month_end(month).day)))
    return days


def _daily_use(
    rng: random.Random,
    cal: _Calendar,
    profile: data.ConsumptionProfile,
    high_use_months: Sequence[int],
) -> dict[date, float]:
    """m³ per day for each month of the history: seasonal, a little noisy, clamped;
    in `high_use_months` HIGH_USE_FACTOR times the ceiling."""
    use: dict[date, float] = {}
    for index in range(HISTORY_MONTHS):
        month = cal.month(index)
        seasonal = profile.base_daily * (
            1 + profile.seasonal_swing * data.SEASON_SHAPE[month.month]
        )
        noisy = seasonal * (1 + profile.noise * rng.uniform(-1, 1))
        use[month] = min(max(noisy, profile.min_daily), profile.max_daily)
        if index in high_use_months:
            use[month] = profile.max_daily * HIGH_USE_FACTOR
    return use


def _true_registers(
    days: Sequence[date], use: dict[date, float], profile: data.ConsumptionProfile
) -> list[float]:
    """What the register really shows on each reading day (before any wrap)."""
    register = profile.opening_register
    values = [register]
    for previous, current in pairwise(days):
        day = previous + ONE_DAY
        while day <= current:
            register += use[month_start(day)]
            day += ONE_DAY
        values.append(register)
    return values


def _recorded(true_value: float, source: ReadingSource, digits: int) -> Decimal:
    """The value as read: to the litre, whole m³ when a customer reads the black digits;
    wrapped at 10**digits like the register itself."""
    value = Decimal(f"{true_value:.3f}")
    if source is ReadingSource.CUSTOMER:
        value = value.to_integral_value(rounding=ROUND_FLOOR)
    return (value % (10**digits)).quantize(LITRE)


def _plan_readings(
    rng: random.Random,
    cal: _Calendar,
    customer: data.DemoCustomer,
    sources: Sequence[ReadingSource],
    by_user: bool,
    high_use_months: Sequence[int] = (),
) -> list[ReadingPlan]:
    """The opening reading (by the collector) and one reading per month of the history.

    `sources` gives each month's source; customer readings count as submitted through
    eBOK when `by_user`, else by phone. A month marked ESTIMATED is recorded as read
    here, for `_estimate_reading` to replace.
    """
    days = _reading_days(rng, cal, customer.reading_first_day)
    use = _daily_use(rng, cal, customer.consumption, high_use_months)
    registers = _true_registers(days, use, customer.consumption)
    readings = []
    for day, true_value, source in zip(
        days, registers, [ReadingSource.COLLECTOR, *sources], strict=True
    ):
        through_ebok = by_user and source is ReadingSource.CUSTOMER
        readings.append(
            ReadingPlan(
                read_on=day,
                value=_recorded(true_value, source, customer.meter_digits),
                source=source,
                submitted_at=_at_random(rng, day, CUSTOMER_HOURS if through_ebok else OFFICE_HOURS),
                by_user=through_ebok,
            )
        )
    return readings


# --- Estimated reading and its correction --------------------------------------------------


@dataclass(frozen=True)
class _Estimate:
    """The reading at `index` was estimated; `actual` is the register value the next
    actual reading showed it should have been (interpolated by days)."""

    index: int
    estimated_volume: Decimal
    actual_volume: Decimal
    actual: Decimal


def _estimate_at(
    readings: Sequence[ReadingPlan], index: int, digits: int
) -> tuple[Decimal, Decimal]:
    """(estimated value, actual value) of the reading at `index`, on its month's last day.

    The estimate continues the average daily use since the opening reading from the
    last actual reading; the actual value interpolates, by days, between the actual
    readings around it.
    """
    opening, before, after = readings[0], readings[index - 1], readings[index + 1]
    day = month_end(readings[index].read_on)
    history = consumption_between(opening.value, before.value, digits)
    average_daily = history / (before.read_on - opening.read_on).days
    estimate = (average_daily * (day - before.read_on).days).quantize(LITRE)
    gap = consumption_between(before.value, after.value, digits)
    weights = [(day - before.read_on).days, (after.read_on - day).days]
    actual_part = split_quantity(gap, weights)[0]
    modulus = 10**digits
    return (before.value + estimate) % modulus, (before.value + actual_part) % modulus


def _estimate_reading(readings: list[ReadingPlan], index: int, digits: int) -> _Estimate:
    """Replace the reading at `index` (ending a billing period) by the nightly estimate.

    The use in that month was unusually high (HIGH_USE_FACTOR), so the estimate falls
    short of the actual use by at least ESTIMATE_MIN_SHORTFALL: the correction asks
    the customer for more, as the demo promises.
    """
    start = readings[index - BIMONTHLY_MONTHS]
    estimated, actual = _estimate_at(readings, index, digits)
    estimated_volume = consumption_between(start.value, estimated, digits)
    actual_volume = consumption_between(start.value, actual, digits)
    _require(
        actual_volume - estimated_volume >= ESTIMATE_MIN_SHORTFALL,
        "the estimate does not fall short of the actual use",
    )
    day = month_end(readings[index].read_on)
    readings[index] = ReadingPlan(
        read_on=day,
        value=estimated,
        source=ReadingSource.ESTIMATED,
        submitted_at=warsaw_moment(day + ONE_DAY, ESTIMATE_RUN),
        by_user=False,
    )
    return _Estimate(index, estimated_volume, actual_volume, actual)


def _correction_lines(
    estimate: _Estimate, corrected: InvoicePlan, tariffs: Sequence[TariffRates]
) -> list[LineDraft]:
    """Water and sewage for the volume the estimate missed, at the corrected period's
    tariff; the subscription does not depend on readings and stays as it was."""
    tariff = tariff_on(corrected.period_to, tariffs)
    difference = estimate.actual_volume - estimate.estimated_volume
    actual = format_decimal_pl(estimate.actual_volume)
    estimated = format_decimal_pl(estimate.estimated_volume)
    since = tariff.valid_from.strftime("%d.%m.%Y")
    lines = []
    for service, label, price in (
        (Service.WATER, "dostawa wody", tariff.water_price),
        (Service.SEWAGE, "odprowadzanie ścieków", tariff.sewage_price),
    ):
        text = (
            f"Korekta: {label}, zużycie rzeczywiste {actual} m³ zamiast szacunkowego "
            f"{estimated} m³ ({format_decimal_pl(price, 2)} zł/m³, od {since})"
        )
        lines.append(
            price_line(
                service.value,
                text,
                difference,
                "M3",
                price,
                tariff.vat_rate,
                False,
                tariff.valid_from,
            )
        )
    return lines


def _plan_correction(
    invoices: list[InvoicePlan],
    readings: Sequence[ReadingPlan],
    estimate: _Estimate,
    tariffs: Sequence[TariffRates],
) -> InvoicePlan:
    """The correction of the estimated invoice, issued together with the next invoice
    (which bills from the corrected register value on), and placed right after it."""
    estimated_reading = readings[estimate.index]
    corrected = next(inv for inv in invoices if inv.readings[-1] is estimated_reading)
    following = invoices[invoices.index(corrected) + 1]
    correction = InvoicePlan(
        kind=InvoiceKind.CORRECTION,
        period_from=corrected.period_from,
        period_to=corrected.period_to,
        issued_on=following.issued_on,
        due_date=following.due_date,
        lines=_correction_lines(estimate, corrected, tariffs),
        readings=[
            readings[estimate.index - 1],
            estimated_reading,
            readings[estimate.index + 1],
        ],
        corrects=corrected,
    )
    invoices.insert(invoices.index(following) + 1, correction)
    return correction


# --- Invoices --------------------------------------------------------------------------------


def _plan_invoices(
    rng: random.Random,
    cal: _Calendar,
    readings: Sequence[ReadingPlan],
    tariffs: Sequence[TariffRates],
    months_per_period: int,
    digits: int,
    estimate: _Estimate | None = None,
) -> list[InvoicePlan]:
    """One invoice per billing period of the history, for the use between the readings
    at its ends (`readings[0]` is the opening one, `readings[m + 1]` month m's).

    The period after an estimated reading starts from the corrected register value,
    so the invoices and the correction together bill exactly what the meter measured.
    """
    firsts = list(range(0, HISTORY_MONTHS, months_per_period))
    invoices = []
    for first in firsts:
        last = first + months_per_period - 1
        start, end = readings[first], readings[last + 1]
        start_value = estimate.actual if estimate and estimate.index == first else start.value
        volume = consumption_between(start_value, end.value, digits)
        period_from, period_to = cal.month(first), month_end(cal.month(last))
        issued_on = _issue_date(rng, cal, period_to, newest=first == firsts[-1])
        lines = bill_period(
            period_from,
            period_to,
            volume,
            tariffs,
            estimated=end.source is ReadingSource.ESTIMATED,
        )
        invoices.append(
            InvoicePlan(
                kind=InvoiceKind.INVOICE,
                period_from=period_from,
                period_to=period_to,
                issued_on=issued_on,
                due_date=issued_on + cal.payment_term,
                lines=lines,
                readings=[start, end],
            )
        )
    return invoices


def _require(condition: bool, what: str) -> None:
    """The demo promises these facts; a plan breaking one is a bug here, not bad input."""
    if not condition:
        raise RuntimeError(f"demo plan broken: {what}")


# --- Payments ----------------------------------------------------------------------------


def _pay_in_full(rng: random.Random, pays: list[InvoicePlan], method: PaymentMethod) -> PaymentPlan:
    """One payment of the documents' whole gross, a few days before they are due."""
    due = min(inv.due_date for inv in pays)
    booked_on = due - timedelta(days=rng.randint(*PAID_DAYS_BEFORE_DUE))
    return PaymentPlan(
        booked_on=booked_on,
        amount=sum((inv.gross for inv in pays), ZERO),
        method=method,
        created_at=_at_random(rng, booked_on, BANK_HOURS),
        pays=pays,
    )


def _pay_in_instalments(rng: random.Random, invoice: InvoicePlan) -> list[PaymentPlan]:
    """Half (to the grosz) well before the due date, the rest just before it."""
    first = to_grosz(invoice.gross / 2)
    payments = []
    for amount, days_before in (
        (first, FIRST_INSTALMENT_DAYS_BEFORE_DUE),
        (invoice.gross - first, SECOND_INSTALMENT_DAYS_BEFORE_DUE),
    ):
        booked_on = invoice.due_date - timedelta(days=days_before)
        payments.append(
            PaymentPlan(
                booked_on=booked_on,
                amount=amount,
                method=PaymentMethod.BANK_TRANSFER,
                created_at=_at_random(rng, booked_on, BANK_HOURS),
                pays=[invoice],
            )
        )
    return payments


def _settle(invoices: Sequence[InvoicePlan], payments: Sequence[PaymentPlan]) -> None:
    """Allocate each payment, in time order, with the rules (oldest open invoice first)
    over the invoices issued by then; it must pay exactly what it was meant for."""
    paid = [ZERO] * len(invoices)
    for payment in sorted(payments, key=lambda p: p.created_at):
        open_invoices = [
            OpenInvoice(i, inv.issued_on, inv.due_date, inv.gross - paid[i])
            for i, inv in enumerate(invoices)
            if inv.issued_on <= payment.booked_on and paid[i] < inv.gross
        ]
        allocations, credit = allocate(payment.amount, open_invoices)
        targets = {invoices[a.invoice_id] for a in allocations}
        _require(credit == 0 and targets == set(payment.pays), "a payment went astray")
        for allocation in allocations:
            paid[allocation.invoice_id] += allocation.amount
            payment.allocations.append((invoices[allocation.invoice_id], allocation.amount))


def _pay_all_but_newest(rng: random.Random, invoices: list[InvoicePlan]) -> list[PaymentPlan]:
    payments = [_pay_in_full(rng, [inv], PaymentMethod.BANK_TRANSFER) for inv in invoices[:-1]]
    _settle(invoices, payments)
    return payments


# --- The accounts ------------------------------------------------------------------------


def _contract_dates(
    rng: random.Random, cal: _Calendar, customer: data.DemoCustomer
) -> tuple[date, date]:
    """(signed on, valid from): years ago; the meter was installed when it took effect."""
    years_ago = add_months(month_start(cal.today), -12 * customer.years_as_customer)
    signed_on = years_ago.replace(day=rng.randint(*CONTRACT_SIGNED_DAY))
    return signed_on, add_months(years_ago, 1)


def _plan_kowalski(
    rng: random.Random, cal: _Calendar, tariffs: Sequence[TariffRates]
) -> AccountPlan:
    """E-readings with a few collector visits and one estimate, bimonthly invoices and
    a correction; the newest invoice unpaid, the one before it overdue."""
    customer = data.JAN_KOWALSKI
    digits = customer.meter_digits
    signed_on, valid_from = _contract_dates(rng, cal, customer)
    # After the missed e-reading the utility sent the collector the next month.
    visit_after = ESTIMATED_MONTH + 1
    others = [m for m in range(HISTORY_MONTHS) if m not in (ESTIMATED_MONTH, visit_after)]
    collector_months = {visit_after, *rng.sample(others, COLLECTOR_VISITS_KOWALSKI)}
    sources = [_kowalski_source(month, collector_months) for month in range(HISTORY_MONTHS)]
    readings = _plan_readings(
        rng, cal, customer, sources, by_user=True, high_use_months=(ESTIMATED_MONTH, visit_after)
    )
    estimated_period = (cal.month(ESTIMATED_MONTH - 1), month_end(cal.month(ESTIMATED_MONTH)))
    _require(
        len(split_by_tariff(*estimated_period, tariffs)) == 1,
        "the estimated period straddles the tariff change",
    )
    estimate = _estimate_reading(readings, ESTIMATED_MONTH + 1, digits)  # [0] is the opening
    invoices = _plan_invoices(rng, cal, readings, tariffs, BIMONTHLY_MONTHS, digits, estimate)
    _require(
        any(len({line.tariff_valid_from for line in inv.lines}) > 1 for inv in invoices),
        "no invoice of 100001 straddles the tariff change",
    )
    regular = list(invoices)
    correction = _plan_correction(invoices, readings, estimate, tariffs)
    payments = _kowalski_payments(rng, regular, correction)
    _settle(invoices, payments)
    newest, overdue = regular[-1], regular[-2]
    _require(newest.due_date >= cal.today > overdue.due_date, "newest/overdue due dates")
    return AccountPlan(customer, signed_on, valid_from, readings, invoices, payments)


def _kowalski_source(month: int, collector_months: set[int]) -> ReadingSource:
    if month == ESTIMATED_MONTH:
        return ReadingSource.ESTIMATED
    return ReadingSource.COLLECTOR if month in collector_months else ReadingSource.CUSTOMER


def _kowalski_payments(
    rng: random.Random, regular: list[InvoicePlan], correction: InvoicePlan
) -> list[PaymentPlan]:
    """Every invoice but the two newest, paid: the latest of them online; the invoice
    issued with the correction paid together with it in one transfer; the latest other
    one in two instalments."""
    paid = regular[:-2]
    with_correction = next(inv for inv in paid if inv.issued_on == correction.issued_on)
    online = paid[-1]
    _require(online is not with_correction, "the online payment would also pay the correction")
    in_instalments = next(inv for inv in reversed(paid) if inv not in (online, with_correction))
    payments: list[PaymentPlan] = []
    for invoice in paid:
        if invoice is in_instalments:
            payments += _pay_in_instalments(rng, invoice)
            continue
        pays = [invoice, correction] if invoice is with_correction else [invoice]
        method = PaymentMethod.ONLINE if invoice is online else PaymentMethod.BANK_TRANSFER
        payments.append(_pay_in_full(rng, pays, method))
    return payments


def _plan_wisniewska(
    rng: random.Random, cal: _Calendar, tariffs: Sequence[TariffRates]
) -> AccountPlan:
    """No eBOK user: the collector reads the meter at each period's end, and in the
    months between the customer phones a reading in. All invoices but the newest paid."""
    customer = data.KATARZYNA_WISNIEWSKA
    signed_on, valid_from = _contract_dates(rng, cal, customer)
    sources = [
        ReadingSource.COLLECTOR
        if month % BIMONTHLY_MONTHS == BIMONTHLY_MONTHS - 1
        else ReadingSource.CUSTOMER
        for month in range(HISTORY_MONTHS)
    ]
    readings = _plan_readings(rng, cal, customer, sources, by_user=False)
    invoices = _plan_invoices(rng, cal, readings, tariffs, BIMONTHLY_MONTHS, customer.meter_digits)
    payments = _pay_all_but_newest(rng, invoices)
    return AccountPlan(customer, signed_on, valid_from, readings, invoices, payments)


def _plan_lipowa(rng: random.Random, cal: _Calendar, tariffs: Sequence[TariffRates]) -> AccountPlan:
    """The building's main meter, read monthly (by the board through eBOK, sometimes by
    the collector), rolling over past 99 999; monthly invoices, all but the newest paid."""
    customer = data.WSPOLNOTA_LIPOWA
    signed_on, valid_from = _contract_dates(rng, cal, customer)
    collector_months = set(rng.sample(range(HISTORY_MONTHS), COLLECTOR_VISITS_LIPOWA))
    sources = [
        ReadingSource.COLLECTOR if month in collector_months else ReadingSource.CUSTOMER
        for month in range(HISTORY_MONTHS)
    ]
    readings = _plan_readings(rng, cal, customer, sources, by_user=True)
    _require(
        any(b.value < a.value for a, b in pairwise(readings)),
        "the main meter of 100003 does not roll over",
    )
    invoices = _plan_invoices(rng, cal, readings, tariffs, 1, customer.meter_digits)
    payments = _pay_all_but_newest(rng, invoices)
    return AccountPlan(customer, signed_on, valid_from, readings, invoices, payments)


# --- Users and announcements -------------------------------------------------------------


def _plan_users(rng: random.Random, cal: _Calendar) -> list[UserPlan]:
    """Customers signed up shortly before the history began (before their first
    e-reading) and accepted the current regulations recently; staff long before."""
    signed_up = month_end(cal.month(-1)) - timedelta(days=USER_CREATED_DAYS_BEFORE_HISTORY)
    consents_day = cal.today - timedelta(days=CONSENTS_GIVEN_DAYS_AGO)
    users = [
        UserPlan(
            login=user.login,
            email=user.email,
            role=Role.CUSTOMER,
            totp_secret=None,
            created_at=_at_random(rng, signed_up, CUSTOMER_HOURS),
            account_number=user.account_number,
            consents_given_at=_at_random(rng, consents_day, CUSTOMER_HOURS),
        )
        for user in (data.JAN_USER, data.LIPOWA_USER)
    ]
    staff_since = add_months(cal.first_month, -STAFF_CREATED_MONTHS_BEFORE_HISTORY)
    users.append(
        UserPlan(
            login=data.STAFF_USER.login,
            email=data.STAFF_USER.email,
            role=Role.STAFF,
            totp_secret=data.STAFF_TOTP_SECRET,
            created_at=_at_random(rng, staff_since, OFFICE_HOURS),
            account_number=None,
            consents_given_at=None,
        )
    )
    return users


def _plan_announcements(cal: _Calendar, utility: UtilitySettings) -> list[AnnouncementPlan]:
    """A planned outage in a few days (shown from its publication until it ends), the
    e-invoice offer and the reading-window news; all published before today."""
    outage_day = cal.today + timedelta(days=OUTAGE_DAYS_AHEAD)
    outage_published = warsaw_moment(
        cal.today - timedelta(days=OUTAGE_PUBLISHED_DAYS_AGO), PUBLISH_TIME
    )
    promotion_published = warsaw_moment(
        cal.today - timedelta(days=PROMOTION_PUBLISHED_DAYS_AGO), PUBLISH_TIME
    )
    news_published = warsaw_moment(
        cal.today - timedelta(days=NEWS_PUBLISHED_DAYS_AGO), PUBLISH_TIME
    )
    outage_body = data.OUTAGE_BODY.format(
        day=outage_day.strftime("%d.%m.%Y"),
        start=data.OUTAGE_FROM_HOUR,
        end=data.OUTAGE_TO_HOUR,
        streets=", ".join(data.OUTAGE_STREETS),
    )
    return [
        AnnouncementPlan(
            kind=AnnouncementKind.PLANNED_OUTAGE,
            title=data.OUTAGE_TITLE,
            body=outage_body,
            published_at=outage_published,
            valid_from=outage_published,
            valid_to=warsaw_moment(outage_day, time(data.OUTAGE_TO_HOUR)),
        ),
        AnnouncementPlan(
            kind=AnnouncementKind.PROMOTION,
            title=data.E_INVOICE_TITLE,
            body=data.E_INVOICE_BODY,
            published_at=promotion_published,
            valid_from=promotion_published,
            valid_to=None,
        ),
        AnnouncementPlan(
            kind=AnnouncementKind.NEWS,
            title=data.READING_NEWS_TITLE,
            body=data.READING_NEWS_BODY.format(opens=utility.reading_window_opens_on_day),
            published_at=news_published,
            valid_from=news_published,
            valid_to=None,
        ),
    ]


# --- Numbers -----------------------------------------------------------------------------

INVOICE_SERIES = {InvoiceKind.INVOICE: "FV", InvoiceKind.CORRECTION: "KOR"}
INVOICE_NUMBER_DIGITS = 6
PAYMENT_REFERENCE_PREFIX = {PaymentMethod.BANK_TRANSFER: "MT940", PaymentMethod.ONLINE: "ONLINE"}


def _number_invoices(accounts: Sequence[AccountPlan]) -> None:
    """ "FV/YYYY/MM/NNNNNN" (corrections "KOR/…"), counted per series and issue month in
    issue order (then account number), across all accounts."""
    documents = [(inv, plan.customer.number) for plan in accounts for inv in plan.invoices]
    documents.sort(key=lambda d: (d[0].issued_on, d[1], d[0].period_from))
    counters: dict[tuple[str, int, int], int] = {}
    for invoice, _ in documents:
        series = INVOICE_SERIES[invoice.kind]
        key = (series, invoice.issued_on.year, invoice.issued_on.month)
        counters[key] = counters.get(key, 0) + 1
        invoice.number = f"{series}/{key[1]}/{key[2]:02d}/{counters[key]:0{INVOICE_NUMBER_DIGITS}d}"


def _reference_payments(accounts: Sequence[AccountPlan]) -> None:
    """Transaction references like "MT940-20260112-000003": the booking day and the
    transaction's position among that day's credits, across all accounts."""
    payments = [(p, plan.customer.number) for plan in accounts for p in plan.payments]
    payments.sort(key=lambda d: (d[0].created_at, d[1]))
    per_day: dict[date, int] = {}
    for payment, _ in payments:
        per_day[payment.booked_on] = per_day.get(payment.booked_on, 0) + 1
        prefix = PAYMENT_REFERENCE_PREFIX[payment.method]
        payment.reference = (
            f"{prefix}-{payment.booked_on:%Y%m%d}-"
            f"{per_day[payment.booked_on]:0{INVOICE_NUMBER_DIGITS}d}"
        )


def build_demo_plan(today: date, utility: UtilitySettings) -> DemoPlan:
    """Every row of the demo, decided from `today` (Warsaw date) and the fixed seed."""
    rng = random.Random(SEED)
    cal = _Calendar(today, timedelta(days=utility.payment_term_days))
    tariffs = _plan_tariffs(cal)
    accounts = [
        _plan_kowalski(rng, cal, tariffs),
        _plan_wisniewska(rng, cal, tariffs),
        _plan_lipowa(rng, cal, tariffs),
    ]
    _number_invoices(accounts)
    _reference_payments(accounts)
    users = _plan_users(rng, cal)
    return DemoPlan(today, tariffs, accounts, users, _plan_announcements(cal, utility))


def demo_registration_invoice_number(clock: Clock, utility: UtilitySettings | None = None) -> str:
    """The number of the first invoice of account 100002 (which has no eBOK user), for
    trying out registration. It depends on the clock's date (the month it was issued)
    and is the same on every seeding on that date."""
    plan = build_demo_plan(clock.today(), utility or UtilitySettings())
    return plan.account(data.KATARZYNA_WISNIEWSKA.number).invoices[0].number

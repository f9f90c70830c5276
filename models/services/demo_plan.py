"""The plan of the demo: what its customers and staff do, decided in plain Python.

Seeding happens in two steps. `build_demo_plan` decides, from the demo's today (the
clock's Warsaw date) and a fixed random seed, everything people do: the meters and
the readings sent (and the ones not sent), the monthly billing runs and when they
ran, and what each customer paid, when and how. `models.services.demo.seed_demo`
then plays the plan through the real services: readings are stored, the billing run
(models/services/billing.py) issues every invoice, estimate and correction, and
payments are booked by models/services/payments.py. Nothing else issues invoices,
so the demo shows what the engine computes.

What the plan holds (T = today; "the history" = the 24 full months before T's month):

- two tariffs: the old one from the first of the month 36 months before T's month,
  the current one from the first of the month 11 months before it, so exactly one
  bimonthly period of 100001 straddles the change and is split pro rata;
- 100001 Jan Kowalski (bimonthly): a reading in every month of the history (a few by
  the collector) but two: he sent none for a whole billing period, which the run
  estimates; the collector's reading the month after brings the correction, paid
  together with the next invoice; the newest invoice unpaid (not yet due), the one
  before it overdue, the rest paid, one online and one in two instalments;
- 100002 Katarzyna Wiśniewska (bimonthly, no eBOK user): all invoices but the
  newest paid; its first invoice number is what the README gives for registration;
- 100003 Wspólnota Mieszkaniowa ul. Lipowa 12 (monthly): a main meter whose register
  rolls over past 99 999 during the history, all invoices but the newest paid;
- users `jan.kowalski`, `wspolnota.lipowa` (customers) and `obsluga` (staff), and
  three announcements.

A billing run is made a few days after each month of the history ends; the last one
three days before T, so that its invoices are not yet due. Every timestamp falls on
a day before T (but the last run's, early on T itself when T is the first of a
month, December being over only then), so the rows do not depend on the time of day
the demo is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from itertools import pairwise

from models.clock import WARSAW
from models.enums import AnnouncementKind, InvoiceKind, PaymentMethod, ReadingSource, Role
from models.rules.reading_window import add_months, month_end, month_start
from models.rules.tariff import TariffRates, split_by_tariff
from models.services import demo_data as data
from models.settings import UtilitySettings

__all__ = [
    "CONTRACT_SIGNED_TIME",
    "AccountPlan",
    "AnnouncementPlan",
    "BillingRunPlan",
    "DemoPlan",
    "DocumentRef",
    "PaymentPlan",
    "ReadingPlan",
    "UserPlan",
    "build_demo_plan",
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

RUN_DELAY_DAYS = (3, 6)
"""The billing run for a month is made this many days (inclusive range) after it ends."""
LAST_RUN_DAYS_AGO = 3
"""The last run is made this recently, so its invoices are not yet due."""
PAID_DAYS_BEFORE_DUE = (1, 4)
FIRST_INSTALMENT_DAYS_BEFORE_DUE = 11
SECOND_INSTALMENT_DAYS_BEFORE_DUE = 2

COLLECTOR_VISITS_KOWALSKI = 3
"""Months in which the collector, not Jan Kowalski, read the meter (besides the visit
after the missed readings)."""
COLLECTOR_VISITS_LIPOWA = 6
MISSED_MONTHS = (8, 9)
"""The months of the history in which Jan Kowalski sent no reading: a whole billing
period in the middle, within one tariff, which the billing run estimates."""
HIGH_USE_FACTOR = 1.1
"""In the missed months Jan Kowalski used more than ever before (this much above his
profile's ceiling), so the estimate, which follows his average, falls short whatever
the season and the correction asks for more."""

CUSTOMER_HOURS = (17, 22)
"""Customers submit e-readings in the evening."""
OFFICE_HOURS = (8, 15)
"""Collectors read meters and the call centre takes readings during the working day."""
BANK_HOURS = (9, 16)
BILLING_RUN = time(0, 30)
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
    """Submitted through eBOK by the account's user (else by phone or collector)."""

    @property
    def customer_month(self) -> date | None:
        return month_start(self.read_on) if self.source is ReadingSource.CUSTOMER else None


@dataclass(frozen=True)
class DocumentRef:
    """An invoice the billing run will issue, named before it has a number: its
    account, kind and the last day of its period."""

    account_number: str
    kind: InvoiceKind
    period_to: date


@dataclass(frozen=True)
class PaymentPlan:
    """A transfer or online payment a customer makes for some documents: `share` of
    their whole gross (1 for the rest, 1/2 to the grosz for a first instalment), booked
    `days_before_due` days before the earliest of them is due, at `hour`:`minute`."""

    pays: tuple[DocumentRef, ...]
    method: PaymentMethod
    days_before_due: int
    hour: int
    minute: int
    instalment: int = 0  # 0: the whole amount; 1 and 2: the two halves


@dataclass(frozen=True)
class BillingRunPlan:
    """The billing run for `period` (a month), made at `run_at`."""

    period: date
    run_at: datetime


@dataclass(eq=False)
class AccountPlan:
    customer: data.DemoCustomer
    contract_signed_on: date
    meter_installed_on: date
    readings: list[ReadingPlan]
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
    billing_runs: list[BillingRunPlan]

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
    sources: Sequence[ReadingSource | None],
    by_user: bool,
    high_use_months: Sequence[int] = (),
) -> list[ReadingPlan]:
    """The opening reading (by the collector) and one reading per month of the history.

    `sources` gives each month's source (None: no reading that month); customer
    readings count as submitted through eBOK when `by_user`, else by phone.
    """
    days = _reading_days(rng, cal, customer.reading_first_day)
    use = _daily_use(rng, cal, customer.consumption, high_use_months)
    registers = _true_registers(days, use, customer.consumption)
    readings = []
    for day, true_value, source in zip(
        days, registers, [ReadingSource.COLLECTOR, *sources], strict=True
    ):
        if source is None:
            continue
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


# --- Billing runs and payments -------------------------------------------------------------


def _plan_billing_runs(rng: random.Random, cal: _Calendar) -> list[BillingRunPlan]:
    """One run a few days after each month of the history; the last one recently, so
    its invoices are not yet due. A month can only be billed once it is over: on the
    first days of a month the last run is made early that very morning."""
    runs = []
    for index in range(HISTORY_MONTHS):
        period = cal.month(index)
        day = month_end(period) + timedelta(days=rng.randint(*RUN_DELAY_DAYS))
        if index == HISTORY_MONTHS - 1:
            day = max(day, cal.today - timedelta(days=LAST_RUN_DAYS_AGO))
        day = max(min(day, cal.yesterday), month_end(period) + ONE_DAY)
        runs.append(BillingRunPlan(period, warsaw_moment(day, BILLING_RUN)))
    return runs


def _regular(number: str, cal: _Calendar, months_per_period: int) -> list[DocumentRef]:
    """The regular invoices of the history's billing periods, oldest first."""
    return [
        DocumentRef(number, InvoiceKind.INVOICE, month_end(cal.month(last)))
        for last in range(months_per_period - 1, HISTORY_MONTHS, months_per_period)
    ]


def _pay(rng: random.Random, pays: Sequence[DocumentRef], method: PaymentMethod) -> PaymentPlan:
    """One payment of the documents' whole gross, a few days before they are due."""
    hour, minute = rng.randint(*BANK_HOURS), rng.randrange(60)
    days = rng.randint(*PAID_DAYS_BEFORE_DUE)
    return PaymentPlan(tuple(pays), method, days, hour, minute)


def _instalments(rng: random.Random, invoice: DocumentRef) -> list[PaymentPlan]:
    """Half (to the grosz) well before the due date, the rest just before it."""
    return [
        PaymentPlan(
            (invoice,),
            PaymentMethod.BANK_TRANSFER,
            days,
            rng.randint(*BANK_HOURS),
            rng.randrange(60),
            instalment=part,
        )
        for part, days in (
            (1, FIRST_INSTALMENT_DAYS_BEFORE_DUE),
            (2, SECOND_INSTALMENT_DAYS_BEFORE_DUE),
        )
    ]


def _pay_all_but_newest(rng: random.Random, invoices: Sequence[DocumentRef]) -> list[PaymentPlan]:
    return [_pay(rng, [invoice], PaymentMethod.BANK_TRANSFER) for invoice in invoices[:-1]]


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
    """E-readings with a few collector visits and one whole period without a reading
    (estimated, then corrected), bimonthly invoices; the newest unpaid, the one before
    it overdue."""
    customer = data.JAN_KOWALSKI
    signed_on, valid_from = _contract_dates(rng, cal, customer)
    # After the missed e-readings the utility sent the collector the next month.
    visit_after = MISSED_MONTHS[-1] + 1
    others = [m for m in range(HISTORY_MONTHS) if m not in (*MISSED_MONTHS, visit_after)]
    collector_months = {visit_after, *rng.sample(others, COLLECTOR_VISITS_KOWALSKI)}
    sources = [_kowalski_source(month, collector_months) for month in range(HISTORY_MONTHS)]
    readings = _plan_readings(
        rng, cal, customer, sources, by_user=True, high_use_months=MISSED_MONTHS
    )
    estimated_period = (cal.month(MISSED_MONTHS[0]), month_end(cal.month(MISSED_MONTHS[-1])))
    _require(
        len(split_by_tariff(*estimated_period, tariffs)) == 1,
        "the estimated period straddles the tariff change",
    )
    _require(
        any(
            len(split_by_tariff(cal.month(m), month_end(cal.month(m + 1)), tariffs)) > 1
            for m in range(0, HISTORY_MONTHS, BIMONTHLY_MONTHS)
        ),
        "no period of 100001 straddles the tariff change",
    )
    regular = _regular(customer.number, cal, BIMONTHLY_MONTHS)
    payments = _kowalski_payments(rng, regular, estimated_period[1])
    return AccountPlan(customer, signed_on, valid_from, readings, payments)


def _kowalski_source(month: int, collector_months: set[int]) -> ReadingSource | None:
    if month in MISSED_MONTHS:
        return None
    return ReadingSource.COLLECTOR if month in collector_months else ReadingSource.CUSTOMER


def _kowalski_payments(
    rng: random.Random, regular: list[DocumentRef], estimated_period_to: date
) -> list[PaymentPlan]:
    """Every invoice but the two newest, paid: the latest of them online; the invoice
    issued with the correction of the estimate paid together with it in one transfer;
    the latest other one in two instalments."""
    estimated = next(i for i, r in enumerate(regular) if r.period_to == estimated_period_to)
    correction = DocumentRef(regular[0].account_number, InvoiceKind.CORRECTION, estimated_period_to)
    paid = regular[:-2]
    with_correction = regular[estimated + 1]
    online = paid[-1]
    _require(online is not with_correction, "the online payment would also pay the correction")
    in_instalments = next(inv for inv in reversed(paid) if inv not in (online, with_correction))
    payments: list[PaymentPlan] = []
    for invoice in paid:
        if invoice is in_instalments:
            payments += _instalments(rng, invoice)
            continue
        pays = [invoice, correction] if invoice is with_correction else [invoice]
        method = PaymentMethod.ONLINE if invoice is online else PaymentMethod.BANK_TRANSFER
        payments.append(_pay(rng, pays, method))
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
    payments = _pay_all_but_newest(rng, _regular(customer.number, cal, BIMONTHLY_MONTHS))
    return AccountPlan(customer, signed_on, valid_from, readings, payments)


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
    payments = _pay_all_but_newest(rng, _regular(customer.number, cal, 1))
    return AccountPlan(customer, signed_on, valid_from, readings, payments)


def _require(condition: bool, what: str) -> None:
    """The demo promises these facts; a plan breaking one is a bug here, not bad input."""
    if not condition:
        raise RuntimeError(f"demo plan broken: {what}")


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


def build_demo_plan(today: date, utility: UtilitySettings) -> DemoPlan:
    """Everything the demo's people do, decided from `today` (Warsaw date) and the seed."""
    rng = random.Random(SEED)
    cal = _Calendar(today, timedelta(days=utility.payment_term_days))
    tariffs = _plan_tariffs(cal)
    accounts = [
        _plan_kowalski(rng, cal, tariffs),
        _plan_wisniewska(rng, cal, tariffs),
        _plan_lipowa(rng, cal, tariffs),
    ]
    users = _plan_users(rng, cal)
    runs = _plan_billing_runs(rng, cal)
    return DemoPlan(today, tariffs, accounts, users, _plan_announcements(cal, utility), runs)

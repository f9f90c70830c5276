"""The demo data keeps the promises the README and the outer surface make about it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from tortoise import Tortoise

from models.clock import WARSAW, Clock
from models.enums import InvoiceKind, PaymentMethod, PaymentStatus, ReadingSource, Role
from models.orm import (
    Account,
    Announcement,
    Consent,
    Invoice,
    InvoiceLine,
    Meter,
    Payment,
    PaymentAllocation,
    Reading,
    Tariff,
    User,
)
from models.rules.consumption import MeterReadingPoint, monthly_consumption
from models.rules.iban import is_valid_nip, is_valid_nrb
from models.rules.invoice_status import OVERDUE, PAID, UNPAID, amount_due, invoice_status
from models.rules.ledger import build_ledger, item_for_document
from models.rules.money import ZERO
from models.rules.reading_window import add_months, month_end, month_start
from models.services import demo, passwords
from models.services import demo_data as data
from models.services.demo import seed_demo, stored_registration_invoice_number
from models.services.demo_plan import MISSED_MONTHS, build_demo_plan
from models.settings import UtilitySettings
from tests.conftest import TEST_NOW, _empty_all_tables

UTILITY = UtilitySettings()
HISTORY = 24
HOUSEHOLD = "100001"
NO_USER = "100002"
COMMUNITY = "100003"
COMMUNITY_MONTHLY_M3 = (Decimal(250), Decimal(330))
COMMUNITY_OPENING_REGISTER = (Decimal(96_000), Decimal(98_000))
ONE_DAY = timedelta(days=1)


async def _seed(clock: Clock) -> None:
    assert await seed_demo(clock, UTILITY)


async def _paid_by_invoice() -> dict[int, Decimal]:
    """Sum allocations in Python: SQLite keeps decimals as text, so no SUM in SQL."""
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for allocation in await PaymentAllocation.all():
        paid[allocation.invoice_id] += allocation.amount
    return paid


async def _statuses(account_number: str, today: date) -> dict[str, str]:
    paid = await _paid_by_invoice()
    invoices = await Invoice.filter(account__number=account_number)
    return {
        inv.number: invoice_status(inv.gross, paid[inv.id], inv.due_date, today) for inv in invoices
    }


async def _main_meter_readings(account_number: str) -> list[Reading]:
    meter = await Meter.get(contract__account__number=account_number)
    return await Reading.filter(meter=meter).order_by("read_on")


# --- Seeding ---------------------------------------------------------------------------------


async def test_seeding_twice_seeds_once(db: str, clock: Clock) -> None:
    assert await seed_demo(clock, UTILITY) is True
    counts = (await Account.all().count(), await Invoice.all().count(), await User.all().count())
    assert await seed_demo(clock, UTILITY) is False
    assert (await Account.all().count(), await Invoice.all().count(), await User.all().count()) == (
        counts
    )
    assert counts[0] == 3 and counts[2] == 3


async def test_nothing_is_seeded_when_a_user_exists(db: str, clock: Clock) -> None:
    await User.create(login="ktos", email="ktos@example.pl", password_hash="x", created_at=TEST_NOW)
    assert await seed_demo(clock, UTILITY) is False
    assert await Account.all().count() == 0


async def test_a_failure_midway_leaves_the_database_empty(
    db: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "_write_announcements", broken)
    with pytest.raises(RuntimeError):
        await seed_demo(clock, UTILITY)
    assert await Account.all().count() == 0
    assert await User.all().count() == 0
    assert await Reading.all().count() == 0


# --- 100001: readings, invoices, payments ----------------------------------------------------


async def test_household_has_a_reading_in_each_month_but_a_missed_period_which_is_estimated(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    today = clock.today()
    readings = await _main_meter_readings(HOUSEHOLD)
    first_month = add_months(month_start(today), -HISTORY)
    actual = [r for r in readings if r.source is not ReadingSource.ESTIMATED]
    months = [month_start(r.read_on) for r in actual if r.read_on >= first_month]
    missed = [add_months(first_month, m) for m in MISSED_MONTHS]
    assert months == [add_months(first_month, i) for i in range(HISTORY) if i not in MISSED_MONTHS]
    assert all(r.read_on < month_start(today) for r in readings)
    # the opening reading, so the first month has a consumption too
    assert readings[0].read_on == first_month - timedelta(days=1)
    sources = [r.source for r in readings]
    # The billing run estimated the missed period on its last day.
    (estimate,) = [r for r in readings if r.source is ReadingSource.ESTIMATED]
    assert estimate.read_on == month_end(missed[-1])
    assert sources.count(ReadingSource.COLLECTOR) >= 2
    assert sources.count(ReadingSource.CUSTOMER) > len(readings) / 2
    jan = await User.get(login=data.JAN_USER.login)
    for reading in readings:
        if reading.source is ReadingSource.CUSTOMER:
            assert reading.customer_month == month_start(reading.read_on)
            assert reading.submitted_by_id == jan.id
            assert reading.read_on.day >= UTILITY.reading_window_opens_on_day
        else:
            assert reading.customer_month is None


async def test_household_has_one_unpaid_one_overdue_and_the_rest_paid(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    today = clock.today()
    statuses = await _statuses(HOUSEHOLD, today)
    values = sorted(statuses.values())
    assert values.count(UNPAID) == 1
    assert values.count(OVERDUE) == 1
    assert values.count(PAID) == len(values) - 2
    invoices = await Invoice.filter(account__number=HOUSEHOLD, kind=InvoiceKind.INVOICE).order_by(
        "issued_on"
    )
    assert len(invoices) == HISTORY // 2
    newest, before = invoices[-1], invoices[-2]
    assert statuses[newest.number] == UNPAID and newest.due_date >= today
    assert statuses[before.number] == OVERDUE and before.due_date < today
    assert newest.issued_on < today


async def test_household_invoices_cover_the_history_bimonthly(db: str, clock: Clock) -> None:
    await _seed(clock)
    first_month = add_months(month_start(clock.today()), -HISTORY)
    invoices = await Invoice.filter(account__number=HOUSEHOLD, kind=InvoiceKind.INVOICE).order_by(
        "period_from"
    )
    # Issued by the billing run, numbered per month of issue without gaps.
    assert all(i.billing_key == f"{i.account_id}:{i.period_to.isoformat()}" for i in invoices)
    assert [(i.period_from, i.period_to) for i in invoices] == [
        (add_months(first_month, m), month_end(add_months(first_month, m + 1)))
        for m in range(0, HISTORY, 2)
    ]
    for invoice in invoices:
        assert invoice.issued_on > invoice.period_to
        assert invoice.due_date == invoice.issued_on + timedelta(days=UTILITY.payment_term_days)
        linked = await invoice.readings.all().order_by("read_on")
        assert len(linked) == 2
        assert linked[-1].read_on.month == invoice.period_to.month


async def test_the_estimated_invoice_is_corrected_upwards_with_the_next_one(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    correction = await Invoice.get(account__number=HOUSEHOLD, kind=InvoiceKind.CORRECTION)
    assert correction.number.startswith("KOR/")
    corrected = await Invoice.get(id=correction.corrects_id)
    corrected_lines = await InvoiceLine.filter(invoice=corrected)
    assert any(line.estimated for line in corrected_lines)
    estimated = await corrected.readings.filter(source=ReadingSource.ESTIMATED)
    assert len(estimated) == 1 and estimated[0].read_on == corrected.period_to
    estimated_invoices = [
        inv
        for inv in await Invoice.filter(account__number=HOUSEHOLD)
        if any(line.estimated for line in await InvoiceLine.filter(invoice=inv))
    ]
    assert [inv.number for inv in estimated_invoices] == [corrected.number]
    issued_with = await Invoice.filter(
        account__number=HOUSEHOLD, kind=InvoiceKind.INVOICE, issued_on=correction.issued_on
    )
    assert len(issued_with) == 1 and issued_with[0].period_from > corrected.period_to
    lines = await InvoiceLine.filter(invoice=correction)
    assert {line.service.value for line in lines} == {"WATER", "SEWAGE"}
    assert all(line.quantity > 0 and not line.estimated for line in lines)
    assert correction.gross > 0
    tariffs = {line.tariff_id for line in corrected_lines} | {line.tariff_id for line in lines}
    assert len(tariffs) == 1


async def test_one_household_invoice_is_split_between_the_two_tariffs(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    tariffs = await Tariff.all().order_by("valid_from")
    assert len(tariffs) == 2
    old, new = tariffs
    assert old.valid_from == add_months(month_start(clock.today()), -36)
    assert old.valid_to == new.valid_from - timedelta(days=1)
    assert new.valid_to is None
    split = []
    for invoice in await Invoice.filter(account__number=HOUSEHOLD):
        used = {line.tariff_id for line in await InvoiceLine.filter(invoice=invoice)}
        if used == {old.id, new.id}:
            split.append(invoice)
    assert len(split) == 1
    assert split[0].period_from < new.valid_from <= split[0].period_to


async def test_household_payments_pay_many_to_many(db: str, clock: Clock) -> None:
    await _seed(clock)
    payments = await Payment.filter(account__number=HOUSEHOLD)
    assert all(p.status is PaymentStatus.COMPLETED for p in payments)
    methods = [p.method for p in payments]
    assert methods.count(PaymentMethod.ONLINE) == 1
    assert methods.count(PaymentMethod.BANK_TRANSFER) == len(methods) - 1
    allocations = await PaymentAllocation.filter(payment__account__number=HOUSEHOLD)
    per_payment: dict[int, list[PaymentAllocation]] = defaultdict(list)
    per_invoice: dict[int, list[PaymentAllocation]] = defaultdict(list)
    for allocation in allocations:
        per_payment[allocation.payment_id].append(allocation)
        per_invoice[allocation.invoice_id].append(allocation)
    assert any(len(a) == 2 for a in per_payment.values())
    assert any(len(a) == 2 for a in per_invoice.values())
    for payment in payments:
        # no leftover credit: every payment is allocated in full, before it was due
        assert sum((a.amount for a in per_payment[payment.id]), ZERO) == payment.amount
        assert payment.title.startswith(f"Nr klienta {HOUSEHOLD}")
        for allocation in per_payment[payment.id]:
            invoice = await Invoice.get(id=allocation.invoice_id)
            assert invoice.issued_on <= payment.booked_on <= invoice.due_date
            assert invoice.number in payment.title
        if payment.method is PaymentMethod.BANK_TRANSFER:
            assert payment.payer_account and is_valid_nrb(payment.payer_account)


async def test_payment_references_are_unique(db: str, clock: Clock) -> None:
    await _seed(clock)
    references = [p.reference for p in await Payment.all()]
    assert len(references) == len(set(references)) > 0


# --- Money adds up -----------------------------------------------------------------------------


async def test_invoice_totals_are_the_sums_of_their_lines(db: str, clock: Clock) -> None:
    await _seed(clock)
    lines_by_invoice: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in await InvoiceLine.all():
        assert line.gross == line.net + line.vat
        lines_by_invoice[line.invoice_id].append(line)
    invoices = await Invoice.all()
    assert len(invoices) == len(lines_by_invoice)
    for invoice in invoices:
        lines = lines_by_invoice[invoice.id]
        assert [line.position for line in sorted(lines, key=lambda x: x.position)] == list(
            range(1, len(lines) + 1)
        )
        assert invoice.net == sum((line.net for line in lines), ZERO)
        assert invoice.vat == sum((line.vat for line in lines), ZERO)
        assert invoice.gross == sum((line.gross for line in lines), ZERO)


@pytest.mark.parametrize("account_number", [HOUSEHOLD, NO_USER, COMMUNITY])
async def test_balance_is_what_open_invoices_owe_and_the_ledger_ends_there(
    db: str, clock: Clock, account_number: str
) -> None:
    await _seed(clock)
    invoices = await Invoice.filter(account__number=account_number)
    payments = await Payment.filter(account__number=account_number, status=PaymentStatus.COMPLETED)
    paid = await _paid_by_invoice()
    balance = sum((i.gross for i in invoices), ZERO) - sum((p.amount for p in payments), ZERO)
    open_due = sum((amount_due(i.gross, paid[i.id]) for i in invoices), ZERO)
    assert balance == open_due > 0
    items = [
        item_for_document(i.issued_on, i.kind.value, i.number, i.gross, (i.id,)) for i in invoices
    ]
    items += [
        item_for_document(p.booked_on, "PAYMENT", p.reference, p.amount, (p.id,))
        for p in payments
        if p.booked_on is not None
    ]
    ledger = build_ledger(items)
    assert ledger[-1].balance_after == balance
    assert min(line.balance_after for line in ledger) >= 0  # never a credit on the way


# --- 100003: the main meter rolls over -----------------------------------------------------


async def test_community_main_meter_rolls_over_and_uses_250_to_330_m3_a_month(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    account = await Account.get(number=COMMUNITY)
    assert is_valid_nip(account.tax_id or "")
    meter = await Meter.get(contract__account=account)
    assert meter.is_main and meter.digits == 5
    readings = await Reading.filter(meter=meter).order_by("read_on")
    assert len(readings) == HISTORY + 1
    assert COMMUNITY_OPENING_REGISTER[0] <= readings[0].value <= COMMUNITY_OPENING_REGISTER[1]
    assert any(b.value < a.value for a, b in pairwise(readings))
    assert {r.source for r in readings} == {ReadingSource.COLLECTOR, ReadingSource.CUSTOMER}
    first_month = add_months(month_start(clock.today()), -HISTORY)
    months = monthly_consumption(
        [MeterReadingPoint(r.read_on, r.value, False) for r in readings],
        meter.digits,
        first_month,
        add_months(first_month, HISTORY) - timedelta(days=1),
    )
    assert len(months) == HISTORY
    low, high = COMMUNITY_MONTHLY_M3
    assert all(low <= m.volume <= high for m in months), [str(m.volume) for m in months]


async def test_community_is_billed_monthly_with_only_the_newest_unpaid(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    today = clock.today()
    invoices = await Invoice.filter(account__number=COMMUNITY).order_by("issued_on")
    assert len(invoices) == HISTORY
    statuses = await _statuses(COMMUNITY, today)
    assert [statuses[i.number] for i in invoices] == [PAID] * (HISTORY - 1) + [UNPAID]
    assert invoices[-1].due_date >= today


# --- 100002 and the users -------------------------------------------------------------------


async def test_registration_invoice_belongs_to_the_account_without_a_user(
    db: str, clock: Clock
) -> None:
    await _seed(clock)
    number = await stored_registration_invoice_number()
    assert number == "FV/2025/01/000002", "the number the README gives"
    invoice = await Invoice.get(number=number).prefetch_related("account")
    assert invoice.account.number == NO_USER
    assert await invoice.account.users.all().count() == 0
    assert 6 <= await Invoice.filter(account__number=NO_USER).count() <= 12


async def test_users_sign_in_with_the_documented_passwords(db: str, clock: Clock) -> None:
    await _seed(clock)
    expected = {
        "jan.kowalski": (data.CUSTOMER_PASSWORD, Role.CUSTOMER, [HOUSEHOLD]),
        "wspolnota.lipowa": (data.CUSTOMER_PASSWORD, Role.CUSTOMER, [COMMUNITY]),
        "obsluga": (data.STAFF_PASSWORD, Role.STAFF, []),
    }
    users = await User.all()
    assert sorted(u.login for u in users) == sorted(expected)
    for user in users:
        password, role, accounts = expected[user.login]
        assert await passwords.verify_password(user.password_hash, password)
        assert user.role is role
        assert not user.must_change_password
        assert user.accepted_terms_version == UTILITY.terms_version
        assert [a.number for a in await user.accounts.all()] == accounts
        consents = await Consent.filter(user=user)
        if role is Role.CUSTOMER:
            assert sorted(c.kind.value for c in consents) == ["DATA_PROCESSING", "TERMS"]
            assert all(c.text_version == UTILITY.terms_version for c in consents)
        else:
            assert consents == []
    staff = next(u for u in users if u.login == "obsluga")
    assert staff.totp_secret == "JBSWY3DPEHPK3PXP"


async def test_announcements_are_published_and_the_outage_is_ahead(db: str, clock: Clock) -> None:
    await _seed(clock)
    now = clock.now()
    announcements = {a.kind.value: a for a in await Announcement.all()}
    assert set(announcements) >= {"PLANNED_OUTAGE", "NEWS"}
    assert {"PROMOTION", "PRODUCT"} & set(announcements)
    assert all(a.published_at < now for a in announcements.values())
    outage = announcements["PLANNED_OUTAGE"]
    assert outage.valid_from is not None and outage.valid_from <= now
    assert outage.valid_to is not None and now < outage.valid_to < now + timedelta(days=7)
    assert "ul. Lipowa" in outage.body


# --- Determinism ------------------------------------------------------------------------------


async def _dump() -> list[tuple[str, str]]:
    """Every row of every table, without surrogate keys or password hashes (argon2
    salts them), with relations spelled by natural keys; sorted."""
    rows: list[tuple[str, str]] = []
    for model in Tortoise.apps["ebok"].values():
        for row in await model.all().values():
            kept = {
                k: v
                for k, v in row.items()
                if k != "id" and not k.endswith("_id") and k != "password_hash"
            }
            rows.append((model.__name__, repr(sorted(kept.items()))))
    for invoice in await Invoice.all().prefetch_related("account", "readings", "corrects"):
        rows.append(
            (
                "invoice links",
                repr(
                    (
                        invoice.number,
                        invoice.account.number,
                        invoice.corrects.number if invoice.corrects else None,
                        sorted(r.read_on for r in invoice.readings),
                    )
                ),
            )
        )
    for line in await InvoiceLine.all().prefetch_related("invoice", "tariff"):
        rows.append(
            ("line links", repr((line.invoice.number, line.position, line.tariff.valid_from)))
        )
    for allocation in await PaymentAllocation.all().prefetch_related("payment", "invoice"):
        rows.append(
            ("allocation links", repr((allocation.payment.reference, allocation.invoice.number)))
        )
    for reading in await Reading.all().prefetch_related("meter", "submitted_by"):
        by = reading.submitted_by.login if reading.submitted_by else None
        rows.append(("reading links", repr((reading.meter.serial_number, reading.read_on, by))))
    for user in await User.all().prefetch_related("accounts"):
        rows.append(("user links", repr((user.login, sorted(a.number for a in user.accounts)))))
    return sorted(rows)


async def test_same_date_gives_the_same_rows(db: str, clock: Clock, database_kind: str) -> None:
    await _seed(clock)
    first = await _dump()
    await _empty_all_tables(database_kind)
    later_that_day = Clock(datetime(2026, 11, 21, 23, 45, tzinfo=WARSAW), frozen=True)
    assert later_that_day.today() == clock.today()
    await _seed(later_that_day)
    assert await _dump() == first
    assert len(first) > 500


# --- The plan on any date ----------------------------------------------------------------

PLAN_DATES = [date(2027, month, day) for month in range(1, 13) for day in (1, 3, 15, 28)] + [
    date(2028, 2, 29),
    date(2027, 12, 31),
    date(2027, 3, 31),
]


@pytest.mark.parametrize("today", PLAN_DATES, ids=str)
def test_the_plan_keeps_its_promises_on_any_date(today: date) -> None:
    plan = build_demo_plan(today, UTILITY)
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=WARSAW)
    first_month = add_months(month_start(today), -HISTORY)
    for account in plan.accounts:
        missed = MISSED_MONTHS if account.customer.number == HOUSEHOLD else ()
        months = [month_start(r.read_on) for r in account.readings[1:]]
        assert months == [add_months(first_month, i) for i in range(HISTORY) if i not in missed]
        assert all(r.submitted_at < start_of_today for r in account.readings)
        if account.customer.number == COMMUNITY:
            points = [MeterReadingPoint(r.read_on, r.value, False) for r in account.readings]
            months_used = monthly_consumption(
                points, account.customer.meter_digits, first_month, month_start(today) - ONE_DAY
            )
            low, high = COMMUNITY_MONTHLY_M3
            assert all(low <= m.volume <= high for m in months_used)
            assert any(b.value < a.value for a, b in pairwise(account.readings))
    runs = plan.billing_runs
    assert [r.period for r in runs] == [add_months(first_month, i) for i in range(HISTORY)]
    days = [r.run_at.astimezone(WARSAW).date() for r in runs]
    assert all(month_end(r.period) < day < today for r, day in zip(runs[:-1], days, strict=False))
    assert month_end(runs[-1].period) < days[-1] <= today
    assert runs[-1].run_at.astimezone(WARSAW).date() >= today - timedelta(days=3)
    assert all(a.published_at < start_of_today for a in plan.announcements)
    assert all(u.created_at < start_of_today for u in plan.users)


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2028, 2, 29), date(2027, 7, 31)], ids=str)
async def test_the_engine_keeps_the_demos_promises_on_other_dates(db: str, today: date) -> None:
    clock = Clock(datetime.combine(today, datetime.min.time(), WARSAW).replace(hour=9), frozen=True)
    await _seed(clock)
    statuses = await _statuses(HOUSEHOLD, today)
    regular = await Invoice.filter(account__number=HOUSEHOLD, kind=InvoiceKind.INVOICE).order_by(
        "period_to"
    )
    assert [statuses[i.number] for i in regular[-2:]] == [OVERDUE, UNPAID]
    assert await Invoice.filter(account__number=HOUSEHOLD, kind=InvoiceKind.CORRECTION).count() == 1
    for number in (NO_USER, COMMUNITY):
        values = list((await _statuses(number, today)).values())
        assert sorted(values) == sorted([PAID] * (len(values) - 1) + [UNPAID])


def test_the_plan_depends_on_the_date_only() -> None:
    first = build_demo_plan(date(2026, 11, 21), UTILITY)
    again = build_demo_plan(date(2026, 11, 21), UTILITY)
    assert [r.value for a in first.accounts for r in a.readings] == [
        r.value for a in again.accounts for r in a.readings
    ]
    assert [p for a in first.accounts for p in a.payments] == [
        p for a in again.accounts for p in a.payments
    ]
    assert first.billing_runs == again.billing_runs


def test_demo_identities_pass_their_check_digits() -> None:
    for customer in data.CUSTOMERS:
        assert is_valid_nrb(customer.payer_account)
        if customer.tax_id is not None:
            assert is_valid_nip(customer.tax_id)
    assert TEST_NOW.date() == date(2026, 11, 21)

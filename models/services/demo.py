"""The demo data behind `ebok demo` and `ebok serve --demo`: the plan, played through.

`models.services.demo_plan` decides what the demo's people do from the demo's today
and a fixed seed; this module checks the database is empty and plays the plan in one
transaction through the real services: the static rows (tariffs, users, accounts,
meters, announcements), then month by month the readings and the billing run
(models/services/billing.py), then every payment (models/services/payments.py). The
two argon2 hashes are made before, outside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ConsentKind, InvoiceKind, PaymentMethod, Role, Service
from models.orm import (
    Account,
    Announcement,
    Consent,
    Contract,
    Invoice,
    Meter,
    Premises,
    Reading,
    Tariff,
    User,
)
from models.rules.money import to_grosz
from models.rules.reading_window import month_end
from models.rules.tariff import TariffRates
from models.rules.transfer import transfer_title
from models.services import demo_data as data
from models.services import passwords
from models.services.billing import run_billing
from models.services.demo_plan import (
    CONTRACT_SIGNED_TIME,
    AccountPlan,
    AnnouncementPlan,
    DemoPlan,
    DocumentRef,
    PaymentPlan,
    ReadingPlan,
    UserPlan,
    build_demo_plan,
    warsaw_moment,
)
from models.services.payments import Receipt, book_payment
from models.settings import UtilitySettings

__all__ = ["seed_demo", "stored_registration_invoice_number"]


async def _has_customers_or_users() -> bool:
    return await Account.exists() or await User.exists()


async def seed_demo(clock: Clock, utility: UtilitySettings) -> bool:
    """Seed the demo data into an empty database; False (and nothing written) when any
    account or user exists already."""
    if await _has_customers_or_users():
        return False
    plan = build_demo_plan(clock.today(), utility)
    # argon2 is slow on purpose: hash each password once, outside the transaction.
    password_hashes = {
        Role.CUSTOMER: await passwords.hash_password(data.CUSTOMER_PASSWORD),
        Role.STAFF: await passwords.hash_password(data.STAFF_PASSWORD),
    }
    async with in_transaction():
        if await _has_customers_or_users():
            return False
        await _write_tariffs(plan.tariffs)
        users = await _write_users(plan.users, utility, password_hashes)
        meters = {
            account_plan.customer.number: await _write_account(account_plan, utility, users)
            for account_plan in plan.accounts
        }
        await _write_announcements(plan.announcements, users[data.STAFF_USER.login])
        await _play_billing(plan, meters, users, utility)
        await _play_payments(plan)
    return True


async def _play_billing(
    plan: DemoPlan, meters: dict[str, Meter], users: dict[str, User], utility: UtilitySettings
) -> None:
    """Month by month: the readings sent by the end of the month, then its run."""
    pending = sorted(
        ((reading, plan_.customer.number) for plan_ in plan.accounts for reading in plan_.readings),
        key=lambda item: item[0].read_on,
    )
    for run in plan.billing_runs:
        until = month_end(run.period)
        while pending and pending[0][0].read_on <= until:
            reading, number = pending.pop(0)
            await _write_reading(meters[number], reading, _account_user(number, users))
        clock = Clock(run.run_at, frozen=True)
        await run_billing(run.period, clock, payment_term_days=utility.payment_term_days)
    for reading, number in pending:
        await _write_reading(meters[number], reading, _account_user(number, users))


async def _play_payments(plan: DemoPlan) -> None:
    """Every payment in time order, paying the documents it was meant for."""
    documents = await _documents()
    booked = []
    for account_plan in plan.accounts:
        for payment in account_plan.payments:
            booked.append(_receipt_parts(account_plan, payment, documents, plan.today))
    booked.sort(key=lambda item: item[0])
    per_day: dict[date, int] = defaultdict(int)
    for received_at, receipt_parts in booked:
        booked_on = received_at.date()
        per_day[booked_on] += 1
        prefix = "ONLINE" if receipt_parts["method"] is PaymentMethod.ONLINE else "MT940"
        reference = f"{prefix}-{booked_on:%Y%m%d}-{per_day[booked_on]:06d}"
        await book_payment(Receipt(reference=reference, received_at=received_at, **receipt_parts))


async def _documents() -> dict[tuple[str, InvoiceKind, date], Invoice]:
    """Every issued document by (account number, kind, period end)."""
    found = {}
    for invoice in await Invoice.all().select_related("account"):
        found[(invoice.account.number, invoice.kind, invoice.period_to)] = invoice
    return found


def _document(ref: DocumentRef, documents: dict[tuple[str, InvoiceKind, date], Invoice]) -> Invoice:
    invoice = documents.get((ref.account_number, ref.kind, ref.period_to))
    _require(invoice is not None, f"the billing run issued no {ref}")
    assert invoice is not None
    return invoice


def _require(condition: bool, what: str) -> None:
    """The demo promises these facts; a plan the engine does not bear out is a bug."""
    if not condition:
        raise RuntimeError(f"demo broken: {what}")


def _receipt_parts(
    account_plan: AccountPlan,
    payment: PaymentPlan,
    documents: dict[tuple[str, InvoiceKind, date], Invoice],
    today: date,
) -> tuple[datetime, dict[str, Any]]:
    """When the payment is made, and the rest of its receipt."""
    customer = account_plan.customer
    pays = [_document(ref, documents) for ref in payment.pays]
    gross = sum((invoice.gross for invoice in pays), Decimal("0.00"))
    amount = {0: gross, 1: to_grosz(gross / 2), 2: gross - to_grosz(gross / 2)}[payment.instalment]
    due = min(invoice.due_date for invoice in pays)
    booked_on = due - timedelta(days=payment.days_before_due)
    _require(
        max(i.issued_on for i in pays) <= booked_on < today,
        "a payment falls outside its invoices' life",
    )
    received_at = warsaw_moment(booked_on, time(payment.hour, payment.minute))
    by_transfer = payment.method is PaymentMethod.BANK_TRANSFER
    return received_at, {
        "account_id": pays[0].account_id,
        "amount": amount,
        "method": payment.method,
        "booked_on": booked_on,
        "title": transfer_title(customer.number, ", ".join(i.number for i in pays)),
        "payer_name": customer.holder_name,
        "payer_account": customer.payer_account if by_transfer else None,
        "chosen_invoice_ids": [i.id for i in pays],
    }


async def _write_tariffs(plans: Sequence[TariffRates]) -> None:
    for rates in plans:
        await Tariff.create(
            valid_from=rates.valid_from,
            valid_to=rates.valid_to,
            water_price=rates.water_price,
            sewage_price=rates.sewage_price,
            subscription_fee=rates.subscription_fee,
            vat_rate=rates.vat_rate,
        )


async def _write_users(
    plans: Sequence[UserPlan], utility: UtilitySettings, password_hashes: dict[Role, str]
) -> dict[str, User]:
    stored: dict[str, User] = {}
    consents = []
    for plan in plans:
        user = await User.create(
            login=plan.login,
            email=plan.email,
            password_hash=password_hashes[plan.role],
            role=plan.role,
            must_change_password=False,
            accepted_terms_version=utility.terms_version,
            totp_secret=plan.totp_secret,
            created_at=plan.created_at,
            password_changed_at=plan.created_at,
        )
        stored[plan.login] = user
        if plan.consents_given_at is not None:
            consents += [
                Consent(
                    kind=kind,
                    text_version=utility.terms_version,
                    given_at=plan.consents_given_at,
                    user=user,
                )
                for kind in (ConsentKind.TERMS, ConsentKind.DATA_PROCESSING)
            ]
    await Consent.bulk_create(consents)
    return stored


def _account_user(number: str, users: dict[str, User]) -> User | None:
    for demo_user in (data.JAN_USER, data.LIPOWA_USER):
        if demo_user.account_number == number:
            return users[demo_user.login]
    return None


async def _write_account(
    plan: AccountPlan, utility: UtilitySettings, users: dict[str, User]
) -> Meter:
    customer = plan.customer
    address = {
        "street": customer.street,
        "building_number": customer.building_number,
        "apartment_number": customer.apartment_number,
        "postal_code": customer.postal_code,
        "city": utility.city,
    }
    account = await Account.create(
        number=customer.number,
        kind=customer.kind,
        holder_name=customer.holder_name,
        tax_id=customer.tax_id,
        email=customer.email,
        phone=customer.phone,
        billing_cycle=customer.billing_cycle,
        created_at=warsaw_moment(plan.contract_signed_on, CONTRACT_SIGNED_TIME),
        **address,
    )
    premises = await Premises.create(**address)
    contract = await Contract.create(
        account=account,
        premises=premises,
        number=plan.contract_number,
        signed_on=plan.contract_signed_on,
        valid_from=plan.meter_installed_on,
        services=",".join(s.value for s in Service),
    )
    user = _account_user(customer.number, users)
    if user is not None:
        await user.accounts.add(account)
    return await Meter.create(
        contract=contract,
        serial_number=plan.meter_serial,
        is_main=customer.meter_is_main,
        installed_on=plan.meter_installed_on,
        digits=customer.meter_digits,
    )


async def _write_reading(meter: Meter, plan: ReadingPlan, user: User | None) -> None:
    await Reading.create(
        meter=meter,
        value=plan.value,
        read_on=plan.read_on,
        source=plan.source,
        submitted_at=plan.submitted_at,
        submitted_by=user if plan.by_user else None,
        customer_month=plan.customer_month,
    )


async def _write_announcements(plans: Sequence[AnnouncementPlan], author: User) -> None:
    await Announcement.bulk_create(
        [
            Announcement(
                kind=plan.kind,
                title=plan.title,
                body=plan.body,
                published_at=plan.published_at,
                valid_from=plan.valid_from,
                valid_to=plan.valid_to,
                created_by=author,
            )
            for plan in plans
        ]
    )


async def stored_registration_invoice_number() -> str | None:
    """The first invoice of the demo account without a user, as the database holds it
    (the database may have been seeded on another date than today)."""
    invoice = (
        await Invoice.filter(account__number=data.KATARZYNA_WISNIEWSKA.number)
        .order_by("issued_on", "id")
        .first()
    )
    return invoice.number if invoice else None

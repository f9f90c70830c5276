"""The demo data behind `ebok demo` and `ebok serve --demo`: writing the plan.

`models.services.demo_plan` decides every row from the demo's today and a fixed
seed; this module checks the database is empty and writes the plan in one
transaction (the two argon2 hashes are made before it, outside).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import (
    ConsentKind,
    PaymentMethod,
    PaymentStatus,
    Role,
    Service,
)
from models.orm import (
    Account,
    Announcement,
    Consent,
    Contract,
    Invoice,
    InvoiceLine,
    Meter,
    Payment,
    PaymentAllocation,
    Premises,
    Reading,
    Tariff,
    User,
)
from models.rules.billing import invoice_totals
from models.rules.tariff import TariffRates
from models.rules.transfer import transfer_title
from models.services import demo_data as data
from models.services import passwords
from models.services.demo_plan import (
    BILLING_RUN,
    CONTRACT_SIGNED_TIME,
    AccountPlan,
    AnnouncementPlan,
    InvoicePlan,
    ReadingPlan,
    UserPlan,
    build_demo_plan,
    warsaw_moment,
)
from models.services.figures import check_figures
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
        tariffs = await _write_tariffs(plan.tariffs)
        users = await _write_users(plan.users, utility, password_hashes)
        for account_plan in plan.accounts:
            await _write_account(account_plan, utility, tariffs, users)
        await _write_announcements(plan.announcements, users[data.STAFF_USER.login])
        # The plan writes invoices and payments as rows; their stored figures follow.
        await check_figures(repair=True)
    return True


async def _write_tariffs(plans: Sequence[TariffRates]) -> dict[date, Tariff]:
    stored = {}
    for rates in plans:
        stored[rates.valid_from] = await Tariff.create(
            valid_from=rates.valid_from,
            valid_to=rates.valid_to,
            water_price=rates.water_price,
            sewage_price=rates.sewage_price,
            subscription_fee=rates.subscription_fee,
            vat_rate=rates.vat_rate,
        )
    return stored


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


def _account_user(plan: AccountPlan, users: dict[str, User]) -> User | None:
    number = plan.customer.number
    for demo_user in (data.JAN_USER, data.LIPOWA_USER):
        if demo_user.account_number == number:
            return users[demo_user.login]
    return None


async def _write_account(
    plan: AccountPlan, utility: UtilitySettings, tariffs: dict[date, Tariff], users: dict[str, User]
) -> None:
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
    meter = await Meter.create(
        contract=contract,
        serial_number=plan.meter_serial,
        is_main=customer.meter_is_main,
        installed_on=plan.meter_installed_on,
        digits=customer.meter_digits,
    )
    user = _account_user(plan, users)
    if user is not None:
        await user.accounts.add(account)
    readings = await _write_readings(meter, plan.readings, user)
    invoices = await _write_invoices(account, plan.invoices, readings, tariffs)
    await _write_payments(account, plan, invoices)


async def _write_readings(
    meter: Meter, plans: Sequence[ReadingPlan], user: User | None
) -> dict[ReadingPlan, Reading]:
    await Reading.bulk_create(
        [
            Reading(
                meter=meter,
                value=plan.value,
                read_on=plan.read_on,
                source=plan.source,
                submitted_at=plan.submitted_at,
                submitted_by=user if plan.by_user else None,
                customer_month=plan.customer_month,
            )
            for plan in plans
        ]
    )
    by_day = {reading.read_on: reading for reading in await Reading.filter(meter=meter)}
    return {plan: by_day[plan.read_on] for plan in plans}


async def _write_invoices(
    account: Account,
    plans: Sequence[InvoicePlan],
    readings: dict[ReadingPlan, Reading],
    tariffs: dict[date, Tariff],
) -> dict[InvoicePlan, Invoice]:
    stored: dict[InvoicePlan, Invoice] = {}
    lines = []
    for plan in plans:
        totals = invoice_totals(plan.lines)
        invoice = await Invoice.create(
            account=account,
            number=plan.number,
            kind=plan.kind,
            issued_on=plan.issued_on,
            period_from=plan.period_from,
            period_to=plan.period_to,
            due_date=plan.due_date,
            net=totals.net,
            vat=totals.vat,
            gross=totals.gross,
            corrects=stored[plan.corrects] if plan.corrects is not None else None,
            created_at=warsaw_moment(plan.issued_on, BILLING_RUN),
        )
        stored[plan] = invoice
        await invoice.readings.add(*(readings[r] for r in plan.readings))
        lines += [
            InvoiceLine(
                invoice=invoice,
                position=position,
                service=Service(line.service),
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                net=line.net,
                vat_rate=line.vat_rate,
                vat=line.vat,
                gross=line.gross,
                estimated=line.estimated,
                tariff=tariffs[line.tariff_valid_from],
            )
            for position, line in enumerate(plan.lines, start=1)
        ]
    await InvoiceLine.bulk_create(lines)
    return stored


def _payment_title(customer_number: str, pays: Sequence[InvoicePlan]) -> str:
    return transfer_title(customer_number, ", ".join(inv.number for inv in pays))


async def _write_payments(
    account: Account, plan: AccountPlan, invoices: dict[InvoicePlan, Invoice]
) -> None:
    customer = plan.customer
    allocations = []
    for payment_plan in plan.payments:
        by_transfer = payment_plan.method is PaymentMethod.BANK_TRANSFER
        payment = await Payment.create(
            account=account,
            amount=payment_plan.amount,
            method=payment_plan.method,
            status=PaymentStatus.COMPLETED,
            created_at=payment_plan.created_at,
            booked_on=payment_plan.booked_on,
            reference=payment_plan.reference,
            title=_payment_title(customer.number, payment_plan.pays),
            payer_name=customer.holder_name,
            payer_account=customer.payer_account if by_transfer else None,
        )
        if not by_transfer:
            # Paid online: the customer picked the invoices when starting the payment.
            await payment.chosen_invoices.add(*(invoices[inv] for inv in payment_plan.pays))
        allocations += [
            PaymentAllocation(payment=payment, invoice=invoices[inv], amount=amount)
            for inv, amount in payment_plan.allocations
        ]
    await PaymentAllocation.bulk_create(allocations)


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

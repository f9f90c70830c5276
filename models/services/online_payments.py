"""Online payment of chosen invoices: the order, the operator's notification, the booking.

`start` makes a PENDING order for the customer's own open invoices (the sum of what is
due on them) and registers it with the operator. A PENDING order changes no figure.

`receive_notification` is the one way money paid online is booked, for Przelewy24 and
the sandbox alike. In this order, and nothing is written before the last step:
1. the signature (SHA-384 with the CRC key) must be right, and the merchant ours;
2. the order must exist and the amount and currency must be the order's (a mismatch is
   refused, logged on the security log and written to the audit log);
3. the operator must confirm the transaction (Przelewy24's verify call);
4. in one transaction: the order row is claimed PENDING -> COMPLETED by a conditional
   update (a duplicate, replayed or concurrent notification finds it done and books
   nothing), the account is locked, the chosen invoices are paid first
   (models/services/payments.settle), and the e-mail receipt is queued in the outbox.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import InvoiceStatus, PaymentMethod, PaymentStatus
from models.errors import InvoiceNotPayable, PaymentProviderUnavailable, Required
from models.orm import Account, Invoice, Payment, User
from models.rules.invoice_status import amount_due
from models.rules.money import format_pln, to_grosze_int
from models.rules.przelewy24 import (
    CURRENCY,
    MalformedNotification,
    Notification,
    notification,
    parse_notification,
)
from models.rules.return_url import return_path
from models.security_log import security_event
from models.services import audit, outbox
from models.services.account_contacts import account_emails
from models.services.payment_providers import OrderRequest, PaymentProvider, ProviderError
from models.services.payments import apply_to_account

log = logging.getLogger("ebok.payments")

NOTIFICATION_PATH = "/platnosci/powiadomienie"
_OPEN = (InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID)


def confirmation_path(payment_id: int) -> str:
    return f"/platnosci/potwierdzenie/{payment_id}"


@dataclass(frozen=True)
class Started:
    payment: Payment
    redirect_url: str


async def start(
    visible_account_ids: frozenset[int],
    invoice_ids: Sequence[int],
    return_url: str | None,
    *,
    by: User,
    provider: PaymentProvider,
    public_url: str,
    clock: Clock,
    client_address: str | None,
) -> Started:
    """A PENDING order for these invoices, registered with the operator."""
    path = return_path(return_url, public_url)
    wanted = sorted(set(invoice_ids))
    if not wanted:
        raise Required("invoiceIds")
    async with in_transaction():
        invoices = await Invoice.filter(
            id__in=wanted, account_id__in=list(visible_account_ids), settlement__in=_OPEN
        ).order_by("id")
        owners = {i.account_id for i in invoices}
        # Paid, someone else's and unknown ids are all refused alike.
        if len(invoices) != len(wanted) or len(owners) != 1:
            raise InvoiceNotPayable("invoiceIds")
        account = await Account.select_for_update().get(id=owners.pop())
        amount = sum((amount_due(i.gross, i.paid) for i in invoices), Decimal("0"))
        if amount <= 0:
            raise InvoiceNotPayable("invoiceIds")
        numbers = ", ".join(i.number for i in invoices)
        payment = await Payment.create(
            account_id=account.id,
            amount=amount,
            method=PaymentMethod.ONLINE,
            status=PaymentStatus.PENDING,
            created_at=clock.now(),
            reference=secrets.token_hex(16),
            title=f"Faktury {numbers}"[:255],
            provider=provider.name,
            return_url=path,
        )
        await payment.chosen_invoices.add(*invoices)
        if path is None:
            payment.return_url = confirmation_path(payment.id)
            await payment.save(update_fields=["return_url"])
        # The history on /platnosci shows the order; the balance stays as it is.
        account.version = account.version + 1
        await account.save(update_fields=["version"])
        await audit.record(
            "PAYMENT_STARTED",
            at=clock.now(),
            actor=by,
            object_type="Payment",
            object_id=payment.id,
            client_address=client_address,
            details={"account": account.number, "amount": str(amount), "invoices": numbers},
        )
    order = OrderRequest(
        session_id=payment.reference,
        amount=to_grosze_int(amount),
        description=f"{account.number}: {numbers}"[:1024],
        email=by.email or account.email or "",
        url_return=public_url + str(payment.return_url),
        url_status=public_url + NOTIFICATION_PATH,
    )
    try:
        redirect_url = await provider.register(order)
    except ProviderError as error:
        log.warning("payment %s: the operator refused the order: %s", payment.id, error)
        await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED
        )
        raise PaymentProviderUnavailable() from error
    return Started(payment, redirect_url)


class NotificationRefused(Exception):
    """A notification that books nothing (the reason is for the logs, never the sender)."""


@dataclass(frozen=True)
class Booked:
    payment_id: int
    # False when the payment had been booked already (a duplicate notification).
    newly: bool


def _refuse(reason: str, note: Notification | None, **fields: Any) -> NotificationRefused:
    security_event(
        "payment_notification_refused",
        level=logging.WARNING,
        reason=reason,
        session=note.session_id if note else None,
        **fields,
    )
    return NotificationRefused(reason)


async def receive_notification(
    body: Mapping[str, Any], *, provider: PaymentProvider, clock: Clock
) -> Booked:
    """Check a notification and book its payment once (see the module's docstring)."""
    try:
        note = parse_notification(body)
    except MalformedNotification as error:
        raise _refuse("malformed", None, field=str(error)) from error
    if not note.signed_with(provider.crc):
        raise _refuse("bad_signature", note)
    if note.merchant_id != provider.merchant_id or note.pos_id != provider.pos_id:
        raise _refuse("foreign_merchant", note, merchant=note.merchant_id)
    payment = await Payment.get_or_none(reference=note.session_id, method=PaymentMethod.ONLINE)
    if payment is None or payment.provider != provider.name:
        raise _refuse("unknown_order", note)
    expected = to_grosze_int(payment.amount)
    if note.amount != expected or note.currency != CURRENCY:
        await audit.record(
            "PAYMENT_NOTIFICATION_REFUSED",
            at=clock.now(),
            actor=None,
            object_type="Payment",
            object_id=payment.id,
            details={
                "reason": "amount differs from the order",
                "expected": expected,
                "notified": note.amount,
                "currency": note.currency,
            },
        )
        raise _refuse("amount_mismatch", note, expected=expected, notified=note.amount)
    if payment.status == PaymentStatus.COMPLETED:
        return Booked(payment.id, newly=False)
    try:
        await provider.verify(note)
    except ProviderError as error:
        raise _refuse("verify_failed", note, detail=str(error)) from error
    newly = await _book(payment.id, note, clock)
    return Booked(payment.id, newly=newly)


async def _book(payment_id: int, note: Notification, clock: Clock) -> bool:
    async with in_transaction():
        payment = await Payment.select_for_update().get(id=payment_id)
        # The claim: only one notification ever moves the order to COMPLETED.
        claimed = (
            await Payment.filter(id=payment_id)
            .exclude(status=PaymentStatus.COMPLETED)
            .update(
                status=PaymentStatus.COMPLETED,
                booked_on=clock.today(),
                provider_order_id=note.order_id,
            )
        )
        if not claimed:
            return False
        assert payment.account_id is not None  # an online order always has its account
        account = await Account.select_for_update().get(id=payment.account_id)
        chosen = await payment.chosen_invoices.all().order_by("id").values_list("id", flat=True)
        payment.status = PaymentStatus.COMPLETED
        await apply_to_account(account, payment, list(chosen))
        await audit.record(
            "PAYMENT_BOOKED",
            at=clock.now(),
            actor=None,
            object_type="Payment",
            object_id=payment.id,
            details={
                "account": account.number,
                "amount": str(payment.amount),
                "orderId": note.order_id,
            },
        )
        await _queue_receipt(account, payment, clock)
    return True


async def _queue_receipt(account: Account, payment: Payment, clock: Clock) -> None:
    allocations = await payment.allocations.all().order_by("invoice_id").prefetch_related("invoice")
    paid = [{"number": a.invoice.number, "amount": format_pln(a.amount)} for a in allocations]
    context = {
        "number": account.number,
        "amount": format_pln(payment.amount),
        "reference": payment.reference,
        "booked_on": clock.today().strftime("%d.%m.%Y"),
        "invoices": paid,
        "balance": format_pln(abs(account.balance)),
        "state": "overpaid" if account.balance < 0 else "due" if account.balance > 0 else "settled",
    }
    for address in await account_emails(account):
        await outbox.queue_email(
            address,
            "payment_received",
            context,
            now=clock.now(),
            key=f"payment-receipt:{payment.id}:{address}",
        )


async def cancel(session_id: str, *, clock: Clock) -> None:
    """The customer gave up on the operator's page: a PENDING order becomes CANCELLED."""
    payment = await Payment.get_or_none(reference=session_id, method=PaymentMethod.ONLINE)
    if payment is None:
        return
    async with in_transaction():
        changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.CANCELLED
        )
        if changed and payment.account_id is not None:
            account = await Account.select_for_update().get(id=payment.account_id)
            account.version = account.version + 1
            await account.save(update_fields=["version"])
            await audit.record(
                "PAYMENT_CANCELLED",
                at=clock.now(),
                actor=None,
                object_type="Payment",
                object_id=payment.id,
                details={"account": account.number},
            )


@dataclass(frozen=True)
class SandboxOrder:
    """What the sandbox operator's page shows and needs."""

    payment_id: int
    session_id: str
    amount: Decimal
    title: str
    status: PaymentStatus
    return_url: str


async def sandbox_order(session_id: str) -> SandboxOrder | None:
    payment = await Payment.get_or_none(
        reference=session_id, method=PaymentMethod.ONLINE, provider="sandbox"
    )
    if payment is None:
        return None
    return SandboxOrder(
        payment.id,
        payment.reference,
        payment.amount,
        payment.title,
        PaymentStatus(payment.status),
        payment.return_url or confirmation_path(payment.id),
    )


def sandbox_notification(order: SandboxOrder, provider: PaymentProvider) -> dict[str, Any]:
    """The notification the sandbox operator sends once the customer pays, signed as
    Przelewy24 signs its own."""
    return notification(
        merchant_id=provider.merchant_id,
        pos_id=provider.pos_id,
        session_id=order.session_id,
        amount=to_grosze_int(order.amount),
        order_id=order.payment_id,
        method_id=0,
        statement=f"sandbox-{order.payment_id}",
        crc=provider.crc,
    ).as_json()

"""Asking for monthly (or back to bimonthly) billing, and staff deciding.

An approved change applies from the next billing period: the period running now keeps
its length, so the account's cycle is switched by the billing run itself, when the
first period starting on or after `effective_from` is planned
(`apply_due_changes`, called with the accounts already locked).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import BillingCycle, InvoiceKind, RequestStatus
from models.errors import (
    AlreadyDecided,
    CycleChangePending,
    CycleUnchanged,
    NotFound,
    ReadingsBlocked,
)
from models.orm import Account, BillingCycleChangeRequest, Invoice, User
from models.rules.billing_cycle import next_period_start
from models.services import audit, outbox
from models.services.account_contacts import account_emails

_CYCLE_PL = {BillingCycle.MONTHLY: "co miesiąc", BillingCycle.BIMONTHLY: "co dwa miesiące"}


async def request_change(
    account_id: int,
    cycle: BillingCycle,
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
) -> BillingCycleChangeRequest:
    async with in_transaction():
        account = await Account.select_for_update().get_or_none(id=account_id)
        if account is None:
            raise NotFound("accountId")
        if account.billing_cycle == cycle:
            raise CycleUnchanged(cycle=_CYCLE_PL[cycle])
        if cycle == BillingCycle.MONTHLY and account.e_readings_blocked:
            raise ReadingsBlocked()
        if await BillingCycleChangeRequest.exists(
            account_id=account_id, status=RequestStatus.PENDING
        ):
            raise CycleChangePending()
        request = await BillingCycleChangeRequest.create(
            account=account, requested=cycle, created_at=clock.now()
        )
        account.version = account.version + 1
        await account.save(update_fields=["version"])
        await audit.record(
            "BILLING_CYCLE_REQUESTED",
            at=clock.now(),
            actor=by,
            object_type="BillingCycleChangeRequest",
            object_id=request.id,
            client_address=client_address,
            details={"account": account.number, "requested": str(cycle)},
        )
    return request


async def decide(
    request_id: int,
    approve: bool,
    note: str | None,
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
) -> BillingCycleChangeRequest:
    async with in_transaction():
        request = await BillingCycleChangeRequest.select_for_update().get_or_none(id=request_id)
        if request is None:
            raise NotFound("id")
        account = await Account.select_for_update().get(id=request.account_id)
        if request.status != RequestStatus.PENDING:
            raise AlreadyDecided()
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.resolved_at = clock.now()
        request.resolved_by = by
        request.note = note
        if approve:
            last = (
                await Invoice.filter(account_id=account.id, kind=InvoiceKind.INVOICE)
                .order_by("-period_to")
                .first()
            )
            request.effective_from = next_period_start(
                last.period_to if last else None, account.billing_cycle, clock.today()
            )
        await request.save()
        account.version = account.version + 1
        await account.save(update_fields=["version"])
        await audit.record(
            "BILLING_CYCLE_APPROVED" if approve else "BILLING_CYCLE_REJECTED",
            at=clock.now(),
            actor=by,
            object_type="BillingCycleChangeRequest",
            object_id=request.id,
            client_address=client_address,
            details={"account": account.number, "note": note}
            if note
            else {"account": account.number},
        )
        for address in await account_emails(account):
            await outbox.queue_email(
                address,
                "billing_cycle_decided",
                {
                    "number": account.number,
                    "approved": approve,
                    "cycle": _CYCLE_PL[BillingCycle(request.requested)],
                    "effective_from": request.effective_from.strftime("%d.%m.%Y")
                    if request.effective_from
                    else "",
                    "note": note or "",
                },
                now=clock.now(),
                key=f"billing-cycle-decided:{request.id}:{address}",
            )
    return request


async def apply_due_changes(
    accounts: Iterable[Account], next_from: dict[int, date | None], clock: Clock
) -> None:
    """Switch the cycle of every locked account whose approved change is due: its next
    period to bill starts on or after the change's effective date."""
    by_id = {a.id: a for a in accounts}
    due = await BillingCycleChangeRequest.filter(
        account_id__in=list(by_id), status=RequestStatus.APPROVED, applied_at=None
    ).order_by("resolved_at", "id")
    for request in due:
        start = next_from.get(request.account_id)
        if request.effective_from is None or (start is not None and start < request.effective_from):
            continue
        account = by_id[request.account_id]
        account.billing_cycle = BillingCycle(request.requested)
        account.version = account.version + 1
        await account.save(update_fields=["billing_cycle", "version"])
        request.applied_at = clock.now()
        await request.save(update_fields=["applied_at"])

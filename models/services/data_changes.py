"""Asking to correct one's data, and staff deciding: nothing changes until approved.

A customer asks (one request waiting per account); staff approve or reject it with a
note. Approval applies every change to the account in the same transaction as the
decision, with an audit entry holding the old and new values; either way the
customer is told by e-mail. The values are checked again when applied: a rule may
have tightened since the request was made, and a value fit then must still fit.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import RequestStatus
from models.errors import AlreadyDecided, DataChangePending, NotFound, RejectionNoteRequired
from models.orm import Account, DataChangeRequest, User
from models.rules.data_change import BY_NAME, FIELDS, check_value, requested_changes
from models.services import audit, outbox
from models.services.account_contacts import account_emails


def current_values(account: Account) -> dict[str, str | None]:
    """The account's values of the fields a request may change, by their API names."""
    return {f.name: getattr(account, f.column) for f in FIELDS}


async def request_change(
    account_id: int,
    requested: Sequence[tuple[str, str]],
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
) -> DataChangeRequest:
    async with in_transaction():
        account = await Account.select_for_update().get_or_none(id=account_id)
        if account is None:
            raise NotFound("accountId")
        changes = requested_changes(current_values(account), requested)
        if await DataChangeRequest.exists(account_id=account_id, status=RequestStatus.PENDING):
            raise DataChangePending()
        request = await DataChangeRequest.create(
            account=account,
            requested_by=by,
            changes=[c.as_json() for c in changes],
            created_at=clock.now(),
        )
        account.version = account.version + 1
        await account.save(update_fields=["version"])
        await audit.record(
            "DATA_CHANGE_REQUESTED",
            at=clock.now(),
            actor=by,
            object_type="DataChangeRequest",
            object_id=request.id,
            client_address=client_address,
            details={"account": account.number, "fields": [c.field for c in changes]},
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
) -> DataChangeRequest:
    note = (note or "").strip() or None
    if not approve and note is None:
        raise RejectionNoteRequired("note")
    async with in_transaction():
        request = await DataChangeRequest.select_for_update().get_or_none(id=request_id)
        if request is None:
            raise NotFound("id")
        account = await Account.select_for_update().get(id=request.account_id)
        if request.status != RequestStatus.PENDING:
            raise AlreadyDecided()
        changes = list(request.changes or [])
        if approve:
            _apply(account, changes)
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.resolved_at = clock.now()
        request.resolved_by = by
        request.note = note
        await request.save(update_fields=["status", "resolved_at", "resolved_by_id", "note"])
        account.version = account.version + 1
        await account.save()
        await audit.record(
            "DATA_CHANGE_APPROVED" if approve else "DATA_CHANGE_REJECTED",
            at=clock.now(),
            actor=by,
            object_type="DataChangeRequest",
            object_id=request.id,
            client_address=client_address,
            details={"account": account.number, "changes": changes, "note": note},
        )
        await _tell_customer(account, request, changes, approve, note, clock)
    return request


def _apply(account: Account, changes: list[dict]) -> None:
    for change in changes:
        field = BY_NAME[change["field"]]
        check_value(field, change["newValue"])
        setattr(account, field.column, change["newValue"] or None)


async def _tell_customer(
    account: Account,
    request: DataChangeRequest,
    changes: list[dict],
    approved: bool,
    note: str | None,
    clock: Clock,
) -> None:
    described = [{"label": BY_NAME[c["field"]].label, "new_value": c["newValue"]} for c in changes]
    # After an approved change of the contact e-mail, both addresses hear of it.
    addresses = set(await account_emails(account))
    addresses.update(c["oldValue"] for c in changes if c["field"] == "email" and c["oldValue"])
    for address in sorted(addresses):
        await outbox.queue_email(
            address,
            "data_change_decided",
            {"number": account.number, "approved": approved, "changes": described, "note": note},
            now=clock.now(),
            key=f"data-change-decided:{request.id}:{address}",
        )

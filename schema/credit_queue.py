"""Bank credits no account was found for: the staff queue, assigning a credit to an
account, and giving a wrong assignment back to the queue. STAFF only, declared on
each field."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from models.services.credit_queue import QueuedCredit
from resolvers import credit_queue
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import IsStaff, IsStaffWriting
from schema.types.billing import Payment
from schema.types.common import Connection, Money, check_page_size, connection, page_start

QUEUE_PAGE_DEFAULT = 20


@strawberry.type
class UnmatchedCredit:
    """A credit from a bank statement that matched no account, as the bank described it."""

    id: strawberry.ID = strawberry.field(description="the Payment's id, for assignCredit")
    amount: Money
    booked_on: date | None
    received_at: datetime
    reference: str = strawberry.field(description="the bank's reference of the transaction")
    title: str = strawberry.field(description="the transfer title the payer wrote")
    payer_name: str | None
    payer_account: str | None = strawberry.field(description="the payer's account number")
    statement_filename: str | None = strawberry.field(
        description="the statement file it was read from"
    )

    @classmethod
    def from_row(cls, row: QueuedCredit) -> UnmatchedCredit:
        return cls(
            id=strawberry.ID(relay.to_base64("Payment", row.id)),
            amount=Money.of(row.amount),
            booked_on=row.booked_on,
            received_at=row.created_at,
            reference=row.reference,
            title=row.title,
            payer_name=row.payer_name,
            payer_account=row.payer_account,
            statement_filename=row.statement_filename,
        )


@strawberry.input
class AssignCreditInput:
    payment_id: strawberry.ID = strawberry.field(description="an unmatched credit's id")
    account_number: str = strawberry.field(description="the customer number to assign it to")
    invoice_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="open invoices of that account to pay; none: the oldest open ones first",
    )


@strawberry.input
class ReverseCreditAssignmentInput:
    payment_id: strawberry.ID
    reason: str = strawberry.field(description="why, for the audit log (required)")
    account_number: str | None = strawberry.field(
        default=None,
        description="when given, the credit must be assigned to this account (NOT_FOUND else)",
    )


@strawberry.type
class CreditPayload:
    payment: Payment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreditQueueQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="STAFF: bank credits no account was found for, the oldest first",
    )
    async def unmatched_credits(
        self,
        info: strawberry.Info[Context],
        first: int | None = QUEUE_PAGE_DEFAULT,
        after: str | None = None,
    ) -> Connection[UnmatchedCredit]:
        size, start = check_page_size(first, QUEUE_PAGE_DEFAULT), page_start(after)
        rows, total = await credit_queue.unmatched_credits(info.context, start, size)
        return connection([UnmatchedCredit.from_row(r) for r in rows], start, size, total)


@strawberry.type
class CreditQueueMutation:
    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: give an unmatched bank credit to an account; it pays the chosen "
        "open invoices, else the oldest open ones first, and the rest stays a credit",
    )
    async def assign_credit(
        self, info: strawberry.Info[Context], input: AssignCreditInput
    ) -> CreditPayload:
        row = await credit_queue.assign_credit(
            info.context,
            str(input.payment_id),
            input.account_number,
            [str(i) for i in input.invoice_ids or ()],
        )
        return CreditPayload(payment=Payment.from_row(row))

    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: a bank credit assigned to the wrong account goes back to the "
        "queue; what it paid is owed again (audited with the reason)",
    )
    async def reverse_credit_assignment(
        self, info: strawberry.Info[Context], input: ReverseCreditAssignmentInput
    ) -> CreditPayload:
        row = await credit_queue.reverse_assignment(
            info.context, str(input.payment_id), input.reason, input.account_number
        )
        return CreditPayload(payment=Payment.from_row(row))

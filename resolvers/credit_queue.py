"""The staff queue of unmatched bank credits: reading it, assigning, reversing."""

from __future__ import annotations

from collections.abc import Sequence

from models.errors import ChosenInvoiceNotPayable, CreditNotFound
from models.orm import User
from models.rows import PaymentRow
from models.services import credit_queue
from models.services.credit_queue import QueuedCredit
from resolvers.context import Context
from resolvers.ids import pk_of


def _staff(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # IsStaff / IsStaffWriting require a staff viewer
    return viewer


def _payment_pk(payment_id: str) -> int:
    pk = pk_of(payment_id, "Payment")
    if pk is None:
        raise CreditNotFound()
    return pk


async def unmatched_credits(ctx: Context, offset: int, size: int) -> tuple[list[QueuedCredit], int]:
    """A page of the queue (one credit more than asked, to tell that more follow)."""
    return await credit_queue.unmatched_credits(offset, size + 1)


async def unmatched_count(ctx: Context) -> int:
    return await credit_queue.unmatched_count()


async def _payment_row(ctx: Context, pk: int) -> PaymentRow:
    ctx.loaders.clear_all()
    row = await ctx.loaders.payments_by_id.load(pk)
    assert row is not None
    return row


async def assign_credit(
    ctx: Context, payment_id: str, account_number: str, invoice_ids: Sequence[str]
) -> PaymentRow:
    pk = _payment_pk(payment_id)
    invoices = [pk_of(i, "Invoice") for i in invoice_ids]
    if None in invoices:
        raise ChosenInvoiceNotPayable()
    await credit_queue.assign_credit(
        pk,
        account_number,
        _staff(ctx),
        [i for i in invoices if i is not None],
        clock=ctx.clock,
        client_address=ctx.client_address,
    )
    return await _payment_row(ctx, pk)


async def reverse_assignment(
    ctx: Context, payment_id: str, reason: str, account_number: str | None
) -> PaymentRow:
    pk = _payment_pk(payment_id)
    await credit_queue.reverse_assignment(
        pk,
        _staff(ctx),
        reason,
        clock=ctx.clock,
        client_address=ctx.client_address,
        account_number=account_number,
    )
    return await _payment_row(ctx, pk)

"""Online payment: the customer's order for chosen invoices."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role
from models.errors import InvoiceNotPayable
from models.rows import PaymentRow
from models.services import online_payments
from models.services.payment_providers import provider_from_settings
from resolvers.context import Context
from resolvers.ids import pk_of


@dataclass(frozen=True)
class StartedPayment:
    payment: PaymentRow
    redirect_url: str


async def start_payment(
    ctx: Context, invoice_ids: list[str], return_url: str | None
) -> StartedPayment:
    """The viewer's own open invoices only: an id that is not an invoice, is paid or is
    someone else's is refused alike (INVOICE_NOT_PAYABLE), saying nothing about which."""
    viewer = ctx.viewer
    assert viewer is not None  # the field's permission requires a signed-in viewer
    pks = [pk_of(value, "Invoice") for value in invoice_ids]
    if viewer.role != Role.CUSTOMER or any(pk is None for pk in pks):
        raise InvoiceNotPayable("invoiceIds")
    started = await online_payments.start(
        await ctx.visible_account_ids(),
        [pk for pk in pks if pk is not None],
        return_url,
        by=viewer,
        provider=provider_from_settings(ctx.settings),
        public_url=ctx.settings.public_url,
        clock=ctx.clock,
        client_address=ctx.client_address,
    )
    ctx.loaders.clear_all()
    row = await ctx.loaders.payments_by_id.load(started.payment.id)
    assert row is not None
    return StartedPayment(row, started.redirect_url)

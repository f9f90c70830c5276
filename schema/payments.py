"""Online payment of chosen invoices (`startPayment`)."""

from __future__ import annotations

import strawberry

from resolvers import payments
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import CanWrite
from schema.types.billing import Payment


@strawberry.input
class StartPaymentInput:
    invoice_ids: list[strawberry.ID]
    return_url: str | None = strawberry.field(
        default=None,
        description="where the payment provider sends the customer back; must be on this site",
    )


@strawberry.type
class StartPaymentPayload:
    payment: Payment | None = None
    redirect_url: str | None = strawberry.field(
        default=None, description="where to send the customer to pay"
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentMutation:
    @mutation(
        permission_classes=[CanWrite],
        description="an online payment of the caller's own open invoices, for the sum due "
        "on them: a PENDING order, and where to send the customer to pay it",
    )
    async def start_payment(
        self, info: strawberry.Info[Context], input: StartPaymentInput
    ) -> StartPaymentPayload:
        started = await payments.start_payment(
            info.context, [str(i) for i in input.invoice_ids], input.return_url
        )
        return StartPaymentPayload(
            payment=Payment.from_row(started.payment), redirect_url=started.redirect_url
        )

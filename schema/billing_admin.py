"""Tariffs (versioned, each valid from a day until the next one) and the billing run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from models.rules.tariff_entry import NewTariff
from resolvers import billing_admin
from resolvers.context import Context
from schema.errors import UserError, mutation
from schema.permissions import IsStaffWriting, Public
from schema.types.billing import Tariff


@strawberry.input
class AddTariffInput:
    valid_from: date
    water_price: Decimal = strawberry.field(description="net, per m3")
    sewage_price: Decimal = strawberry.field(description="net, per m3")
    subscription_fee: Decimal = strawberry.field(description="net, per month and account")
    vat_rate: Decimal = strawberry.field(description="per cent, e.g. 8")


@strawberry.type
class TariffPayload:
    tariff: Tariff | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RunBillingInput:
    period: date = strawberry.field(description="first day of the month to bill")


@strawberry.type
class RunBillingPayload:
    invoices_issued: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TariffQuery:
    @strawberry.field(
        permission_classes=[Public],
        description="PUBLIC: every tariff, the newest first, future ones included",
    )
    async def tariffs(self, info: strawberry.Info[Context]) -> list[Tariff]:
        return [Tariff.from_row(r) for r in await billing_admin.all_tariffs(info.context)]


@strawberry.type
class BillingAdminMutation:
    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: a new tariff from a day on (today or later); the one before "
        "it ends the day before",
    )
    async def add_tariff(
        self, info: strawberry.Info[Context], input: AddTariffInput
    ) -> TariffPayload:
        new = NewTariff(
            valid_from=input.valid_from,
            water_price=input.water_price,
            sewage_price=input.sewage_price,
            subscription_fee=input.subscription_fee,
            vat_rate=input.vat_rate,
        )
        return TariffPayload(
            tariff=Tariff.from_row(await billing_admin.add_tariff(info.context, new))
        )

    @mutation(
        permission_classes=[IsStaffWriting],
        description="STAFF: issue every invoice due for the month (idempotent: a second run "
        "issues nothing new)",
    )
    async def run_billing(
        self, info: strawberry.Info[Context], input: RunBillingInput
    ) -> RunBillingPayload:
        run = await billing_admin.run(info.context, input.period)
        return RunBillingPayload(invoices_issued=run.issued)

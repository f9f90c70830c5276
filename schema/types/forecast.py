"""The forecast of a bill for a chosen period, and the simulation of one from readings
entered now (Account.forecast, Account.simulate): both only read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from graphql import GraphQLError

from models.errors import DomainError
from models.rules.billing import LineDraft
from resolvers.forecasts import ForecastOf
from schema.types.billing import InvoiceLine
from schema.types.common import Money
from schema.types.enums import Service


@strawberry.input
class SimulatedReadingInput:
    meter_id: strawberry.ID
    value: Decimal


def _line(draft: LineDraft) -> InvoiceLine:
    return InvoiceLine(
        service=Service(draft.service),
        description=draft.description,
        quantity=draft.quantity,
        unit=draft.unit,
        unit_price=Money.of(draft.unit_price),
        net=Money.of(draft.net),
        vat_rate=draft.vat_rate.normalize(),
        vat=Money.of(draft.vat),
        gross=Money.of(draft.gross),
        estimated=draft.estimated,
    )


@strawberry.type
class Forecast:
    from_: date = strawberry.field(name="from")
    to: date
    consumption: Decimal = strawberry.field(description="estimated m3 for the period")
    average_daily_consumption: Decimal
    basis: str = strawberry.field(
        description="plain-language basis, e.g. the readings and days the average was taken from"
    )
    lines: list[InvoiceLine]
    net: Money
    vat: Money
    gross: Money
    pdf_url: str = strawberry.field(
        description="relative URL of the forecast invoice image (PDF) for the same period"
    )

    @classmethod
    def of(cls, found: ForecastOf) -> Forecast:
        result = found.result
        return cls(
            from_=result.start,
            to=result.end,
            consumption=result.consumption,
            average_daily_consumption=result.average_daily,
            basis=result.basis,
            lines=[_line(d) for d in result.lines],
            net=Money.of(result.totals.net),
            vat=Money.of(result.totals.vat),
            gross=Money.of(result.totals.gross),
            pdf_url=found.pdf_url,
        )


def refusal(error: DomainError, language: str) -> GraphQLError:
    """A refused simulated reading as a top-level error that names the input at fault
    (`extensions.field`, e.g. "readings.0.value"), so a form can show it beside the field."""
    extensions: dict[str, object] = {"code": str(error.code)}
    if error.field:
        extensions["field"] = error.field
    return GraphQLError(error.message(language), extensions=extensions)

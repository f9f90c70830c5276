"""What a register value typed into the reading form means, before it is sent:
the m³ since the meter's newest reading and roughly what they cost.

The cost is that many m³ at today's gross (VAT-inclusive) water and sewage prices;
the invoice adds the subscription fee and may split the period at a tariff change,
so the page calls it approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.rules.reading_submission import ABSOLUTE_DAILY_LIMIT
from models.rules.rollover import consumption_between, plausible_rollover

__all__ = ["Preview", "preview_reading"]

_GROSZ = Decimal("0.01")
_YEAR_DAYS = 365


@dataclass(frozen=True)
class Preview:
    consumption: Decimal
    approximate_cost: Decimal
    rolled_over: bool


def preview_reading(
    previous: Decimal,
    value: Decimal,
    digits: int,
    water_price_gross: Decimal,
    sewage_price_gross: Decimal,
) -> Preview | None:
    """The preview of `value` after `previous`; None when the value is no register value
    of this meter at all, or lower than `previous` by more than a rollover could explain
    (the submission itself then says why)."""
    top = Decimal(10) ** digits
    if not (value.is_finite() and 0 <= value < top and 0 <= previous < top):
        return None
    if value < previous and not plausible_rollover(
        previous, value, digits, ABSOLUTE_DAILY_LIMIT * _YEAR_DAYS
    ):
        return None  # a mistyped or swapped value, not a rollover: sending says why
    used = consumption_between(previous, value, digits)
    gross = used * (water_price_gross + sewage_price_gross)
    return Preview(
        consumption=used,
        approximate_cost=gross.quantize(_GROSZ, rounding=ROUND_HALF_UP),
        rolled_over=value < previous,
    )

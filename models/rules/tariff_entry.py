"""Checking a new tariff before it is entered: the regulator approves prices ahead, so a
tariff may start today or later, never in the past (issued invoices would not match),
and only after every tariff already entered (tariffs follow one another)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.errors import TariffDateInvalid, TariffPriceInvalid, TariffVatInvalid

__all__ = ["MAX_PRICE", "VAT_RATES", "NewTariff", "check_new_tariff"]

VAT_RATES = (Decimal("0"), Decimal("5"), Decimal("8"), Decimal("23"))
"""Polish VAT rates in per cent (as tariffs store them); water and sewage are taxed at 8 %."""
MAX_PRICE = Decimal("1000")
"""No price per m³ or monthly fee comes near this: a typo guard."""


@dataclass(frozen=True)
class NewTariff:
    valid_from: date
    water_price: Decimal
    sewage_price: Decimal
    subscription_fee: Decimal
    vat_rate: Decimal


def check_new_tariff(new: NewTariff, today: date, latest_start: date | None) -> None:
    if new.valid_from < today or (latest_start is not None and new.valid_from <= latest_start):
        raise TariffDateInvalid(earliest=max(today, latest_start or today))
    for field, price in (
        ("waterPrice", new.water_price),
        ("sewagePrice", new.sewage_price),
        ("subscriptionFee", new.subscription_fee),
    ):
        if (
            not price.is_finite()
            or price < 0
            or price >= MAX_PRICE
            or price != price.quantize(Decimal("0.01"))
        ):
            raise TariffPriceInvalid(field)
    if new.vat_rate not in VAT_RATES:
        raise TariffVatInvalid()

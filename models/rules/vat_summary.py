"""The VAT summary of an invoice: net, VAT and gross added up per VAT rate.

An invoice shows the sums per rate (VAT Act art. 106e ust. 1 pkt 13-14). VAT is
computed and rounded per line (models/rules/billing.py), so each rate's sums are
plain sums of already rounded line amounts: nothing is rounded again here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["RateTotal", "vat_summary"]


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


def _plain(rate: Decimal) -> Decimal:
    """8.00 -> 8, 10.0 -> 10 (not 1E+1), 5.50 -> 5.5: the rate as it is printed."""
    normal = rate.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def vat_summary(lines: Iterable[tuple[Decimal, Decimal, Decimal, Decimal]]) -> list[RateTotal]:
    """(rate, net, vat, gross) per line -> one total per rate, highest rate first.

    Rates equal in value ("8" and "8.00") are one rate."""
    totals: dict[Decimal, tuple[Decimal, Decimal, Decimal]] = {}
    for rate, net, vat, gross in lines:
        key = _plain(rate)
        n, v, g = totals.get(key, (Decimal(0), Decimal(0), Decimal(0)))
        totals[key] = (n + net, v + vat, g + gross)
    return [
        RateTotal(rate, *sums)
        for rate, sums in sorted(totals.items(), key=lambda item: item[0], reverse=True)
    ]

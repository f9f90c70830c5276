"""Money as exact `Decimal` amounts in PLN, and their Polish formatting.

Money is never a float: binary floats cannot hold 0.10 exactly, and a utility that
bills thousands of customers would drift by grosze. Amounts are kept as `Decimal`
and rounded to the grosz only where the law rounds (VAT per invoice line, art. 106e
ust. 11 of the VAT Act), always half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "GROSZ",
    "NBSP",
    "ZERO",
    "format_decimal_pl",
    "format_pln",
    "to_grosz",
    "to_grosze_int",
]

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"
"""No-break space: Polish thousands separator, and it keeps "zł" on the amount's line."""


def to_grosz(value: Decimal) -> Decimal:
    """Round to whole grosze, half-up, as the VAT Act requires for tax amounts."""
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


def to_grosze_int(value: Decimal) -> int:
    """Return the exact amount in integer grosze (payment gateways and QR codes want that).

    Refuses to round: an amount that is not a whole number of grosze (e.g. 1.005) means
    a bug upstream, and silently rounding it would book a different sum than was asked.
    Trailing zeros are fine ("1.230" is 123 grosze).
    """
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    grosze = value * 100
    if grosze != grosze.to_integral_value():
        raise ValueError(f"amount has more than 2 decimal places: {value}")
    return int(grosze)


def _group_thousands(digits: str) -> str:
    """Insert a no-break space every three digits from the right ("1234567" -> "1 234 567")."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(groups)


def format_decimal_pl(value: Decimal, places: int | None = None) -> str:
    """Format a number the Polish way: "12 345,678" (no-break space groups, decimal comma).

    With `places` the value is rounded half-up to that many decimals (for display);
    without it the value's own decimals are shown unchanged, so "12.500" m³ stays
    "12,500" and a reading is never shown more or less precise than it was taken.
    A value that rounds to zero is shown without a minus sign.
    """
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if places is not None:
        if places < 0:
            raise ValueError("places must be >= 0")
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    body = _group_thousands(whole) + ("," + fraction if fraction else "")
    return ("-" if value < 0 else "") + body


def format_pln(value: Decimal) -> str:
    """Format an amount as Polish złoty: "1 234,56 zł", "-1 234,56 zł", always 2 decimals.

    Both the thousands separator and the space before "zł" are U+00A0 so that a
    browser never breaks an amount across lines.
    """
    return format_decimal_pl(value, 2) + NBSP + "zł"

"""Meter register rollover: how much water passed between two register values.

A meter with `digits` integer digits counts up to 10**digits - 1 and then starts
again from zero, so 99 998 followed by 00 012 on a 5-digit meter means 14 m³ were
used, not that the customer gave water back. A decrease is only believable as a
rollover when the wrapped volume is small enough; otherwise it is a mistyped or
swapped reading and callers refuse it (READING_DECREASED).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["consumption_between", "is_rollover", "plausible_rollover"]


def _modulus(digits: int) -> int:
    """The register wraps at 10**digits; a meter has at least one integer digit."""
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    return 10**digits


def _check_register(value: Decimal, modulus: int) -> None:
    """A register shows a value in [0, 10**digits); anything else is a data error."""
    if not value.is_finite() or not 0 <= value < modulus:
        raise ValueError(f"register value {value} outside [0, {modulus})")


def consumption_between(previous: Decimal, current: Decimal, digits: int) -> Decimal:
    """Return the m³ used from `previous` to `current`, assuming at most one rollover.

    When `current < previous` the register passed 10**digits once; the result is then
    `current + 10**digits - previous`. Always in [0, 10**digits).
    """
    modulus = _modulus(digits)
    _check_register(previous, modulus)
    _check_register(current, modulus)
    if current >= previous:
        return current - previous
    return current + modulus - previous


def is_rollover(previous: Decimal, current: Decimal, digits: int) -> bool:
    """True when the register value went down, which can only be explained by wrapping."""
    modulus = _modulus(digits)
    _check_register(previous, modulus)
    _check_register(current, modulus)
    return current < previous


def plausible_rollover(
    previous: Decimal, current: Decimal, digits: int, max_volume: Decimal
) -> bool:
    """True when a decrease is believable as a rollover: the wrapped volume <= max_volume.

    False for a value that did not go down (that is no rollover at all) and for a
    decrease that would mean an implausibly large consumption; callers treat the
    latter as "reading decreased".
    """
    if not is_rollover(previous, current, digits):
        return False
    return consumption_between(previous, current, digits) <= max_volume

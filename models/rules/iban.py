"""Polish bank account numbers (NRB/IBAN), individual payment accounts and NIP.

An NRB is 26 digits: 2 check digits, an 8-digit bank branch number (numer
rozliczeniowy) and a 16-digit account number; the IBAN is "PL" + NRB. The check
digits follow ISO 7064 MOD 97-10 with "PL" encoded as "2521", which catches every
single mistyped digit and every swap of two neighbouring digits.

Individual (virtual) account numbers let the bank statement say who paid without
anyone reading the transfer title. Layout of the 26 digits used here::

    CC BBBBBBBB UUUUUU NNNNNNNNNN
    |  |        |      +-- customer number, zero-padded on the left (10 digits)
    |  |        +--------- utility identifier given by the bank (UTILITY_ID, 6 digits)
    |  +------------------ bank branch number of the utility's bank (8 digits)
    +--------------------- check digits computed over the rest

The utility identifier is fixed per agreement with the bank; `UTILITY_ID` is the
default and every function accepts another one (any 1-15 digits; the customer
number then gets the remaining 16 - len(utility_id) digits).
"""

from __future__ import annotations

import re

__all__ = [
    "UTILITY_ID",
    "customer_number_from_nrb",
    "format_iban",
    "individual_account_number",
    "is_valid_bank_branch",
    "is_valid_nip",
    "is_valid_nrb",
    "nrb_check_digits",
    "to_iban",
]

UTILITY_ID = "800100"
"""Placeholder identifier of the utility in its bank's mass-payment service."""

_PL_CODE = "2521"  # "P" = 25, "L" = 21 in the ISO 13616 letter encoding
_NRB_RE = re.compile(r"[0-9]{26}")
_DIGITS_RE = re.compile(r"[0-9]+")
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_BRANCH_WEIGHTS = (3, 9, 7, 1, 3, 9, 7)
_ACCOUNT_PART_LEN = 16


def _is_digits(text: str, length: int | None = None) -> bool:
    """ASCII digits only: str.isdigit() would also accept "²" or Arabic-Indic digits."""
    return bool(_DIGITS_RE.fullmatch(text)) and (length is None or len(text) == length)


def _normalise_nrb(nrb: str) -> str:
    """Drop whitespace and an optional "PL" prefix, as people paste numbers both ways."""
    compact = "".join(nrb.split()).upper()
    return compact[2:] if compact.startswith("PL") else compact


def nrb_check_digits(bban24: str) -> str:
    """Compute the 2 check digits for a 24-digit BBAN (branch + account number)."""
    if not _is_digits(bban24, 24):
        raise ValueError(f"a BBAN has 24 digits, got {bban24!r}")
    return f"{98 - int(bban24 + _PL_CODE + '00') % 97:02d}"


def is_valid_nrb(nrb: str) -> bool:
    """True for a 26-digit NRB (spaces and a "PL" prefix allowed) whose mod-97 check holds."""
    digits = _normalise_nrb(nrb)
    if not _NRB_RE.fullmatch(digits):
        return False
    return int(digits[2:] + _PL_CODE + digits[:2]) % 97 == 1


def _valid_nrb_or_raise(nrb: str) -> str:
    """Normalise an NRB or IBAN, raising ValueError if it fails the check."""
    if not is_valid_nrb(nrb):
        raise ValueError(f"not a valid Polish account number: {nrb!r}")
    return _normalise_nrb(nrb)


def to_iban(nrb: str) -> str:
    """Return the electronic IBAN form "PL" + 26 digits (no spaces); invalid input raises."""
    return "PL" + _valid_nrb_or_raise(nrb)


def format_iban(iban: str) -> str:
    """Return the printed form "PL61 1090 1014 0000 0712 1981 2874".

    An invalid number raises ValueError rather than being shown: printing a wrong
    account on an invoice sends customers' money astray.
    """
    electronic = to_iban(iban)
    return " ".join(electronic[i : i + 4] for i in range(0, len(electronic), 4))


def is_valid_bank_branch(bank_branch8: str) -> bool:
    """Check the 8-digit bank branch number, whose last digit is a check digit.

    Weights 3, 9, 7, 1, 3, 9, 7 over the first seven digits; the check digit brings
    the weighted sum to a multiple of 10. The NRB's own check digits cannot catch a
    typo in a configured branch (they would be computed over the typo), this can.
    """
    if not _is_digits(bank_branch8, 8):
        return False
    total = sum(int(d) * w for d, w in zip(bank_branch8[:7], _BRANCH_WEIGHTS, strict=True))
    return (10 - total % 10) % 10 == int(bank_branch8[7])


def _check_config(bank_branch8: str, utility_id: str) -> None:
    """Reject a malformed branch or utility identifier: both are configuration, not input."""
    if not is_valid_bank_branch(bank_branch8):
        raise ValueError(f"not a valid 8-digit bank branch number: {bank_branch8!r}")
    if not _is_digits(utility_id) or len(utility_id) >= _ACCOUNT_PART_LEN:
        raise ValueError(f"utility identifier must be 1-15 digits: {utility_id!r}")


def individual_account_number(
    bank_branch8: str, customer_number: str, *, utility_id: str = UTILITY_ID
) -> str:
    """Return the customer's individual NRB (26 digits, no spaces); see the module layout.

    The customer number must be digits without leading zeros and fit the digits left
    after the utility identifier: "0123" and "123" would get the same account and
    their payments could not be told apart, so such numbers are refused.
    """
    _check_config(bank_branch8, utility_id)
    width = _ACCOUNT_PART_LEN - len(utility_id)
    if not _is_digits(customer_number) or customer_number.startswith("0"):
        raise ValueError(
            f"customer number must be digits without leading zeros: {customer_number!r}"
        )
    if len(customer_number) > width:
        raise ValueError(f"customer number longer than {width} digits: {customer_number!r}")
    bban = bank_branch8 + utility_id + customer_number.zfill(width)
    return nrb_check_digits(bban) + bban


def customer_number_from_nrb(
    nrb: str, bank_branch8: str, *, utility_id: str = UTILITY_ID
) -> str | None:
    """Return the customer number an individual account belongs to, or None if it isn't one.

    Used to match bank statement credits: None means the number is invalid, at another
    branch, not under our utility identifier, or carries no customer number.
    """
    _check_config(bank_branch8, utility_id)
    if not is_valid_nrb(nrb):
        return None
    digits = _normalise_nrb(nrb)
    if digits[2:10] != bank_branch8 or not digits[10:].startswith(utility_id):
        return None
    customer_number = digits[10 + len(utility_id) :].lstrip("0")
    return customer_number or None


def is_valid_nip(nip: str) -> bool:
    """Check a Polish tax id (NIP): 10 digits, dashes or spaces allowed, weighted mod 11.

    A weighted sum that leaves remainder 10 can't be matched by one check digit, so
    such numbers are never issued and count as invalid.
    """
    digits = "".join(nip.replace("-", "").split())
    if not _is_digits(digits, 10):
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], _NIP_WEIGHTS, strict=True)) % 11
    return remainder == int(digits[9])  # a remainder of 10 matches no digit: invalid

"""The payment QR code printed on invoices (the ZBP "2D" recommendation).

Polish banking apps scan a text of nine fields separated by `|`::

    NIP|PL|NRB|AMOUNT|RECIPIENT|TITLE|||
    |   |  |   |      |         |     +++-- three reserved fields, left empty
    |   |  |   |      |         +---------- transfer title, at most 32 characters
    |   |  |   |      +-------------------- recipient's name, at most 20 characters
    |   |  |   +--------------------------- amount in grosze, exactly 6 digits
    |   |  +------------------------------- recipient's account, 26 digits (NRB)
    |   +---------------------------------- country code
    +-------------------------------------- recipient's tax id (NIP, 10 digits)

at most 160 characters in all (nine fields at their longest make 104, so the limit
is never reached by the fields above).

**Amounts over 9 999,99 zł.** Six digits of grosze cannot hold them. Cutting digits
would ask for a different sum, so such an amount is written as `000000`: the field
stays six digits (apps that check its width still accept the code) and a zero
amount is how the recommendation's implementations say "the payer types the
amount"; the account, recipient and title are still filled in. The invoice prints
the amount due beside the code. The same holds for nothing to pay (zero).

Text fields lose `|` (it would split the field) and control characters; runs of
white space become one space; Polish letters stay (the code carries UTF-8). A
field longer than its limit is cut at a space when that keeps at least half of it
(else at the limit), so a name does not end in half a word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from models.rules.iban import is_valid_nip, is_valid_nrb
from models.rules.money import to_grosze_int

__all__ = [
    "AMOUNT_DIGITS",
    "FIELD_COUNT",
    "MAX_AMOUNT_GROSZE",
    "MAX_LENGTH",
    "RECIPIENT_MAX",
    "SEPARATOR",
    "TITLE_MAX",
    "PaymentQr",
    "clean_text",
    "parse_payment_qr",
    "payment_qr",
    "qr_title",
]

SEPARATOR = "|"
FIELD_COUNT = 9
MAX_LENGTH = 160
AMOUNT_DIGITS = 6
MAX_AMOUNT_GROSZE = 10**AMOUNT_DIGITS - 1  # 9 999,99 zł
RECIPIENT_MAX = 20
TITLE_MAX = 32
COUNTRY = "PL"


@dataclass(frozen=True)
class PaymentQr:
    """The fields a payment QR code carries (as written: cleaned and cut)."""

    nip: str
    country: str
    nrb: str
    amount_grosze: int
    recipient: str
    title: str


def _clean(value: str) -> str:
    """No separator, no control characters, runs of white space as one space."""
    kept = []
    for ch in value:
        if ch == SEPARATOR:
            continue
        category = unicodedata.category(ch)
        if ch.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category[0] != "C":  # Cc control, Cf format, Cs/Co/Cn: none belongs in a title
            kept.append(ch)
    return " ".join("".join(kept).split())


def clean_text(value: str, limit: int) -> str:
    """`value` fit for a text field of at most `limit` characters: cleaned, then cut at
    the last space that keeps at least half the field, else hard at the limit."""
    text = _clean(value)
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    at_space = head.rsplit(" ", 1)[0] if " " in head else ""
    return (at_space if len(at_space) >= limit // 2 else text[:limit]).rstrip()


def qr_title(*candidates: str) -> str:
    """The first of `candidates` that fits the title field whole, else the last one cut
    to fit: callers list the fullest title first and a short one (the invoice number)
    last, so the code never carries a title cut in the middle of a number."""
    if not candidates:
        raise ValueError("a title is needed")
    for candidate in candidates:
        cleaned = _clean(candidate)
        if cleaned and len(cleaned) <= TITLE_MAX:
            return cleaned
    return clean_text(candidates[-1], TITLE_MAX)


def _amount_field(amount: Decimal) -> str:
    grosze = to_grosze_int(amount)
    if grosze < 0:
        raise ValueError(f"a payment amount cannot be negative: {amount}")
    if grosze > MAX_AMOUNT_GROSZE:
        grosze = 0  # does not fit six digits: the payer types it (see the module note)
    return f"{grosze:0{AMOUNT_DIGITS}d}"


def payment_qr(*, nip: str, nrb: str, amount: Decimal, recipient: str, title: str) -> str:
    """The text of the payment QR code.

    `nip` is the recipient's tax id (dashes allowed; empty for none), `nrb` the account
    (26 digits, spaces and a "PL" prefix allowed), `amount` in złoty with at most two
    decimal places. An invalid NIP or account raises ValueError: a code that sends
    money to a wrong account must never be printed.
    """
    nip_digits = nip.replace("-", "").replace(" ", "")
    if nip_digits and not is_valid_nip(nip_digits):
        raise ValueError(f"not a valid NIP: {nip!r}")
    if not is_valid_nrb(nrb):
        raise ValueError(f"not a valid account number: {nrb!r}")
    compact = "".join(nrb.split()).upper().removeprefix(COUNTRY)
    fields = [
        nip_digits,
        COUNTRY,
        compact,
        _amount_field(amount),
        clean_text(recipient, RECIPIENT_MAX),
        clean_text(title, TITLE_MAX),
        "",
        "",
        "",
    ]
    text = SEPARATOR.join(fields)
    assert len(text) <= MAX_LENGTH  # the fields' limits add up to 104 characters
    return text


def parse_payment_qr(text: str) -> PaymentQr:
    """The fields of a payment QR text (what a banking app reads back)."""
    fields = text.split(SEPARATOR)
    if len(fields) != FIELD_COUNT or len(text) > MAX_LENGTH:
        raise ValueError("not a payment QR text")
    nip, country, nrb, amount, recipient, title = fields[:6]
    if len(amount) != AMOUNT_DIGITS or not amount.isascii() or not amount.isdigit():
        raise ValueError(f"the amount must be {AMOUNT_DIGITS} digits: {amount!r}")
    return PaymentQr(nip, country, nrb, int(amount), recipient, title)

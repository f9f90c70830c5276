"""Bank statements: what a statement entry means to us, whatever file it came in.

The files themselves (MT940, camt.053) are read by models/services/statement_files.py
with their libraries; what follows is pure: telling the format apart by content, the
Polish structured `:86:` field, and the stable reference that makes a transaction
booked once however many statements (or overlapping ones) carry it.

A reference is the bank's own for the transaction (MT940 bank reference, camt
`AcctSvcrRef`, else `NtryRef`), prefixed "bank:"; the same transaction exported as
MT940 and as camt.053 carries the same reference at most banks and is booked once.
A bank that gives none gets a hash of the entry's fields and of its position among
identical entries of the same statement (the second of two identical transfers on
one day is another payment, and it is the second in every statement that holds it).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from models.errors import StatementMalformed

MAX_REFERENCE = 64
_PREFIX = "bank:"
_HASH_PREFIX = "bank:h:"
# Bank references that say "none given" (SWIFT's NONREF and friends).
_NO_REFERENCE = {"", "NONREF", "NONE", "NOTPROVIDED", "NOREF"}
_NRB = re.compile(r"(?<![0-9])([0-9]{26})(?![0-9])")
_PLAIN_NRB = re.compile(r"(?:PL)?([0-9]{26})")  # one number, nothing around it
# :86: subfields: a separator (~ ING and ZBP, ^ PKO BP, < others, ? SEPA) and two digits.
_SUBFIELD = re.compile(r"[~^<?]([0-9]{2})")
_TITLE_FIELDS = ("20", "21", "22", "23", "24", "25", "26")
# Name and address of the other party: ~32/~33 at most banks, ~27 to ~29 at some, ~60 more.
_PAYER_FIELDS = ("32", "33", "27", "28", "29", "60")
_PAYER_ACCOUNT_FIELD = "38"
_NAMED_FIELDS = frozenset((*_TITLE_FIELDS, *_PAYER_FIELDS))


class StatementFormat(StrEnum):
    MT940 = "MT940"
    CAMT053 = "camt.053"


class StatementEntry(NamedTuple):
    """One transaction of a statement, credit or debit, as the bank reported it (a named
    tuple: a 10,000-entry statement makes 10,000 of them, twice as fast as a frozen
    dataclass)."""

    amount: Decimal  # positive; `credit` says which way
    currency: str
    credit: bool
    booked_on: date
    bank_reference: str | None
    title: str = ""
    payer_name: str | None = None
    payer_account: str | None = None
    # Every account number the entry names (the recipient's individual account among them).
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    format: StatementFormat
    account: str | None
    entries: tuple[StatementEntry, ...]

    @property
    def credits(self) -> list[StatementEntry]:
        """What is booked: credits in złoty (debits and other currencies are skipped)."""
        return [e for e in self.entries if is_booked(e)]

    @property
    def period(self) -> tuple[date, date] | None:
        days = [e.booked_on for e in self.entries]
        return (min(days), max(days)) if days else None


def is_booked(entry: StatementEntry) -> bool:
    """Whether an import books the entry: a credit in złoty (debits and other currencies
    are skipped)."""
    return entry.credit and entry.currency == "PLN" and entry.amount > 0


def detect_format(data: bytes) -> StatementFormat:
    """MT940 or camt.053, told by what the file holds, never by its name."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"camt.053" in head and b"BkToCstmrStmt" in data[:65536]:
        return StatementFormat.CAMT053
    text = head.decode("latin-1")
    # A statement without a day's transactions (balances only) is a statement too.
    if re.search(r"(^|[\r\n{])\s*:20:", text) and ":25:" in text and ":60" in text:
        return StatementFormat.MT940
    raise StatementMalformed(reason="to nie jest wyciąg MT940 ani camt.053")


def subfields(details: str) -> dict[str, str]:
    """The structured `:86:` field of Polish banks (`020~00VE02~20title~27payer~38PL…`)
    as {code: text}; lines are joined as the bank split them (no space added)."""
    # One split in C: [text before the first code, code, its text, code, its text, …].
    parts = _SUBFIELD.split(details.replace("\r", "").replace("\n", ""))
    found: dict[str, str] = {}
    for code, text in zip(parts[1::2], parts[2::2], strict=True):
        if code not in found:
            found[code] = text
    return found


class Details(NamedTuple):
    title: str
    payer_name: str | None
    payer_account: str | None
    # Every account number the field names (the recipient's individual one among them).
    accounts: tuple[str, ...] = ()


def read_details(details: str) -> Details:
    """Title, payer, payer's account and every account number named in an `:86:`
    field, structured or free text."""
    # subfields() and account_numbers() inlined: a statement has thousands of these.
    parts = _SUBFIELD.split(details.replace("\r", "").replace("\n", ""))
    codes = parts[1::2]
    fields = dict(zip(codes, parts[2::2], strict=True))
    if len(fields) != len(codes):  # a code given twice: its first text counts
        fields = subfields(details)
    if not fields:
        return Details(" ".join(details.split()), None, None, account_numbers(details))
    # Read subfield by subfield: a code's two digits must not run into a number.
    joined = "\0".join(fields.values())
    accounts = tuple(dict.fromkeys(_NRB.findall("".join(joined.split()).upper())))
    if _NAMED_FIELDS.isdisjoint(fields):
        return Details(" ".join(details.split()), None, None, accounts)
    get = fields.get
    title = "".join([get(code, "") for code in _TITLE_FIELDS])
    payer = " ".join(" ".join([get(code, "") for code in _PAYER_FIELDS]).split())
    account = "".join(get(_PAYER_ACCOUNT_FIELD, "").split()) or None
    return Details(" ".join(title.split()), payer or None, account, accounts)


def account_numbers(*texts: str | None) -> tuple[str, ...]:
    """Every 26-digit account number (NRB, or IBAN with PL) found in the texts."""
    given = [text for text in texts if text]
    if len(given) == 1 and (plain := _PLAIN_NRB.fullmatch(given[0])):
        return (plain[1],)  # the usual case, one account number alone: found as below
    # The texts are searched as one, kept apart by a character that is neither a
    # digit nor white space, so no number runs from one text into the next.
    joined = "\0".join(given)
    return tuple(dict.fromkeys(_NRB.findall("".join(joined.split()).upper())))


def _clean_reference(reference: str | None) -> str | None:
    text = "".join((reference or "").split())
    return None if text.upper() in _NO_REFERENCE else text


def _entry_key(entry: StatementEntry) -> str:
    parts = (
        entry.booked_on.isoformat(),
        f"{entry.amount:.2f}",
        entry.currency,
        "C" if entry.credit else "D",
        entry.title,
        entry.payer_name or "",
        entry.payer_account or "",
        ",".join(entry.accounts),
    )
    return "\x1f".join(parts)


def references(account: str | None, entries: Sequence[StatementEntry]) -> list[str]:
    """The reference of each entry (see the module's docstring), in order."""
    seen: Counter[str] = Counter()
    found = []
    for entry in entries:
        own = _clean_reference(entry.bank_reference)
        if own is not None:
            reference = _PREFIX + own
            if len(reference) > MAX_REFERENCE:
                digest = hashlib.sha256(own.encode()).hexdigest()
                reference = _PREFIX + digest[: MAX_REFERENCE - len(_PREFIX)]
            found.append(reference)
            continue
        key = (account or "") + "\x1e" + _entry_key(entry)
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\x1e{seen[key]}".encode()).hexdigest()
        found.append(_HASH_PREFIX + digest[:40])
    return found


def with_accounts(entry: StatementEntry, *texts: str | None) -> StatementEntry:
    """The entry, with the account numbers named in `texts` added to its own."""
    return entry._replace(
        accounts=tuple(dict.fromkeys((*entry.accounts, *account_numbers(*texts))))
    )


def distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))

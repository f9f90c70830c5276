"""Whose money is it: a statement credit matched to an account (SURFACE.md "Payments").

First by the individual account number the money was sent to (the bank says who
paid without anyone reading the title); failing that, by customer numbers and
invoice numbers written in the title; failing that, nobody's: the credit waits in
the staff queue. Numbers in a title that point at two different accounts match
neither (a person decides), and a number that is no one's is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from models.rules.bank_statement import StatementEntry
from models.rules.iban import UTILITY_ID, customer_number_from_nrb

# "FV/2025/01/000002", also typed as "fv 2025/01/000002" or "FV-2025-01-000002".
_INVOICE = re.compile(
    r"(?<![A-Z0-9])([A-Z]{1,5})[ /\-_.]?([0-9]{4})[/\-_.]([0-9]{2})[/\-_.]([0-9]{1,8})"
)
_NUMBER = re.compile(r"(?<![0-9])[0-9]{4,10}(?![0-9])")


class MatchedBy(StrEnum):
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"
    TITLE = "TITLE"
    NONE = "NONE"


@dataclass(frozen=True)
class TitleNumbers:
    """What a title may name: customer numbers and invoice numbers (normalised)."""

    customer_numbers: tuple[str, ...]
    invoice_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    customer_number: str | None
    by: MatchedBy
    invoice_number: str | None = None


@lru_cache(maxsize=65_536)
def title_numbers(title: str) -> TitleNumbers:
    """Customer and invoice numbers a payer may have written in a transfer title
    (remembered: many transfers carry the same title)."""
    upper = title.upper()
    invoices = []
    rest = upper
    for found in _INVOICE.finditer(upper):
        prefix, year, month, serial = found.groups()
        invoices.append(f"{prefix}/{year}/{month}/{serial.zfill(6)}")
        rest = rest.replace(found[0], " ")
    numbers = [n.lstrip("0") for n in _NUMBER.findall(rest) if n.lstrip("0")]
    return TitleNumbers(tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(invoices)))


@lru_cache(maxsize=65_536)
def _customer_of(nrb: str, bank_branch: str, utility_id: str) -> str | None:
    """customer_number_from_nrb, remembered: a statement names the same accounts often."""
    return customer_number_from_nrb(nrb, bank_branch, utility_id=utility_id)


def individual_customer(
    entry: StatementEntry, bank_branch: str, *, utility_id: str = UTILITY_ID
) -> str | None:
    """The customer number of the first of our individual accounts the entry names."""
    for nrb in entry.accounts:
        number = _customer_of(nrb, bank_branch, utility_id)
        if number is not None:
            return number
    return None


def match(
    entry: StatementEntry,
    bank_branch: str,
    customers: Mapping[str, object],
    invoice_owners: Mapping[str, str],
    *,
    utility_id: str = UTILITY_ID,
    names: tuple[str | None, TitleNumbers] | None = None,
) -> Match:
    """Match a credit (see the module's docstring).

    `customers` holds the customer numbers that exist (among those the entry names);
    `invoice_owners` maps the invoice numbers that exist to their customer numbers.
    `names` is the entry's `individual_customer` and its title's `title_numbers`,
    when the caller has them already.
    """
    if names is None:
        names = (
            individual_customer(entry, bank_branch, utility_id=utility_id),
            title_numbers(entry.title),
        )
    number, named = names
    if number is not None and number in customers:
        return Match(number, MatchedBy.ACCOUNT_NUMBER)
    owners: dict[str, str | None] = {}
    for invoice in named.invoice_numbers:
        owner = invoice_owners.get(invoice)
        if owner is not None:
            owners.setdefault(owner, invoice)
    for customer in named.customer_numbers:
        if customer in customers:
            owners.setdefault(customer, None)
    if len(owners) == 1:
        (customer, invoice), *_ = owners.items()
        return Match(customer, MatchedBy.TITLE, invoice)
    return Match(None, MatchedBy.NONE)

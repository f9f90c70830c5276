"""Statement rules: format by content, the :86: field, stable references, matching."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import StatementMalformed
from models.rules.bank_statement import (
    StatementEntry,
    StatementFormat,
    account_numbers,
    detect_format,
    read_details,
    references,
)
from models.rules.iban import individual_account_number
from models.rules.statement_matching import MatchedBy, match, title_numbers

BRANCH = "10901014"
JAN = individual_account_number(BRANCH, "100001")


def test_the_format_is_told_by_content_not_by_name() -> None:
    assert detect_format(b":20:ST1\r\n:25:/PL61\r\n:60F:C261119PLN1,00\r\n") == "MT940"
    camt = (
        b'<?xml version="1.0"?>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        b"<BkToCstmrStmt/></Document>"
    )
    assert detect_format(camt) is StatementFormat.CAMT053
    for other in (b"", b"%PDF-1.7", b"<html></html>", b"Data;Kwota\n2026-11-20;10,00"):
        with pytest.raises(StatementMalformed):
            detect_format(other)


def test_polish_structured_details() -> None:
    details = read_details(
        "051~00VE02~20Opłata za wodę ~21FV/2026/09/000001~3010202629~32JAN KOWALSKI"
        "~33UL. LIPOWA 7\n~38PL28124060610000283317720019~63" + JAN
    )
    assert details.title == "Opłata za wodę FV/2026/09/000001"
    assert details.payer_name == "JAN KOWALSKI UL. LIPOWA 7"
    assert details.payer_account == "PL28124060610000283317720019"
    # The subfield's code does not run into the number after it.
    named = read_details("~6387109010148001000000100001~38PL28124060610000283317720019")
    assert named.accounts == (JAN, "28124060610000283317720019")
    assert read_details("PRZELEW zwykly 100001").title == "PRZELEW zwykly 100001"


def test_a_subfield_given_twice_counts_once_and_numbers_are_26_digits_exactly() -> None:
    # The first text of a repeated code is read; the second's number is no one's.
    twice = read_details(
        "~20Woda~38PL28124060610000283317720019~20Ścieki~38PL61109010140000071219812874"
    )
    assert twice.title == "Woda"
    assert twice.payer_account == "PL28124060610000283317720019"
    assert twice.accounts == ("28124060610000283317720019",)
    # 25 or 27 digits are no account number; spaces inside one are; "pl" or not.
    assert read_details("~20x~632812406061000028331772001").accounts == ()
    assert read_details("~20x~63281240606100002833177200199").accounts == ()
    assert read_details("~20x~63pl28 1240 6061 0000 2833 1772 0019").accounts == (
        "28124060610000283317720019",
    )


_ACCOUNT_TEXT = st.lists(
    st.sampled_from(["PL", "pl", "0", "1", "2", "9", " ", "\n", "28124060610000283317720019", "x"]),
    max_size=12,
).map("".join)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), _ACCOUNT_TEXT), max_size=3))
def test_account_numbers_are_every_26_digit_run_of_the_texts_kept_apart(
    texts: list[str | None],
) -> None:
    # Said the plain way: spaces dropped, each text on its own, digits not part of a longer run.
    expected: list[str] = []
    for text in texts:
        digits = "".join((text or "").split()).upper()
        for run in re.findall(r"[0-9]+", digits):
            if len(run) == 26 and run not in expected:
                expected.append(run)
    assert account_numbers(*texts) == tuple(expected)
    assert account_numbers("PL28124060610000283317720019") == ("28124060610000283317720019",)
    assert account_numbers("28124060610000283317720019", None) == ("28124060610000283317720019",)


def _entry(amount: str, title: str = "", ref: str | None = None, **kw: object) -> StatementEntry:
    return StatementEntry(Decimal(amount), "PLN", True, date(2026, 11, 20), ref, title, **kw)  # type: ignore[arg-type]


def test_references_are_the_banks_own_else_a_hash_with_the_position_among_twins() -> None:
    a, b = _entry("10.00", "x", "ABC123"), _entry("10.00", "x", "NONREF")
    twin = _entry("10.00", "x", None)
    refs = references("61109010140000071219812874", [a, b, twin])
    assert refs[0] == "bank:ABC123"
    assert refs[1].startswith("bank:h:") and refs[2].startswith("bank:h:")
    assert refs[1] != refs[2], "two identical transfers on one day are two payments"
    # The same day in a later statement, with other days around it: the same references.
    other = _entry("5.00", "y", None)
    assert references("61109010140000071219812874", [other, a, b, twin])[1:] == refs
    assert all(len(r) <= 64 for r in references(None, [_entry("1.00", ref="R" * 80)]))


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["1.00", "2.50"]), st.sampled_from(["a", "b"]), st.booleans()),
        max_size=8,
    )
)
def test_references_of_a_statement_are_unique_and_repeatable(rows: list) -> None:
    entries = [
        _entry(amount, title, f"R{i}" if own else None)
        for i, (amount, title, own) in enumerate(rows)
    ]
    refs = references("acct", entries)
    assert len(set(refs)) == len(refs)
    assert references("acct", entries) == refs


def test_title_numbers() -> None:
    found = title_numbers("Faktura fv 2026/09/1 oraz FV/2026/10/000002, klient 0100003")
    assert found.invoice_numbers == ("FV/2026/09/000001", "FV/2026/10/000002")
    assert found.customer_numbers == ("100003",)
    assert title_numbers("rachunek 12345678901234567890").customer_numbers == ()


def test_matching_order() -> None:
    customers = {"100001": 1, "100002": 2}
    owners = {"FV/2026/10/000002": "100002"}
    by_account = match(_entry("1.00", "100002", accounts=(JAN,)), BRANCH, customers, owners)
    assert (by_account.customer_number, by_account.by) == ("100001", MatchedBy.ACCOUNT_NUMBER)
    by_invoice = match(_entry("1.00", "FV/2026/10/000002"), BRANCH, customers, owners)
    assert by_invoice.customer_number == "100002"
    assert by_invoice.invoice_number == "FV/2026/10/000002"
    by_number = match(_entry("1.00", "nr 100001"), BRANCH, customers, owners)
    assert (by_number.customer_number, by_number.by) == ("100001", MatchedBy.TITLE)
    unknown = match(_entry("1.00", "nr 999999"), BRANCH, customers, owners)
    assert unknown.by is MatchedBy.NONE
    two = match(_entry("1.00", "100001 FV/2026/10/000002"), BRANCH, customers, owners)
    assert two.customer_number is None, "two customers named: a person decides"
    # Another utility's or branch's account number is not ours.
    elsewhere = individual_account_number("10202629", "100001")
    assert (
        match(_entry("1.00", accounts=(elsewhere,)), BRANCH, customers, owners).by is MatchedBy.NONE
    )

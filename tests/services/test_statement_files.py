"""Reading statement files: the plain MT940 reader finds exactly what the `mt-940`
library finds, and leaves the files it does not know to the library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.statement_import import _transfers, camt053
from bench.statement_import import mt940 as bench_mt940
from models.errors import StatementMalformed
from models.services import statement_files
from models.services.statement_files import read_statement
from tests.statements import Transfer, mt940

FIXTURES = Path(__file__).parent.parent / "fixtures" / "statements"
MT940 = (FIXTURES / "ing_2026-11-20.mt940").read_bytes()
CAMT = (FIXTURES / "pko_2026-11-20.camt053.xml").read_bytes()


def _both_ways(data: bytes):
    plain = statement_files._read_plain_mt940(data)
    assert plain is not None, "the usual layout must not need the library"
    assert plain == statement_files._read_mt940_library(data)
    return plain


def test_the_fixture_reads_the_same_both_ways() -> None:
    statement = _both_ways(MT940)
    assert len(statement.entries) == 6
    assert statement.account == "61109010140000071219812874"


def test_a_generated_statement_reads_the_same_both_ways() -> None:
    numbers = [str(100_000 + i) for i in range(50)]
    _both_ways(bench_mt940(_transfers(numbers, 300, seed=3), "M"))


texts = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzĄĆĘŁŃÓŚŹŻąćęłńóśźż ABCXYZ0123456789/-.,", max_size=60
)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.builds(
            Transfer,
            amount=st.integers(1, 10_000_000).map(lambda n: Decimal(n) / 100),
            title=texts,
            to_account=st.none() | st.just("87109010148001000000100001"),
            reference=st.none() | st.from_regex(r"[0-9A-Z]{1,16}", fullmatch=True),
            debit=st.booleans(),
            payer=st.from_regex(r"[A-Z ]{1,30}", fullmatch=True),
            booked_on=st.dates(date(2025, 12, 1), date(2026, 1, 31)),
        ),
        max_size=8,
    )
)
def test_any_written_statement_reads_the_same_both_ways(transfers: list[Transfer]) -> None:
    _both_ways(mt940(sorted(transfers, key=lambda t: t.booked_on)))


def test_an_unusual_layout_is_left_to_the_library() -> None:
    # A funds code after the credit mark and a SWIFT block header: both the library's.
    unusual = MT940.replace(b":61:2611201120C150,00", b":61:2611201120CN150,00")
    assert statement_files._read_plain_mt940(unusual) is None
    assert len(read_statement(unusual).entries) == 6
    assert statement_files._read_plain_mt940(b"{1:F01}{4:\r\n" + MT940 + b"-}") is None
    assert statement_files._read_plain_mt940(MT940.decode().encode("cp852")) is None
    non_swift = MT940.replace(b":62F:", b":NS:22extra\r\n:62F:")
    assert statement_files._read_plain_mt940(non_swift) is None


def test_balances_that_do_not_add_up_are_refused_by_either_reader() -> None:
    broken = MT940.replace(b":62F:C261120PLN125963,49", b":62F:C261120PLN125963,48")
    with pytest.raises(StatementMalformed, match="saldo końcowe"):
        read_statement(broken)
    with pytest.raises(StatementMalformed, match="saldo końcowe"):
        statement_files._read_mt940_library(broken)


def test_a_missing_closing_balance_is_refused() -> None:
    cut = MT940[: MT940.index(b":62F:")]
    with pytest.raises(StatementMalformed):
        read_statement(cut)


def test_camt053_reads_as_before() -> None:
    statement = read_statement(CAMT)
    assert statement.format == "camt.053"
    assert statement.entries
    numbers = [str(100_000 + i) for i in range(50)]
    generated = read_statement(camt053(_transfers(numbers, 300, seed=3), "C"))
    assert len(generated.entries) == 300


def test_the_same_transfers_read_alike_from_mt940_and_camt053() -> None:
    numbers = [str(100_000 + i) for i in range(50)]
    transfers = _transfers(numbers, 200, seed=5)
    from_mt940 = read_statement(bench_mt940(transfers, "M")).entries
    from_camt = read_statement(camt053(transfers, "C")).entries
    assert len(from_mt940) == len(from_camt) == 200
    for i, (mt, camt) in enumerate(zip(from_mt940, from_camt, strict=True)):
        assert (camt.amount, camt.credit, camt.booked_on) == (mt.amount, mt.credit, mt.booked_on)
        assert (camt.title, camt.payer_account) == (mt.title, mt.payer_account)
        assert camt.payer_name == "Jan Kowalski"
        assert camt.bank_reference == f"C{i:08d}" and mt.bank_reference == f"M{i:08d}"
        assert set(camt.accounts) <= set(mt.accounts)
        assert bool(camt.accounts) == (transfers[i][2] is not None)

"""Reading statement files: the plain MT940 reader finds exactly what the `mt-940`
library finds, and leaves the files it does not know to the library."""

from __future__ import annotations

import multiprocessing
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


def _camt(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<Stmt><Acct><Id><IBAN>PL61109010140000071219812874</IBAN></Id></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="PLN">10.00</Amt>'
        "<CdtDbtInd>DBIT</CdtDbtInd></Bal>"
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="PLN">90.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd></Bal>" + entries + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def test_camt053_batches_reversals_and_pending_entries() -> None:
    batch = (
        '<Ntry><Amt Ccy="PLN">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><DtTm>2026-11-20T10:00:00</DtTm></BookgDt><NtryRef>B7</NtryRef><NtryDtls>"
        '<TxDtls><Amt Ccy="PLN">60.00</Amt><RltdPties><Dbtr><Pty><Nm> Anna\n Nowak </Nm>'
        "</Pty></Dbtr><CdtrAcct><Id><Othr><Id>87109010148001000000100001</Id></Othr></Id>"
        "</CdtrAcct></RltdPties><RmtInf><Ustrd>Woda </Ustrd><Ustrd> za  listopad</Ustrd>"
        "</RmtInf></TxDtls>"
        '<TxDtls><Refs><AcctSvcrRef>OWN-2</AcctSvcrRef></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">'
        '40.00</Amt></TxAmt></AmtDtls><Amt Ccy="PLN">1.00</Amt></TxDtls></NtryDtls></Ntry>'
    )
    pending = (
        '<Ntry><Amt Ccy="PLN">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>'
        "<BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>P1</AcctSvcrRef></Ntry>"
    )
    reversal = (
        '<Ntry><Amt Ccy="PLN">7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"
    )
    # PRCD -10, +100 booked, the pending one not, the reversal +7 (a credit booked) = 97
    with pytest.raises(StatementMalformed, match=r"saldo końcowe 90\.00"):
        read_statement(_camt(batch + pending + reversal))
    first, second, waiting = read_statement(_camt(batch + pending)).entries
    assert (first.amount, first.currency, first.bank_reference) == (Decimal(60), "PLN", "B7/1")
    assert (first.title, first.payer_name) == ("Woda za listopad", "Anna Nowak")
    assert first.accounts == ("87109010148001000000100001",)
    assert first.booked_on == date(2026, 11, 20) and first.credit
    assert (second.amount, second.currency, second.bank_reference) == (Decimal(40), "EUR", "OWN-2")
    assert (waiting.amount, waiting.credit, waiting.bank_reference) == (Decimal(5), False, "P1")


def test_camt053_text_cannot_forge_a_field_or_an_entry() -> None:
    """The reader's separators (private use characters) are removed from what a file says."""
    forged = "Woda\ue000+PL61109010140000071219812874\ue001N\ue000+1.00"
    entry = (
        f'<Ntry><Amt Ccy="PLN">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>X1</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<RmtInf><Ustrd>{forged}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
    (only,) = read_statement(_camt(entry)).entries
    assert only.title == "Woda+PL61109010140000071219812874N+1.00"
    assert (only.amount, only.bank_reference) == (Decimal(100), "X1")


@pytest.mark.parametrize(
    "forged",
    ["Woda&#xE000;+1.00&#57345;N&#xe000;+1.00", "Woda\ue000+1.00\ue001N\ue000+1.00"],
    ids=["character references", "literal"],
)
@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-2"])
def test_camt053_text_cannot_forge_a_field_in_any_encoding(forged: str, encoding: str) -> None:
    """A document that may hold the separators is read with them removed, however it
    names them: literally (where its encoding can), or by character references."""
    if encoding == "ISO-8859-2" and "&#" not in forged:
        return  # the characters themselves cannot be written in ISO-8859-2
    entry = (
        f'<Ntry><Amt Ccy="PLN">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>X1</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<RmtInf><Ustrd>{forged} Łódź</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
    text = _camt(entry).decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    (only,) = read_statement(text.encode(encoding)).entries
    assert only.title == "Woda+1.00N+1.00 Łódź"
    assert (only.amount, only.bank_reference) == (Decimal(100), "X1")


def test_camt053_without_separators_reads_alike_either_way() -> None:
    """A plain UTF-8 document skips removing the separators, and reads the same."""
    data = camt053(_transfers([str(n) for n in range(100001, 100051)], 300, seed=5), "S")
    parser = statement_files.etree.XMLParser(resolve_entities=False, no_network=True)
    root = statement_files.etree.fromstring(data, parser=parser)
    assert not statement_files._may_hold_separators(data, root)
    namespace = statement_files.etree.QName(root).namespace or ""
    (plain,) = statement_files._records(root, namespace, False)
    (cleaned,) = statement_files._records(root, namespace, True)
    assert plain.statements() == cleaned.statements()


def test_a_long_camt053_reads_the_same_in_parts_as_whole() -> None:
    """A long statement is transformed in parts at once: every statement keeps its own
    entries, each once and in order, and its balances once."""
    numbers = [str(100_000 + i) for i in range(50)]
    first = camt053(_transfers(numbers, 2_600, seed=7), "A").decode()
    second = camt053(_transfers(numbers, 900, seed=8), "B").decode()
    balances = (
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="PLN">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd></Bal>"
    )
    start = first.index("<Stmt>")
    # One document, two statements: the first long, the second shorter than a part.
    statements = (
        first[start : first.index("</BkToCstmrStmt>")].replace("</Acct>", "</Acct>" + balances, 1)
        + second[second.index("<Stmt>") : second.index("</BkToCstmrStmt>")]
    )
    data = (first[:start] + statements + "</BkToCstmrStmt></Document>").encode()
    root = statement_files.etree.fromstring(data)
    namespace = statement_files.etree.QName(root).namespace or ""
    assert statement_files._SPLIT_FROM <= 2_600
    whole = statement_files._read_records(statement_files._transformed(root, namespace, False))
    parts = statement_files._records(root, namespace, False)
    assert [p.after for p in parts] == [0, 520, 1_560]
    for index, statement in enumerate(whole):
        in_parts = [e for p in parts for e in p.statements()[index].entries]
        assert in_parts == statement.entries
        assert all(p.statements()[index].balances == statement.balances for p in parts)
    assert [len(s.entries) for s in whole] == [2_600, 900]
    assert len(whole[0].balances) == 1 and whole[1].balances == []
    assert [e.servicer_reference for e, _ in whole[0].entries] == [
        f"A{i:08d}" for i in range(2_600)
    ]
    entries = read_statement(data).entries
    assert len(entries) == 3_500
    assert [e.bank_reference for e in entries[2_599:2_601]] == ["A00002599", "B00000000"]


def test_a_fault_in_a_later_part_is_named_by_its_place_in_the_statement() -> None:
    """An entry the worker transformed is refused with its position in the statement,
    as when the file is read in one part."""
    numbers = [str(100_000 + i) for i in range(50)]
    text = camt053(_transfers(numbers, 2_500, seed=4), "P").decode()
    cut = text.index("<AcctSvcrRef>P00002345</AcctSvcrRef>")
    at = text.rindex("<CdtDbtInd>", 0, cut)
    broken = text[:at] + "<CdtDbtInd>SIDEWAYS" + text[text.index("</CdtDbtInd>", at) :]
    with pytest.raises(StatementMalformed, match="Ntry 2346"):
        read_statement(broken.encode())


def _entry_count(data: bytes) -> int:
    return len(read_statement(data).entries)


def test_a_forked_process_reads_a_long_camt053_with_a_worker_of_its_own() -> None:
    """A process forked after a long statement was read (a server's worker) has none
    of its parent's threads: it must not wait on the parent's transform worker."""
    numbers = [str(100_000 + i) for i in range(50)]
    data = camt053(_transfers(numbers, statement_files._SPLIT_FROM + 10, seed=9), "F")
    assert _entry_count(data) == statement_files._SPLIT_FROM + 10
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_entry_count, (data,)).get(timeout=120) == len(
            read_statement(data).entries
        )

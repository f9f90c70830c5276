"""Importing bank statements: booked once, to the right account or the staff queue."""

from __future__ import annotations

import asyncio
import gc
from decimal import Decimal
from pathlib import Path

import pytest

from models.clock import Clock
from models.enums import PaymentMethod
from models.errors import StatementMalformed
from models.orm import Account, BankStatement, Invoice, Payment
from models.services.bank_statements import import_statement, recent_statements
from models.services.figures import check_figures
from models.services.payments import Receipt, book_payment
from models.settings import Settings
from tests.statements import Transfer, mt940

FIXTURES = Path(__file__).parent.parent / "fixtures" / "statements"
MT940 = (FIXTURES / "ing_2026-11-20.mt940").read_bytes()
CAMT = (FIXTURES / "pko_2026-11-20.camt053.xml").read_bytes()


async def _import(data: bytes, clock: Clock, settings: Settings, name: str = "wyciag"):
    return await import_statement(data, name, clock, bank_branch=settings.utility.bank_branch)


async def _payments_of(number: str) -> list[Payment]:
    return await Payment.filter(account__number=number).order_by("id")


async def test_mt940_credits_are_booked_to_their_accounts_or_the_queue(
    demo: None, clock: Clock, settings: Settings
) -> None:
    before = {n: len(await _payments_of(n)) for n in ("100001", "100002", "100003")}
    jan = await Account.get(number="100001")
    result = await _import(MT940, clock, settings, "ing.mt940")

    assert (result.format, result.transactions, result.credits) == ("MT940", 6, 5)
    assert (result.imported, result.matched, result.unmatched) == (5, 4, 1)
    assert result.skipped == 1  # the bank's fee, a debit
    jan_new = (await _payments_of("100001"))[before["100001"] :]
    # To his individual account number: the transfer and the cash deposit.
    assert sorted(p.amount for p in jan_new) == [Decimal("35.00"), Decimal("150.00")]
    transfer = next(p for p in jan_new if p.amount == Decimal("150.00"))
    assert transfer.reference == "bank:26112011300001"
    assert transfer.payer_account == "28124060610000283317720019"
    assert transfer.title == "Opłata za wodę i ścieki okres 09-10.2026"
    assert transfer.statement_id == result.statement_id
    jan_after = await Account.get(number="100001")
    assert jan_after.balance == jan.balance - Decimal("185.00")
    assert jan_after.version > jan.version
    # By the invoice number in the title, paying that very invoice.
    kasia = (await _payments_of("100002"))[before["100002"] :]
    assert [p.amount for p in kasia] == [Decimal("210.50")]
    # By the customer number in the title.
    lipowa = (await _payments_of("100003"))[before["100003"] :]
    assert [p.amount for p in lipowa] == [Decimal("480.00")]
    # Nobody's: kept, without an account, for the staff queue.
    queued = await Payment.filter(account_id__isnull=True)
    assert [(p.amount, p.payer_name, p.title) for p in queued] == [
        (Decimal("99.99"), "ANNA NOWAK UL. KRÓTKA 2", "Darowizna na festyn")
    ]
    assert str(queued[0].status) == "COMPLETED"
    assert queued[0].statement_id == result.statement_id
    assert await check_figures() == []


async def test_a_statement_imported_twice_books_once(
    demo: None, clock: Clock, settings: Settings
) -> None:
    first = await _import(MT940, clock, settings)
    payments = await Payment.all().count()
    balances = await Account.all().order_by("id").values_list("balance", flat=True)
    again = await _import(MT940, clock, settings)
    assert (again.imported, again.matched, again.unmatched) == (0, 0, 0)
    assert again.already_booked == first.imported
    assert again.statement_id == first.statement_id
    assert await Payment.all().count() == payments
    assert await Account.all().order_by("id").values_list("balance", flat=True) == balances
    assert await BankStatement.all().count() == 1
    assert await check_figures() == []


async def test_an_invoice_number_in_the_title_pays_that_invoice_first(
    demo: None, clock: Clock, settings: Settings
) -> None:
    jan = await Account.get(number="100001")
    open_invoices = await Invoice.filter(account_id=jan.id, paid=0).order_by("due_date")
    oldest, newest = open_invoices[0], open_invoices[-1]
    assert oldest.id != newest.id
    title = f"faktura {newest.number.lower()}"
    data = mt940([Transfer(newest.gross, title, reference="R1")])
    result = await _import(data, clock, settings)
    assert (result.matched, result.unmatched) == (1, 0)
    assert str((await Invoice.get(id=newest.id)).settlement) == "PAID"
    assert (await Invoice.get(id=oldest.id)).paid == 0
    payment = await Payment.get(reference="bank:R1").prefetch_related("chosen_invoices")
    assert [i.id for i in payment.chosen_invoices] == [newest.id]
    assert await check_figures() == []


async def test_numbers_of_two_customers_in_one_title_wait_for_a_person(
    demo: None, clock: Clock, settings: Settings
) -> None:
    data = mt940([Transfer(Decimal("50.00"), "za 100001 i 100002", reference="R2")])
    result = await _import(data, clock, settings)
    assert (result.matched, result.unmatched) == (0, 1)


async def test_a_transfer_without_a_bank_reference_is_still_booked_once(
    demo: None, clock: Clock, settings: Settings
) -> None:
    twice = [Transfer(Decimal("20.00"), "100001"), Transfer(Decimal("20.00"), "100001")]
    assert (await _import(mt940(twice), clock, settings)).imported == 2
    # A later statement with the same day and one more such transfer: one more payment.
    three = [*twice, Transfer(Decimal("20.00"), "100001")]
    result = await _import(mt940(three, opening=Decimal("999.99")), clock, settings)
    assert (result.imported, result.already_booked) == (1, 2)


async def test_an_overlapping_statement_books_only_what_is_new(
    demo: None, clock: Clock, settings: Settings
) -> None:
    await _import(MT940, clock, settings)
    # The next day's statement repeats the last transfer and adds one.
    text = MT940.decode()
    head, _, _ = text.partition(":61:")
    repeated = text[text.index(":61:2611201120C99,99") : text.index(":61:2611201120D12,00")]
    new = (
        ":61:2611211121C40,00N051NONREF//26112111300009\r\n"
        ":86:051~00VE02~20nr klienta 100001~32JAN KOWALSKI\r\n"
    )
    overlap = (
        head.replace(":60F:C261119PLN125000,00", ":60F:C261120PLN125000,00")
        + repeated
        + new
        + ":62F:C261121PLN125139,99\r\n-\r\n"
    )
    result = await _import(overlap.encode(), clock, settings)
    assert (result.credits, result.imported, result.already_booked) == (2, 1, 1)
    assert result.matched == 1
    assert await Payment.filter(reference="bank:26112011300004").count() == 1
    assert await check_figures() == []


async def test_camt053_transfer_to_jan_is_booked_once(
    demo: None, clock: Clock, settings: Settings
) -> None:
    jan = await Account.get(number="100001")
    result = await _import(CAMT, clock, settings, "pko.xml")
    assert (result.format, result.transactions, result.credits) == ("camt.053", 3, 2)
    assert (result.imported, result.matched, result.unmatched) == (2, 1, 1)
    again = await _import(CAMT, clock, settings, "pko-kopia.xml")
    assert again.imported == 0
    payment = await Payment.get(reference="bank:PKO261120CR0000001")
    assert payment.account_id == jan.id  # type: ignore[attr-defined]
    assert payment.amount == Decimal("120.00")
    assert (await Account.get(id=jan.id)).balance == jan.balance - Decimal("120.00")
    assert await check_figures() == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a statement at all",
        MT940.replace(b":62F:C261120PLN125963,49", b":62F:C261120PLN125963,50"),
        MT940.replace(b":61:2611201120C210,50", b":61:2611201120X210,50"),
        MT940[: len(MT940) // 2],
        CAMT.replace(b'<Amt Ccy="PLN">65.00</Amt>', b'<Amt Ccy="PLN">sixty</Amt>'),
        CAMT[: len(CAMT) // 2],
        CAMT.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>CRDT</CdtDbtInd>"),
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        b"<BkToCstmrStmt>&a;</BkToCstmrStmt></Document>",
    ],
    ids=[
        "empty",
        "text",
        "mt940-balance",
        "mt940-mark",
        "mt940-truncated",
        "camt-amount",
        "camt-truncated",
        "camt-balance",
        "xml-entities",
    ],
)
async def test_a_malformed_file_is_refused_and_nothing_is_written(
    demo: None, clock: Clock, settings: Settings, data: bytes
) -> None:
    payments = await Payment.all().count()
    paid = await Invoice.all().order_by("id").values_list("paid", flat=True)
    with pytest.raises(StatementMalformed) as refused:
        await _import(data, clock, settings)
    assert refused.value.field == "file"
    assert "Nic nie zaksięgowano" in refused.value.message("pl")
    assert await Payment.all().count() == payments
    assert await BankStatement.all().count() == 0
    assert await Invoice.all().order_by("id").values_list("paid", flat=True) == paid
    # The cycle collector, held off while the file is read, runs again after a refusal.
    assert gc.isenabled()


async def test_recent_statements_list_what_each_booked(
    demo: None, clock: Clock, settings: Settings
) -> None:
    await _import(MT940, clock, settings, "ing.mt940")
    await _import(CAMT, clock, settings, "pko.xml")
    listed = await recent_statements()
    assert [(s.filename, s.format) for s in listed] == [
        ("pko.xml", "camt.053"),
        ("ing.mt940", "MT940"),
    ]
    assert [(s.transactions, s.credits, s.matched, s.unmatched) for s in listed] == [
        (3, 2, 1, 1),
        (6, 5, 4, 1),
    ]


async def test_imports_at_once_book_each_credit_once(
    demo: None, clock: Clock, settings: Settings, database_kind: str
) -> None:
    """Run on PostgreSQL too (EBOK_TEST_DATABASE_URL), where the imports really overlap:
    the unique reference decides, and the account locks serialise the allocations."""
    jan = await Account.get(number="100001")
    same = [_import(MT940, clock, settings, "a.mt940") for _ in range(3)]
    overlapping = [
        _import(
            mt940([Transfer(Decimal("10.00"), "100001", reference=f"C{i}") for i in r]),
            clock,
            settings,
        )
        for r in (range(0, 6), range(3, 9), range(0, 9))
    ]
    online = book_payment(
        Receipt(
            account_id=jan.id,
            amount=Decimal("5.00"),
            method=PaymentMethod.ONLINE,
            reference="sandbox:1",
            booked_on=clock.today(),
            received_at=clock.now(),
        )
    )
    results = await asyncio.gather(*same, *overlapping, online)
    assert sum(r.imported for r in results[:3]) == 5
    assert sum(r.imported for r in results[3:6]) == 9
    assert await Payment.filter(reference__startswith="bank:C").count() == 9
    assert await BankStatement.all().count() == 4
    assert await check_figures() == [], database_kind

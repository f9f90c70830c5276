"""Reading a bank statement file: MT940 with `mt-940`, camt.053 with defusedxml and lxml.

The format is told by content (models/rules/bank_statement.py); what a file means
is checked whole before anything is booked: every `:61:` line must parse, and each
MT940 statement's opening balance plus its entries must give its closing balance,
so a truncated or garbled file is refused instead of half-imported. XML is first
read by defusedxml, which refuses document type declarations and entities (billion
laughs, external entities), then by lxml with entities and network access off.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal, InvalidOperation

import defusedxml.ElementTree
import mt940
from defusedxml import DefusedXmlException
from lxml import etree

from models.errors import StatementMalformed
from models.rules.bank_statement import (
    Statement,
    StatementEntry,
    StatementFormat,
    account_numbers,
    detect_format,
    read_details,
)

# The library logs every pattern it tries on a line that does not parse, at ERROR:
# a refused file is answered to the person who sent it, not written to the log.
logging.getLogger("mt940").setLevel(logging.CRITICAL)

_CAMT_053 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d\d")
_TITLE_MAX = 255
_PAYER_MAX = 200


def read_statement(data: bytes) -> Statement:
    """The statement in `data`, or StatementMalformed saying what is wrong with it."""
    kind = detect_format(data)
    if kind is StatementFormat.MT940:
        return _read_mt940(data)
    return _read_camt053(data)


# --- MT940 -----------------------------------------------------------------------------


def _nrb(text: str | None) -> str | None:
    found = account_numbers(text)
    return found[0] if found else None


def _read_mt940(data: bytes) -> Statement:
    try:
        blocks = mt940.parse_statements(data, options=mt940.Options.all())
    except (RuntimeError, ValueError, KeyError, InvalidOperation) as exc:
        raise StatementMalformed(reason=f"błędny wiersz MT940 ({_first_line(exc)})") from exc
    text = data.decode("utf-8", errors="replace")
    lines = len(re.findall(r"(?m)^:61:", text))
    entries: list[StatementEntry] = []
    account: str | None = None
    for block in blocks:
        info = block.data
        if "account_identification" not in info:
            raise StatementMalformed(reason="brak rachunku (:25:)")
        account = account or _nrb(str(info["account_identification"]))
        opening = info.get("final_opening_balance") or info.get("intermediate_opening_balance")
        closing = info.get("final_closing_balance") or info.get("intermediate_closing_balance")
        if opening is None or closing is None:
            raise StatementMalformed(reason="brak salda początkowego lub końcowego (:60:, :62:)")
        total = opening.amount.amount
        for transaction in block:
            entry = _mt940_entry(transaction.data)
            entries.append(entry)
            total += entry.amount if entry.credit else -entry.amount
        if total != closing.amount.amount:
            raise StatementMalformed(
                reason=f"saldo końcowe {closing.amount.amount} nie wynika z operacji ({total})"
            )
    if len(entries) != lines:
        raise StatementMalformed(reason="nie każdą operację (:61:) udało się odczytać")
    return Statement(StatementFormat.MT940, account, tuple(entries))


def _first_line(exc: Exception) -> str:
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    return message.splitlines()[0][:120]


def _mt940_entry(data: dict[str, object]) -> StatementEntry:
    amount = data["amount"]
    status = str(data.get("status") or "")
    details_text = str(data.get("transaction_details") or "")
    details = read_details(details_text)
    booked = data.get("entry_date") or data["date"]
    assert isinstance(booked, date)
    return StatementEntry(
        amount=abs(amount.amount),  # type: ignore[attr-defined]
        currency=str(amount.currency),  # type: ignore[attr-defined]
        credit=status == "C",
        booked_on=date(booked.year, booked.month, booked.day),
        bank_reference=str(data.get("bank_reference") or "") or None,
        title=details.title[:_TITLE_MAX],
        payer_name=(details.payer_name or "")[:_PAYER_MAX] or None,
        payer_account=_nrb(details.payer_account),
        accounts=details.accounts,
    )


# --- camt.053 --------------------------------------------------------------------------


def _read_camt053(data: bytes) -> Statement:
    try:
        _refuse_document_types(data)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(data, parser=parser)
    except (DefusedXmlException, etree.XMLSyntaxError, SyntaxError, ValueError) as exc:
        raise StatementMalformed(reason="plik XML jest uszkodzony lub niedozwolony") from exc
    namespace = etree.QName(root).namespace or ""
    if not _CAMT_053.fullmatch(namespace):
        raise StatementMalformed(reason=f"nieznana przestrzeń nazw XML {namespace[:80]!r}")
    ns = {"c": namespace}
    statements = root.findall("c:BkToCstmrStmt/c:Stmt", ns)
    if not statements:
        raise StatementMalformed(reason="brak wyciągu (Stmt) w pliku camt.053")
    entries: list[StatementEntry] = []
    account: str | None = None
    for statement in statements:
        account = account or _nrb(statement.findtext("c:Acct/c:Id/c:IBAN", None, ns))
        movement = Decimal(0)
        for position, entry in enumerate(statement.findall("c:Ntry", ns), start=1):
            found, signed = _camt_entries(entry, ns, position)
            entries += found
            movement += signed
        _check_balances(statement, ns, movement)
    return Statement(StatementFormat.CAMT053, account, tuple(entries))


class _RootSeen(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops at the root element's start: a document type (and
    with it every entity) can only come before it."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootSeen

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...

    def close(self) -> None: ...


def _refuse_document_types(data: bytes) -> None:
    """defusedxml reads the file up to its root element and refuses a DTD or entity
    declaration (DTDForbidden, EntitiesForbidden): the rest of the document, which
    can hold neither, is left to lxml alone."""
    parser = defusedxml.ElementTree.DefusedXMLParser(
        target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        for start in range(0, len(data), 65_536):
            parser.feed(data[start : start + 65_536])
        parser.close()
    except _RootSeen:
        return


def _balance(statement: etree._Element, ns: dict[str, str], code: str) -> Decimal | None:
    for balance in statement.findall("c:Bal", ns):
        if balance.findtext("c:Tp/c:CdOrPrtry/c:Cd", "", ns).strip() == code:
            amount, _ = _amount(balance.find("c:Amt", ns), f"Bal {code}")
            sign = -1 if balance.findtext("c:CdtDbtInd", "", ns).strip() == "DBIT" else 1
            return sign * amount
    return None


def _check_balances(statement: etree._Element, ns: dict[str, str], movement: Decimal) -> None:
    """The booked entries must lead from the opening to the closing balance when the
    bank gives both (OPBD or PRCD, CLBD)."""
    opening = _balance(statement, ns, "OPBD")
    if opening is None:
        opening = _balance(statement, ns, "PRCD")
    closing = _balance(statement, ns, "CLBD")
    if opening is None or closing is None:
        return
    total = opening + movement
    if total != closing:
        raise StatementMalformed(reason=f"saldo końcowe {closing} nie wynika z operacji ({total})")


def _amount(element: etree._Element | None, where: str) -> tuple[Decimal, str]:
    if element is None or not (element.text or "").strip():
        raise StatementMalformed(reason=f"brak kwoty ({where})")
    try:
        value = Decimal(element.text.strip())  # type: ignore[union-attr]
    except InvalidOperation as exc:
        raise StatementMalformed(reason=f"błędna kwota {element.text!r} ({where})") from exc
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise StatementMalformed(reason=f"błędna kwota {element.text!r} ({where})")
    return value, str(element.get("Ccy") or "")


def _day(text: str | None, where: str) -> date:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError as exc:
        raise StatementMalformed(reason=f"błędna data księgowania ({where})") from exc


def _camt_entries(
    entry: etree._Element, ns: dict[str, str], position: int
) -> tuple[list[StatementEntry], Decimal]:
    """The transactions of one entry, and what the entry moves the booked balance by."""
    where = f"Ntry {position}"
    amount, currency = _amount(entry.find("c:Amt", ns), where)
    mark = entry.findtext("c:CdtDbtInd", "", ns).strip()
    if mark not in ("CRDT", "DBIT"):
        raise StatementMalformed(reason=f"brak znaku Ma/Wn (CdtDbtInd) ({where})")
    reversal = entry.findtext("c:RvslInd", "", ns).strip().lower() == "true"
    status = entry.findtext("c:Sts", "BOOK", ns).strip() or "BOOK"
    credit = mark == "CRDT" and not reversal and status == "BOOK"
    booked = entry.findtext("c:BookgDt/c:Dt", None, ns) or entry.findtext(
        "c:BookgDt/c:DtTm", None, ns
    )
    booked_on = _day(booked, where)
    signed = Decimal(0) if status != "BOOK" else (amount if mark == "CRDT" else -amount)
    entry_reference = entry.findtext("c:AcctSvcrRef", None, ns) or entry.findtext(
        "c:NtryRef", None, ns
    )
    details = entry.findall("c:NtryDtls/c:TxDtls", ns)
    if not details:
        return [StatementEntry(amount, currency, credit, booked_on, entry_reference)], signed
    found = []
    for index, tx in enumerate(details, start=1):
        tx_amount, tx_currency = amount, currency
        own = tx.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
        if own is None:
            own = tx.find("c:Amt", ns)
        if own is not None:
            tx_amount, tx_currency = _amount(own, f"{where}, TxDtls {index}")
        elif len(details) > 1:
            raise StatementMalformed(reason=f"brak kwoty transakcji ({where}, TxDtls {index})")
        reference = tx.findtext("c:Refs/c:AcctSvcrRef", None, ns)
        if reference is None and entry_reference:
            reference = entry_reference if len(details) == 1 else f"{entry_reference}/{index}"
        debtor = tx.findtext("c:RltdPties/c:Dbtr/c:Nm", None, ns) or tx.findtext(
            "c:RltdPties/c:Dbtr/c:Pty/c:Nm", None, ns
        )
        debtor_account = tx.findtext("c:RltdPties/c:DbtrAcct/c:Id/c:IBAN", None, ns)
        creditor_account = tx.findtext("c:RltdPties/c:CdtrAcct/c:Id/c:IBAN", None, ns)
        other_creditor = tx.findtext("c:RltdPties/c:CdtrAcct/c:Id/c:Othr/c:Id", None, ns)
        title = " ".join(
            " ".join((u.text or "").split()) for u in tx.findall("c:RmtInf/c:Ustrd", ns)
        ).strip()
        found.append(
            StatementEntry(
                amount=tx_amount,
                currency=tx_currency,
                credit=credit,
                booked_on=booked_on,
                bank_reference=reference,
                title=title[:_TITLE_MAX],
                payer_name=(" ".join((debtor or "").split()))[:_PAYER_MAX] or None,
                payer_account=_nrb(debtor_account),
                accounts=account_numbers(creditor_account, other_creditor),
            )
        )
    if len(details) > 1 and sum(e.amount for e in found) != amount:
        raise StatementMalformed(reason=f"kwoty transakcji nie sumują się do kwoty ({where})")
    return found, signed

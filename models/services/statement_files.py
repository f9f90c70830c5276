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
from functools import lru_cache

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
    """The statement, read by the plain reader when the file is in the usual layout,
    else by the `mt-940` library (which knows every bank's variants)."""
    plain = _read_plain_mt940(data)
    if plain is not None:
        return plain
    return _read_mt940_library(data)


def _read_mt940_library(data: bytes) -> Statement:
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


# The usual layout, read without the library: a statement is `:20:`, `:25:`, `:28C:`,
# an opening balance, pairs of `:61:` and `:86:`, a closing balance, and maybe `:64:`,
# `:65:` and a closing `-`; a tag's text runs on over the lines that follow it.
# `:61:` is held to the SWIFT field format `6!n[4!n]2a15d1!a3!c16x[//16x]` (no
# funds code, nothing after the bank reference): anything else, and any file that
# is not UTF-8, is left to the library, so a file is never read two ways.
_PLAIN_TAG = re.compile(r":([0-9]{2}[A-Z]?):")
_PLAIN_61 = re.compile(
    r"([0-9]{2})([0-9]{2})([0-9]{2})(?:([0-9]{2})([0-9]{2}))?(R?[CD])"
    r"([0-9]{1,12},[0-9]{0,2})[A-Z][A-Z0-9]{3}((?:(?!//)[^\n]){0,16})(?://([^\n]{0,16}))?"
)
_PLAIN_BALANCE = re.compile(r"([CD])([0-9]{6})([A-Z]{3})([0-9]{1,12},[0-9]{0,2})")
_PLAIN_KNOWN = {"20", "21", "25", "28C", "28", "60F", "60M", "61", "86", "62F", "62M", "64", "65"}


def _read_plain_mt940(data: bytes) -> Statement | None:
    """The statement in the usual layout (see above), or None for the library to read.
    What the plain reader finds is what the library would: tests/services/
    test_statement_files.py reads the same files both ways."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    blocks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for raw in text.split("\n"):
        line = raw.replace("\r", "").rstrip()
        if not line or line.strip() == "-":
            continue
        found = _PLAIN_TAG.match(line)
        if found is None:
            if line.startswith(":") or current is None or not current:
                # ":NS:", a tag split over lines...: the library's to read
                return None
            tag, value = current[-1]
            current[-1] = (tag, value + "\n" + line)
            continue
        tag = found[1]
        if tag not in _PLAIN_KNOWN:
            return None
        if tag == "20":
            current = []
            blocks.append(current)
        elif current is None:
            return None
        current.append((tag, line[found.end() :]))
    if not blocks:
        return None
    entries: list[StatementEntry] = []
    account: str | None = None
    for block in blocks:
        read = _plain_block(block)
        if read is None:
            return None
        block_account, block_entries = read
        account = account or block_account
        entries += block_entries
    return Statement(StatementFormat.MT940, account, tuple(entries))


def _plain_balance(value: str) -> tuple[Decimal, str] | None:
    found = _PLAIN_BALANCE.fullmatch(value)
    if found is None:
        return None
    amount = Decimal(found[4].replace(",", "."))
    return (-amount if found[1] == "D" else amount), found[3]


def _plain_block(block: list[tuple[str, str]]) -> tuple[str | None, list[StatementEntry]] | None:
    account: str | None = None
    has_account = False
    balances: dict[str, tuple[Decimal, str]] = {}
    entries: list[StatementEntry] = []
    index = 0
    while index < len(block):
        tag, value = block[index]
        index += 1
        if tag == "25":
            has_account = True
            account = account or _nrb(value)
        elif tag in ("60F", "60M", "62F", "62M"):
            balance = _plain_balance(value)
            if balance is None:
                return None
            balances.setdefault(tag, balance)
        elif tag == "61":
            if index >= len(block) or block[index][0] != "86":
                return None
            opening = balances.get("60F") or balances.get("60M")
            entry = _plain_entry(value, block[index][1], opening[1] if opening else "")
            if entry is None:
                return None
            entries.append(entry)
            index += 1
        elif tag == "86":
            return None  # details without a transaction: the library knows what it means
    if not has_account:
        raise StatementMalformed(reason="brak rachunku (:25:)")
    opening = balances.get("60F") or balances.get("60M")
    closing = balances.get("62F") or balances.get("62M")
    if opening is None or closing is None:
        raise StatementMalformed(reason="brak salda początkowego lub końcowego (:60:, :62:)")
    total = opening[0]
    for entry in entries:
        total += entry.amount if entry.credit else -entry.amount
    if total != closing[0]:
        raise StatementMalformed(
            reason=f"saldo końcowe {closing[0]} nie wynika z operacji ({total})"
        )
    return account, entries


def _plain_entry(value: str, details_text: str, currency: str) -> StatementEntry | None:
    found = _PLAIN_61.fullmatch(value)
    if found is None:
        return None
    year, month, day, entry_month, entry_day, status, amount_text = found.groups()[:7]
    try:
        booked = date(2000 + int(year), int(month), int(day))
        if entry_month is not None:
            entry = date(booked.year, int(entry_month), int(entry_day))
            if booked > entry and (booked - entry).days >= 330:
                entry = date(booked.year + 1, entry.month, entry.day)
            elif entry > booked and (entry - booked).days >= 330:
                entry = date(booked.year - 1, entry.month, entry.day)
            booked = entry
    except ValueError:
        return None
    details = read_details(details_text)
    return StatementEntry(
        amount=Decimal(amount_text.replace(",", ".")),
        currency=currency,
        credit=status == "C",
        booked_on=booked,
        bank_reference=found[9] or None,
        title=details.title[:_TITLE_MAX],
        payer_name=(details.payer_name or "")[:_PAYER_MAX] or None,
        payer_account=_nrb(details.payer_account),
        accounts=details.accounts,
    )


# --- camt.053 --------------------------------------------------------------------------


# Paths of child elements ("c:NtryDtls/c:TxDtls") are looked up in an index of the
# element's descendants by path, made in one walk: the same elements, in the same
# order, as ElementPath's find, findtext and findall give, without its work on every
# call (ten or more per entry). A walk stops at statements, entries and transactions
# below the element: each is indexed when it is read, and an entry's indexes (its
# own and its transactions') are dropped when the next entry is read.
_OWN_INDEX = frozenset({"Stmt", "Ntry", "TxDtls"})


class _Tree:
    """The document's namespace, and the index of each element looked into."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._open = "{" + namespace + "}"
        self._indexes: dict[etree._Element, dict[str, list[etree._Element]]] = {}
        self._of_entry: dict[etree._Element, dict[str, list[etree._Element]]] = {}

    def index(self, element: etree._Element) -> dict[str, list[etree._Element]]:
        found = self._indexes.get(element) or self._of_entry.get(element)
        if found is None:
            found = {}
            self._walk(element, "", found)
            tag = element.tag
            if tag == self._open + "Ntry":
                self._of_entry = {element: found}
            elif tag == self._open + "TxDtls":
                self._of_entry[element] = found
            else:
                self._indexes[element] = found
        return found

    def _walk(
        self, element: etree._Element, path: str, found: dict[str, list[etree._Element]]
    ) -> None:
        opening = self._open
        start = len(opening)
        for child in element:
            tag = child.tag
            if type(tag) is not str or tag[:start] != opening:
                continue  # a comment, a processing instruction, another namespace
            name = tag[start:]
            key = path + name
            named = found.get(key)
            if named is None:
                found[key] = [child]
            else:
                named.append(child)
            if len(child) and name not in _OWN_INDEX:  # leaves (most) have nothing below
                self._walk(child, key + "/", found)


@lru_cache(maxsize=256)
def _key(path: str) -> str:
    return path.replace("c:", "")


def _findall(element: etree._Element, path: str, tree: _Tree) -> list[etree._Element]:
    return tree.index(element).get(_key(path), [])


def _find(element: etree._Element, path: str, tree: _Tree) -> etree._Element | None:
    named = tree.index(element).get(_key(path))
    return named[0] if named else None


def _findtext(element: etree._Element, path: str, default: str | None, tree: _Tree) -> str | None:
    found = _find(element, path, tree)
    return default if found is None else (found.text or "")


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
    ns = _Tree(namespace)
    statements = _findall(root, "c:BkToCstmrStmt/c:Stmt", ns)
    if not statements:
        raise StatementMalformed(reason="brak wyciągu (Stmt) w pliku camt.053")
    entries: list[StatementEntry] = []
    account: str | None = None
    for statement in statements:
        account = account or _nrb(_findtext(statement, "c:Acct/c:Id/c:IBAN", None, ns))
        movement = Decimal(0)
        for position, entry in enumerate(_findall(statement, "c:Ntry", ns), start=1):
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


def _balance(statement: etree._Element, ns: _Tree, code: str) -> Decimal | None:
    for balance in _findall(statement, "c:Bal", ns):
        if _findtext(balance, "c:Tp/c:CdOrPrtry/c:Cd", "", ns).strip() == code:
            amount, _ = _amount(_find(balance, "c:Amt", ns), f"Bal {code}")
            sign = -1 if _findtext(balance, "c:CdtDbtInd", "", ns).strip() == "DBIT" else 1
            return sign * amount
    return None


def _check_balances(statement: etree._Element, ns: _Tree, movement: Decimal) -> None:
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
    entry: etree._Element, ns: _Tree, position: int
) -> tuple[list[StatementEntry], Decimal]:
    """The transactions of one entry, and what the entry moves the booked balance by."""
    where = f"Ntry {position}"
    amount, currency = _amount(_find(entry, "c:Amt", ns), where)
    mark = _findtext(entry, "c:CdtDbtInd", "", ns).strip()
    if mark not in ("CRDT", "DBIT"):
        raise StatementMalformed(reason=f"brak znaku Ma/Wn (CdtDbtInd) ({where})")
    reversal = _findtext(entry, "c:RvslInd", "", ns).strip().lower() == "true"
    status = _findtext(entry, "c:Sts", "BOOK", ns).strip() or "BOOK"
    credit = mark == "CRDT" and not reversal and status == "BOOK"
    booked = _findtext(entry, "c:BookgDt/c:Dt", None, ns) or _findtext(
        entry, "c:BookgDt/c:DtTm", None, ns
    )
    booked_on = _day(booked, where)
    signed = Decimal(0) if status != "BOOK" else (amount if mark == "CRDT" else -amount)
    entry_reference = _findtext(entry, "c:AcctSvcrRef", None, ns) or _findtext(
        entry, "c:NtryRef", None, ns
    )
    details = _findall(entry, "c:NtryDtls/c:TxDtls", ns)
    if not details:
        return [StatementEntry(amount, currency, credit, booked_on, entry_reference)], signed
    found = []
    for index, tx in enumerate(details, start=1):
        tx_amount, tx_currency = amount, currency
        own = _find(tx, "c:AmtDtls/c:TxAmt/c:Amt", ns)
        if own is None:
            own = _find(tx, "c:Amt", ns)
        if own is not None:
            tx_amount, tx_currency = _amount(own, f"{where}, TxDtls {index}")
        elif len(details) > 1:
            raise StatementMalformed(reason=f"brak kwoty transakcji ({where}, TxDtls {index})")
        reference = _findtext(tx, "c:Refs/c:AcctSvcrRef", None, ns)
        if reference is None and entry_reference:
            reference = entry_reference if len(details) == 1 else f"{entry_reference}/{index}"
        debtor = _findtext(tx, "c:RltdPties/c:Dbtr/c:Nm", None, ns) or _findtext(
            tx, "c:RltdPties/c:Dbtr/c:Pty/c:Nm", None, ns
        )
        debtor_account = _findtext(tx, "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN", None, ns)
        creditor_account = _findtext(tx, "c:RltdPties/c:CdtrAcct/c:Id/c:IBAN", None, ns)
        other_creditor = _findtext(tx, "c:RltdPties/c:CdtrAcct/c:Id/c:Othr/c:Id", None, ns)
        title = " ".join(
            " ".join((u.text or "").split()) for u in _findall(tx, "c:RmtInf/c:Ustrd", ns)
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

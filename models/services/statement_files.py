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
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

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


@lru_cache(maxsize=65_536)
def _nrb(text: str | None) -> str | None:
    """The first account number in `text` (remembered: a payer pays again and again)."""
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


@lru_cache(maxsize=4_096)
def _plain_day(
    year: str, month: str, day: str, entry_month: str | None, entry_day: str | None
) -> date | None:
    """The day an entry was booked: the entry date when given (in the year that puts
    it nearest the value date), else the value date; None when either is no day.
    Remembered: a statement's entries fall on a few days."""
    try:
        booked = date(2000 + int(year), int(month), int(day))
        if entry_month is not None:
            entry = date(booked.year, int(entry_month), int(entry_day))  # type: ignore[arg-type]
            if booked > entry and (booked - entry).days >= 330:
                entry = date(booked.year + 1, entry.month, entry.day)
            elif entry > booked and (entry - booked).days >= 330:
                entry = date(booked.year - 1, entry.month, entry.day)
            booked = entry
    except ValueError:
        return None
    return booked


def _plain_entry(value: str, details_text: str, currency: str) -> StatementEntry | None:
    found = _PLAIN_61.fullmatch(value)
    if found is None:
        return None
    year, month, day, entry_month, entry_day, status, amount_text = found.groups()[:7]
    booked = _plain_day(year, month, day, entry_month, entry_day)
    if booked is None:
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

# What the reader needs of each statement, balance, entry and transaction is taken out
# of the document by one XSLT transform (libxslt, in C), as text: a record for each,
# its fields in a fixed order. Walking the tree element by element in Python took
# three quarters of a second for 10,000 entries; the transform takes a fifth of that.
# A field holds the string value of the first element at its path, marked "+" when
# the element is there ("" when it is not), so "absent" and "empty" stay apart. The
# three separators are characters of Unicode's private use area, removed from every
# value first, so no text in a file can forge a field or a record. Removing them
# (XPath's translate) takes half the transform's time, so a document that cannot
# hold them is transformed without it: one read as UTF-8 in which neither their
# bytes nor any character reference ("&#") appear (entities are refused before),
# and without a zero byte (which UTF-16 and UTF-32 have, whatever the parser says
# of a file with their byte order mark, and which no UTF-8 document may hold).
_FIELD, _RECORD, _ITEM = "\ue000", "\ue001", "\ue002"
# Searched for one at a time (a bytes search, far quicker than one alternation):
# the UTF-8 lead bytes of U+E000 to U+E03F, a character reference, a zero byte.
_MAY_HOLD_SEPARATORS = (b"\xee\x80", b"&#", b"\x00")

_STATEMENT_FIELDS = ("c:Acct/c:Id/c:IBAN",)
_BALANCE_FIELDS = ("c:Tp/c:CdOrPrtry/c:Cd", "c:Amt", "c:Amt/@Ccy", "c:CdtDbtInd")
_ENTRY_FIELDS = (
    "c:Amt",
    "c:Amt/@Ccy",
    "c:CdtDbtInd",
    "c:RvslInd",
    "c:Sts",
    "c:BookgDt/c:Dt",
    "c:BookgDt/c:DtTm",
    "c:AcctSvcrRef",
    "c:NtryRef",
)
_TRANSACTION_FIELDS = (
    "c:AmtDtls/c:TxAmt/c:Amt",
    "c:AmtDtls/c:TxAmt/c:Amt/@Ccy",
    "c:Amt",
    "c:Amt/@Ccy",
    "c:Refs/c:AcctSvcrRef",
    "c:RltdPties/c:Dbtr/c:Nm",
    "c:RltdPties/c:Dbtr/c:Pty/c:Nm",
    "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN",
    "c:RltdPties/c:CdtrAcct/c:Id/c:IBAN",
    "c:RltdPties/c:CdtrAcct/c:Id/c:Othr/c:Id",
)
_REMITTANCE = "c:RmtInf/c:Ustrd"  # every one, in order: the last field of a transaction


def _xsl_value(clean: bool) -> str:
    """The string value of the context node, the separators removed when `clean`."""
    if not clean:
        return '<xsl:value-of select="."/>'
    return f"<xsl:value-of select=\"translate(., '{_FIELD}{_RECORD}{_ITEM}', '')\"/>"


def _xsl_field(path: str, clean: bool) -> str:
    """The first node at `path`: "+" and its string value (the separators removed
    when `clean`), or nothing when there is none; then the field separator."""
    element, _, attribute = path.partition("/@")  # an attribute of the first element
    # The first element: for one step, the step's own [1], which libxslt finds without
    # gathering every match first (the same node); for more, the path's first.
    first = f"{element}[1]" if "/" not in element else f"({element})[1]"
    path = f"{first}/@{attribute}" if attribute else first
    return (
        f'<xsl:for-each select="{path}">+{_xsl_value(clean)}</xsl:for-each>'
        f"<xsl:text>{_FIELD}</xsl:text>"
    )


def _xsl_record(kind: str, paths: tuple[str, ...], clean: bool, extra: str = "") -> str:
    fields = "".join(_xsl_field(path, clean) for path in paths)
    return f"<xsl:text>{kind}{_FIELD}</xsl:text>{fields}{extra}<xsl:text>{_RECORD}</xsl:text>"


def _remittance_items(clean: bool) -> str:
    return (
        f'<xsl:for-each select="{_REMITTANCE}">{_xsl_value(clean)}'
        f"<xsl:text>{_ITEM}</xsl:text></xsl:for-each>"
    )


def _stylesheet_text(namespace: str, clean: bool = True) -> str:
    return (
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'
        f' xmlns:c="{namespace}"><xsl:output method="text" encoding="UTF-8"/>'
        # Only the entries after the `after`-th and up to the `upto`-th of each
        # statement (every one by default; see _records).
        '<xsl:param name="after" select="0"/><xsl:param name="upto" select="-1"/>'
        '<xsl:template match="/"><xsl:for-each select="/*/c:BkToCstmrStmt/c:Stmt">'
        + _xsl_record("S", _STATEMENT_FIELDS, clean)
        + '<xsl:for-each select="c:Bal">'
        + _xsl_record("B", _BALANCE_FIELDS, clean)
        + "</xsl:for-each>"
        + '<xsl:for-each select="c:Ntry[position() &gt; $after'
        + ' and ($upto &lt; 0 or position() &lt;= $upto)]">'
        + _xsl_record("N", _ENTRY_FIELDS, clean)
        + '<xsl:for-each select="c:NtryDtls/c:TxDtls">'
        + _xsl_record("T", _TRANSACTION_FIELDS, clean, _remittance_items(clean))
        + "</xsl:for-each></xsl:for-each></xsl:for-each></xsl:template></xsl:stylesheet>"
    )


_stylesheets = threading.local()  # an XSLT object is used by the thread that made it


def _stylesheet(namespace: str, clean: bool = True) -> etree.XSLT:
    made: dict[tuple[str, bool], etree.XSLT] = _stylesheets.__dict__.setdefault("made", {})
    if (namespace, clean) not in made:
        made[namespace, clean] = etree.XSLT(
            etree.XML(_stylesheet_text(namespace, clean).encode()),
            access_control=etree.XSLTAccessControl.DENY_ALL,
        )
    return made[namespace, clean]


def _may_hold_separators(data: bytes, root: etree._Element) -> bool:
    """Whether the document can hold a separator (see above): anything not read as
    UTF-8, or naming one in UTF-8 or by a character reference."""
    encoding = (root.getroottree().docinfo.encoding or "").upper()
    return encoding != "UTF-8" or any(mark in data for mark in _MAY_HOLD_SEPARATORS)


class _Entry(NamedTuple):
    amount: str | None
    currency: str | None
    mark: str | None
    reversal: str | None
    status: str | None
    booked_date: str | None
    booked_time: str | None
    servicer_reference: str | None
    entry_reference: str | None


class _Transaction(NamedTuple):
    own_amount: str | None
    own_currency: str | None
    amount: str | None
    currency: str | None
    reference: str | None
    debtor: str | None
    debtor_party: str | None
    debtor_account: str | None
    creditor_account: str | None
    other_creditor: str | None
    remittance: tuple[str, ...]


class _Balance(NamedTuple):
    code: str | None
    amount: str | None
    currency: str | None
    mark: str | None


@dataclass
class _StatementRecords:
    account: str | None
    balances: list[_Balance] = field(default_factory=list)
    entries: list[tuple[_Entry, list[_Transaction]]] = field(default_factory=list)


def _values(fields: list[str]) -> list[str | None]:
    return [f[1:] if f else None for f in fields]


_ENTRY_END = len(_ENTRY_FIELDS) + 1
_TRANSACTION_END = len(_TRANSACTION_FIELDS) + 1


# A long statement is transformed in parts, by ranges of each statement's entries: the
# first here, the others one after another in a worker thread. libxslt runs without
# Python's lock, so while this thread turns the first part's records into entries,
# the worker transforms the next ones on a second core, and the transform's time is
# mostly hidden behind Python's. Each thread uses its own stylesheet (lxml's rule);
# the document is only read. libxslt numbers its elements in document order when a
# transform starts, writing the same numbers every time, so a later start changes
# nothing a running transform reads.
_SPLIT_FROM = 2_000  # entries of the longest statement; below, not worth a thread
_worker: tuple[int, ThreadPoolExecutor] | None = None  # with the process that made it
_worker_made = threading.Lock()


def _transform_worker() -> ThreadPoolExecutor:
    """The worker thread of this process (a forked process has none of its parent's
    threads, so it makes its own)."""
    global _worker
    with _worker_made:
        if _worker is None or _worker[0] != os.getpid():
            made = ThreadPoolExecutor(max_workers=1, thread_name_prefix="camt-transform")
            _worker = (os.getpid(), made)
        return _worker[1]


def _transformed(
    root: etree._Element, namespace: str, clean: bool, after: int = 0, upto: int = -1
) -> str:
    return str(_stylesheet(namespace, clean)(root, after=str(after), upto=str(upto)))


class _Part:
    """The records of the entries after the `after`-th of every statement (up to the
    next part's), transformed here or by the worker; read when first asked for."""

    def __init__(self, after: int, text: str | None, later: Future[str] | None = None) -> None:
        self.after = after
        self._text = text
        self._later = later
        self._statements: list[_StatementRecords] | None = None

    def statements(self) -> list[_StatementRecords]:
        """Every statement's own record and balances, and its entries of this part."""
        if self._statements is None:
            text = self._text if self._later is None else self._later.result()
            self._statements = _read_records(text or "")
            self._text = None
        return self._statements

    def drop(self) -> None:
        """Not wanted any more (the file was refused): cancel the transform if it has
        not started yet."""
        if self._later is not None:
            self._later.cancel()


def _records(root: etree._Element, namespace: str, clean: bool) -> list[_Part]:
    """The document's records, in parts (see above; `clean`: with the separators
    removed from every value)."""
    names = {"c": namespace}
    statements = root.iterfind("c:BkToCstmrStmt/c:Stmt", namespaces=names)
    longest = max((int(s.xpath("count(c:Ntry)", namespaces=names)) for s in statements), default=0)
    if longest < _SPLIT_FROM:
        return [_Part(0, _transformed(root, namespace, clean))]
    # Three parts: a fifth here, then two fifths and the rest in the worker. Each
    # transform costs a walk over the whole tree first (~1 ms per 1,000 entries), so
    # more parts cost more than they hide.
    first = longest // 5
    bounds = [0, first, first + (longest - first) // 2]
    worker = _transform_worker()
    later = [
        # The last part has no end: every entry is in exactly one part.
        _Part(after, None, worker.submit(_transformed, root, namespace, clean, after, upto))
        for after, upto in zip(bounds[1:], [*bounds[2:], -1], strict=True)
    ]
    try:
        here = _Part(0, _transformed(root, namespace, clean, 0, first))
    except BaseException:
        for part in later:
            part.drop()
        raise
    return [here, *later]


def _read_records(text: str) -> list[_StatementRecords]:
    statements: list[_StatementRecords] = []
    transactions: list[_Transaction] = []
    new_transaction, new_entry = _Transaction._make, _Entry._make
    for record in text.split(_RECORD)[:-1]:
        fields = record.split(_FIELD)
        kind = fields[0]
        if kind == "T":
            values = [f[1:] if f else None for f in fields[1:_TRANSACTION_END]]
            values.append(tuple(fields[_TRANSACTION_END].split(_ITEM)[:-1]))
            transactions.append(new_transaction(values))
        elif kind == "N":
            transactions = []
            entry = new_entry([f[1:] if f else None for f in fields[1:_ENTRY_END]])
            statements[-1].entries.append((entry, transactions))
        elif kind == "B":
            statements[-1].balances.append(_Balance(*_values(fields[1:-1])))
        else:
            statements.append(_StatementRecords(_values(fields[1:-1])[0]))
    return statements


def _read_camt053(data: bytes) -> Statement:
    try:
        _refuse_document_types(data)
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            collect_ids=False,  # nothing is looked up by ID: no index of them
        )
        root = etree.fromstring(data, parser=parser)
    except (DefusedXmlException, etree.XMLSyntaxError, SyntaxError, ValueError) as exc:
        raise StatementMalformed(reason="plik XML jest uszkodzony lub niedozwolony") from exc
    namespace = etree.QName(root).namespace or ""
    if not _CAMT_053.fullmatch(namespace):
        raise StatementMalformed(reason=f"nieznana przestrzeń nazw XML {namespace[:80]!r}")
    parts = _records(root, namespace, _may_hold_separators(data, root))
    try:
        return _camt_statement(parts)
    finally:
        for part in parts:
            part.drop()


def _camt_statement(parts: list[_Part]) -> Statement:
    """The entries of every statement in order, statement by statement (so a file is
    refused for its first fault, as when read in one part), each checked against its
    balances."""
    statements = parts[0].statements()
    if not statements:
        raise StatementMalformed(reason="brak wyciągu (Stmt) w pliku camt.053")
    entries: list[StatementEntry] = []
    account: str | None = None
    for index, statement in enumerate(statements):
        account = account or _nrb(statement.account)
        movement = Decimal(0)
        for part in parts:
            own = part.statements()[index].entries
            for position, (entry, transactions) in enumerate(own, start=part.after + 1):
                found, signed = _camt_entries(entry, transactions, position)
                entries += found
                movement += signed
        _check_balances(statement.balances, movement)
    return Statement(StatementFormat.CAMT053, account, tuple(entries))


class _RootSeen(Exception):
    """The parser reached the root element: nothing more to check before it."""


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


def _balance(balances: list[_Balance], code: str) -> Decimal | None:
    for balance in balances:
        if (balance.code or "").strip() == code:
            amount, _ = _amount(balance.amount, balance.currency, f"Bal {code}")
            sign = -1 if (balance.mark or "").strip() == "DBIT" else 1
            return sign * amount
    return None


def _check_balances(balances: list[_Balance], movement: Decimal) -> None:
    """The booked entries must lead from the opening to the closing balance when the
    bank gives both (OPBD or PRCD, CLBD)."""
    opening = _balance(balances, "OPBD")
    if opening is None:
        opening = _balance(balances, "PRCD")
    closing = _balance(balances, "CLBD")
    if opening is None or closing is None:
        return
    total = opening + movement
    if total != closing:
        raise StatementMalformed(reason=f"saldo końcowe {closing} nie wynika z operacji ({total})")


# An amount as banks write it: digits, and at most two after the point.
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,2})?")


def _amount(text: str | None, currency: str | None, where: str) -> tuple[Decimal, str]:
    if text is not None and _PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text), currency or ""  # what the checks below would let through
    if not (text or "").strip():
        raise StatementMalformed(reason=f"brak kwoty ({where})")
    try:
        value = Decimal(text.strip())  # type: ignore[union-attr]
    except InvalidOperation as exc:
        raise StatementMalformed(reason=f"błędna kwota {text!r} ({where})") from exc
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise StatementMalformed(reason=f"błędna kwota {text!r} ({where})")
    return value, currency or ""


def _day(text: str | None, where: str) -> date:
    found = _iso_day((text or "").strip()[:10])
    if found is None:
        raise StatementMalformed(reason=f"błędna data księgowania ({where})")
    return found


@lru_cache(maxsize=4_096)
def _iso_day(text: str) -> date | None:
    """The day, or None (remembered: a statement's entries fall on a few days)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _camt_entries(
    entry: _Entry, details: list[_Transaction], position: int
) -> tuple[list[StatementEntry], Decimal]:
    """The transactions of one entry, and what the entry moves the booked balance by."""
    where = f"Ntry {position}"
    amount, currency = _amount(entry.amount, entry.currency, where)
    mark = entry.mark
    if mark not in ("CRDT", "DBIT"):
        mark = (mark or "").strip()
        if mark not in ("CRDT", "DBIT"):
            raise StatementMalformed(reason=f"brak znaku Ma/Wn (CdtDbtInd) ({where})")
    reversal = entry.reversal is not None and entry.reversal.strip().lower() == "true"
    status = "BOOK" if entry.status is None else (entry.status.strip() or "BOOK")
    credit = mark == "CRDT" and not reversal and status == "BOOK"
    booked_on = _day(entry.booked_date or entry.booked_time, where)
    signed = Decimal(0) if status != "BOOK" else (amount if mark == "CRDT" else -amount)
    entry_reference = entry.servicer_reference or entry.entry_reference
    if not details:
        return [StatementEntry(amount, currency, credit, booked_on, entry_reference)], signed
    found = []
    for index, tx in enumerate(details, start=1):
        tx_amount, tx_currency = amount, currency
        if tx.own_amount is not None:
            tx_amount, tx_currency = _amount(
                tx.own_amount, tx.own_currency, f"{where}, TxDtls {index}"
            )
        elif tx.amount is not None:
            tx_amount, tx_currency = _amount(tx.amount, tx.currency, f"{where}, TxDtls {index}")
        elif len(details) > 1:
            raise StatementMalformed(reason=f"brak kwoty transakcji ({where}, TxDtls {index})")
        reference = tx.reference
        if reference is None and entry_reference:
            reference = entry_reference if len(details) == 1 else f"{entry_reference}/{index}"
        debtor = tx.debtor or tx.debtor_party
        remittance = tx.remittance
        if len(remittance) == 1:
            title = " ".join(remittance[0].split())
        else:
            title = " ".join(" ".join(u.split()) for u in remittance).strip()
        payer = " ".join(debtor.split())[:_PAYER_MAX] if debtor else ""
        found.append(
            StatementEntry(
                amount=tx_amount,
                currency=tx_currency,
                credit=credit,
                booked_on=booked_on,
                bank_reference=reference,
                title=title[:_TITLE_MAX],
                payer_name=payer or None,
                payer_account=_nrb(tx.debtor_account),
                accounts=account_numbers(tx.creditor_account, tx.other_creditor),
            )
        )
    if len(details) > 1 and sum(e.amount for e in found) != amount:
        raise StatementMalformed(reason=f"kwoty transakcji nie sumują się do kwoty ({where})")
    return found, signed

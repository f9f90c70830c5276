"""Reading a utility's customer export (CSV) into customers, contracts and meters.

One row per meter: the account's and the contract's columns repeat on each of the
account's rows. Every row is checked before anything is written, and every problem
is reported with its line and column, in Polish, so the file can be fixed in one go.
Separators `;` (as Polish spreadsheets write) or `,`; decimals with a comma or a
point; dates as 2026-11-21 or 21.11.2026.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from models.enums import AccountKind, BillingCycle, Service

__all__ = [
    "COLUMNS",
    "CustomerRow",
    "ImportProblem",
    "decode_export",
    "parse_export",
]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("numer_klienta", "customer number, digits, up to 16"),
    ("rodzaj", "INDIVIDUAL or HOUSING_COMMUNITY (or: osoba / wspólnota)"),
    ("nazwa", "holder's name"),
    ("nip", "tax id (10 digits), optional"),
    ("ulica", "correspondence address: street"),
    ("nr_domu", "building number"),
    ("nr_lokalu", "apartment number, optional"),
    ("kod_pocztowy", "postal code, 00-000"),
    ("miejscowosc", "town"),
    ("email", "optional"),
    ("telefon", "optional"),
    ("cykl", "MONTHLY or BIMONTHLY (or: miesięczny / dwumiesięczny)"),
    ("umowa", "contract number"),
    ("umowa_od", "contract valid from (date)"),
    ("uslugi", "WATER, SEWAGE, SUBSCRIPTION separated by + (default: all three)"),
    ("punkt_ulica", "premises: street"),
    ("punkt_nr_domu", "premises: building number"),
    ("punkt_nr_lokalu", "premises: apartment number, optional"),
    ("punkt_kod", "premises: postal code"),
    ("punkt_miejscowosc", "premises: town"),
    ("wodomierz", "meter serial number"),
    ("glowny", "TAK/NIE: the building's main meter"),
    ("zamontowany", "meter installed on (date)"),
    ("cyfry", "digits on the register (3 to 9)"),
    ("ostatni_odczyt", "last reading, m³ (e.g. 1234,567)"),
    ("data_odczytu", "date of the last reading"),
)
OPTIONAL = frozenset({"nip", "nr_lokalu", "email", "telefon", "uslugi", "punkt_nr_lokalu"})
MAX_ROWS = 200_000

_KINDS = {
    "individual": AccountKind.INDIVIDUAL,
    "osoba": AccountKind.INDIVIDUAL,
    "housing_community": AccountKind.HOUSING_COMMUNITY,
    "wspólnota": AccountKind.HOUSING_COMMUNITY,
    "wspolnota": AccountKind.HOUSING_COMMUNITY,
}
_CYCLES = {
    "monthly": BillingCycle.MONTHLY,
    "miesięczny": BillingCycle.MONTHLY,
    "miesieczny": BillingCycle.MONTHLY,
    "bimonthly": BillingCycle.BIMONTHLY,
    "dwumiesięczny": BillingCycle.BIMONTHLY,
    "dwumiesieczny": BillingCycle.BIMONTHLY,
}
_YES = {
    "tak": True,
    "t": True,
    "1": True,
    "yes": True,
    "nie": False,
    "n": False,
    "0": False,
    "no": False,
}
_POSTAL = re.compile(r"\d{2}-\d{3}")
_NUMBER = re.compile(r"\d{1,16}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Address:
    street: str
    building_number: str
    apartment_number: str | None
    postal_code: str
    city: str


@dataclass(frozen=True)
class CustomerRow:
    """One checked row: a meter with its contract and account."""

    line: int
    number: str
    kind: AccountKind
    holder_name: str
    tax_id: str | None
    address: Address
    email: str | None
    phone: str | None
    billing_cycle: BillingCycle
    contract_number: str
    contract_valid_from: date
    services: tuple[Service, ...]
    premises: Address
    meter_serial: str
    meter_is_main: bool
    meter_installed_on: date
    meter_digits: int
    last_reading: Decimal
    last_reading_on: date


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"wiersz {self.line}" + (f", kolumna {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def decode_export(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1250, the code page of
    Polish spreadsheets and older billing systems."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250", errors="strict")


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problems: list[ImportProblem] = field(default_factory=list)

    def text(self, column: str, limit: int) -> str | None:
        value = self.values.get(column, "").strip()
        if not value:
            if column not in OPTIONAL:
                self.problems.append(ImportProblem(self.line, column, "brak wartości"))
            return None
        if len(value) > limit or not value.isprintable():
            self.problems.append(
                ImportProblem(self.line, column, f"najwyżej {limit} zwykłych znaków")
            )
            return None
        return value

    def choice(self, column: str, choices: dict, what: str):  # type: ignore[no-untyped-def]
        value = self.text(column, 40)
        if value is None:
            return None
        found = choices.get(value.lower())
        if found is None:
            self.problems.append(ImportProblem(self.line, column, f"nieznany {what}: {value!r}"))
        return found

    def day(self, column: str) -> date | None:
        value = self.text(column, 10)
        if value is None:
            return None
        try:
            if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value):
                day, month, year = (int(p) for p in value.split("."))
                parsed = date(year, month, day)
            else:
                parsed = date.fromisoformat(value)
        except ValueError:
            self.problems.append(ImportProblem(self.line, column, f"to nie jest data: {value!r}"))
            return None
        if not date(1900, 1, 1) <= parsed <= date(2199, 12, 31):
            self.problems.append(ImportProblem(self.line, column, "data spoza lat 1900–2199"))
            return None
        return parsed

    def matches(self, column: str, value: str | None, pattern: re.Pattern[str], what: str) -> None:
        if value is not None and not pattern.fullmatch(value):
            self.problems.append(ImportProblem(self.line, column, what))


def parse_export(text: str) -> tuple[list[CustomerRow], list[ImportProblem]]:
    """The rows of an export, and every problem found in it (rows are returned only
    when there is no problem at all)."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name, _ in COLUMNS if name not in header]
    if missing:
        return [], [ImportProblem(1, None, "brak kolumn: " + ", ".join(missing))]
    reader.fieldnames = header
    rows: list[CustomerRow] = []
    problems: list[ImportProblem] = []
    for line, values in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            problems.append(ImportProblem(line, None, f"plik ma więcej niż {MAX_ROWS} wierszy"))
            break
        row = _Row(line, {k: v or "" for k, v in values.items() if k is not None})
        parsed = _parse_row(row)
        problems += row.problems
        if parsed is not None:
            rows.append(parsed)
    problems += _consistency(rows)
    return ([] if problems else rows), problems


def _address(row: _Row, prefix: str, names: Sequence[str]) -> Address | None:
    street, building, apartment, postal, city = (
        row.text(prefix + name if prefix else name, limit)
        for name, limit in zip(names, (120, 16, 16, 6, 80), strict=True)
    )
    row.matches(prefix + names[3] if prefix else names[3], postal, _POSTAL, "kod pocztowy 00-000")
    if None in (street, building, postal, city):
        return None
    assert street and building and postal and city
    return Address(street, building, apartment, postal, city)


def _parse_row(row: _Row) -> CustomerRow | None:
    number = row.text("numer_klienta", 16)
    row.matches("numer_klienta", number, _NUMBER, "same cyfry, najwyżej 16")
    kind = row.choice("rodzaj", _KINDS, "rodzaj klienta")
    holder = row.text("nazwa", 200)
    tax_id = row.text("nip", 13)
    if tax_id is not None:
        tax_id = tax_id.replace("-", "").replace(" ", "")
        row.matches("nip", tax_id, re.compile(r"\d{10}"), "NIP to 10 cyfr")
    address = _address(row, "", ("ulica", "nr_domu", "nr_lokalu", "kod_pocztowy", "miejscowosc"))
    email = row.text("email", 254)
    row.matches("email", email, _EMAIL, "to nie jest adres e-mail")
    phone = row.text("telefon", 32)
    cycle = row.choice("cykl", _CYCLES, "cykl rozliczeń")
    contract = row.text("umowa", 32)
    valid_from = row.day("umowa_od")
    services = _services(row)
    premises = _address(row, "punkt_", ("ulica", "nr_domu", "nr_lokalu", "kod", "miejscowosc"))
    serial = row.text("wodomierz", 32)
    is_main = row.choice("glowny", _YES, "znacznik (TAK/NIE)")
    installed = row.day("zamontowany")
    digits = _digits(row)
    value = _reading(row, digits)
    read_on = row.day("data_odczytu")
    if row.problems:
        return None
    assert number and kind and holder and address and cycle and contract and valid_from
    assert premises and serial and is_main is not None and installed and digits and read_on
    assert value is not None
    return CustomerRow(
        row.line, number, kind, holder, tax_id, address, email, phone, cycle, contract,
        valid_from, services, premises, serial, is_main, installed, digits, value, read_on,
    )  # fmt: skip


def _services(row: _Row) -> tuple[Service, ...]:
    text = row.text("uslugi", 64)
    if text is None:
        return (Service.WATER, Service.SEWAGE, Service.SUBSCRIPTION)
    found = []
    for part in re.split(r"[+,| ]+", text.upper()):
        if part not in Service.__members__:
            row.problems.append(ImportProblem(row.line, "uslugi", f"nieznana usługa {part!r}"))
            continue
        found.append(Service(part))
    return tuple(dict.fromkeys(found))


def _digits(row: _Row) -> int | None:
    text = row.text("cyfry", 2)
    if text is None:
        return None
    if not text.isdigit() or not 3 <= int(text) <= 9:
        row.problems.append(ImportProblem(row.line, "cyfry", "liczba cyfr od 3 do 9"))
        return None
    return int(text)


def _reading(row: _Row, digits: int | None) -> Decimal | None:
    text = row.text("ostatni_odczyt", 20)
    if text is None:
        return None
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -3:  # type: ignore[operator]
        row.problems.append(
            ImportProblem(row.line, "ostatni_odczyt", "liczba m³, najwyżej 3 miejsca po przecinku")
        )
        return None
    if digits is not None and value >= 10**digits:
        row.problems.append(
            ImportProblem(row.line, "ostatni_odczyt", f"licznik ma tylko {digits} cyfr")
        )
        return None
    return value.quantize(Decimal("0.001"))


def _consistency(rows: Iterable[CustomerRow]) -> list[ImportProblem]:
    """An account's rows agree on the account; serials and contracts are unique."""
    problems = []
    first_of: dict[str, CustomerRow] = {}
    serials: dict[str, int] = {}
    contracts: dict[str, str] = {}
    for row in rows:
        first = first_of.setdefault(row.number, row)
        if (first.kind, first.holder_name, first.address, first.billing_cycle) != (
            row.kind, row.holder_name, row.address, row.billing_cycle,
        ):  # fmt: skip
            problems.append(
                ImportProblem(
                    row.line, None, f"dane klienta {row.number} różnią się od wiersza {first.line}"
                )
            )
        if row.meter_serial in serials:
            problems.append(
                ImportProblem(
                    row.line, "wodomierz",
                    f"wodomierz {row.meter_serial} jest już w wierszu {serials[row.meter_serial]}",
                )
            )  # fmt: skip
        serials.setdefault(row.meter_serial, row.line)
        owner = contracts.setdefault(row.contract_number, row.number)
        if owner != row.number:
            problems.append(
                ImportProblem(row.line, "umowa", f"umowa {row.contract_number} ma innego klienta")
            )
        if row.last_reading_on < row.meter_installed_on:
            problems.append(
                ImportProblem(row.line, "data_odczytu", "odczyt sprzed montażu wodomierza")
            )
    return problems

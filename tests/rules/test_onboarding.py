"""Reading a customer export: every problem found, with its line and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from models.enums import AccountKind, BillingCycle, Service
from models.rules.onboarding import COLUMNS, decode_export, parse_export

EXAMPLE = Path(__file__).resolve().parents[2] / "scripts" / "customers-example.csv"
HEADER = ";".join(name for name, _ in COLUMNS)


def test_the_shipped_example_reads_whole() -> None:
    rows, problems = parse_export(decode_export(EXAMPLE.read_bytes()))
    assert problems == []
    assert [r.number for r in rows] == ["200001", "200002", "200002", "200003"]
    first = rows[0]
    assert first.kind is AccountKind.INDIVIDUAL and first.billing_cycle is BillingCycle.BIMONTHLY
    assert first.last_reading == Decimal("1234.567") and first.last_reading_on == date(2026, 10, 31)
    assert rows[1].services == (Service.WATER, Service.SUBSCRIPTION)
    community = rows[3]
    assert community.meter_is_main and community.meter_digits == 6 and community.tax_id


def test_every_problem_is_reported_and_nothing_is_returned() -> None:
    good = EXAMPLE.read_text(encoding="utf-8").splitlines()[1]
    broken = good.replace("01.03.2019;5;1234,567", "31.02.2019;5;12,3456")
    text = "\n".join([HEADER, good, broken.replace("200001", "20A001")])
    rows, problems = parse_export(text)
    assert rows == []
    where = {(p.line, p.column) for p in problems}
    assert {(3, "numer_klienta"), (3, "zamontowany"), (3, "ostatni_odczyt")} <= where
    assert all("wiersz 3" in str(p) for p in problems)


def test_an_account_must_agree_with_itself_and_a_serial_appear_once() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    other_name = lines[2].replace("Piotr Zieliński", "Paweł Zieliński", 1)
    same_meter = lines[1].replace("200001", "200009").replace("U/2019/02001", "U/2019/09009")
    _, problems = parse_export("\n".join([lines[0], lines[1], other_name, lines[3], same_meter]))
    messages = " ".join(str(p) for p in problems)
    assert "różnią się od wiersza" in messages
    assert "WS-19-400101 jest już w wierszu 2" in messages


def test_windows_1250_and_a_missing_column_are_understood() -> None:
    assert decode_export("Dąbrowa".encode("cp1250")) == "Dąbrowa"
    _, problems = parse_export("numer_klienta;nazwa\n1;A")
    assert problems and "brak kolumn" in problems[0].message

"""Writing MT940 statements for tests: a few transfers, in a Polish bank's layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

UTILITY_ACCOUNT = "PL61109010140000071219812874"


@dataclass(frozen=True)
class Transfer:
    amount: Decimal
    title: str = ""
    to_account: str | None = None  # the individual account number it was sent to
    reference: str | None = None  # the bank's; None writes NONREF without one
    debit: bool = False
    payer: str = "JAN KOWALSKI"
    booked_on: date = date(2026, 11, 20)


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def mt940(transfers: Sequence[Transfer], opening: Decimal = Decimal("1000.00")) -> bytes:
    """One MT940 statement whose balances add up."""
    first = min((t.booked_on for t in transfers), default=date(2026, 11, 20))
    last = max((t.booked_on for t in transfers), default=first)
    lines = [
        ":20:ST" + f"{last:%y%m%d}",
        ":25:/" + UTILITY_ACCOUNT,
        ":28C:00001/001",
        f":60F:C{first:%y%m%d}PLN{_money(opening)}",
    ]
    balance = opening
    for t in transfers:
        mark = "D" if t.debit else "C"
        balance += -t.amount if t.debit else t.amount
        ref = f"NONREF//{t.reference}" if t.reference else "NONREF"
        lines.append(f":61:{t.booked_on:%y%m%d}{t.booked_on:%m%d}{mark}{_money(t.amount)}N051{ref}")
        details = f":86:051~00VE02~20{t.title[:27]}~21{t.title[27:54]}~32{t.payer}"
        if t.to_account:
            details += f"\n~63{t.to_account}"
        lines.append(details)
    mark = "C" if balance >= 0 else "D"
    lines.append(f":62F:{mark}{last:%y%m%d}PLN{_money(abs(balance))}")
    lines.append("-")
    return ("\r\n".join(lines) + "\r\n").encode()

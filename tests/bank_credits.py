"""Credits of an imported bank statement that matched no account: rows as the statement
import leaves them (a completed bank transfer with its statement and no account)."""

from __future__ import annotations

from decimal import Decimal

from models.clock import Clock
from models.enums import PaymentMethod, PaymentStatus
from models.orm import BankStatement, Payment


async def statement(clock: Clock, name: str = "wyciag-2026-11-20.sta") -> BankStatement:
    return await BankStatement.create(
        filename=name,
        sha256=name.encode().hex().ljust(64, "0")[:64],
        format="MT940",
        imported_at=clock.now(),
    )


async def unmatched_credit(
    clock: Clock,
    source: BankStatement,
    amount: str,
    reference: str,
    *,
    title: str = "OPLATA ZA WODE LISTOPAD",
    payer_name: str = "JAN KOWALSKI UL. LIPOWA 7 KRAKOW",
    payer_account: str = "PL61109010140000071219812874",
) -> Payment:
    return await Payment.create(
        account=None,
        amount=Decimal(amount),
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.COMPLETED,
        created_at=clock.now(),
        booked_on=clock.today(),
        reference=reference,
        title=title,
        payer_name=payer_name,
        payer_account=payer_account,
        statement=source,
    )

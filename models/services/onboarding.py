"""Onboarding an existing customer base from the CSV its old system exports.

The rows are checked first (models/rules/onboarding.py) and against what the
database holds (a meter serial or contract number already belonging to someone
else); then every new customer is written in one transaction, with the last
reading of each meter as the reading the first invoice will start from. A customer
number already present is left as it is, so importing the same file again, or a
newer export of the same base, changes nothing that exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ReadingSource
from models.orm import Account, Contract, Meter, Premises, Reading
from models.rules.onboarding import CustomerRow, ImportProblem
from models.services import audit


@dataclass
class Onboarding:
    created: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    meters: int = 0


async def conflicts_with_database(rows: Sequence[CustomerRow]) -> list[ImportProblem]:
    """Meters and contracts of new customers that the database already gives to others."""
    present = set(
        await Account.filter(number__in=sorted({r.number for r in rows})).values_list(
            "number", flat=True
        )
    )
    new = [r for r in rows if r.number not in present]
    serials = {
        s: n
        for s, n in await Meter.filter(serial_number__in=[r.meter_serial for r in new]).values_list(
            "serial_number", "contract__account__number"
        )
    }
    contracts = set(
        await Contract.filter(number__in=[r.contract_number for r in new]).values_list(
            "number", flat=True
        )
    )
    problems = []
    for row in new:
        owner = serials.get(row.meter_serial)
        if owner is not None:
            message = f"wodomierz {row.meter_serial} należy już do klienta {owner}"
            problems.append(ImportProblem(row.line, "wodomierz", message))
        if row.contract_number in contracts:
            problems.append(
                ImportProblem(row.line, "umowa", f"umowa {row.contract_number} już istnieje")
            )
    return problems


async def import_customers(
    rows: Sequence[CustomerRow],
    clock: Clock,
    *,
    progress: Callable[[int], None] | None = None,
) -> Onboarding:
    """Write every customer not yet present, in one transaction."""
    by_number: dict[str, list[CustomerRow]] = defaultdict(list)
    for row in rows:
        by_number[row.number].append(row)
    result = Onboarding()
    now = clock.now()
    async with in_transaction():
        present = set(
            await Account.filter(number__in=sorted(by_number)).values_list("number", flat=True)
        )
        for number, account_rows in by_number.items():
            if number in present:
                result.already_present.append(number)
            else:
                result.meters += await _create(account_rows, clock)
                result.created.append(number)
            if progress is not None:
                progress(1)
        await audit.record(
            "CUSTOMERS_IMPORTED",
            at=now,
            actor=None,
            object_type="customer_import",
            details={"created": len(result.created), "present": len(result.already_present)},
        )
    return result


async def _create(rows: Sequence[CustomerRow], clock: Clock) -> int:
    first = rows[0]
    account = await Account.create(
        number=first.number,
        kind=first.kind,
        holder_name=first.holder_name,
        tax_id=first.tax_id,
        street=first.address.street,
        building_number=first.address.building_number,
        apartment_number=first.address.apartment_number,
        postal_code=first.address.postal_code,
        city=first.address.city,
        email=first.email,
        phone=first.phone,
        billing_cycle=first.billing_cycle,
        created_at=clock.now(),
    )
    contracts: dict[str, Contract] = {}
    for row in rows:
        contract = contracts.get(row.contract_number)
        if contract is None:
            premises = await Premises.create(
                street=row.premises.street,
                building_number=row.premises.building_number,
                apartment_number=row.premises.apartment_number,
                postal_code=row.premises.postal_code,
                city=row.premises.city,
            )
            contract = await Contract.create(
                account=account,
                premises=premises,
                number=row.contract_number,
                signed_on=row.contract_valid_from,
                valid_from=row.contract_valid_from,
                services=",".join(s.value for s in row.services),
            )
            contracts[row.contract_number] = contract
        meter = await Meter.create(
            contract=contract,
            serial_number=row.meter_serial,
            is_main=row.meter_is_main,
            installed_on=row.meter_installed_on,
            digits=row.meter_digits,
        )
        # The reading the first invoice in eBOK is measured from.
        await Reading.create(
            meter=meter,
            value=row.last_reading,
            read_on=row.last_reading_on,
            source=ReadingSource.COLLECTOR,
            submitted_at=clock.now(),
        )
    return len(rows)

"""Staff's side of readings: accounts whose e-readings a missed window blocked, readings
flagged as far above the usual, lifting a block, and readings staff record themselves
(a collector's round, a meter replacement), which the customers' window rules do not bind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.enums import ReadingSource
from models.errors import NotFound, ReadingDateInvalid, ReadingSourceNotRecordable
from models.orm import Account, Meter, Reading, User
from models.rules.reading_submission import PreviousReading, assess_recorded
from models.services import audit


@dataclass(frozen=True)
class IdPage:
    ids: list[int]
    total: int


async def blocked_accounts(offset: int, limit: int) -> IdPage:
    """Accounts with e-readings blocked, the most recently blocked first."""
    query = Account.filter(e_readings_blocked=True)
    ids = await (
        query.order_by("-e_readings_blocked_at", "-id")
        .offset(offset)
        .limit(limit)
        .values_list("id", flat=True)
    )
    return IdPage(ids=list(ids), total=await query.count())


async def unusual_readings(offset: int, limit: int) -> IdPage:
    """Readings flagged as far above the usual and not reviewed yet, newest first."""
    query = Reading.filter(flagged_implausible=True)
    ids = await (
        query.order_by("-submitted_at", "-id")
        .offset(offset)
        .limit(limit)
        .values_list("id", flat=True)
    )
    return IdPage(ids=list(ids), total=await query.count())


async def blocked_count() -> int:
    return await Account.filter(e_readings_blocked=True).count()


async def unusual_count() -> int:
    return await Reading.filter(flagged_implausible=True).count()


async def lift_block(
    account_id: int, note: str | None, *, by: User, clock: Clock, client_address: str | None
) -> Account:
    """Let the customer submit readings again (the billing cycle stays bimonthly until
    they ask for monthly billing again)."""
    async with in_transaction():
        account = await Account.select_for_update().get_or_none(id=account_id)
        if account is None:
            raise NotFound("accountId")
        if account.e_readings_blocked:
            account.e_readings_blocked = False
            account.e_readings_blocked_at = None
            account.version = account.version + 1
            await account.save(
                update_fields=["e_readings_blocked", "e_readings_blocked_at", "version"]
            )
            await audit.record(
                "E_READINGS_UNBLOCKED",
                at=clock.now(),
                actor=by,
                object_type="Account",
                object_id=account.number,
                client_address=client_address,
                details={"note": note} if note else None,
            )
    return account


async def mark_reviewed(
    reading_id: int, *, by: User, clock: Clock, client_address: str | None
) -> Reading:
    async with in_transaction():
        reading = await Reading.select_for_update().get_or_none(id=reading_id)
        if reading is None:
            raise NotFound("id")
        if reading.flagged_implausible:
            reading.flagged_implausible = False
            await reading.save(update_fields=["flagged_implausible"])
            await audit.record(
                "READING_REVIEWED",
                at=clock.now(),
                actor=by,
                object_type="Reading",
                object_id=reading.id,
                client_address=client_address,
            )
    return reading


RECORDABLE = (ReadingSource.COLLECTOR, ReadingSource.METER_REPLACEMENT)


async def record_reading(
    meter_id: int,
    value: Decimal,
    read_on: date,
    source: ReadingSource,
    *,
    by: User,
    clock: Clock,
    client_address: str | None,
) -> Reading:
    """A reading taken by the utility: any day up to today, no monthly limit; the value
    still has to fit the register, and may only go down by a rollover (a replaced meter
    starts wherever the new register stands)."""
    if source not in RECORDABLE:
        raise ReadingSourceNotRecordable()
    if read_on > clock.today():
        raise ReadingDateInvalid(opens_on=read_on, today=clock.today())
    async with in_transaction():
        meter = await Meter.get_or_none(id=meter_id).prefetch_related("contract")
        if meter is None:
            raise NotFound("meterId")
        account = await Account.select_for_update().get(id=meter.contract.account_id)
        newest = (
            await Reading.filter(meter_id=meter.id, read_on__lte=read_on)
            .order_by("-read_on", "-id")
            .first()
        )
        previous = PreviousReading(newest.value, newest.read_on) if newest else None
        assess_recorded(
            value, meter.digits, previous, replacement=source == ReadingSource.METER_REPLACEMENT
        )
        reading = await Reading.create(
            meter=meter,
            value=value,
            read_on=read_on,
            source=source,
            submitted_at=clock.now(),
            submitted_by=by,
        )
        account.version = account.version + 1
        await account.save(update_fields=["version"])
        await audit.record(
            "READING_RECORDED",
            at=clock.now(),
            actor=by,
            object_type="Reading",
            object_id=reading.id,
            client_address=client_address,
            details={"meter": meter.serial_number, "value": str(value), "source": str(source)},
        )
    return reading

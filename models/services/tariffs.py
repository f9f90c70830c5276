"""Entering a new tariff: the one in force until then ends the day before it starts."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from models.clock import Clock
from models.orm import Tariff, User
from models.rules.tariff_entry import NewTariff, check_new_tariff
from models.services import audit


async def add_tariff(
    new: NewTariff, *, by: User, clock: Clock, client_address: str | None
) -> Tariff:
    async with in_transaction():
        # The newest tariff, locked: two staff entering tariffs at once queue up here.
        latest = await Tariff.all().order_by("-valid_from").select_for_update().first()
        check_new_tariff(new, clock.today(), latest.valid_from if latest else None)
        if latest is not None:
            latest.valid_to = new.valid_from - timedelta(days=1)
            await latest.save(update_fields=["valid_to"])
        tariff = await Tariff.create(
            valid_from=new.valid_from,
            water_price=new.water_price,
            sewage_price=new.sewage_price,
            subscription_fee=new.subscription_fee,
            vat_rate=new.vat_rate,
        )
        await audit.record(
            "TARIFF_ADDED",
            at=clock.now(),
            actor=by,
            object_type="Tariff",
            object_id=tariff.id,
            client_address=client_address,
            details={
                "valid_from": new.valid_from.isoformat(),
                "water_price": str(new.water_price),
                "sewage_price": str(new.sewage_price),
                "subscription_fee": str(new.subscription_fee),
                "vat_rate": str(new.vat_rate),
            },
        )
    return tariff

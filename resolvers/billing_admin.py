"""Staff's billing work: entering tariffs and running the monthly billing."""

from __future__ import annotations

from datetime import date

from models.orm import User
from models.rows import TariffRow
from models.rules.tariff_entry import NewTariff
from models.services import tariffs
from models.services.billing import BillingRun, run_billing
from resolvers.context import Context


def _staff(ctx: Context) -> User:
    viewer = ctx.viewer
    assert viewer is not None  # IsStaffWriting requires a staff viewer
    return viewer


async def all_tariffs(ctx: Context) -> list[TariffRow]:
    """Every tariff, the newest first (a utility has a handful: one per approval)."""
    rows = await ctx.loaders.tariffs.load("all")
    return sorted(rows, key=lambda r: r.valid_from, reverse=True)


async def add_tariff(ctx: Context, new: NewTariff) -> TariffRow:
    await tariffs.add_tariff(
        new, by=_staff(ctx), clock=ctx.clock, client_address=ctx.client_address
    )
    ctx.loaders.clear_all()
    rows = await ctx.loaders.tariffs.load("all")
    return next(r for r in rows if r.valid_from == new.valid_from)


async def run(ctx: Context, period: date) -> BillingRun:
    return await run_billing(
        period,
        ctx.clock,
        payment_term_days=ctx.settings.utility.payment_term_days,
        actor_id=_staff(ctx).id,
    )

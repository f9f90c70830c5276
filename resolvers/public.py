"""What anyone may see: the tariff, the reading window, announcements."""

from __future__ import annotations

from datetime import date, datetime

from models.enums import AnnouncementKind
from models.errors import NoTariff
from models.rows import AnnouncementRow, TariffRow
from models.rules.reading_window import ReadingWindow, window_for
from models.rules.tariff import TariffRates, tariff_on
from resolvers.context import Context


async def tariff_in_force(ctx: Context, day: date | None) -> TariffRow:
    on = day or ctx.clock.today()
    rows = await ctx.loaders.tariffs.load("all")
    rates = [
        TariffRates(
            r.valid_from, r.valid_to, r.water_price, r.sewage_price, r.subscription_fee, r.vat_rate
        )
        for r in rows
    ]
    try:
        chosen = tariff_on(on, rates)
    except LookupError as exc:
        raise NoTariff(day=on.strftime("%d.%m.%Y")) from exc
    return next(r for r in rows if r.valid_from == chosen.valid_from)


def reading_window(ctx: Context, day: date | None) -> ReadingWindow:
    on = day or ctx.clock.today()
    return window_for(on, ctx.settings.utility.reading_window_opens_on_day)


def is_published(row: AnnouncementRow, now: datetime) -> bool:
    """What `published_announcements` lists, for one announcement."""
    return row.published_at <= now and (row.valid_to is None or row.valid_to >= now)


async def published_announcements(
    ctx: Context, kind: AnnouncementKind | None
) -> list[AnnouncementRow]:
    """Published and not yet expired, newest first."""
    rows = await ctx.loaders.published_announcements.load("now")
    return [r for r in rows if kind is None or r.kind == kind]

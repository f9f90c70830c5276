"""What anyone may read: the tariffs and the published announcements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.enums import AnnouncementKind
from models.reads.sql import (
    Row,
    as_date,
    as_datetime,
    as_decimal,
    as_optional_date,
    as_optional_datetime,
    fetch,
)
from models.rows import AnnouncementRow, TariffRow


async def all_tariffs() -> list[TariffRow]:
    sql = """SELECT valid_from, valid_to, water_price, sewage_price, subscription_fee, vat_rate
        FROM tariffs ORDER BY valid_from"""
    return [
        TariffRow(
            valid_from=as_date(r["valid_from"]),
            valid_to=as_optional_date(r["valid_to"]),
            water_price=as_decimal(r["water_price"]),
            sewage_price=as_decimal(r["sewage_price"]),
            subscription_fee=as_decimal(r["subscription_fee"]),
            vat_rate=as_decimal(r["vat_rate"]),
        )
        for r in await fetch(sql)
    ]


_ANNOUNCEMENT = "id, kind, title, body, published_at, valid_from, valid_to FROM announcements"


def _announcement(row: Row) -> AnnouncementRow:
    return AnnouncementRow(
        id=row["id"],
        kind=AnnouncementKind(row["kind"]),
        title=row["title"],
        body=row["body"],
        published_at=as_datetime(row["published_at"]),
        valid_from=as_optional_datetime(row["valid_from"]),
        valid_to=as_optional_datetime(row["valid_to"]),
    )


async def published_announcements(now: datetime) -> list[AnnouncementRow]:
    """Published and not yet expired, newest first."""
    sql = f"""SELECT {_ANNOUNCEMENT} WHERE published_at <= ?
        AND (valid_to IS NULL OR valid_to >= ?) ORDER BY published_at DESC, id DESC"""
    return [_announcement(r) for r in await fetch(sql, [now, now])]


async def announcements_by_ids(ids: Sequence[int]) -> list[AnnouncementRow]:
    sql = f"SELECT {_ANNOUNCEMENT} WHERE id IN ({{ids}})"
    return [_announcement(r) for r in await fetch(sql, ids, list_length=len(ids))]

"""How far the data a viewer can see has changed: the stuff of ETags.

Every service that changes anything of an account bumps its `version` (in the
transaction of the change), so the sum of the versions of a viewer's accounts (with
how many they are) moves whenever anything they could see does. Announcements and
tariffs are added to, never edited in place: their count and newest id move with
them.
"""

from __future__ import annotations

from models.reads.sql import fetch

# The newest id of each is one index lookup, however many rows there are.
_PUBLIC = """(SELECT MAX(id) FROM announcements) AS newest_announcement,
    (SELECT MAX(id) FROM tariffs) AS newest_tariff"""


async def data_version(user_id: int | None) -> str:
    """A string that changes whenever the viewer's accounts or the public data do."""
    if user_id is None:
        rows = await fetch(f"SELECT {_PUBLIC}")
        return "/".join(str(v) for v in tuple(rows[0]))
    sql = f"""SELECT {_PUBLIC},
        (SELECT COALESCE(SUM(a.version), 0) FROM accounts a
            JOIN user_accounts ua ON ua.account_id = a.id WHERE ua.user_id = ?) AS versions,
        (SELECT COUNT(*) FROM user_accounts ua WHERE ua.user_id = ?) AS accounts"""
    rows = await fetch(sql, [user_id, user_id])
    return "/".join(str(v) for v in tuple(rows[0]))

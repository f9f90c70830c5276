"""How far the data a viewer can see has changed: the stuff of ETags.

Every service that changes anything of an account bumps its `version` (in the
transaction of the change), so the sum of the versions of a viewer's accounts (with
how many they are) moves whenever anything they could see does. Announcements and
tariffs are added to, never edited in place: their count and newest id move with
them.

A browser's page request reads the version together with its session (models/reads/
identity.py), in the statement that comes before anything of the page: a version
read before the data can only be older than what the page shows, so an ETag never
stands for data newer than the answer it is sent with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.reads.sql import fetch

# The newest id of each is one index lookup, however many rows there are.
_PUBLIC = """(SELECT MAX(id) FROM announcements) AS v_announcement,
    (SELECT MAX(id) FROM tariffs) AS v_tariff"""
_PARTS = ("v_announcement", "v_tariff", "v_versions", "v_accounts")


def version_columns(user_id: str) -> str:
    """The parts of a viewer's data version as columns of a SELECT, `user_id` being
    the SQL that gives the viewer's id there (a placeholder or a column)."""
    return f"""{_PUBLIC},
        (SELECT COALESCE(SUM(a.version), 0) FROM accounts a
            JOIN user_accounts ua ON ua.account_id = a.id WHERE ua.user_id = {user_id})
            AS v_versions,
        (SELECT COUNT(*) FROM user_accounts ua WHERE ua.user_id = {user_id}) AS v_accounts"""


def version_in(row: Mapping[str, Any]) -> str:
    """The data version from a row with the columns of `version_columns`."""
    return "/".join(str(row[part]) for part in _PARTS)


async def data_version(user_id: int | None) -> str:
    """A string that changes whenever the viewer's accounts or the public data do."""
    if user_id is None:
        rows = await fetch(f"SELECT {_PUBLIC}")
        return "/".join(str(v) for v in tuple(rows[0]))
    rows = await fetch(f"SELECT {version_columns('?')}", [user_id, user_id])
    return version_in(rows[0])

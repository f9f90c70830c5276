"""Fixed SQL for the read path, the same text on SQLite and PostgreSQL.

The hot read path skips the ORM's query building and model objects: each query is
written once with `?` placeholders (and `{ids}` for a list), turned into the
dialect's own placeholders once per list length, and its rows are read by column
name into the plain typed rows of models/rows.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tortoise import connections

Row = Any  # sqlite3.Row or asyncpg.Record: both read by column name

_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=512)
def _prepared(sql: str, list_length: int, dialect: str) -> str:
    """`sql` with `{ids}` expanded to `list_length` placeholders, in the dialect's style."""
    if "{ids}" in sql:
        sql = sql.replace("{ids}", ", ".join("?" * max(list_length, 1)))
    if dialect != "postgres":
        return sql
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


async def fetch(sql: str, values: Sequence[Any] = (), *, list_length: int = 0) -> list[Row]:
    """Rows of one statement. Every `{ids}` in `sql` stands for `list_length`
    placeholders; `values` holds the values of all placeholders in the order the
    text has them."""
    if "{ids}" in sql and list_length == 0:
        return []  # `IN ()` is not valid SQL, and matches nothing anyway
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    prepared = _prepared(sql, list_length, dialect)
    if dialect != "postgres":
        values = [_as_sqlite_text(v) for v in values]
    _, rows = await connection.execute_query(prepared, list(values))
    return list(rows)


def _as_sqlite_text(value: Any) -> Any:
    """Dates and times in the text form the ORM stores them in on SQLite, so that
    comparing them in SQL compares them in time."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- column values as the two databases return them ---------------------------------------


def as_date(value: Any) -> date:
    """SQLite returns dates as ISO text, PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_optional_date(value: Any) -> date | None:
    return None if value is None else as_date(value)


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def as_optional_datetime(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


def as_decimal(value: Any) -> Decimal:
    """SQLite keeps decimals as text (never floats); PostgreSQL returns Decimals."""
    return value if isinstance(value, Decimal) else Decimal(value)

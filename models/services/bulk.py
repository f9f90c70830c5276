"""Many rows of one table in a few statements, for the billing run's writes.

The ORM writes one row per statement (and reads before each many-to-many link);
the billing run writes tens of thousands. These helpers write rows given as
`{field: value}` in multi-row statements, on the connection of the transaction they
run in, with each value converted by the model's own field as a model object would, so the
stored text is the ORM's to the character on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tortoise import Model, connections

# Placeholders per statement: well below SQLite's 32,766 and asyncpg's 32,767.
MAX_PARAMETERS = 8_000
_PLACEHOLDER = re.compile(r"\?")


def _dialect_sql(sql: str, dialect: str) -> str:
    if dialect != "postgres":
        return sql
    counter = iter(range(1, MAX_PARAMETERS + 2))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


def _column(model: type[Model], field: str) -> str:
    field_object = model._meta.fields_map[field]
    return str(field_object.source_field or field)


def _converter(model: type[Model], field: str) -> Callable[[Any], Any]:
    """How a value is stored as a model object would store it: made the field's Python
    value first (a decimal quantized to its places), then the database's."""
    field_object = model._meta.fields_map[field]
    to_python, to_db = field_object.to_python_value, field_object.to_db_value
    return lambda value: to_db(to_python(value), model)


async def insert_rows(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[str] = (),
    *,
    skip_conflicts_on: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Insert `rows` (all with the same fields, in the same order; the others take
    their defaults, or NULL) and return the `returning` columns of each stored row.
    Match what comes back by those columns, never by position: a database need not
    return the rows in the order given. With `skip_conflicts_on` (the columns of a
    unique constraint), a row that would break it is left out, and not returned."""
    if not rows:
        return []
    fields = list(rows[0])
    meta = model._meta
    # Fields not given take their default, as given (unconverted), like a model object's.
    defaults = {
        name: field.default() if callable(field.default) else field.default
        for name, field in ((n, meta.fields_map[n]) for n in meta.fields_db_projection)
        if name not in fields and not field.generated and field.default is not None
    }
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    columns = ", ".join(f'"{_column(model, f)}"' for f in [*fields, *defaults])
    tail = f" RETURNING {', '.join(chr(34) + c + chr(34) for c in returning)}" if returning else ""
    if skip_conflicts_on:
        unique = ", ".join(f'"{_column(model, f)}"' for f in skip_conflicts_on)
        tail = f" ON CONFLICT ({unique}) DO NOTHING" + tail
    group = "(" + ", ".join("?" * (len(fields) + len(defaults))) + ")"
    default_values = [meta.fields_map[f].to_db_value(v, model) for f, v in defaults.items()]
    converters = [(f, _converter(model, f)) for f in fields]
    per_statement = max(1, MAX_PARAMETERS // (len(fields) + len(defaults)))
    found: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        sql = (
            f'INSERT INTO "{meta.db_table}" ({columns}) VALUES '
            + ", ".join([group] * len(part))
            + tail
        )
        values = [
            value
            for row in part
            for value in (*(convert(row[f]) for f, convert in converters), *default_values)
        ]
        if returning:  # asyncpg's execute_query answers an INSERT with no rows
            found += await connection.execute_query_dict(_dialect_sql(sql, dialect), values)
        else:
            await connection.execute_query(_dialect_sql(sql, dialect), values)
    return found


async def insert_links(
    table: str, columns: tuple[str, str], pairs: Sequence[tuple[int, int]]
) -> None:
    """Rows of a many-to-many table (two id columns)."""
    if not pairs:
        return
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    per_statement = MAX_PARAMETERS // 2
    for start in range(0, len(pairs), per_statement):
        part = pairs[start : start + per_statement]
        sql = f'INSERT INTO "{table}" ("{columns[0]}", "{columns[1]}") VALUES ' + ", ".join(
            ["(?, ?)"] * len(part)
        )
        await connection.execute_query(
            _dialect_sql(sql, dialect), [v for pair in part for v in pair]
        )


async def update_rows(
    model: type[Model], rows: Sequence[Mapping[str, Any]], fields: Sequence[str]
) -> None:
    """Set `fields` of each row found by its `id` (one prepared statement, run for
    every row)."""
    if not rows:
        return
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    assignments = ", ".join(f'"{_column(model, f)}" = ?' for f in fields)
    sql = f'UPDATE "{model._meta.db_table}" SET {assignments} WHERE "id" = ?'
    converters = [(f, _converter(model, f)) for f in fields]
    values = [[*(convert(row[f]) for f, convert in converters), row["id"]] for row in rows]
    await connection.execute_many(_dialect_sql(sql, dialect), values)

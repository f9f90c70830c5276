"""Many rows of one table in a few statements, for the billing run's writes.

The ORM writes one row per statement (and reads before each many-to-many link);
the billing run writes tens of thousands. These helpers write rows given as
`{field: value}` in multi-row statements, on the connection of the transaction they
run in, with each value converted by the model's own field as a model object would, so the
stored text is the ORM's to the character on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Any

from tortoise import Model, connections
from tortoise.fields import (
    BigIntField,
    BooleanField,
    CharField,
    DateField,
    DecimalField,
    Field,
    IntField,
    SmallIntField,
)
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.validators import MaxLengthValidator

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


def converter(model: type[Model], field: str) -> Callable[[Any], Any]:
    """How one value is stored as a model object would store it (see `column_converter`)."""
    column = column_converter(model, field)
    return lambda value: column([value])[0]


def column_converter(model: type[Model], field: str) -> Callable[[list[Any]], list[Any]]:
    """How a column of values is stored as model objects would store them: each made the
    field's Python value first (a decimal quantized to its places), then the database's.

    The billing run and a statement import convert hundreds of thousands of values, so
    the common cases take a shortcut that gives the same result as the field's own
    conversion (tests/unit/test_bulk_conversion.py compares them), a column at a time:
    an int, date or bool already of the field's type is stored as it is, a Decimal is
    only quantized, a string only checked against the length limit, and an enum member
    or its value becomes the value. Anything else, and every value of a field with other
    checks, goes the field's own way.
    """
    general = field_conversion(model, field)
    return _shortcut(model._meta.fields_map[field], general) or _each_object_once(general)


def field_conversion(model: type[Model], field: str) -> Callable[[Any], Any]:
    """The field's own conversion, as saving a model object does it."""
    field_object = model._meta.fields_map[field]
    to_python, to_db = field_object.to_python_value, field_object.to_db_value
    return lambda value: to_db(to_python(value), model)


Column = Callable[[list[Any]], list[Any]]


def _each_object_once(general: Callable[[Any], Any]) -> Column:
    """A column converted value by value, each object once: the same object (a chunk's
    one `created_at`, say) is converted the first time it comes and its stored value
    reused. Told apart by identity, never by equality (two equal datetimes in different
    zones are stored differently); the column holds every object while it runs."""

    def convert(values: list[Any]) -> list[Any]:
        done: dict[int, Any] = {}
        stored = []
        for value in values:
            key = id(value)
            if key not in done:
                done[key] = general(value)
            stored.append(done[key])
        return stored

    return convert


def _shortcut(field: Field, general: Callable[[Any], Any]) -> Column | None:
    kind = type(field)
    only_length = all(isinstance(v, MaxLengthValidator) for v in field.validators)
    if field.validators and not only_length:
        return None
    if isinstance(field, CharEnumFieldInstance):
        stored = {m: str(m.value) for m in field.enum_type}
        stored |= {str(m.value): str(m.value) for m in field.enum_type}
        return lambda values: [stored[v] if v in stored else general(v) for v in values]
    if kind is CharField:
        limit = field.max_length
        return lambda values: [
            v if type(v) is str and len(v) <= limit else general(v) for v in values
        ]
    if field.validators:
        return None
    if kind is DecimalField:
        quant = field.quant
        return lambda values: [
            v.quantize(quant) if type(v) is Decimal else general(v) for v in values
        ]
    exact = {IntField: int, SmallIntField: int, BigIntField: int, DateField: date}.get(kind)
    if kind is BooleanField:
        exact = bool
    if exact is None:
        return None
    return lambda values: [v if type(v) is exact else general(v) for v in values]


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
    columns = {f: [row[f] for row in rows] for f in rows[0]}
    return await insert_columns(
        model, columns, len(rows), returning, skip_conflicts_on=skip_conflicts_on
    )


async def insert_columns(
    model: type[Model],
    columns: Mapping[str, Sequence[Any]],
    count: int,
    returning: Sequence[str] = (),
    *,
    same: Mapping[str, Any] | None = None,
    skip_conflicts_on: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """`insert_rows` for `count` rows given a column at a time ({field: the rows' values,
    in row order}), with the fields in `same` holding one value in every row (converted
    once). Many rows need no dict each this way."""
    if not count:
        return []
    same = same or {}
    fields = [*columns, *same]
    meta = model._meta
    # Fields not given take their default, as given (unconverted), like a model object's.
    defaults = {
        name: field.default() if callable(field.default) else field.default
        for name, field in ((n, meta.fields_map[n]) for n in meta.fields_db_projection)
        if name not in fields and not field.generated and field.default is not None
    }
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    names = ", ".join(f'"{_column(model, f)}"' for f in [*fields, *defaults])
    tail = f" RETURNING {', '.join(chr(34) + c + chr(34) for c in returning)}" if returning else ""
    if skip_conflicts_on:
        unique = ", ".join(f'"{_column(model, f)}"' for f in skip_conflicts_on)
        tail = f" ON CONFLICT ({unique}) DO NOTHING" + tail
    width = len(fields) + len(defaults)
    group = "(" + ", ".join("?" * width) + ")"
    stored = [column_converter(model, f)(list(values)) for f, values in columns.items()]
    once = [converter(model, f)(v) for f, v in same.items()]
    once += [meta.fields_map[f].to_db_value(v, model) for f, v in defaults.items()]
    if dialect != "postgres":
        # A value in every row (a chunk's created_at), and a day most rows share, is
        # bound as the driver's adapter makes it once, not once a row.
        once = [_bound(v) for v in once]
        stored = [
            _each_object_once(_bound)(column) if type(meta.fields_map[f]) is DateField else column
            for f, column in zip(columns, stored, strict=True)
        ]
    if dialect == "postgres" and stored:
        types = [_pg_type(model, f) for f in [*fields, *defaults]]
        return await _insert_unnest(
            connection, meta.db_table, names, types, stored, once, count, tail, bool(returning)
        )
    # Every row's values in order, the shared ones repeated: flattened in C.
    flat = list(chain.from_iterable(zip(*stored, *([v] * count for v in once), strict=True)))
    per_statement = max(1, MAX_PARAMETERS // width)
    found: list[dict[str, Any]] = []
    for start in range(0, count, per_statement):
        part = min(per_statement, count - start)
        sql = f'INSERT INTO "{meta.db_table}" ({names}) VALUES ' + ", ".join([group] * part) + tail
        values = flat[start * width : (start + part) * width]
        if returning and dialect == "postgres":  # its execute_query answers an INSERT
            found += await connection.execute_query_dict(_dialect_sql(sql, dialect), values)
        elif returning:  # sqlite3 rows read by position: cheaper than by name
            _, rows = await connection.execute_query(sql, values)
            found += [dict(zip(returning, row, strict=True)) for row in rows]
        else:
            await connection.execute_query(_dialect_sql(sql, dialect), values)
    return found


# Rows per statement on PostgreSQL, where a column is one array parameter.
UNNEST_ROWS = 10_000


def _pg_type(model: type[Model], field: str) -> str:
    """The column's PostgreSQL type, as the schema declares it (`DECIMAL(14,2)`, say)."""
    return str(model._meta.fields_map[field].get_for_dialect("postgres", "SQL_TYPE"))


async def _insert_unnest(
    connection: Any,
    table: str,
    names: str,
    types: list[str],
    columns: list[list[Any]],
    once: list[Any],
    count: int,
    tail: str,
    returning: bool,
) -> list[dict[str, Any]]:
    """PostgreSQL's insert of many rows: each column one array parameter, taken apart by
    `unnest`, and each shared value one parameter. A statement of thousands of `$n`
    placeholders costs the server more to parse and plan than to store the rows (half
    a statement import's time went there); this one is the same text for any number of
    rows, so it is prepared once."""
    arrays = ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(types[: len(columns)], 1))
    shared = [f"${len(columns) + i}::{kind}" for i, kind in enumerate(types[len(columns) :], 1)]
    select = ", ".join(["u.*", *shared])
    sql = f'INSERT INTO "{table}" ({names}) SELECT {select} FROM unnest({arrays}) AS u' + tail
    found: list[dict[str, Any]] = []
    for start in range(0, count, UNNEST_ROWS):
        values = [column[start : start + UNNEST_ROWS] for column in columns] + once
        if returning:
            found += await connection.execute_query_dict(sql, values)
        else:
            await connection.execute_query(sql, values)
    return found


_PLAIN = (str, int, float, bytes, type(None))


def _bound(value: Any) -> Any:
    """What sqlite3 binds for `value`: its registered adapter's result (the ORM's, for
    dates, times and decimals), or the value itself."""
    if type(value) in _PLAIN:
        return value
    adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    return value if adapt is None else adapt(value)


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
    """Set `fields` of each row found by its `id`: one prepared statement run for
    every row on SQLite, one statement for them all on PostgreSQL."""
    if not rows:
        return
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    columns = [column_converter(model, f)([row[f] for row in rows]) for f in fields]
    if dialect == "postgres":
        await _update_unnest(connection, model, rows, fields, columns)
        return
    assignments = ", ".join(f'"{_column(model, f)}" = ?' for f in fields)
    sql = f'UPDATE "{model._meta.db_table}" SET {assignments} WHERE "id" = ?'
    values = [list(row) for row in zip(*columns, [row["id"] for row in rows], strict=True)]
    await connection.execute_many(_dialect_sql(sql, dialect), values)


def last_row_of_each_id(rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """The positions of the rows an update by id applies, in id order: of rows with
    the same id only the last, as running them one by one would leave it."""
    last = {row["id"]: index for index, row in enumerate(rows)}
    return [last[key] for key in sorted(last)]


async def _update_unnest(
    connection: Any,
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    columns: list[list[Any]],
) -> None:
    """PostgreSQL's update of many rows by id: one statement, each column an array,
    in id order. Run one by one, a later row of the same id would win; so it does
    here, the others being left out (an UPDATE ... FROM changes a row once). Both
    callers have locked the rows already (in id order), so the order in which this
    statement takes them cannot deadlock with another writer."""
    keep = last_row_of_each_id(rows)
    names = [_column(model, f) for f in fields]
    assignments = ", ".join(f'"{name}" = u."{name}"' for name in names)
    arrays = ", ".join(f"${i}::{_pg_type(model, f)}[]" for i, f in enumerate(["id", *fields], 1))
    aliases = ", ".join(f'"{name}"' for name in ["id", *names])
    table = model._meta.db_table
    sql = (
        f'UPDATE "{table}" SET {assignments} FROM unnest({arrays}) AS u({aliases})'
        f' WHERE "{table}"."id" = u."id"'
    )
    ids = [rows[i]["id"] for i in keep]
    for start in range(0, len(keep), UNNEST_ROWS):
        part = keep[start : start + UNNEST_ROWS]
        values = [ids[start : start + UNNEST_ROWS]] + [[c[i] for i in part] for c in columns]
        await connection.execute_query(sql, values)


def reader(model: type[Model], field: str) -> Callable[[Any], Any]:
    """How a stored value comes back as the field's Python value. Decimals, dates and
    enum values, read back by the many, skip the field's general conversion: text
    (SQLite) is parsed, a value of the type already (PostgreSQL) kept as it is."""
    field_object = model._meta.fields_map[field]
    general = field_object.to_python_value
    if isinstance(field_object, CharEnumFieldInstance):
        members = {str(m.value): m for m in field_object.enum_type}
        return lambda value: members[value] if value in members else general(value)
    if type(field_object) is DecimalField:
        quant = field_object.quant
        return lambda value: value.quantize(quant) if type(value) is Decimal else general(value)
    if type(field_object) in (IntField, SmallIntField, BigIntField):
        return lambda value: value if type(value) is int else general(value)
    if type(field_object) is DateField:
        return lambda value: (
            date.fromisoformat(value)
            if type(value) is str
            else (value if type(value) is date else general(value))
        )
    return general


async def select_rows(
    model: type[Model],
    fields: Sequence[str],
    where: str,
    values: Sequence[Any],
    *,
    extra: str = "",
    extra_values: Sequence[Any] = (),
    lock: bool = False,
) -> list[dict[str, Any]]:
    """Rows of `model` whose `where` field is one of `values`, as {field: Python value},
    in id order; `extra` is more of the WHERE clause (with `?` for `extra_values`).
    `lock` takes each row's lock (FOR UPDATE on PostgreSQL; SQLite's one writer needs
    none). Many values are asked for in several statements, each in id order, so
    locks are taken in id order within each."""
    if not values:
        return []
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    columns = ", ".join(f'"{_column(model, f)}"' for f in fields)
    readers = [(f, position, reader(model, f)) for position, f in enumerate(fields)]
    column = _column(model, where)
    per_statement = MAX_PARAMETERS - len(extra_values)
    found: list[dict[str, Any]] = []
    for start in range(0, len(values), per_statement):
        part = list(values[start : start + per_statement])
        sql = (
            f'SELECT {columns} FROM "{model._meta.db_table}" WHERE "{column}" IN ('
            + ", ".join("?" * len(part))
            + ")"
            + (f" AND {extra}" if extra else "")
            + ' ORDER BY "id"'
            + (" FOR UPDATE" if lock and dialect == "postgres" else "")
        )
        # Rows read by position (sqlite3.Row and asyncpg.Record both allow it): the
        # by-name dicts of execute_query_dict cost more than the rest of the reading.
        _, rows = await connection.execute_query(_dialect_sql(sql, dialect), [*part, *extra_values])
        found += [{f: read(row[position]) for f, position, read in readers} for row in rows]
    return found

"""The executor's short way for plain values answers exactly as graphql-core's general
way does: the same data, and the same errors at the same paths."""

from __future__ import annotations

import asyncio
import enum
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema import schema as ebok_schema
from schema.execution import PlainValueExecutor


@strawberry.enum
class Colour(enum.Enum):
    BLUE = "BLUE"
    GREEN = "GREEN"


@strawberry.type
class Thing:
    number: int
    name: str
    colour: Colour
    amount: Decimal
    day: date
    note: str | None
    required: str  # given None below: an error graphql-core reports at its path
    shade: Colour  # given a value that is no member: refused by the enum

    @strawberry.field
    def computed(self) -> str:
        return f"{self.name}!"


def _thing(**changes: Any) -> Thing:
    values: dict[str, Any] = {
        "number": 7,
        "name": "Łódź <&>",
        "colour": Colour.GREEN,
        "amount": Decimal("12.50"),
        "day": date(2026, 12, 3),
        "note": None,
        "required": "yes",
        "shade": Colour.BLUE,
    }
    return Thing(**(values | changes))


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [_thing(), _thing(number=8, note="n"), _thing(required=None), _thing(shade="RED")]


QUERY = """{ things { number name colour amount day note required shade computed
  again: number __typename } }"""


def _run(executor: type) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result = asyncio.run(schema.execute(QUERY))
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


def test_plain_values_and_their_errors_come_out_as_the_general_way_gives_them() -> None:
    fast, general = _run(PlainValueExecutor), _run(StrawberryGraphQLCoreExecutionContext)
    assert fast == general
    data, errors = fast
    assert data["things"][0]["name"] == "Łódź <&>" and data["things"][0]["colour"] == "GREEN"
    assert data["things"][1]["note"] == "n" and data["things"][0]["again"] == 7
    assert data["things"][2] is None and data["things"][3] is None  # a non-null broke
    assert [path for _, path in errors] == [["things", 2, "required"], ["things", 3, "shade"]]


def test_the_api_runs_on_it() -> None:
    assert ebok_schema.execution_context_class is PlainValueExecutor

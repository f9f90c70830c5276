"""Helpers for calling the schema and counting SQL in tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from models.clock import Clock
from models.enums import Scope
from models.orm import User
from models.settings import Settings
from resolvers.context import Context
from schema import schema


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def codes(self) -> list[str]:
        return [str((e.get("extensions") or {}).get("code")) for e in self.errors]


class Api:
    """Runs GraphQL documents as a given user (or anonymously) with variables."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    async def viewer(self, login: str | None) -> User | None:
        return None if login is None else await User.get(login=login)

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = None,
        scopes: frozenset[Scope] = frozenset(Scope),
        operation_name: str | None = None,
    ) -> Result:
        context = Context(
            settings=self.settings,
            clock=self.clock,
            viewer=await self.viewer(as_user),
            scopes=scopes if as_user else frozenset(),
        )
        result = await schema.execute(
            query, variable_values=variables, context_value=context, operation_name=operation_name
        )
        return Result(result.data, [e.formatted for e in result.errors or []])

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict:
        result = await self.run(query, variables, **kw)
        assert not result.errors, result.errors
        assert result.data is not None
        return result.data


class StatementCounter(logging.Handler):
    """Counts SQL statements as Tortoise's database client logs them."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())

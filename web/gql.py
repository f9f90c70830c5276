"""Pages get their data the way partner apps do: by running named GraphQL operations.

The operations live in web/operations/*.graphql; each runs in-process through the
same schema, context builder, permissions, loaders and limits as POST /graphql.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse
from starlette.requests import Request
from strawberry.types import ExecutionResult

from models.clock import Clock
from models.settings import Settings
from resolvers.context import Context
from schema import schema

OPERATIONS_DIR = Path(__file__).parent / "operations"


def build_context(request: Request, response: Any = None) -> Context:
    """The GraphQL context for an HTTP request, whoever the middleware found behind it."""
    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock
    state = request.state
    return Context(
        settings=settings,
        clock=clock,
        viewer=getattr(state, "viewer", None),
        scopes=getattr(state, "scopes", frozenset()),
        request=request,
        response=response,
        request_id=getattr(state, "request_id", None) or Context.new_request_id(),
        client_address=request.client.host if request.client else None,
        language=preferred_language(request),
        allowances=getattr(request.app.state, "allowances", None),
    )


def preferred_language(request: Request) -> str:
    if request.query_params.get("lang") == "en" or request.url.path.startswith("/en/"):
        return "en"
    accepted = request.headers.get("accept-language", "")
    first = accepted.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "pl"


@cache
def operation_documents() -> dict[str, str]:
    """Operation name -> the text of the file that defines it (fragments included)."""
    documents: dict[str, str] = {}
    for path in sorted(OPERATIONS_DIR.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for definition in parse(text).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                name = definition.name.value
                if name in documents:
                    raise ValueError(f"operation {name} is defined twice ({path.name})")
                documents[name] = text
    return documents


class OperationFailed(Exception):
    """A page's own operation failed: a bug or a refusal the page must handle."""

    def __init__(self, name: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{name}: {errors}")
        self.name = name
        self.errors = errors

    @property
    def codes(self) -> set[str]:
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}


async def run_operation(
    request: Request, name: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The data of one named operation; raises OperationFailed when it reports errors."""
    result: ExecutionResult = await schema.execute(
        operation_documents()[name],
        variable_values=variables or {},
        context_value=build_context(request),
        operation_name=name,
    )
    if result.errors:
        errors = [e.formatted for e in result.errors]
        raise OperationFailed(name, errors)
    return result.data or {}

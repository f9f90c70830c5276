"""How the API fails: every error leaves with `extensions.code`, none with a traceback."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from models.errors import BadRequest, DomainError

log = logging.getLogger("ebok.graphql")

MASKED_MESSAGE = "Unexpected error."

# The limiter extensions report through the validator: these are their messages.
_TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth|aliases found\. Allowed|more than \d+ tokens"
)
# graphql-core's hints at names that do exist ("Did you mean 'balance'?"): in
# production they would map the schema for someone not allowed to introspect it.
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.DOTALL)


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, DomainError):
        return str(original.code)
    if original is None:
        return "QUERY_TOO_COMPLEX" if _TOO_COMPLEX.search(error.message) else "BAD_REQUEST"
    return "INTERNAL"


class ErrorPolicy(SchemaExtension):
    """Codes every error; logs and masks the unexpected ones with the request id.

    An unexpected exception is a bug: the caller gets "Unexpected error." and an id
    to quote, the log gets the traceback under the same id. A domain error keeps its
    code and speaks the caller's language.

    The response gets coded *copies*: validation errors come from a cache shared by
    every request, and changing them in place would hand one caller's wording (or
    one environment's) to the next.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # Syntax errors are thrown through this hook before Strawberry reports
            # them; they are made anew for each request, so they are coded in place.
            coded = self._coded(error)
            error.message, error.extensions = coded.message, coded.extensions
            error.original_error = None
            raise
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        if error.extensions and "code" in error.extensions:
            return error
        code = error_code(error)
        original = error.original_error
        message = error.message
        extensions: dict[str, object] = {**(error.extensions or {}), "code": code}
        if isinstance(original, DomainError):
            message = original.message(self._language())
        if code == "INTERNAL":
            request_id = getattr(self.execution_context.context, "request_id", None)
            log.error(
                "unexpected error in %s (request %s)",
                ".".join(str(p) for p in error.path or []) or "operation",
                request_id,
                exc_info=original,
            )
            message, extensions = MASKED_MESSAGE, {"code": "INTERNAL", "requestId": request_id}
        elif self._hide_suggestions():
            message = _SUGGESTION.sub("", message)
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)

    def _language(self) -> str:
        return getattr(self.execution_context.context, "language", "pl")

    def _hide_suggestions(self) -> bool:
        settings = getattr(self.execution_context.context, "settings", None)
        return settings is None or settings.is_production


def _root_field_names(document: DocumentNode, operation: OperationDefinitionNode) -> set[str]:
    """The names of the fields an operation selects at its root, through fragments."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names: set[str] = set()
    pending = list(operation.selection_set.selections)
    seen: set[str] = set()
    while pending:
        selection = pending.pop()
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            pending += selection.selection_set.selections
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                pending += fragments[name].selection_set.selections
    return names


INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class RequestRules(SchemaExtension):
    """Rules about the request as a whole, checked after validation, before running.

    - A document with several operations must name the one to run: guessing one
      would run something the caller may not have meant.
    - In production, only signed-in callers may introspect the schema; anonymous
      callers get the contract (shared/contract/schema.graphql), not a live map.

    They depend on the caller, so they cannot be validation rules (whose results
    are cached per document for everyone); they run before execution instead.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            problem = self._problem(document)
            if problem is not None:
                # A result set before execution replaces it (the refusal is coded
                # like any other error by ErrorPolicy).
                error = GraphQLError(problem, original_error=BadRequest(problem))
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    def _problem(self, document: DocumentNode) -> str | None:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        # Strawberry's `operation_name` falls back to the first operation's name; the
        # rule is about what the caller sent.
        named = getattr(self.execution_context, "_provided_operation_name", None)
        if len(operations) > 1 and not named:
            return "The document has several operations: name one in `operationName`."
        if self._introspection_refused(document, operations):
            return "Sign in to introspect the schema; its contract is published."
        return None

    def _introspection_refused(
        self, document: DocumentNode, operations: list[OperationDefinitionNode]
    ) -> bool:
        ctx = self.execution_context.context
        settings = getattr(ctx, "settings", None)
        if settings is None or not settings.is_production or getattr(ctx, "viewer", None):
            return False
        return any(INTROSPECTION_FIELDS & _root_field_names(document, op) for op in operations)


class ValidatedOnce(SchemaExtension):
    """Validates each distinct operation text once, with `rules` added to the schema's.

    The answer (the list of errors, empty for a valid document) is kept for the
    `size` texts used last. Keyed by the text, whose hash Python keeps with the
    string, rather than by the parsed document, whose hash walks every node of it
    on every request (a tenth of a millisecond for the dashboard's). ErrorPolicy
    hands callers copies, so the kept errors are never changed.
    """

    def __init__(self, rules: Sequence[type[ASTValidationRule]], size: int) -> None:
        super().__init__()
        self.rules = tuple(rules)
        self.size = size

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        rules = (*context.validation_rules, *self.rules)
        schema = context.schema._schema
        document = context.graphql_document
        assert document is not None
        if context.query is None:  # a parsed document given: nothing to key it by
            context.pre_execution_errors = validate_document(schema, document, rules)
        else:
            key = (id(schema), context.query, rules)
            errors = _VALIDATED.get(key)
            if errors is None:
                errors = validate_document(schema, document, rules)
                _VALIDATED[key] = errors
                if len(_VALIDATED) > self.size:
                    _VALIDATED.popitem(last=False)
            else:
                _VALIDATED.move_to_end(key)
            context.pre_execution_errors = errors
        yield


_Key = tuple[int, str, tuple[type[ASTValidationRule], ...]]
_VALIDATED: OrderedDict[_Key, list[GraphQLError]] = OrderedDict()

"""How the API fails: every error leaves with `extensions.code`, none with a traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from models.errors import DomainError
from resolvers.errors import ApiError

log = logging.getLogger("ebok.graphql")

MASKED_MESSAGE = "Unexpected error."

# The limiter extensions report through the validator: these are their messages.
_TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth|aliases found\. Allowed|more than \d+ tokens"
)


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, ApiError | DomainError):
        return str(original.code)
    if original is None:
        return "QUERY_TOO_COMPLEX" if _TOO_COMPLEX.search(error.message) else "BAD_REQUEST"
    return "INTERNAL"


class ErrorPolicy(SchemaExtension):
    """Codes every error; logs and masks the unexpected ones with the request id.

    An unexpected exception is a bug: the caller gets "Unexpected error." and an id
    to quote, the log gets the traceback under the same id. Errors are changed in
    place because parse and validation errors reach the response by another path
    than execution errors, but always as these same objects.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # Syntax errors are thrown through this hook before Strawberry reports them.
            self._code(error)
            raise
        context = self.execution_context
        errors = list(context.pre_execution_errors or [])
        if context.result is not None and context.result.errors:
            errors += context.result.errors
        for error in errors:
            self._code(error)

    def _code(self, error: GraphQLError) -> None:
        if error.extensions and "code" in error.extensions:
            return  # already coded (the same error object may be listed twice)
        code = error_code(error)
        if isinstance(error.original_error, DomainError):
            language = getattr(self.execution_context.context, "language", "pl")
            error.message = error.original_error.message(language)
        if code != "INTERNAL":
            error.extensions = {**(error.extensions or {}), "code": code}
            error.original_error = None
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        log.error(
            "unexpected error in %s (request %s)",
            ".".join(str(p) for p in error.path or []) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        error.message = MASKED_MESSAGE
        error.original_error = None
        error.extensions = {"code": "INTERNAL", "requestId": request_id}

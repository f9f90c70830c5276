"""The error vocabulary of the API, and the one place domain errors become API errors.

A `DomainError` (models/errors.py) raised while a mutation runs becomes a
`UserError` in its payload (`ReturnsUserErrors`); anywhere else, or when it refuses
a whole request (`top_level`), ErrorPolicy (schema/extensions.py) reports it as a
top-level error with its `code`. The message is in the caller's language.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryObjectDefinition

from models import enums
from models.errors import DomainError

ErrorCode = strawberry.enum(enums.ErrorCode)


@strawberry.type
class UserError:
    field: str | None = strawberry.field(
        description="camelCase name of the input field at fault, "
        "or null when the error is not about one field"
    )
    code: ErrorCode
    message: str = strawberry.field(
        description="human-readable, in the caller's language (Accept-Language: pl default, en)"
    )

    @classmethod
    def from_domain(cls, error: DomainError, language: str) -> UserError:
        return cls(
            field=error.field, code=enums.ErrorCode(error.code), message=error.message(language)
        )


def is_user_error(error: BaseException) -> bool:
    """A refusal that belongs in a mutation's payload rather than at the top level."""
    return isinstance(error, DomainError) and not error.top_level


class ReturnsUserErrors(FieldExtension):
    """On a mutation: a domain error raised by its resolver becomes the payload's `errors`.

    Every payload type has `errors: [UserError!]!` and defaults for its other fields,
    so the payload can be built from the errors alone.
    """

    def apply(self, field: Any) -> None:
        self._field = field

    def _payload(self, error: DomainError, language: str) -> Any:
        payload_type = self._field.type
        definition: StrawberryObjectDefinition = payload_type.__strawberry_definition__
        assert any(f.python_name == "errors" for f in definition.fields), payload_type
        return payload_type(errors=[UserError.from_domain(error, language)])

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except DomainError as error:
            if error.top_level:
                raise
            return self._payload(error, info.context.language)


def mutation(*, permission_classes: list[Any], description: str | None = None) -> Any:
    """`strawberry.mutation` with its permissions declared and domain errors in the payload."""
    return strawberry.mutation(
        description=description,
        permission_classes=permission_classes,
        extensions=[ReturnsUserErrors()],
    )

"""The error vocabulary of the API: the ErrorCode enum and the UserError type."""

from __future__ import annotations

import strawberry

from models import enums
from resolvers.errors import Problem

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
    def from_problem(cls, problem: Problem) -> UserError:
        return cls(field=problem.field, code=problem.code, message=problem.message)

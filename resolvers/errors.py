"""Refusals raised by resolvers; the schema turns them into coded GraphQL errors.

`ApiError`s refuse a request as a whole (top-level errors with `extensions.code`);
a `Problem` is one thing wrong with a mutation's input (a UserError in its payload).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import ErrorCode


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: ErrorCode
    message: str


class ApiError(Exception):
    """A request the API refuses as a whole; `code` goes to `extensions.code`."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class BadRequest(ApiError):
    code = "BAD_REQUEST"


class PasswordChangeRequired(ApiError):
    code = "PASSWORD_CHANGE_REQUIRED"


class TermsNotAccepted(ApiError):
    code = "TERMS_NOT_ACCEPTED"

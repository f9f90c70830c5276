"""Who may use a field, declared on the field itself.

Every field of `Query` and `Mutation` lists its permission classes
(`permission_classes=[...]`); a test walks the schema and fails on a root field
without one. `Public` says "anyone" out loud, so that a missing declaration is
always a mistake, never a silent default. Objects below the root are reached only
through these fields (and `node`, whose fetchers check each type), so a customer
can never reach another customer's account, invoice or meter.

A refusal raises the matching domain error, so its code (`UNAUTHENTICATED`,
`FORBIDDEN`, `PASSWORD_CHANGE_REQUIRED`, `TERMS_NOT_ACCEPTED`) reaches the caller
in `extensions.code` and is written to the security log.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission

from models.enums import Role, Scope
from models.errors import (
    DomainError,
    PasswordChangeRequired,
    ScopeMissing,
    StaffOnly,
    TermsNotAccepted,
    TwoStepRequired,
    Unauthenticated,
)
from models.security_log import security_event
from resolvers.context import Context


def _refuse(info: strawberry.Info[Context], error: DomainError) -> None:
    ctx = info.context
    security_event(
        "authorization_refused",
        code=str(error.code),
        field=f"{info._raw_info.parent_type.name}.{info.field_name}",
        user=ctx.viewer.login if ctx.viewer else None,
        ip=ctx.client_address,
        request=ctx.request_id,
    )
    raise error


def _signed_in(info: strawberry.Info[Context]) -> None:
    if info.context.viewer is None:
        _refuse(info, Unauthenticated())


def _ready(info: strawberry.Info[Context]) -> None:
    """Signed in, with the first password changed and the current regulations accepted
    (customers; staff accept no customer regulations)."""
    _signed_in(info)
    ctx = info.context
    viewer = ctx.viewer
    assert viewer is not None
    if viewer.must_change_password:
        _refuse(info, PasswordChangeRequired())
    if viewer.role == Role.STAFF and not viewer.totp_secret:
        _refuse(info, TwoStepRequired())
    version = ctx.settings.utility.terms_version
    if viewer.role == Role.CUSTOMER and viewer.accepted_terms_version != version:
        _refuse(info, TermsNotAccepted(version=version))


def _scope(info: strawberry.Info[Context], scope: Scope) -> None:
    if scope not in info.context.scopes:
        _refuse(info, ScopeMissing(scope=scope.value))


class Public(BasePermission):
    """Anyone, signed in or not: public facts (the tariff, the reading window)."""

    message = "public"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return True


class IsSignedIn(BasePermission):
    """Any signed-in user, even one who must still change the first password or accept
    the regulations: what they need to do exactly that (`me`, `changePassword`)."""

    message = "Sign in first."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        _signed_in(info)
        return True


class CanRead(BasePermission):
    """A signed-in user allowed to see account data now, with a token that may read."""

    message = "Not allowed to read account data."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        _ready(info)
        _scope(info, Scope.READ)
        return True


class CanWrite(BasePermission):
    """As CanRead, for changes: the token needs the WRITE scope (sessions have it)."""

    message = "Not allowed to change anything."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        _ready(info)
        _scope(info, Scope.WRITE)
        return True


class CanWriteOwnCredentials(BasePermission):
    """Signed in with the WRITE scope, before the first steps are done: changing the
    first password and accepting the regulations are those very steps."""

    message = "Not allowed to change anything."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        _signed_in(info)
        _scope(info, Scope.WRITE)
        return True


class IsStaff(BasePermission):
    """The utility's staff (who sign in with two-step sign-in)."""

    message = "Staff only."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        _ready(info)
        viewer = info.context.viewer
        assert viewer is not None
        if viewer.role != Role.STAFF:
            _refuse(info, StaffOnly())
        _scope(info, Scope.READ)
        return True


class IsStaffWriting(IsStaff):
    """Staff, making a change: the WRITE scope as well."""

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        super().has_permission(source, info, **kwargs)
        _scope(info, Scope.WRITE)
        return True

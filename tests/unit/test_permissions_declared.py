"""Every root field says who may use it, where it is declared."""

from __future__ import annotations

from strawberry.types.base import StrawberryObjectDefinition

from schema import schema
from schema.errors import ReturnsUserErrors
from schema.permissions import Public
from schema.roots import Mutation, Query


def _fields(root: type) -> list:
    definition: StrawberryObjectDefinition = root.__strawberry_definition__  # type: ignore[attr-defined]
    return list(definition.fields)


def test_every_query_and_mutation_field_declares_its_permissions() -> None:
    undeclared = [
        f"{root.__name__}.{field.python_name}"
        for root in (Query, Mutation)
        for field in _fields(root)
        if not field.permission_classes
    ]
    assert undeclared == []


def test_the_public_fields_are_the_ones_the_contract_marks_public() -> None:
    public = {
        schema.config.name_converter.get_graphql_name(field)
        for root in (Query, Mutation)
        for field in _fields(root)
        if Public in field.permission_classes
    }
    # `node` is public because each type's fetcher decides; `me` is null when anonymous;
    # `rateLimit` tells anyone their own allowance; `confirmEmailChange`, like
    # `resetPassword`, takes the secret from an e-mailed link as its proof; `tariffs`,
    # like `tariff`, is the published price list.
    contract_public = {
        "tariff", "readingWindow", "termsVersion", "announcements", "register",
        "issueToken", "refreshToken", "requestPasswordReset", "resetPassword",
        "reportFailure", "node", "me", "rateLimit", "confirmEmailChange", "tariffs",
    }  # fmt: skip
    assert public <= contract_public, public - contract_public


def test_every_mutation_returns_domain_errors_in_its_payload() -> None:
    missing = [
        field.python_name
        for field in _fields(Mutation)
        if not any(isinstance(e, ReturnsUserErrors) for e in field.extensions)
    ]
    assert missing == []

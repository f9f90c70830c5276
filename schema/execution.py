"""Running an operation: graphql-core's executor, with a short way for plain values.

Most fields of a page's answer (nine in ten on the dashboard) are plain values of an
object its parent's resolver has made already: a number, a name, a date. graphql-core
gives each the whole treatment (a resolve-info object, the argument check, the general
completion) and strawberry its resolver wrapper. For a field strawberry itself treats
as basic (no resolver, no permission or other extension, read with `getattr`), asked
without arguments, whose type is a scalar or an enum, the value is read and coerced
here as the general path would. Anything else (a null, an error, an awaitable, a value
the scalar refuses) goes the general way, so every error, and its path, is
graphql-core's own.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    Undefined,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# id(GraphQLField) -> the field (kept, so that its id is never another field's) and
# (attribute, leaf type), or None for a field that is not plain.
_PLAIN: dict[int, tuple[GraphQLField, tuple[str, GraphQLLeafType] | None]] = {}


def _plain(field: GraphQLField) -> tuple[str, GraphQLLeafType] | None:
    known = _PLAIN.get(id(field))
    if known is not None and known[0] is field:
        return known[1]
    found = None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    leaf = get_nullable_type(field.type)
    if (
        isinstance(definition, StrawberryField)
        and definition.is_basic_field
        and getattr(field.resolve, "_is_default", False)
        and definition.default_resolver is getattr
        and not field.args
        and is_leaf_type(leaf)
    ):
        found = (definition.python_name, leaf)
    _PLAIN[id(field)] = (field, found)
    return found


_GENERAL = object()  # "go the general way"


def _plain_value(source: Any, attribute: str, leaf: GraphQLLeafType, is_awaitable: Any) -> Any:
    """The coerced value of a plain field, or _GENERAL for anything graphql-core's
    general way must handle (and report, for an error)."""
    try:
        value = getattr(source, attribute)
        if value is None or value is Undefined or isinstance(value, Exception):
            return _GENERAL
        if is_awaitable(value):
            return _GENERAL
        coerced = leaf.coerce_output_value(value)
    except Exception:  # the general way reads it again and reports the error
        return _GENERAL
    return _GENERAL if coerced is None or coerced is Undefined else coerced


class PlainValueExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        if manager is None or not manager.middlewares:  # no extension wraps resolvers
            node = field_details_list[0].node
            field = self.schema.get_field(parent_type, node.name.value)
            plain = None if field is None or node.arguments else _plain(field)
            if plain is not None:
                value = _plain_value(source, *plain, self.is_awaitable)
                if value is not _GENERAL:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

"""Limits every request meets before any resolver runs.

`RequestLimits` walks the selected operation once, the way the executor will run it
(fragments and inline fragments for each possible type, @skip and @include, with the
request's variables), and on the way
- checks every argument against schema/bounds.py (BAD_REQUEST),
- adds up its cost from schema/cost.py and refuses one over MAX_COST
  (QUERY_TOO_COMPLEX),
- counts the fields that check a credential: more than one per request would let
  aliases multiply password guesses (BAD_REQUEST);
then charges the cost to the caller's hourly allowance (RATE_LIMITED once spent).
A refusal takes the place of the result, so nothing executes.

Depth, aliases and tokens are limited earlier, by validation (schema/__init__.py).
"""

from __future__ import annotations

import sys
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    get_argument_values,
    get_directive_values,
    get_named_type,
    get_operation_ast,
    get_variable_values,
    is_abstract_type,
    is_composite_type,
    is_object_type,
    parse,
    type_from_ast,
)
from graphql.execution.values import VariableValues
from strawberry.extensions import SchemaExtension

from models.errors import BadRequest, DomainError, QueryTooComplex
from resolvers import allowances
from resolvers.context import Context
from schema.bounds import check_argument
from schema.cost import MAX_COST, field_cost, multiplier

# Fields that check a password or a secret token, including those the contract adds
# later, so the rule holds the day they are served.
CREDENTIAL_FIELDS = frozenset(
    {
        "issueToken",
        "refreshToken",
        "register",
        "changePassword",
        "changeLogin",
        "resetPassword",
        "requestEmailChange",
        "confirmEmailChange",
        "confirmTwoStepSetup",
        "disableTwoStep",
    }
)
MAX_CREDENTIAL_FIELDS = 1
# Fields one walk may visit: fragments spread inside fragments could otherwise make
# the walk itself the slow part. A page's operation visits about a hundred.
MAX_VISITS = 10_000

Fields = dict[str, list[FieldNode]]


@dataclass(frozen=True)
class Measure:
    cost: int
    credential_fields: int


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
    max_cost: int = MAX_COST,
) -> Measure:
    """The operation's cost; raises BadRequest or QueryTooComplex for a refusal."""
    walk = _Walk(schema, document, operation, variables, max_cost)
    cost = walk.run()
    if walk.credential_fields > MAX_CREDENTIAL_FIELDS:
        raise BadRequest(
            "A request may check credentials only once: send "
            + ", ".join(sorted(CREDENTIAL_FIELDS))
            + " one at a time."
        )
    return Measure(cost=cost, credential_fields=walk.credential_fields)


def cost_of(
    schema: GraphQLSchema,
    source: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost of a query text (for tests and benchmarks); no limit applies."""
    document = parse(source)
    operation = get_operation_ast(document, operation_name)
    assert operation is not None, f"no operation {operation_name!r}"
    values = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert not isinstance(values, list), values
    return measure(schema, document, operation, values, max_cost=sys.maxsize).cost


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
        max_cost: int,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variables = variables
        self.max_cost = max_cost
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root = schema.get_root_type(operation.operation)
        assert root is not None  # validation refuses an operation the schema lacks
        self.root = root
        self.visits = 0
        self.credential_fields = 0

    def run(self) -> int:
        return self._object_cost(self.root, [self.operation.selection_set])

    def _cost(self, type_: GraphQLCompositeType, selection_sets: list[SelectionSetNode]) -> int:
        """An abstract type costs what its costliest possible type would."""
        if is_object_type(type_):
            return self._object_cost(type_, selection_sets)
        assert is_abstract_type(type_)
        possible = self.schema.get_possible_types(type_)
        return max((self._object_cost(t, selection_sets) for t in possible), default=0)

    def _object_cost(self, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode]) -> int:
        total = 0
        for nodes in self._collect(type_, selection_sets).values():
            total += self._field_cost(type_, nodes)
            if total > self.max_cost:
                raise QueryTooComplex(
                    f"The query costs more than {self.max_cost} points; ask for fewer "
                    "or smaller pages (`first`) or fewer nested lists."
                )
        return total

    def _field_cost(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> int:
        """What one response key costs: its own calls and everything below them."""
        self.visits += 1
        if self.visits > MAX_VISITS:
            raise QueryTooComplex("The query has too many fields once fragments are spread.")
        node = nodes[0]
        name = node.name.value
        field = self._field(parent, name)
        args = get_argument_values(field, node, self.variables)
        for arg_name, value in args.items():
            check_argument(parent.name, name, arg_name, field.args[arg_name].type, value)
        if parent is self.root and name in CREDENTIAL_FIELDS:
            self.credential_fields += 1
        own = field_cost(parent.name, name, field)
        child = get_named_type(field.type)
        if not is_composite_type(child):
            return own
        selection_sets = [n.selection_set for n in nodes if n.selection_set]
        return own + multiplier(parent.name, name, field, args) * self._cost(
            child,  # type: ignore[arg-type]  # composite, checked above
            selection_sets,
        )

    def _field(self, parent: GraphQLObjectType, name: str) -> GraphQLField:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self.root and self.operation.operation == OperationType.QUERY:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        return parent.fields[name]

    def _collect(self, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode]) -> Fields:
        """The fields the executor would resolve on an object of `type_`, by response key."""
        fields: Fields = defaultdict(list)
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect_into(type_, selection_set, fields, visited)
        return fields

    def _collect_into(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: Fields,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields[key].append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, type_):
                    self._collect_into(type_, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition, type_):
                    self._collect_into(type_, fragment.selection_set, fields, visited)

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip["if"] is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include is not None and include["if"] is False)

    def _applies(self, condition: NamedTypeNode | None, type_: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        conditional = type_from_ast(self.schema, condition)
        if conditional is type_:
            return True
        return is_abstract_type(conditional) and self.schema.is_sub_type(conditional, type_)  # type: ignore[arg-type]


# Costs of operations already measured, by query text, operation and variables: a
# page's or partner app's operation is the same walk every time (the ParserCache hands
# back the same document for the same text). Only accepted operations are kept, so a
# refusal is decided afresh; bounded, so endless distinct queries cannot grow it.
MEASURED_SIZE = 1024
_measured_costs: OrderedDict[tuple[str, str | None, str], int] = OrderedDict()


def _measured(
    schema: GraphQLSchema,
    query: str | None,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
) -> int:
    """`measure(...).cost`, remembered for an operation text and variables measured before."""
    if query is None:
        return measure(schema, document, operation, variables).cost
    name = operation.name.value if operation.name else None
    key = (query, name, repr(sorted(variables.coerced.items())))
    cost = _measured_costs.get(key)
    if cost is not None:
        _measured_costs.move_to_end(key)
        return cost
    cost = measure(schema, document, operation, variables).cost
    _measured_costs[key] = cost
    if len(_measured_costs) > MEASURED_SIZE:
        _measured_costs.popitem(last=False)
    return cost


def _as_request_errors(errors: Iterable[GraphQLError]) -> list[GraphQLError]:
    """Errors in the request itself (its variables): BAD_REQUEST, not a server fault."""
    plain = list(errors)
    for error in plain:
        error.original_error = None
    return plain


class RequestLimits(SchemaExtension):
    """Refuses a request over its limits before execution; charges the rest."""

    async def on_execute(self) -> AsyncIterator[None]:
        refusal = await self._refusal()
        if refusal:
            self.execution_context.result = ExecutionResult(data=None, errors=refusal)
        yield

    async def _refusal(self) -> list[GraphQLError] | None:
        execution = self.execution_context
        document = execution.graphql_document
        assert document is not None  # parsed and valid, or execution would not start
        operation = get_operation_ast(document, execution.operation_name)
        if operation is None:
            return None  # no such operation: the executor says so
        schema = execution.schema._schema
        definitions: Collection = operation.variable_definitions or ()
        variables = get_variable_values(schema, definitions, execution.variables or {})
        if isinstance(variables, list):
            return _as_request_errors(variables)
        try:
            cost = _measured(schema, execution.query, document, operation, variables)
            if isinstance(execution.context, Context):
                await allowances.charge(execution.context, cost)
        except GraphQLError as error:
            return _as_request_errors([error])
        except DomainError as refused:
            return [GraphQLError(str(refused), original_error=refused)]
        except Exception as fault:
            # A fault here (the database, a bug) is logged and masked like any other.
            return [GraphQLError(str(fault), original_error=fault)]
        return None

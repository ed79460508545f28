"""Query cost: an estimate of the answer's size, refused over a limit.

Strawberry 0.341 ships depth, token and alias limiters but no cost analysis, so this is an
extension that knows the request's variables and estimates each operation of a document
that validation found valid (a text's validation is cached, its cost is worked out for
every request). A query whose estimate exceeds
``settings.query_max_cost`` is refused before anything runs, with ``QUERY_TOO_COMPLEX``
and ``details: {cost, limit}``.

The model — the cost is roughly the answer's size in KiB, so the limit bounds what one
request may make the server build:

* Each object a field resolves costs 1 (an object and its few scalars), except bulk rows
  (``ROW_WEIGHTS``: metric points and log lines, read in batches and returned as plain
  rows, ~100 bytes of JSON each) which cost 1/10. Small scalars and enums are free.
* Leaves that can be large cost their planning size (``LEAF_COSTS``, in KiB): a log
  line's ``message`` (up to 64 KiB) 4, an experiment's ``hyperparams`` and ``config``
  JSON documents (up to ``EXPSVC_MAX_JSON_DOCUMENT_BYTES``) 4 each. Introspection is
  free.
* A field resolves once per object of its parent; a list field resolves its length times.
* A list's length is its own ``first`` (or the length of its ``keys``) when it has one;
  else the nearest enclosing argument named in ``LIST_SIZE_FROM`` (``edges`` of a
  connection take the connection's ``first``, ``points`` the ``maxPoints`` of their
  ``metric``/``series``, the lists of a comparison the number of its ``ids``, its metric
  rows the number of ``metricKeys``); else its planning length in ``LIST_LENGTHS``
  (``Experiment.artifacts`` 100: nothing bounds how many an experiment has), else
  ``DEFAULT_LIST_SIZE``.
* Argument values come from the document, the request's variables, the variables'
  defaults, and last the schema's defaults (``maxPoints`` 1000 on ``metric``, 500 on
  ``series``…); each counts at most its cap (``SIZE_CAPS``: what the resolver accepts, so
  ``first: 100000`` is the resolver's ``VALIDATION_FAILED``, not a cost refusal).

So ``compareExperiments(ids: <100 ids>) { series(key: "loss", maxPoints: 10000) { series {
points { step } } } }`` costs 100 * (2 + 10,000 * 0.1) = 100,200 and is refused at the
default limit of 50,000, as are 20 aliases of ``logs(first: 5000) { lines { message } }``
(20 * 5,000 * 4.1 = 410,000), while the compare view of 50 experiments with three series
of 500 points, their metrics and parameters costs about 10,000, and one page of 5,000
log lines 20,500. The planning sizes are not bounds: data larger than planned (a page of
64 KiB lines) is stopped by the response size cap (``schema/engine/response_size.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.pyutils import Undefined
from strawberry.extensions import SchemaExtension

from app.compare import service as compare
from app.config import Settings
from app.experiments import children, facets
from app.experiments import service as experiments
from app.logs import service as logs
from app.metrics.history import MAX_POINTS_CAP
from app.resources import api_costs
from app.users import api_tokens, directory
from schema.engine import graphql_schema
from schema.limits import CODE

DEFAULT_LIST_SIZE = 10
ROW_WEIGHTS: Mapping[str, float] = {"MetricPoint": 0.1, "LogLine": 0.1, "MetricEventPoint": 0.1}
# Arguments that size the lists below the field that takes them
SIZE_ARGUMENTS = frozenset({"first", "keys", "ids", "metricKeys", "maxPoints"})
# Arguments that size the list field that takes them
OWN_SIZE_ARGUMENTS = ("first", "keys")
# The most each sizing argument may be (the resolvers refuse more with VALIDATION_FAILED,
# the more useful answer, so the estimate never counts past them); ``*`` is any field
SIZE_CAPS: Mapping[str, int] = {
    "Query.experiments.first": experiments.MAX_PAGE,
    "Hypothesis.experiments.first": experiments.MAX_PAGE,
    "BoardColumn.experiments.first": experiments.MAX_PAGE,
    "Experiment.logs.first": logs.MAX_PAGE,
    "Query.compareExperiments.ids": compare.MAX_EXPERIMENTS,
    "Query.compareExperiments.metricKeys": compare.MAX_METRIC_KEYS,
    "*.maxPoints": MAX_POINTS_CAP,
    "Query.apiTokens.first": api_tokens.MAX_PAGE,
    "BoardColumn.page.first": experiments.MAX_PAGE,
    "Experiment.apiCosts.first": api_costs.MAX_PAGE,
    "Experiment.children.first": children.MAX_PAGE,
    "Query.users.first": directory.MAX_PAGE,
    "Query.experimentFacets.first": facets.MAX_FACET_VALUES,
}
# Leaves that can be large: their planning size in KiB (what a typical value holds, a
# fraction of what one may hold; the response size cap stops the rest)
LEAF_COSTS: Mapping[str, float] = {
    "LogLine.message": 4.0,
    "Experiment.hyperparams": 4.0,
    "Experiment.config": 4.0,
}
# Lists with no argument to size them and no bound: their planning length
LIST_LENGTHS: Mapping[str, int] = {
    "Experiment.artifacts": 100,
    "Notification.deliveries": 3,  # at most one per channel besides IN_APP
}
# Lists sized by an enclosing field's argument
LIST_SIZE_FROM: Mapping[str, str] = {
    "ExperimentConnection.edges": "first",
    "UserConnection.edges": "first",
    "ApiCostConnection.edges": "first",
    "ExperimentFacets.models": "first",
    "ExperimentFacets.tags": "first",
    "LogPage.lines": "first",
    "MetricSeries.points": "maxPoints",
    "Comparison.experiments": "ids",
    "Comparison.series": "ids",
    "MetricRow.cells": "ids",
    "Comparison.metrics": "metricKeys",
}


def _size(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(0, value)
    if isinstance(value, list | tuple):
        return len(value)
    return None


class CostEstimator:
    """Walks one operation, following fragments. A spread costs its fragment's cost per
    object times the objects it is spread over; that cost per object is worked out once
    per fragment and sizing context (the sizing arguments in force), so a fragment spread
    many times — or a fragment bomb — is walked once: linear in the document's size."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.given = dict(variables)
        self.variables = dict(variables)
        self.visits = 0  # selections walked (what the tests bound)
        self._per_object: dict[tuple[str, frozenset[tuple[str, int]]], float] = {}
        self._open: set[str] = set()

    def operation(self, node: OperationDefinitionNode) -> float:
        root = self.schema.get_root_type(node.operation)
        if root is None:
            return 0.0
        self.variables = dict(self.given)
        for definition in node.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)
        self._per_object.clear()  # the variables' defaults are the operation's own
        return self.selections(node.selection_set, root, 1.0, {})

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        multiplier: float,
        sizes: Mapping[str, int],
    ) -> float:
        if selection_set is None:
            return 0.0
        total = 0.0
        for selection in selection_set.selections:
            self.visits += 1
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, multiplier, sizes)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selections(selection.selection_set, target, multiplier, sizes)
            elif isinstance(selection, FragmentSpreadNode):
                total += multiplier * self.spread_per_object(selection, sizes)
        return total

    def spread_per_object(self, node: FragmentSpreadNode, sizes: Mapping[str, int]) -> float:
        """A fragment's cost for one object it is spread over (costs scale with the
        objects: every term is a product with the multiplier)."""
        name = node.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:  # unknown, or a cycle: reported elsewhere
            return 0.0
        key = (name, frozenset(sizes.items()))
        known = self._per_object.get(key)
        if known is not None:
            return known
        target = self.schema.get_type(fragment.type_condition.name.value)
        cost = 0.0
        if target is not None:
            self._open.add(name)
            try:
                cost = self.selections(fragment.selection_set, target, 1.0, sizes)
            finally:
                self._open.discard(name)
        self._per_object[key] = cost
        return cost

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        multiplier: float,
        sizes: Mapping[str, int],
    ) -> float:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0.0
        definition = parent.fields.get(name)
        if definition is None:
            return 0.0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return multiplier * LEAF_COSTS.get(f"{parent.name}.{name}", 0.0)
        own = self.size_arguments(f"{parent.name}.{name}", definition, node)
        count = multiplier
        if is_list_type(get_nullable_type(definition.type)):
            count *= self.list_length(f"{parent.name}.{name}", own, sizes)
        below = {**sizes, **own}
        cost = count * ROW_WEIGHTS.get(named.name, 1.0)
        return cost + self.selections(node.selection_set, named, count, below)

    def size_arguments(
        self, coordinate: str, definition: GraphQLField, node: FieldNode
    ) -> dict[str, int]:
        """The sizing arguments given (literal or variable), else their schema defaults;
        each at most its cap."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        sizes = {}
        for name, argument in definition.args.items():
            if name not in SIZE_ARGUMENTS:
                continue
            value = None
            if name in given:
                value = value_from_ast_untyped(given[name], self.variables)
            if value is None or value is Undefined:
                value = argument.default_value
            size = _size(value)
            if size is not None:
                cap = SIZE_CAPS.get(f"{coordinate}.{name}", SIZE_CAPS.get(f"*.{name}"))
                sizes[name] = size if cap is None else min(size, cap)
        return sizes

    @staticmethod
    def list_length(coordinate: str, own: Mapping[str, int], sizes: Mapping[str, int]) -> int:
        for name in OWN_SIZE_ARGUMENTS:
            if name in own:
                return own[name]
        source = LIST_SIZE_FROM.get(coordinate)
        if source is not None and source in sizes:
            return sizes[source]
        return LIST_LENGTHS.get(coordinate, DEFAULT_LIST_SIZE)


def cost_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    max_cost: int,
) -> list[GraphQLError]:
    """``QUERY_TOO_COMPLEX`` with ``details: {cost, limit}`` for each operation of a valid
    document whose estimate with these variables is over ``max_cost``."""
    definitions = document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    estimator = CostEstimator(schema, fragments, variables)
    errors = []
    for node in definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        cost = estimator.operation(node)
        if cost <= max_cost:
            continue
        name = node.name.value if node.name else "anonymous"
        errors.append(
            GraphQLError(
                f"operation {name} has an estimated cost of {cost:,.0f}; the limit is {max_cost:,}",
                nodes=node,
                extensions={"code": CODE, "details": {"cost": round(cost), "limit": max_cost}},
            )
        )
    return errors


class QueryCostLimiter(SchemaExtension):
    """Estimates the document's cost with this request's variables, once validation has
    found it valid (``schema.engine``'s validation extension runs first and leaves no
    errors): the cost of a document that is invalid anyway (or too deep) means nothing,
    and its client should hear about the first problem only. No visit of the AST: a walk
    of the operations, each fragment costed once per sizing context."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors == []:
            schema = graphql_schema(context.schema)
            errors = cost_errors(schema, document, context.variables or {}, self.max_cost)
            if errors:
                context.pre_execution_errors = errors
        yield


def cost_extension(settings: Settings) -> Callable[[], SchemaExtension]:
    """A factory, so each request gets its own extension instance; it must come after
    the validation extension (``schema/build.py``)."""
    return lambda: QueryCostLimiter(settings.query_max_cost)

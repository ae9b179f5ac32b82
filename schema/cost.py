"""What a document costs, worked out from the document and its variables before it runs.

Two figures, as the large public GraphQL APIs count them:

- **Node count**, as GitHub computes it: every list of objects (or connection) the
  document asks for may hold as many items as its ``first`` (or ``last``) allows, and is
  asked for once per item of every list around it; the node count is the sum of those
  products.
- **Points**, as Shopify computes them, with weights for the analysis: a field that
  returns an object costs one point each time it is resolved, a list one point plus one
  per object in it, a scalar nothing. A field may declare its own weight in
  ``FIELD_COSTS``: a propagation path, a what-if or a graph export costs what its
  computation costs, not what its JSON weighs.

A list counts its ``first`` (its schema default when the document gives none: every list
that grows with the portfolio takes one, see ``schema/bounds.py``); a short list without
``first`` counts the size its field declares, else ``DEFAULT_LIST_SIZE``.
Where a selection sits on an interface or a union, the most expensive possible type
counts. ``@skip`` and ``@include`` are honoured. The figures are an upper bound: a list
the data leaves short costs what its ``first`` allowed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_composite_type,
    is_list_type,
    type_from_ast,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)
from strawberry.extensions import SchemaExtension

from app.settings import Settings

DEFAULT_LIST_SIZE = 100
"""Items counted for a list that takes no ``first`` and declares no size of its own."""

PAGE_ITEM_FIELDS = frozenset({"nodes", "edges"})
"""The fields of a connection that hold its page: they count the connection's ``first``."""


@dataclass(frozen=True, slots=True)
class FieldCost:
    """What a field declares about its cost; unset parts take the defaults."""

    weight: int | None = None
    """Points each time the field is resolved (default: 1 for an object or list, else 0)."""
    per_item: int | None = None
    """Points per item of a list (default: 1 for objects, 0 for scalars)."""
    size: int | None = None
    """Items counted for a list without ``first`` (default: ``DEFAULT_LIST_SIZE``)."""


FieldCosts = Mapping[tuple[str, str], FieldCost]

SMALL = FieldCost(size=10)
"""A short list of values or objects whose length does not grow with the portfolio."""

FIELD_COSTS: FieldCosts = {
    # Lists that stay short whatever the size of the portfolio (``bounds.SHORT_LISTS``).
    **dict.fromkeys(
        [
            ("Initiative", "entryCriteriaFlags"),
            ("Initiative", "illustrativeFields"),
            ("StatusReport", "illustrativeFields"),
            ("Initiative", "publishedFacts"),
            ("Initiative", "supportingGoals"),
            ("Initiative", "sustainableDevelopmentGoals"),
            ("Initiative", "developedSolutions"),
            ("Solution", "developedBy"),
            ("CouncilMeeting", "decisions"),
            ("Initiative", "decisions"),
            ("ValidationError", "problems"),
            ("SearchHit", "snippetParts"),
            ("Query", "strategicGoals"),
            ("Query", "sustainableDevelopmentGoals"),
            ("PortfolioSummary", "byStatus"),
            ("PortfolioSummary", "byRisk"),
            ("PortfolioSummary", "bySegment"),
            ("PortfolioSummary", "byPhase"),
            ("PortfolioSummary", "goalCoverage"),
            ("PortfolioSummary", "sdgCoverage"),
        ],
        SMALL,
    ),
    ("Initiative", "reports"): FieldCost(size=30),
    ("Initiative", "deliveries"): FieldCost(size=20),
    ("Initiative", "risks"): FieldCost(size=20),
    # A path or cycle is a list of codes: priced per path where paths are listed.
    ("ChainNode", "path"): SMALL,
    ("FoundationDependency", "path"): SMALL,
    ("DependencyCycleError", "cycle"): SMALL,
    ("CriticalPath", "chain"): FieldCost(size=100),
    ("CriticalPath", "chainCodes"): FieldCost(size=100),
    ("CriticalPathChange", "chainBefore"): FieldCost(size=100),
    ("CriticalPathChange", "chainAfter"): FieldCost(size=100),
    ("Query", "dependencyCycles"): FieldCost(weight=20, size=100),
    # The analysis: a call costs its computation, an item what it takes to build. Lists
    # that grow with the portfolio take `first` (``schema/bounds.py``), which sizes them.
    ("Initiative", "upstream"): FieldCost(weight=5, per_item=3),
    ("Initiative", "upstreamCount"): FieldCost(weight=5),
    ("Initiative", "downstream"): FieldCost(weight=5, per_item=3),
    ("Initiative", "downstreamCount"): FieldCost(weight=5),
    ("Initiative", "foundationDependencies"): FieldCost(weight=5, per_item=3),
    ("Initiative", "foundationDependencyCount"): FieldCost(weight=5),
    ("Initiative", "propagatedRisk"): FieldCost(weight=5),
    ("Initiative", "schedule"): FieldCost(weight=2),
    ("Initiative", "transitiveDependantCount"): FieldCost(weight=1),
    ("Query", "riskPropagation"): FieldCost(weight=50),
    ("PropagatedRisk", "paths"): FieldCost(weight=5, per_item=10),
    ("Query", "criticalPath"): FieldCost(weight=50),
    ("Query", "impact"): FieldCost(weight=200),
    ("Query", "deliveryImpact"): FieldCost(weight=200),
    ("Query", "lateDependencies"): FieldCost(weight=20),
    ("Query", "lateDependencyCount"): FieldCost(weight=20),
    ("Query", "keyInitiatives"): FieldCost(weight=100),
    # Two portfolio states (a round's is its own graph and analysis) and their comparison.
    ("Query", "portfolioChanges"): FieldCost(weight=200),
    ("Mutation", "createBaseline"): FieldCost(weight=100),
    ("Query", "dependencyGraph"): FieldCost(weight=50),
    ("DependencyGraph", "export"): FieldCost(weight=500),
    # A scenario's evaluation: propagation, schedule, critical set and slack on a copy.
    ("Scenario", "evaluation"): FieldCost(weight=300),
    # The current portfolio's state beside the scenario's, compared as portfolioChanges.
    ("ScenarioEvaluation", "comparedToCurrent"): FieldCost(weight=200),
    ("Scenario", "changes"): FieldCost(size=100),
    # A ranking over every searched text of the portfolio, read through its index.
    ("Query", "search"): FieldCost(weight=10),
    ("SearchHitConnection", "totalCount"): FieldCost(weight=10),
}
"""What fields declare, by type and field name; a field not named takes the defaults."""


@dataclass(frozen=True, slots=True)
class QueryCost:
    """A document's cost: its node count and its points."""

    node_count: int = 0
    points: int = 0

    def __add__(self, other: QueryCost) -> QueryCost:
        return QueryCost(self.node_count + other.node_count, self.points + other.points)


def document_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
    *,
    field_costs: FieldCosts = FIELD_COSTS,
) -> QueryCost:
    """The cost of ``operation`` with its coerced ``variables``."""
    root = schema.get_root_type(operation.operation)
    if root is None:  # validation refuses an operation the schema has no root type for
        return QueryCost()
    return _CostWalk(schema, fragments, variables, field_costs).selection_cost(
        operation.selection_set, root, outer=1, page=None
    )


@dataclass(slots=True)
class _CostWalk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    field_costs: FieldCosts

    def selection_cost(
        self, selection_set: SelectionSetNode, parent: Any, *, outer: int, page: int | None
    ) -> QueryCost:
        """Cost of a selection on ``parent``: the costliest possible type when abstract."""
        if is_abstract_type(parent):
            return max(
                (
                    self._object_cost(selection_set, possible, outer=outer, page=page)
                    for possible in self.schema.get_possible_types(parent)
                ),
                key=lambda found: (found.points, found.node_count),
                default=QueryCost(),
            )
        return self._object_cost(selection_set, parent, outer=outer, page=page)

    def _object_cost(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        *,
        outer: int,
        page: int | None,
    ) -> QueryCost:
        total = QueryCost()
        for node in self._fields(selection_set, parent):
            field = parent.fields.get(node.name.value)
            if field is not None:  # __typename and the introspection fields cost nothing
                declared = self.field_costs.get((parent.name, node.name.value), FieldCost())
                total += self._field_cost(node, field, declared, outer=outer, page=page)
        return total

    def _field_cost(
        self,
        node: FieldNode,
        field: GraphQLField,
        declared: FieldCost,
        *,
        outer: int,
        page: int | None,
    ) -> QueryCost:
        returned = get_nullable_type(field.type)
        named = get_named_type(returned)
        composite = is_composite_type(named)
        arguments = get_argument_values(field, node, self.variables)
        nodes = 0
        items = 1
        holds_page = page is not None and node.name.value in PAGE_ITEM_FIELDS
        if is_list_type(returned):
            if holds_page and page is not None:
                items = page  # the connection counted the call and the nodes already
            else:
                items = _list_size(arguments, declared)
                nodes = outer * items if composite else 0  # values are not nodes
        inner_page = None
        if _is_connection(named):
            inner_page = _list_size(arguments, declared)
            nodes = outer * inner_page
        is_collection = is_list_type(returned) or inner_page is not None
        weight = declared.weight
        if weight is None:
            weight = int((composite or is_collection) and not holds_page)
        per_item = declared.per_item if declared.per_item is not None else int(composite)
        points = outer * weight + outer * items * per_item * int(is_list_type(returned))
        own = QueryCost(node_count=nodes, points=points)
        if node.selection_set is None or not composite:
            return own
        return own + self.selection_cost(
            node.selection_set, named, outer=outer * items, page=inner_page
        )

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType
    ) -> Iterator[FieldNode]:
        """The field nodes that apply to ``parent``, through fragments, skip and include."""
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                continue
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection, parent):
                    yield from self._fields(selection.selection_set, parent)
            else:
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and self._applies(fragment, parent):
                    yield from self._fields(fragment.selection_set, parent)

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip["if"]:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return include is None or bool(include["if"])

    def _applies(
        self, fragment: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLObjectType
    ) -> bool:
        if fragment.type_condition is None:
            return True
        condition = type_from_ast(self.schema, fragment.type_condition)
        if condition is parent:
            return True
        return is_abstract_type(condition) and self.schema.is_sub_type(condition, parent)


def _list_size(arguments: Mapping[str, Any], declared: FieldCost) -> int:
    for name in ("first", "last", "limit"):
        value = arguments.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
    return declared.size if declared.size is not None else DEFAULT_LIST_SIZE


def _is_connection(named: GraphQLNamedType) -> bool:
    if not isinstance(named, GraphQLObjectType):
        return False
    return "pageInfo" in named.fields and ("edges" in named.fields or "nodes" in named.fields)


class CostedContext(Protocol):
    """What pricing needs from the request context: the limits, and where to note the cost."""

    settings: Settings
    query_cost: QueryCost | None

    async def charge(self, cost: QueryCost) -> None:
        """Take the cost from the caller's budget; raise when the budget cannot carry it."""


class PricedSchema(Protocol):
    """A schema that offers the graphql-core schema its documents are priced on."""

    @property
    def graphql_schema(self) -> GraphQLSchema:
        """The schema's types, fields and argument defaults."""


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: Mapping[str, Any] | None,
    *,
    field_costs: FieldCosts = FIELD_COSTS,
) -> QueryCost | None:
    """The cost of the operation a request runs; None when execution will refuse it anyway."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    variables = get_variable_values(
        schema, operation.variable_definitions or (), dict(raw_variables or {})
    )
    if isinstance(variables, list):
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return document_cost(schema, operation, fragments, variables, field_costs=field_costs)


def query_too_complex(cost: QueryCost, settings: Settings) -> GraphQLError | None:
    """The refusal of a document over either limit, with the figures and the limits."""
    if cost.points <= settings.max_query_cost and cost.node_count <= settings.max_query_nodes:
        return None
    return GraphQLError(
        f"This query would cost {cost.points:,} points (limit {settings.max_query_cost:,}) "
        f"and return up to {cost.node_count:,} nodes (limit {settings.max_query_nodes:,}). "
        "Ask for fewer items with `first`, or for fewer fields.",
        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost_report(cost, settings)},
    )


def cost_report(cost: QueryCost, settings: Settings) -> dict[str, int]:
    """The figures a response's ``extensions.cost`` carries."""
    return {
        "requested": cost.points,
        "limit": settings.max_query_cost,
        "nodeCount": cost.node_count,
        "nodeLimit": settings.max_query_nodes,
    }


class PriceOperations(SchemaExtension):
    """Prices every operation before it runs: refused over the limits, else charged.

    Answers carry the figures as ``extensions.cost``. The schema must offer
    ``graphql_schema`` (see ``PricedSchema``), the context a ``charge`` (``CostedContext``).
    """

    field_costs: ClassVar[FieldCosts] = FIELD_COSTS

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        schema = cast(PricedSchema, execution.schema)
        context = cast(CostedContext, execution.context)
        document = execution.graphql_document
        if document is not None:
            found = operation_cost(
                schema.graphql_schema,
                document,
                execution.operation_name,
                execution.variables,
                field_costs=self.field_costs,
            )
            if found is not None:
                context.query_cost = found
                refusal = query_too_complex(found, context.settings)
                if refusal is not None:
                    raise refusal
                await context.charge(found)
        yield

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        found = getattr(context, "query_cost", None)
        if not isinstance(found, QueryCost):
            return {}
        return {"cost": cost_report(found, context.settings)}

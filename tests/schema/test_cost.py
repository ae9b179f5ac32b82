"""A document's cost is worked out before it runs, and a document over the limits is refused."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
import strawberry
from graphql import GraphQLSchema, build_ast_schema, parse

from app.settings import Settings
from schema.cost import (
    DEFAULT_LIST_SIZE,
    FieldCost,
    FieldCosts,
    PriceOperations,
    QueryCost,
)


@strawberry.type
class Leaf:
    code: str


@strawberry.type
class PageInfo:
    has_next_page: bool


@strawberry.type
class LeafConnection:
    nodes: list[Leaf]
    page_info: PageInfo


@strawberry.type
class Branch:
    code: str

    @strawberry.field
    def leaves(self, first: int = 10) -> list[Leaf]:
        return [Leaf(code=str(number)) for number in range(first)]

    @strawberry.field
    def unbounded(self) -> list[Leaf]:
        return []

    @strawberry.field
    def paths(self) -> list[list[str]]:
        return []

    @strawberry.field
    def codes(self) -> list[str]:
        return []


@strawberry.type
class Query:
    @strawberry.field
    def branches(self, first: int = 20) -> list[Branch]:
        return [Branch(code=str(number)) for number in range(first)]

    @strawberry.field
    def page(self, first: int = 50) -> LeafConnection:
        leaves = [Leaf(code=str(number)) for number in range(first)]
        return LeafConnection(nodes=leaves, page_info=PageInfo(has_next_page=False))

    @strawberry.field
    def analysis(self) -> Branch:
        return Branch(code="A")

    @strawberry.field
    def count(self) -> int:
        return 0


class ToyPricing(PriceOperations):
    field_costs: ClassVar[FieldCosts] = {
        ("Branch", "paths"): FieldCost(per_item=5, size=3),
        ("Query", "analysis"): FieldCost(weight=40),
    }


class ToySchema(strawberry.Schema):
    @functools.cached_property
    def graphql_schema(self) -> GraphQLSchema:
        return build_ast_schema(parse(self.as_str()))


SCHEMA = ToySchema(query=Query, extensions=[ToyPricing])


@dataclass
class CostContext:
    settings: Settings = field(default_factory=Settings)
    query_cost: QueryCost | None = None
    charged: list[int] = field(default_factory=list)

    async def charge(self, cost: QueryCost) -> None:
        self.charged.append(cost.points)


async def cost_of(document: str, variables: dict[str, Any] | None = None) -> QueryCost:
    context = CostContext()
    result = await SCHEMA.execute(document, variable_values=variables, context_value=context)
    assert result.errors is None
    assert context.query_cost is not None
    assert context.charged == [context.query_cost.points]
    return context.query_cost


async def test_a_scalar_costs_nothing() -> None:
    assert await cost_of("{ count }") == QueryCost(node_count=0, points=0)


async def test_a_list_of_objects_costs_a_point_and_one_per_item_it_may_hold() -> None:
    assert await cost_of("{ branches(first: 3) { code } }") == QueryCost(node_count=3, points=4)


async def test_the_default_of_first_counts_when_the_document_gives_none() -> None:
    assert await cost_of("{ branches { code } }") == QueryCost(node_count=20, points=21)


async def test_first_given_by_a_variable_counts() -> None:
    document = "query ($n: Int!) { branches(first: $n) { code } }"

    assert await cost_of(document, {"n": 7}) == QueryCost(node_count=7, points=8)


async def test_nested_lists_multiply_as_github_counts_nodes() -> None:
    found = await cost_of("{ branches(first: 10) { leaves(first: 4) { code } } }")

    assert found.node_count == 10 + 10 * 4
    assert found.points == (1 + 10) + 10 * (1 + 4)


async def test_a_list_without_first_counts_its_declared_or_the_default_size() -> None:
    found = await cost_of("{ branches(first: 1) { unbounded { code } } }")

    assert found.node_count == 1 + DEFAULT_LIST_SIZE


async def test_a_declared_weight_per_item_prices_the_analysis() -> None:
    found = await cost_of("{ branches(first: 2) { paths } }")

    assert found.points == (1 + 2) + 2 * (1 + 3 * 5)
    assert found.node_count == 2  # paths are values, not nodes


async def test_a_declared_weight_per_call_prices_a_computation() -> None:
    assert (await cost_of("{ analysis { code } }")).points == 40


async def test_a_connection_counts_its_page_once() -> None:
    found = await cost_of("{ page(first: 30) { nodes { code } pageInfo { hasNextPage } } }")

    assert found.node_count == 30
    assert found.points == 1 + 30 + 1  # the connection, its 30 nodes, pageInfo


async def test_skipped_fields_cost_nothing() -> None:
    document = "query ($skip: Boolean!) { count branches @skip(if: $skip) { code } }"

    assert await cost_of(document, {"skip": True}) == QueryCost()
    assert (await cost_of(document, {"skip": False})).node_count == 20


async def test_fragments_are_counted_where_they_are_spread() -> None:
    document = """
        { branches(first: 2) { ...Leaves } }
        fragment Leaves on Branch { leaves(first: 5) { code } }
    """

    assert (await cost_of(document)).node_count == 2 + 2 * 5


async def test_a_document_over_the_point_limit_is_refused_before_it_runs_or_spends() -> None:
    context = CostContext(settings=Settings(max_query_cost=100))

    result = await SCHEMA.execute(
        "{ branches(first: 50) { leaves(first: 50) { code } } }", context_value=context
    )

    assert result.data is None
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions is not None
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert error.extensions["cost"] == {
        "requested": 51 + 50 * 51,
        "limit": 100,
        "nodeCount": 50 + 50 * 50,
        "nodeLimit": Settings().max_query_nodes,
    }
    assert context.charged == []  # nothing ran, nothing was spent


@pytest.mark.parametrize(("first", "refused"), [(10, False), (11, True)])
async def test_the_node_limit_is_inclusive(first: int, refused: bool) -> None:
    context = CostContext(settings=Settings(max_query_nodes=10))

    result = await SCHEMA.execute(
        f"{{ branches(first: {first}) {{ code }} }}", context_value=context
    )

    assert (result.errors is not None) is refused

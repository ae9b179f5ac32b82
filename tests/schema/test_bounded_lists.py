"""Every list that grows with the portfolio takes `first` (default, maximum) and has a count."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, get_nullable_type, is_list_type

from app.settings import Settings
from schema.bounds import PATH_LIST, PORTFOLIO_LIST, SHORT_LISTS
from schema.build import build_schema
from schema.cost import FIELD_COSTS
from tests.conftest import Callers, GraphQLClient

PROPAGATION = """
query Propagation($first: Int!, $paths: Int!) {
  riskPropagation(includeRiskLevel: true) {
    flaggedCount
    flagged(first: $first) { code sourceCount sourceCodes(first: $paths) paths(first: $paths) }
    reachCount
    reach(first: $first) { code }
  }
}
"""

PROPAGATION_DEFAULT_PAGE = """
{ riskPropagation(includeRiskLevel: true) { flaggedCount flagged { code } } }
"""

CHAINS = """
query Chains($code: String!, $first: Int!) {
  initiative(code: $code) {
    upstreamCount
    upstream(first: $first) { code depth }
    downstreamCount
    downstream(first: $first) { code }
    foundationDependencyCount
    foundationDependencies(first: $first) { solution { code } }
    dependencyCount
    dependencies(first: $first) { supplierCode }
    dependantCount
    dependants(first: $first) { dependantCode }
  }
}
"""

SOLUTION_DEPENDANTS = """
query SolutionDependants($code: String!, $first: Int!) {
  solution(code: $code) { dependantCount dependants(first: $first) { dependantCode } }
}
"""

GRAPH = """
query Graph($first: Int!) {
  dependencyGraph {
    nodeCount edgeCount
    nodes(first: $first) { code }
    edges(first: $first) { supplierCode dependantCode }
  }
}
"""

SCHEDULE = """
query Schedule($first: Int!) {
  criticalPath {
    __typename
    ... on CriticalPath {
      activityCount activities(first: $first) { code }
      criticalCount critical(first: $first) { code }
      chainCount chains(first: $first)
    }
  }
  lateDependencyCount
  lateDependencies(first: $first) { supplierCode dependantCode }
}
"""

IMPACT = """
query Impact($code: String!, $first: Int!) {
  impact(code: $code, slipDays: 365) {
    __typename
    ... on Impact {
      movedCount moved(first: $first) { code }
      newlyLateCount newlyLate(first: $first) { dependantCode }
    }
  }
}
"""

SUMMARY = """
query Summary($first: Int!) {
  portfolioSummary {
    missingReportCount missingReports(first: $first) { code }
    deliveryDueCount deliveriesDue(first: $first) { code }
    slippedDeliveryCount slippedDeliveries(first: $first) { code }
  }
}
"""

KEY_INITIATIVES = """
query Key($first: Int) { keyInitiatives(first: $first) { rank code } }
"""

KEY_INITIATIVES_BY_LIMIT = """
query KeyByLimit($limit: Int!) { keyInitiatives(limit: $limit) { rank code } }
"""

AUDIT = """
query Audit($first: Int!, $after: String) {
  auditEvents(first: $first, after: $after) {
    __typename
    ... on AuditEventConnection {
      edges { cursor node { entityCode } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

RENAME = """
mutation Rename($code: String!, $version: Int!, $name: String!) {
  updateInitiative(code: $code, expectedVersion: $version, input: { name: $name }) {
    __typename
    ... on InitiativePayload { initiative { version } }
  }
}
"""

# The demo portfolio flags a few initiatives from a few sources: these pages hold them all.
WHOLE_PROPAGATION = {"first": PORTFOLIO_LIST.default, "paths": PATH_LIST.default}

VERSION = """
query Version($code: String!) { initiative(code: $code) { version } }
"""


def _graphql_schema() -> Any:
    return build_schema(Settings()).graphql_schema


def _list_fields() -> list[tuple[str, str, Any]]:
    schema = _graphql_schema()
    return [
        (type_name, field_name, field)
        for type_name, found in schema.type_map.items()
        if isinstance(found, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in found.fields.items()
        if is_list_type(get_nullable_type(field.type))
    ]


def _is_connection_page(type_name: str, field_name: str) -> bool:
    return type_name.endswith("Connection") and field_name in {"edges", "nodes"}


def test_every_list_that_grows_with_the_portfolio_takes_first_with_a_default() -> None:
    unbounded = [
        f"{type_name}.{field_name}"
        for type_name, field_name, field in _list_fields()
        if (type_name, field_name) not in SHORT_LISTS
        and not _is_connection_page(type_name, field_name)
        and not _takes_first_with_a_default(type_name, field_name, field)
    ]

    assert unbounded == []


def _takes_first_with_a_default(type_name: str, field_name: str, field: Any) -> bool:
    if "first" not in field.args:
        return False
    if (type_name, field_name) == ("Query", "keyInitiatives"):
        return field.args["limit"].default_value is not None  # `first` overrides `limit`
    return field.args["first"].default_value is not None


def test_a_list_that_takes_first_declares_no_size_of_its_own() -> None:
    takes_first = {
        (type_name, name) for type_name, name, field in _list_fields() if "first" in field.args
    }

    sized = [
        key for key, cost in FIELD_COSTS.items() if key in takes_first and cost.size is not None
    ]

    assert sized == []


def test_a_short_list_is_a_list_of_the_schema() -> None:
    listed = {(type_name, field_name) for type_name, field_name, _ in _list_fields()}

    assert SHORT_LISTS - listed == set()


def test_flagged_gives_the_first_page_and_the_count(graphql: GraphQLClient) -> None:
    whole = graphql.data(PROPAGATION, WHOLE_PROPAGATION)
    page = graphql.data(PROPAGATION, {"first": 1, "paths": 1})

    everything = whole["riskPropagation"]
    first = page["riskPropagation"]
    assert everything["flaggedCount"] == len(everything["flagged"]) > 1
    assert first["flaggedCount"] == everything["flaggedCount"]
    assert [item["code"] for item in first["flagged"]] == [everything["flagged"][0]["code"]]
    assert first["reachCount"] == len(everything["reach"]) > 0
    assert len(first["reach"]) == 1


def test_a_document_without_first_gets_the_default_page(graphql: GraphQLClient) -> None:
    data = graphql.data(PROPAGATION_DEFAULT_PAGE)["riskPropagation"]

    assert len(data["flagged"]) == min(data["flaggedCount"], PORTFOLIO_LIST.default)


def test_a_document_without_first_is_priced_by_the_default_page(graphql: GraphQLClient) -> None:
    cost = graphql.execute(PROPAGATION_DEFAULT_PAGE)["extensions"]["cost"]

    assert cost["nodeCount"] == PORTFOLIO_LIST.default


def test_chains_and_direct_dependencies_give_the_first_page_and_the_count(
    graphql: GraphQLClient,
) -> None:
    whole = graphql.data(CHAINS, {"code": "PLL", "first": 500})["initiative"]
    page = graphql.data(CHAINS, {"code": "PLL", "first": 1})["initiative"]

    for field in ("upstream", "foundationDependencies", "dependencies"):
        count = {
            "upstream": "upstreamCount",
            "foundationDependencies": "foundationDependencyCount",
            "dependencies": "dependencyCount",
        }[field]
        assert whole[count] == len(whole[field]) > 1, field
        assert page[count] == whole[count], field
        assert page[field] == whole[field][:1], field
    assert page["downstreamCount"] == len(whole["downstream"])
    assert page["dependantCount"] == len(whole["dependants"])


def test_a_solutions_dependants_give_the_first_page_and_the_count(graphql: GraphQLClient) -> None:
    whole = graphql.data(SOLUTION_DEPENDANTS, {"code": "HELSENORGE", "first": 1000})["solution"]
    page = graphql.data(SOLUTION_DEPENDANTS, {"code": "HELSENORGE", "first": 1})["solution"]

    assert whole["dependantCount"] == len(whole["dependants"]) > 1
    assert page["dependantCount"] == whole["dependantCount"]
    assert page["dependants"] == whole["dependants"][:1]


def test_the_graph_gives_the_first_nodes_and_edges_and_their_counts(
    graphql: GraphQLClient,
) -> None:
    whole = graphql.data(GRAPH, {"first": 1000})["dependencyGraph"]
    page = graphql.data(GRAPH, {"first": 2})["dependencyGraph"]

    assert whole["nodeCount"] == len(whole["nodes"]) > 2
    assert whole["edgeCount"] == len(whole["edges"]) > 2
    assert (page["nodeCount"], page["edgeCount"]) == (whole["nodeCount"], whole["edgeCount"])
    assert page["nodes"] == whole["nodes"][:2]
    assert page["edges"] == whole["edges"][:2]


def test_the_schedule_lists_give_the_first_page_and_their_counts(graphql: GraphQLClient) -> None:
    whole = graphql.data(SCHEDULE, {"first": 100})
    page = graphql.data(SCHEDULE, {"first": 1})

    assert whole["criticalPath"]["__typename"] == "CriticalPath"
    for field, count in (("activities", "activityCount"), ("critical", "criticalCount")):
        assert whole["criticalPath"][count] == len(whole["criticalPath"][field]) > 1, field
        assert page["criticalPath"][count] == whole["criticalPath"][count], field
        assert page["criticalPath"][field] == whole["criticalPath"][field][:1], field
    assert page["criticalPath"]["chainCount"] == len(whole["criticalPath"]["chains"])
    assert page["criticalPath"]["chains"] == whole["criticalPath"]["chains"][:1]
    assert page["lateDependencyCount"] == len(whole["lateDependencies"])
    assert page["lateDependencies"] == whole["lateDependencies"][:1]


def test_a_what_if_gives_the_first_moved_initiatives_and_the_count(graphql: GraphQLClient) -> None:
    whole = graphql.data(IMPACT, {"code": "PLL", "first": 1000})["impact"]
    page = graphql.data(IMPACT, {"code": "PLL", "first": 1})["impact"]

    assert whole["__typename"] == page["__typename"] == "Impact"
    assert whole["movedCount"] == len(whole["moved"]) > 1
    assert page["movedCount"] == whole["movedCount"]
    assert page["moved"] == whole["moved"][:1]
    assert page["newlyLateCount"] == len(whole["newlyLate"])


def test_the_round_summary_lists_give_the_first_page_and_their_counts(
    graphql: GraphQLClient,
) -> None:
    whole = graphql.data(SUMMARY, {"first": 1000})["portfolioSummary"]
    page = graphql.data(SUMMARY, {"first": 0})["portfolioSummary"]

    for field, count in (
        ("missingReports", "missingReportCount"),
        ("deliveriesDue", "deliveryDueCount"),
        ("slippedDeliveries", "slippedDeliveryCount"),
    ):
        assert page[count] == len(whole[field]), field
        assert page[field] == [], field


def test_key_initiatives_take_first_as_limit_does(graphql: GraphQLClient) -> None:
    by_first = graphql.data(KEY_INITIATIVES, {"first": 3})["keyInitiatives"]
    by_limit = graphql.data(KEY_INITIATIVES_BY_LIMIT, {"limit": 3})["keyInitiatives"]

    assert by_first == by_limit
    assert [item["rank"] for item in by_first] == [1, 2, 3]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (PROPAGATION, {"first": PORTFOLIO_LIST.maximum + 1, "paths": 1}),
        (PROPAGATION, {"first": 1, "paths": PATH_LIST.maximum + 1}),
        (PROPAGATION, {"first": -1, "paths": 1}),
        (CHAINS, {"code": "PLL", "first": -1}),
        (GRAPH, {"first": PORTFOLIO_LIST.maximum + 1}),
        (SCHEDULE, {"first": -1}),
        (IMPACT, {"code": "PLL", "first": PORTFOLIO_LIST.maximum + 1}),
        (SUMMARY, {"first": -1}),
        (KEY_INITIATIVES, {"first": 101}),
    ],
)
def test_first_above_the_maximum_or_negative_is_the_callers_error(
    graphql: GraphQLClient, document: str, variables: dict[str, Any]
) -> None:
    errors = graphql.execute(document, variables)["errors"]

    assert {error["extensions"]["code"] for error in errors} == {"BAD_USER_INPUT"}
    assert {error["extensions"]["argument"] for error in errors} == {"first"}


def test_audit_events_are_a_relay_connection_with_edges_and_cursors(callers: Callers) -> None:
    version = callers.admin.data(VERSION, {"code": "PLL"})["initiative"]["version"]
    for name in ("Første navn", "Andre navn"):
        renamed = callers.admin.data(RENAME, {"code": "PLL", "version": version, "name": name})
        assert renamed["updateInitiative"]["__typename"] == "InitiativePayload"
        version = renamed["updateInitiative"]["initiative"]["version"]

    first = callers.admin.data(AUDIT, {"first": 1})["auditEvents"]
    after = callers.admin.data(AUDIT, {"first": 1, "after": first["pageInfo"]["endCursor"]})

    assert first["__typename"] == "AuditEventConnection"
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["cursor"] == first["pageInfo"]["endCursor"]
    assert first["edges"][0]["node"]["entityCode"] == "PLL"
    assert after["auditEvents"]["edges"][0]["cursor"] != first["edges"][0]["cursor"]

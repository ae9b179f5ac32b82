"""A page of initiatives prefetches what it selects; the answers stay those of single lookups."""

from __future__ import annotations

from tests.conftest import GraphQLClient

FIELDS = """
fragment Fields on Initiative {
  code
  owner { code }
  status riskLevel reportIsStale
  statusThen: status(period: $period)
  staleThen: reportIsStale(period: $period)
  latestReport { status revision period { code } }
  deliveries { code status }
  dependencies {
    criticality
    supplier {
      __typename
      ... on Initiative { code status owner { code } }
      ... on Solution { code operator { code } }
    }
  }
}
"""

PAGE = (
    """
query Page($period: String) {
  initiatives(first: 100) {
    nodes { ...Fields }
    edges { node { ... on Initiative { alias: code ...Fields } } }
  }
}
"""
    + FIELDS
)

ONE = (
    """
query One($code: String!, $period: String) {
  initiative(code: $code) { ...Fields }
}
"""
    + FIELDS
)

UNKNOWN_PERIOD = """
{ initiatives(first: 3) { nodes { code status riskLevel(period: "1999-1") } } }
"""


def test_page_nodes_and_edges_answer_like_single_initiatives(graphql: GraphQLClient) -> None:
    page = graphql.data(PAGE, {"period": "2025-1"})["initiatives"]

    assert len(page["nodes"]) == 22
    for node, edge in zip(page["nodes"], page["edges"], strict=True):
        single = graphql.data(ONE, {"code": node["code"], "period": "2025-1"})["initiative"]
        assert node == single
        assert edge["node"] == single | {"alias": node["code"]}


def test_unknown_period_on_a_page_is_an_error_of_each_field_that_names_it(
    graphql: GraphQLClient,
) -> None:
    body = graphql.execute(UNKNOWN_PERIOD)

    assert [node["riskLevel"] for node in body["data"]["initiatives"]["nodes"]] == [None] * 3
    assert all(node["status"] is not None for node in body["data"]["initiatives"]["nodes"])
    assert [error["path"] for error in body["errors"]] == [
        ["initiatives", "nodes", index, "riskLevel"] for index in range(3)
    ]
    assert {error["extensions"]["argument"] for error in body["errors"]} == {"period"}

"""The analysis fields that take ``period`` answer as that round knew the portfolio.

In the seed, PLL-D3 was forecast for June 2026 in 2025-1 — before Helseplattformen needs
it (1 September 2026) — and for October 2026 now; Bildedeling came to depend on Program
digital samhandling in 2025-2; the critical chain ran through KULE in 2025-1 and runs
through Helseplattformen now.
"""

from __future__ import annotations

from tests.conftest import GraphQLClient

LATE = """
query Late($period: String) {
  lateDependencies(period: $period) { supplier { ... on Initiative { code } } dependant { code } }
  lateDependencyCount(period: $period)
}
"""


def _late(graphql: GraphQLClient, period: str | None) -> set[tuple[str, str]]:
    data = graphql.data(LATE, {"period": period})
    late = {
        (item["supplier"].get("code"), item["dependant"]["code"])
        for item in data["lateDependencies"]
    }
    assert data["lateDependencyCount"] == len(late)
    return late


def test_late_dependencies_of_an_earlier_round_use_that_rounds_forecasts(
    graphql: GraphQLClient,
) -> None:
    assert ("PLL", "HP") in _late(graphql, None)
    assert ("PLL", "HP") in _late(graphql, "2026-2")
    assert ("PLL", "HP") not in _late(graphql, "2025-1")


def test_the_critical_path_of_an_earlier_round_is_that_rounds(graphql: GraphQLClient) -> None:
    query = """query($period: String) {
      criticalPath(period: $period) { ... on CriticalPath { chainCodes } } }"""

    assert graphql.data(query, {"period": "2025-1"})["criticalPath"]["chainCodes"] == ["KULE"]
    assert graphql.data(query, {})["criticalPath"]["chainCodes"] == ["HP"]


def test_the_graph_of_a_round_has_the_dependencies_that_round_knew(
    graphql: GraphQLClient,
) -> None:
    query = """query($period: String) {
      dependencyGraph(root: "BILDEDELING", direction: UPSTREAM, maxDepth: 1, period: $period) {
        edges { supplierCode dependantCode } } }"""

    def suppliers(period: str) -> set[str]:
        edges = graphql.data(query, {"period": period})["dependencyGraph"]["edges"]
        return {edge["supplierCode"] for edge in edges}

    assert "PDS" not in suppliers("2025-1")
    assert "PDS" in suppliers("2025-2")


def test_propagated_risk_in_a_round_comes_from_the_statuses_of_that_round(
    graphql: GraphQLClient,
) -> None:
    # Helseanalyseplattformen (HAP-PROG) was YELLOW in 2025-1 and RED since; it reaches
    # Legemiddelregisteret through HAP once it is RED.
    query = """query($period: String) {
      initiative(code: "LMR") { propagatedRisk(period: $period) { level sources { code } } } }"""

    assert graphql.data(query, {"period": "2025-1"})["initiative"]["propagatedRisk"] is None
    assert graphql.data(query, {"period": "2026-1"})["initiative"]["propagatedRisk"] == {
        "level": "RED",
        "sources": [{"code": "HAP-PROG"}],
    }

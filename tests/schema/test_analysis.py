"""Dependency analysis through GraphQL on the demo portfolio."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app.database import create_sync_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import GraphQLClient, settings_for

CHAINS = """
query Chains($code: String!, $maxDepth: Int, $kind: NodeKind) {
  initiative(code: $code) {
    upstream(maxDepth: $maxDepth, kind: $kind) { code kind depth path }
    downstream { code depth path node { ... on Initiative { name } } }
    foundationDependencies { depth path solution { code category } }
    transitiveDependantCount
  }
}
"""

PROPAGATION = """
query Propagation($period: String, $includeRiskLevel: Boolean!) {
  riskPropagation(period: $period, includeRiskLevel: $includeRiskLevel) {
    periodCode
    flagged { code level sourceCodes paths sources { code } initiative { code status } }
    reach { code red yellow total }
  }
}
"""


def flagged(
    graphql: GraphQLClient, *, include_risk: bool, period: str | None = None
) -> dict[str, Any]:
    data = graphql.data(PROPAGATION, {"period": period, "includeRiskLevel": include_risk})
    return {item["code"]: item for item in data["riskPropagation"]["flagged"]}


def test_pll_reaches_eresept_kjernejournal_and_helseid(graphql: GraphQLClient) -> None:
    initiative = graphql.data(CHAINS, {"code": "PLL"})["initiative"]

    foundation = {item["solution"]["code"]: item for item in initiative["foundationDependencies"]}
    assert {"ERESEPT", "KJ", "HELSEID"} <= set(foundation)
    assert foundation["ERESEPT"]["path"] == ["PLL", "ERESEPT"]
    assert foundation["KJ"]["solution"]["category"] == "NATIONAL_EHEALTH_SOLUTION"
    assert foundation["HELSEID"]["solution"]["category"] == "FOUNDATION"


def test_foundation_reached_only_through_another_initiative_has_its_path(
    graphql: GraphQLClient,
) -> None:
    initiative = graphql.data(CHAINS, {"code": "PLL"})["initiative"]

    foundation = {item["solution"]["code"]: item for item in initiative["foundationDependencies"]}
    helsenett = foundation["HELSENETT"]
    assert helsenett["depth"] == 2
    assert helsenett["path"][0] == "PLL"
    assert helsenett["path"][-1] == "HELSENETT"


def test_upstream_can_be_cut_by_depth_and_kind(graphql: GraphQLClient) -> None:
    only_initiatives = graphql.data(CHAINS, {"code": "HP", "kind": "INITIATIVE"})["initiative"]
    one_hop = graphql.data(CHAINS, {"code": "HP", "maxDepth": 1})["initiative"]

    assert {node["kind"] for node in only_initiatives["upstream"]} == {"INITIATIVE"}
    assert {"PLL", "PJD", "SFM-UTV", "PDS"} <= {n["code"] for n in only_initiatives["upstream"]}
    assert {node["depth"] for node in one_hop["upstream"]} == {1}


def test_downstream_lists_who_waits_with_depth_and_path(graphql: GraphQLClient) -> None:
    initiative = graphql.data(CHAINS, {"code": "PDS"})["initiative"]

    downstream = {node["code"]: node for node in initiative["downstream"]}
    assert {"FKJ", "PPS", "PJD", "BILDEDELING", "HP"} <= set(downstream)
    assert downstream["PJD"]["depth"] == 1
    assert downstream["HP"]["path"] == ["PDS", "PJD", "HP"]
    assert initiative["transitiveDependantCount"] == len(
        [node for node in initiative["downstream"] if "name" in node["node"]]
    )


def test_a_negative_max_depth_is_refused_naming_it(graphql: GraphQLClient) -> None:
    body = graphql.execute(CHAINS, {"code": "PLL", "maxDepth": 0})

    assert body["errors"][0]["extensions"]["argument"] == "maxDepth"


def test_red_helseanalyseplattformen_reaches_legemiddelregisteret_through_hap(
    graphql: GraphQLClient,
) -> None:
    lmr = flagged(graphql, include_risk=False)["LMR"]

    assert lmr["level"] == "RED"
    assert lmr["sourceCodes"] == ["HAP-PROG"]
    assert lmr["paths"] == [["HAP-PROG", "HAP", "LMR"]]
    assert lmr["initiative"]["status"] == "GREEN"


def test_each_red_initiative_propagates_by_criticality(graphql: GraphQLClient) -> None:
    by_status = flagged(graphql, include_risk=False)

    # HP is RED but nothing depends on it; HAP-PROG reaches LMR only.
    assert set(by_status) == {"LMR"}
    reach = graphql.data(PROPAGATION, {"includeRiskLevel": False})["riskPropagation"]["reach"]
    assert reach == [{"code": "HAP-PROG", "red": 1, "yellow": 0, "total": 1}]


def test_red_risk_of_digital_samhandling_reaches_its_dependants_when_risk_counts(
    graphql: GraphQLClient,
) -> None:
    with_risk = flagged(graphql, include_risk=True)

    assert with_risk["PPS"]["level"] == "RED"
    assert with_risk["BILDEDELING"]["level"] == "RED"
    assert with_risk["PJD"]["level"] == "YELLOW"
    assert with_risk["FKJ"]["level"] == "YELLOW"
    assert with_risk["HP"]["paths"] == [["PDS", "PJD", "HP"]]
    for item in with_risk.values():
        assert item["code"] not in item["sourceCodes"]
        assert [source["code"] for source in item["sources"]] == item["sourceCodes"]
        assert len(item["paths"]) == len(item["sourceCodes"])


def test_propagation_follows_the_period_asked_for(graphql: GraphQLClient) -> None:
    statuses = graphql.data('{ initiative(code: "HAP-PROG") { status(period: "2025-1") } }')[
        "initiative"
    ]
    then = flagged(graphql, include_risk=False, period="2025-1")

    assert statuses["status"] != "RED"
    assert "LMR" not in then


def test_propagated_risk_on_the_initiative_matches_the_portfolio_view(
    graphql: GraphQLClient,
) -> None:
    data = graphql.data(
        '{ lmr: initiative(code: "LMR") { propagatedRisk { level sourceCodes paths } }'
        '  pll: initiative(code: "PLL") { propagatedRisk { level } } }'
    )

    assert data["lmr"]["propagatedRisk"] == {
        "level": "RED",
        "sourceCodes": ["HAP-PROG"],
        "paths": [["HAP-PROG", "HAP", "LMR"]],
    }
    assert data["pll"]["propagatedRisk"] is None


SCHEDULE = """
{
  criticalPath {
    __typename
    ... on CriticalPath {
      chainCodes finish
      chain { code }
      activities {
        code earliestStart earliestFinish latestStart latestFinish totalFloatDays critical
      }
    }
  }
  initiative(code: "PLL") { schedule { earliestFinish totalFloatDays critical } }
}
"""


def test_critical_path_is_a_chain_of_zero_float_activities(graphql: GraphQLClient) -> None:
    data = graphql.data(SCHEDULE)
    path = data["criticalPath"]

    assert path["__typename"] == "CriticalPath"
    activities = {item["code"]: item for item in path["activities"]}
    assert path["chainCodes"]
    assert [item["code"] for item in path["chain"]] == path["chainCodes"]
    for code in path["chainCodes"]:
        assert activities[code]["totalFloatDays"] == 0
        assert activities[code]["critical"] is True
    assert activities[path["chainCodes"][-1]]["earliestFinish"] == path["finish"]
    for item in activities.values():
        assert item["latestFinish"] >= item["earliestFinish"]
        assert item["latestStart"] >= item["earliestStart"]


def test_initiative_schedule_matches_the_portfolio_schedule(graphql: GraphQLClient) -> None:
    data = graphql.data(SCHEDULE)
    activities = {item["code"]: item for item in data["criticalPath"]["activities"]}

    schedule = data["initiative"]["schedule"]
    assert schedule["earliestFinish"] == activities["PLL"]["earliestFinish"]
    assert schedule["totalFloatDays"] == activities["PLL"]["totalFloatDays"]


CRITICAL_SET = """
query CriticalSet($nearCriticalDays: Int) {
  criticalPath(nearCriticalDays: $nearCriticalDays) {
    __typename
    ... on CriticalPath {
      chainCodes chains chainsTruncated
      critical { code totalFloatDays critical nearCritical initiative { code } }
      nearCritical { code totalFloatDays }
      activities { code totalFloatDays nearCritical }
    }
    ... on DependencyCycleError { cycle }
  }
}
"""

SEED_CRITICAL = ["HP", "HSO-RKL", "KULE", "LMR", "PLL"]


def test_critical_set_lists_every_zero_float_initiative_and_chain(graphql: GraphQLClient) -> None:
    path = graphql.data(CRITICAL_SET, {"nearCriticalDays": None})["criticalPath"]

    assert path["__typename"] == "CriticalPath"
    assert sorted(item["code"] for item in path["critical"]) == SEED_CRITICAL
    assert all(item["totalFloatDays"] == 0 and item["critical"] for item in path["critical"])
    assert [item["initiative"]["code"] for item in path["critical"]] == [
        item["code"] for item in path["critical"]
    ]
    # LMR finishes with PLL (FINISH_TO_FINISH), so PLL drives it
    assert path["chains"] == [["HP"], ["HSO-RKL"], ["KULE"], ["PLL", "LMR"]]
    assert path["chainsTruncated"] is False
    assert path["chainCodes"] == path["chains"][0]
    assert path["nearCritical"] == []


def test_near_critical_days_marks_activities_within_that_float(graphql: GraphQLClient) -> None:
    path = graphql.data(CRITICAL_SET, {"nearCriticalDays": 365})["criticalPath"]

    assert path["nearCritical"] == [
        {"code": "BILDEDELING", "totalFloatDays": 365},
        {"code": "HAP-PROG", "totalFloatDays": 365},
    ]
    marked = sorted(item["code"] for item in path["activities"] if item["nearCritical"])
    assert marked == ["BILDEDELING", "HAP-PROG"]
    assert not any(item["nearCritical"] for item in path["critical"])


def test_negative_near_critical_days_is_refused(graphql: GraphQLClient) -> None:
    body = graphql.execute(CRITICAL_SET, {"nearCriticalDays": -1})

    assert body["errors"][0]["extensions"]["argument"] == "nearCriticalDays"


LATE = """
{
  lateDependencies { supplierCode dependantCode isLate slackDays supplierDate neededBy }
  initiative(code: "PLL") { dependencies { supplierCode isLate slackDays } }
}
"""


def test_late_dependencies_compare_supplier_forecast_with_needed_by(
    graphql: GraphQLClient,
) -> None:
    data = graphql.data(LATE)

    late = {(d["supplierCode"], d["dependantCode"]): d for d in data["lateDependencies"]}
    assert ("SFM-UTV", "PLL") in late
    sfm = late[("SFM-UTV", "PLL")]
    assert sfm["isLate"] is True
    assert sfm["slackDays"] < 0
    assert sfm["supplierDate"] > sfm["neededBy"]
    on_pll = {d["supplierCode"]: d for d in data["initiative"]["dependencies"]}
    assert on_pll["SFM-UTV"]["slackDays"] == sfm["slackDays"]
    assert on_pll["KJ"]["isLate"] is None


def test_filter_keeps_initiatives_waiting_on_a_late_supplier(graphql: GraphQLClient) -> None:
    late = graphql.data(LATE)["lateDependencies"]
    data = graphql.data(
        "query($f: InitiativeFilter) { initiatives(filter: $f) { nodes { code } } }",
        {"f": {"hasLateDependency": True}},
    )

    assert {n["code"] for n in data["initiatives"]["nodes"]} == {d["dependantCode"] for d in late}


def test_filter_by_propagated_level(graphql: GraphQLClient) -> None:
    data = graphql.data(
        "query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount nodes { code } } }",
        {"f": {"propagatedLevel": ["RED"]}},
    )

    assert data["initiatives"]["totalCount"] == 1
    assert data["initiatives"]["nodes"] == [{"code": "LMR"}]


IMPACT = """
query Impact($code: String!, $days: Int!) {
  impact(code: $code, slipDays: $days) {
    __typename
    ... on Impact { code slipDays finishMovedDays moved { code days newFinish }
                    newlyLate { supplierCode dependantCode slackDays } }
    ... on NotFoundError { message code }
    ... on NotScheduledError { code }
  }
}
"""

DELIVERY_IMPACT = """
query DeliveryImpact($code: String!, $days: Int!) {
  deliveryImpact(code: $code, slipDays: $days) {
    __typename
    ... on Impact { moved { code days } newlyLate { supplierCode dependantCode slackDays } }
    ... on NotFoundError { code }
  }
}
"""


def test_slipping_an_initiative_moves_itself_and_nothing_is_saved(graphql: GraphQLClient) -> None:
    before = graphql.data(SCHEDULE)["initiative"]["schedule"]
    impact = graphql.data(IMPACT, {"code": "PLL", "days": 90})["impact"]
    after = graphql.data(SCHEDULE)["initiative"]["schedule"]

    assert impact["__typename"] == "Impact"
    moved = {item["code"]: item for item in impact["moved"]}
    assert moved["PLL"]["days"] == 90
    assert before == after


def test_slipping_a_delivery_makes_only_newly_late_dependencies_late(
    graphql: GraphQLClient,
) -> None:
    # PLL-D3 is needed by HSO-RKL with 61 days to spare and by HP, already 60 days late.
    impact = graphql.data(DELIVERY_IMPACT, {"code": "PLL-D3", "days": 70})["deliveryImpact"]

    assert impact["__typename"] == "Impact"
    assert impact["newlyLate"] == [
        {"supplierCode": "PLL", "dependantCode": "HSO-RKL", "slackDays": -9}
    ]


def test_slipping_a_named_delivery_reaches_the_dependency_on_it(graphql: GraphQLClient) -> None:
    late = graphql.data(LATE)["lateDependencies"]
    dependants_of_pds_delivery = graphql.data(
        '{ initiative(code: "PPS") { dependencies { supplierCode supplierDelivery { code } '
        "slackDays } } }"
    )["initiative"]["dependencies"]
    named = next(d for d in dependants_of_pds_delivery if d["supplierDelivery"])
    slip = named["slackDays"] + 30

    impact = graphql.data(
        DELIVERY_IMPACT, {"code": named["supplierDelivery"]["code"], "days": slip}
    )["deliveryImpact"]

    assert impact["__typename"] == "Impact"
    assert (named["supplierCode"], "PPS") not in {
        (d["supplierCode"], d["dependantCode"]) for d in late
    }
    assert {(d["supplierCode"], d["dependantCode"]) for d in impact["newlyLate"]} >= {
        (named["supplierCode"], "PPS")
    }


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [(IMPACT, "impact", "NOPE"), (DELIVERY_IMPACT, "deliveryImpact", "NOPE-D9")],
)
def test_an_unknown_code_gives_a_not_found_error(
    graphql: GraphQLClient, query: str, field: str, code: str
) -> None:
    result = graphql.data(query, {"code": code, "days": 10})[field]

    assert result["__typename"] == "NotFoundError"
    assert result["code"] == code


def test_slip_days_out_of_range_are_refused_naming_them(graphql: GraphQLClient) -> None:
    body = graphql.execute(IMPACT, {"code": "PLL", "days": 100_000})

    assert body["errors"][0]["extensions"]["argument"] == "slipDays"


KEY = """
query Key($limit: Int!) {
  keyInitiatives(limit: $limit) { rank code transitiveDependants betweenness initiative { code } }
}
"""


def test_key_initiatives_are_ranked_by_transitive_dependants(graphql: GraphQLClient) -> None:
    key = graphql.data(KEY, {"limit": 5})["keyInitiatives"]

    assert [item["rank"] for item in key] == [1, 2, 3, 4, 5]
    counts = [item["transitiveDependants"] for item in key]
    assert counts == sorted(counts, reverse=True)
    assert all(item["initiative"]["code"] == item["code"] for item in key)


def test_key_initiative_limit_is_checked(graphql: GraphQLClient) -> None:
    body = graphql.execute(KEY, {"limit": 0})

    assert body["errors"][0]["extensions"]["argument"] == "limit"


GRAPH = """
query Graph($root: String, $direction: Direction!, $maxDepth: Int, $format: ExportFormat!) {
  dependencyGraph(root: $root, direction: $direction, maxDepth: $maxDepth) {
    nodes { code kind status propagatedLevel depth }
    edges { supplierCode dependantCode criticality late development }
    export(format: $format)
  }
}
"""


def graph_view(graphql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    defaults = {"root": None, "direction": "BOTH", "maxDepth": None, "format": "MERMAID"}
    result: dict[str, Any] = graphql.data(GRAPH, defaults | variables)["dependencyGraph"]
    return result


def test_graph_view_around_a_root_shows_kinds_levels_and_depths(graphql: GraphQLClient) -> None:
    view = graph_view(graphql, root="HAP-PROG", direction="DOWNSTREAM")

    nodes = {node["code"]: node for node in view["nodes"]}
    assert set(nodes) == {"HAP-PROG", "HAP", "LMR"}
    assert nodes["HAP"]["kind"] == "SOLUTION"
    assert nodes["HAP"]["propagatedLevel"] == "RED"
    assert nodes["LMR"] == {
        "code": "LMR",
        "kind": "INITIATIVE",
        "status": "GREEN",
        "propagatedLevel": "RED",
        "depth": 2,
    }
    development = [edge for edge in view["edges"] if edge["development"]]
    assert development == [
        {
            "supplierCode": "HAP-PROG",
            "dependantCode": "HAP",
            "criticality": "HIGH",
            "late": False,
            "development": True,
        }
    ]


def test_whole_portfolio_view_marks_late_edges(graphql: GraphQLClient) -> None:
    view = graph_view(graphql)

    assert len([n for n in view["nodes"] if n["kind"] == "INITIATIVE"]) == 22
    assert len([n for n in view["nodes"] if n["kind"] == "SOLUTION"]) == 19
    late = {(e["supplierCode"], e["dependantCode"]) for e in view["edges"] if e["late"]}
    assert ("SFM-UTV", "PLL") in late


@pytest.mark.parametrize(
    ("format", "marker"),
    [("GRAPHML", "<graphml"), ("GEXF", "<gexf"), ("DOT", "digraph"), ("MERMAID", "flowchart")],
)
def test_graph_view_exports_in_every_format(
    graphql: GraphQLClient, format: str, marker: str
) -> None:
    view = graph_view(graphql, root="PLL", direction="UPSTREAM", maxDepth=1, format=format)

    assert marker in view["export"]
    assert "PLL" in view["export"]


def test_graph_view_of_an_unknown_root_is_null(graphql: GraphQLClient) -> None:
    assert graphql.data(GRAPH, {"root": "NOPE", "direction": "BOTH", "format": "DOT"}) == {
        "dependencyGraph": None
    }


def test_the_seed_portfolio_has_no_dependency_cycles(graphql: GraphQLClient) -> None:
    assert graphql.data("{ dependencyCycles }") == {"dependencyCycles": []}


def test_slipping_a_solution_is_refused_as_an_error_value(graphql: GraphQLClient) -> None:
    # a solution has no dates of its own: there is no end to slip
    query = """
    query Impact($code: String!) {
      impact(code: $code, slipDays: 30) {
        __typename
        ... on Error { message }
        ... on NotScheduledError { code }
      }
    }
    """

    impact = graphql.data(query, {"code": "KJ"})["impact"]

    assert impact == {
        "__typename": "NotScheduledError",
        "message": "'KJ' has no dates, so a slip cannot be scheduled.",
        "code": "KJ",
    }


CYCLE_LATENESS = """
{
  criticalPath { __typename ... on DependencyCycleError { cycle } }
  lateDependencies { supplierCode dependantCode slackDays }
  initiative(code: "PLL") { dependencies { supplierCode isLate slackDays } }
}
"""


def test_a_stored_cycle_leaves_undecided_only_the_lateness_that_depends_on_it(
    fresh_seeded_database_url: str,
) -> None:
    # given a cycle PLL -> HP -> PLL stored behind the write path's back, the new edge
    # HP -> PLL and the edge KJ-PLO -> PLL both needed by 2020
    engine = create_sync_engine(Settings(database_url=fresh_seeded_database_url))
    needed = {"needed": date(2020, 1, 1)}
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO dependency (dependant_id, supplier_initiative_id, criticality, type,"
                " lag_days, needed_by) SELECT dependant.id, supplier.id, 'HIGH',"
                " 'FINISH_TO_START', 0, :needed FROM initiative AS dependant,"
                " initiative AS supplier WHERE dependant.code = 'PLL' AND supplier.code = 'HP'"
            ),
            needed,
        )
        connection.execute(
            sa.text(
                "UPDATE dependency SET needed_by = :needed"
                " WHERE dependant_id = (SELECT id FROM initiative WHERE code = 'PLL')"
                " AND supplier_initiative_id = (SELECT id FROM initiative WHERE code = 'KJ-PLO')"
            ),
            needed,
        )
        connection.execute(sa.text("UPDATE data_version SET version = version + 1"))
    engine.dispose()

    # when the analysis is asked for
    with TestClient(create_app(settings_for(fresh_seeded_database_url))) as http:
        data = GraphQLClient(http).data(CYCLE_LATENESS)

    # then the schedule is refused, but lateness that needs no cycle is still decided:
    # SFM-UTV -> PLL and PLL -> HP by their delivery forecasts, KJ-PLO -> PLL by KJ-PLO's
    # scheduled finish (2027-12-31); only HP -> PLL, whose supplier date is HP's finish
    # inside the cycle, is undecided
    assert data["criticalPath"]["__typename"] == "DependencyCycleError"
    assert set(data["criticalPath"]["cycle"]) == {"PLL", "HP"}
    assert [
        (item["supplierCode"], item["dependantCode"], item["slackDays"])
        for item in data["lateDependencies"]
    ] == [("KJ-PLO", "PLL", -2921), ("PLL", "HP", -60), ("SFM-UTV", "PLL", -77)]
    dependencies = {item["supplierCode"]: item for item in data["initiative"]["dependencies"]}
    assert dependencies["HP"] == {"supplierCode": "HP", "isLate": None, "slackDays": None}
    assert dependencies["KJ-PLO"]["isLate"] is True
    assert dependencies["SFM-UTV"]["isLate"] is True

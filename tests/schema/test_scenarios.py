"""Scenarios: saved bundles of changes, evaluated on a copy of the portfolio.

The demo portfolio: PPS and BILDEDELING depend on PDS with HIGH criticality, so PDS
turning RED flags them both; SFM-UTV slipping by 700 days moves the portfolio finish.
"""

from __future__ import annotations

from typing import Any

import pytest

import graph
from tests.conftest import Callers, TokenClient

RESULT = """
    __typename
    ... on Error { message }
    ... on ValidationError { problems { field message } }
    ... on NotFoundError { code }
    ... on ConflictError { currentVersion }
    ... on DependencyCycleError { cycle }
"""

SCENARIO = """
    code name version changeCount owner { code }
    changes {
      __typename
      ... on ScenarioSlip { code days }
      ... on ScenarioSetStatus { code status }
      ... on ScenarioAddDependency { supplierCode dependantCode criticality }
    }
"""

CREATE = f"""
mutation Create($input: CreateScenarioInput!) {{
  createScenario(input: $input) {{
    {RESULT}
    ... on ScenarioPayload {{ scenario {{ {SCENARIO} }} }}
  }}
}}
"""

UPDATE = f"""
mutation Update($code: String!, $input: UpdateScenarioInput!, $expectedVersion: Int) {{
  updateScenario(code: $code, input: $input, expectedVersion: $expectedVersion) {{
    {RESULT}
    ... on ScenarioPayload {{ scenario {{ {SCENARIO} }} }}
  }}
}}
"""

DELETE = f"""
mutation Delete($code: String!) {{
  deleteScenario(code: $code) {{
    {RESULT}
    ... on ScenarioPayload {{ scenario {{ code }} }}
  }}
}}
"""

EVALUATE = """
query Evaluate($code: String!) {
  scenario(code: $code) {
    code
    evaluation {
      __typename
      ... on DependencyCycleError { cycle message }
      ... on NotFoundError { code }
      ... on ScenarioEvaluation {
        finishBefore finishAfter finishMovedDays
        newlyFlaggedCount newlyFlagged { code level sourceCodes }
        noLongerFlaggedCount noLongerFlagged { code }
        movedCount moved { code days }
        lateDependencyCount lateDependencies { supplierCode dependantCode slackDays }
        riskPropagation { flaggedCount flagged { code level } }
        criticalPath { finish chainCodes }
      }
    }
  }
}
"""

REAL = """
{
  pds: initiative(code: "PDS") { status version }
  sfm: initiative(code: "SFM-UTV") { plannedStart plannedEnd forecastEnd version }
  riskPropagation { flaggedCount flagged { code level } }
  criticalPath { ... on CriticalPath { finish chainCodes } }
  lateDependencyCount
}
"""

LIST = "{ scenarioCount scenarios { code name } }"

DONE_MEANS = [
    {"setStatus": {"code": "PDS", "status": "RED"}},
    {"slip": {"code": "SFM-UTV", "days": 700}},
]


def create(client: TokenClient, code: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = client.data(
        CREATE, {"input": {"code": code, "name": f"Scenario {code}", "changes": changes}}
    )["createScenario"]
    return result


def evaluate(client: TokenClient, code: str) -> dict[str, Any]:
    result: dict[str, Any] = client.data(EVALUATE, {"code": code})["scenario"]["evaluation"]
    return result


def test_pds_red_and_sfm_utv_late_flags_pps_and_bildedeling_and_moves_the_finish(
    callers: Callers,
) -> None:
    admin, reader = callers.admin, callers.as_role("READER")
    real_before = reader.data(REAL)

    saved = create(admin, "PDS-RED", DONE_MEANS)
    evaluation = evaluate(reader, "PDS-RED")

    assert saved["__typename"] == "ScenarioPayload", saved
    assert evaluation["__typename"] == "ScenarioEvaluation", evaluation
    newly = {risk["code"]: risk for risk in evaluation["newlyFlagged"]}
    assert {"PPS", "BILDEDELING"} <= set(newly)
    assert newly["PPS"]["level"] == "RED"
    assert "PDS" in newly["PPS"]["sourceCodes"]
    assert evaluation["newlyFlaggedCount"] == len(newly)
    assert evaluation["finishAfter"] > evaluation["finishBefore"]
    assert evaluation["finishMovedDays"] > 0
    assert evaluation["finishBefore"] == real_before["criticalPath"]["finish"]
    assert evaluation["criticalPath"]["finish"] == evaluation["finishAfter"]
    assert {"code": "SFM-UTV", "days": 700} in evaluation["moved"]
    flagged = {risk["code"] for risk in evaluation["riskPropagation"]["flagged"]}
    assert {"PPS", "BILDEDELING"} <= flagged
    assert reader.data(REAL) == real_before


def test_evaluating_changes_nothing_real_on_either_side(callers: Callers) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)
    real_before = admin.data(REAL)

    first, again = evaluate(admin, "PDS-RED"), evaluate(admin, "PDS-RED")

    assert first == again
    assert admin.data(REAL) == real_before
    assert real_before["pds"]["status"] != "RED"


FINISH = """
query Finish($code: String!) {
  scenario(code: $code) { evaluation { ... on ScenarioEvaluation { finishAfter } } }
}
"""


def test_a_scenario_is_evaluated_once_per_data_version(
    callers: Callers, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)
    applied: list[str] = []
    apply_scenario = graph.apply_scenario

    def counted(*args: Any, **kwargs: Any) -> Any:
        applied.append("applied")
        return apply_scenario(*args, **kwargs)

    monkeypatch.setattr(graph, "apply_scenario", counted)

    evaluate(admin, "PDS-RED")
    admin.data(FINISH, {"code": "PDS-RED"})  # another document: no response cache between
    once = len(applied)
    create(admin, "OTHER", [])  # any write moves the data version
    admin.data(FINISH, {"code": "PDS-RED"})

    assert once == 1
    assert len(applied) == 2


def test_saving_a_scenario_moves_the_analysis_on_without_rebuilding_the_graph(
    callers: Callers,
) -> None:
    admin = callers.admin
    cache = callers.http.app.state.analysis_cache  # type: ignore[attr-defined]
    admin.data(REAL)  # the analysis of the current version is built
    builds, advances = cache.builds, cache.advances

    create(admin, "PDS-RED", DONE_MEANS)
    evaluation = evaluate(admin, "PDS-RED")

    assert evaluation["__typename"] == "ScenarioEvaluation"
    assert (cache.builds, cache.advances) == (builds, advances + 1)


def test_a_scenario_is_a_node_for_signed_in_callers(callers: Callers) -> None:
    create(callers.admin, "PDS-RED", DONE_MEANS)
    found = callers.as_role("READER").data('{ scenario(code: "PDS-RED") { id } }')["scenario"]
    query = "query($id: ID!) { node(id: $id) { __typename ... on Scenario { code } } }"

    by_reader = callers.as_role("READER").data(query, {"id": found["id"]})["node"]
    by_anonymous = callers.anonymous.data(query, {"id": found["id"]})["node"]

    assert by_reader == {"__typename": "Scenario", "code": "PDS-RED"}
    assert by_anonymous is None


def test_a_scenario_lists_its_changes_in_order_and_is_listed(callers: Callers) -> None:
    admin = callers.admin

    saved = create(admin, "PDS-RED", DONE_MEANS)["scenario"]

    assert saved["changes"] == [
        {"__typename": "ScenarioSetStatus", "code": "PDS", "status": "RED"},
        {"__typename": "ScenarioSlip", "code": "SFM-UTV", "days": 700},
    ]
    assert (saved["version"], saved["changeCount"], saved["owner"]) == (1, 2, None)
    assert admin.data(LIST) == {
        "scenarioCount": 1,
        "scenarios": [{"code": "PDS-RED", "name": "Scenario PDS-RED"}],
    }


def test_a_dependency_that_would_close_a_cycle_is_refused_with_the_cycle(
    callers: Callers,
) -> None:
    # PPS depends on PDS (HIGH): PDS depending on PPS closes PDS -> PPS -> PDS.
    refused = create(
        callers.admin, "CYCLE", [{"addDependency": {"dependant": "PDS", "supplier": "PPS"}}]
    )

    assert refused["__typename"] == "DependencyCycleError", refused
    assert refused["cycle"] == ["PDS", "PPS", "PDS"]
    assert callers.admin.data(LIST)["scenarioCount"] == 0


def test_evaluation_reports_a_cycle_that_real_changes_closed_since_saving(
    callers: Callers,
) -> None:
    admin = callers.admin
    saved = create(admin, "LMR-HP", [{"addDependency": {"dependant": "LMR", "supplier": "HP"}}])
    added = admin.data(
        """mutation { addDependency(input: {dependant: "HP", supplier: "LMR"}) { __typename } }"""
    )

    evaluation = evaluate(admin, "LMR-HP")

    assert saved["__typename"] == "ScenarioPayload", saved
    assert added["addDependency"]["__typename"] == "DependencyPayload"
    assert evaluation["__typename"] == "DependencyCycleError", evaluation
    assert evaluation["cycle"] == ["LMR", "HP", "LMR"]


def test_a_change_giving_two_kinds_is_refused_before_anything_is_written(
    callers: Callers,
) -> None:
    both = {"slip": {"code": "PDS", "days": 3}, "setStatus": {"code": "PDS", "status": "RED"}}

    body = callers.admin.execute(
        CREATE, {"input": {"code": "TWO", "name": "To endringer", "changes": [both]}}
    )

    assert "errors" in body, body
    assert "data" not in body or body["data"] is None
    assert callers.admin.data(LIST)["scenarioCount"] == 0


def test_changes_naming_unknown_codes_or_bad_values_are_refused_field_by_field(
    callers: Callers,
) -> None:
    refused = create(
        callers.admin,
        "BAD",
        [
            {"slip": {"code": "NOPE", "days": 3}},
            {"slip": {"code": "PDS", "days": 99_999}},
            {"setDates": {"code": "PDS", "plannedStart": "2027-01-01", "plannedEnd": "2026-01-01"}},
            {"removeDependency": {"dependant": "PDS", "supplier": "NOWHERE"}},
        ],
    )

    assert refused["__typename"] == "ValidationError", refused
    assert [problem["field"] for problem in refused["problems"]] == [
        "changes[0].slip.code",
        "changes[1].slip.days",
        "changes[2].setDates.plannedEnd",
        "changes[3].removeDependency.supplier",
    ]


def test_a_refusal_speaks_bokmal_when_asked(callers: Callers) -> None:
    response = callers.http.post(
        "/graphql",
        json={
            "query": CREATE,
            "variables": {
                "input": {
                    "code": "BAD",
                    "name": "Feil",
                    "changes": [{"slip": {"code": "NOPE", "days": 3}}],
                }
            },
        },
        headers={"Authorization": f"Bearer {callers.admin.token}", "Accept-Language": "nb"},
    )

    problem = response.json()["data"]["createScenario"]["problems"][0]
    assert problem == {
        "field": "changes[0].slip.code",
        "message": "angir ikke noe tatt opp tiltak 'NOPE'.",
    }


def test_a_scenario_code_is_taken_once(callers: Callers) -> None:
    create(callers.admin, "PDS-RED", DONE_MEANS)

    again = create(callers.admin, "PDS-RED", DONE_MEANS)

    assert again["__typename"] == "ValidationError"
    assert again["problems"][0]["field"] == "code"


def test_update_replaces_the_changes_and_the_evaluation_follows(callers: Callers) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)

    updated = admin.data(
        UPDATE,
        {
            "code": "PDS-RED",
            "input": {"name": "Bare PDS", "changes": [DONE_MEANS[0]]},
            "expectedVersion": 1,
        },
    )["updateScenario"]
    evaluation = evaluate(admin, "PDS-RED")

    assert updated["__typename"] == "ScenarioPayload", updated
    assert (updated["scenario"]["name"], updated["scenario"]["version"]) == ("Bare PDS", 2)
    assert updated["scenario"]["changeCount"] == 1
    assert evaluation["finishMovedDays"] == 0
    assert {"PPS", "BILDEDELING"} <= {risk["code"] for risk in evaluation["newlyFlagged"]}


def test_update_with_a_stale_version_is_a_conflict(callers: Callers) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)

    stale = admin.data(UPDATE, {"code": "PDS-RED", "input": {"name": "Ny"}, "expectedVersion": 7})[
        "updateScenario"
    ]

    assert stale["__typename"] == "ConflictError"
    assert stale["currentVersion"] == 1


def test_delete_answers_the_scenario_as_it_was_and_it_is_gone(callers: Callers) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)

    deleted = admin.data(DELETE, {"code": "PDS-RED"})["deleteScenario"]
    missing = admin.data(DELETE, {"code": "PDS-RED"})["deleteScenario"]

    assert deleted == {"__typename": "ScenarioPayload", "scenario": {"code": "PDS-RED"}}
    assert missing["__typename"] == "NotFoundError"
    assert admin.data(LIST)["scenarioCount"] == 0


def test_a_reporter_saves_for_its_organisation_and_changes_only_its_own(
    callers: Callers,
) -> None:
    nhn, hdir = callers.as_role("REPORTER", "NHN"), callers.as_role("REPORTER", "HDIR")

    # NHN may name HDIR's PDS: a scenario never changes the real initiative.
    saved = create(nhn, "NHN-1", DONE_MEANS)
    renamed_by_hdir = hdir.data(UPDATE, {"code": "NHN-1", "input": {"name": "Ikke din"}})
    deleted_by_hdir = hdir.data(DELETE, {"code": "NHN-1"})
    renamed_by_nhn = nhn.data(UPDATE, {"code": "NHN-1", "input": {"name": "Vår"}})
    renamed_by_admin = callers.admin.data(UPDATE, {"code": "NHN-1", "input": {"name": "Kontoret"}})

    assert saved["scenario"]["owner"] == {"code": "NHN"}
    assert renamed_by_hdir["updateScenario"]["__typename"] == "PermissionDeniedError"
    assert deleted_by_hdir["deleteScenario"]["__typename"] == "PermissionDeniedError"
    assert renamed_by_nhn["updateScenario"]["__typename"] == "ScenarioPayload"
    assert renamed_by_admin["updateScenario"]["__typename"] == "ScenarioPayload"


def test_readers_evaluate_but_do_not_save_and_anonymous_callers_see_none(
    callers: Callers,
) -> None:
    reader = callers.as_role("READER")
    create(callers.admin, "PDS-RED", DONE_MEANS)

    refused = create(reader, "MINE", DONE_MEANS)
    evaluation = evaluate(reader, "PDS-RED")
    anonymous = callers.anonymous.data(
        '{ scenarioCount scenarios { code } scenario(code: "PDS-RED") { code } }'
    )

    assert refused["__typename"] == "PermissionDeniedError"
    assert evaluation["__typename"] == "ScenarioEvaluation"
    assert anonymous == {"scenarioCount": 0, "scenarios": [], "scenario": None}


COMPARED = """
query Compared($code: String!) {
  scenario(code: $code) {
    evaluation {
      ... on ScenarioEvaluation {
        finishBefore finishAfter
        comparedToCurrent {
          from to
          statusChanges { initiative { code } before after }
          propagationChanges { initiative { code } before after sources { code } }
          dependenciesAdded { dependant { code } supplierCode criticality }
          dependenciesRemoved { dependant { code } supplierCode }
          criticalPathChange { finishBefore finishAfter changed }
          deliverySlips { delivery { code } }
        }
      }
    }
  }
}
"""


def test_compared_to_current_is_the_portfolio_changes_from_now_to_the_scenario(
    callers: Callers,
) -> None:
    admin = callers.admin
    create(admin, "PDS-RED", DONE_MEANS)

    evaluation = admin.data(COMPARED, {"code": "PDS-RED"})["scenario"]["evaluation"]
    changes = evaluation["comparedToCurrent"]

    assert (changes["from"], changes["to"]) == (None, "PDS-RED")
    assert {"initiative": {"code": "PDS"}, "before": "YELLOW", "after": "RED"} in changes[
        "statusChanges"
    ]
    moved = {item["initiative"]["code"]: item for item in changes["propagationChanges"]}
    assert {"PPS", "BILDEDELING"} <= set(moved)
    assert moved["PPS"]["after"] == "RED"
    assert {"code": "PDS"} in moved["PPS"]["sources"]
    critical = changes["criticalPathChange"]
    assert critical["changed"] is True
    assert (critical["finishBefore"], critical["finishAfter"]) == (
        evaluation["finishBefore"],
        evaluation["finishAfter"],
    )
    assert changes["deliverySlips"] == []  # a scenario moves initiatives, not deliveries


def test_compared_to_current_names_the_dependencies_a_scenario_adds_and_removes(
    callers: Callers,
) -> None:
    admin = callers.admin
    create(
        admin,
        "EDGES",
        [
            {"removeDependency": {"dependant": "PPS", "supplier": "PDS"}},
            {"addDependency": {"dependant": "KULE", "supplier": "LMR", "criticality": "LOW"}},
        ],
    )

    changes = admin.data(COMPARED, {"code": "EDGES"})["scenario"]["evaluation"]["comparedToCurrent"]

    assert changes["dependenciesRemoved"] == [{"dependant": {"code": "PPS"}, "supplierCode": "PDS"}]
    assert changes["dependenciesAdded"] == [
        {"dependant": {"code": "KULE"}, "supplierCode": "LMR", "criticality": "LOW"}
    ]
    assert changes["statusChanges"] == []

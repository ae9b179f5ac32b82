"""Later fields of one mutation document see what the earlier fields wrote."""

from __future__ import annotations

from typing import Any

from tests.conftest import Callers

CHAINS = """
fragment Chains on Initiative {
  code
  upstream { code }
  downstream { code }
  propagatedRisk { level sourceCodes }
}
"""

ADD_THEN_REMOVE = f"""
mutation AddThenRemove($dependency: AddDependencyInput!, $removal: RemoveDependencyInput!) {{
  add: addDependency(input: $dependency) {{
    __typename
    ... on DependencyPayload {{
      dependency {{ dependant {{ ...Chains }} supplier {{ ... on Initiative {{ ...Chains }} }} }}
    }}
  }}
  remove: removeDependency(input: $removal) {{
    __typename
    ... on RemoveDependencyPayload {{ dependant {{ ...Chains }} }}
  }}
}}
{CHAINS}
"""

REMOVE_THEN_ADD = f"""
mutation RemoveThenAdd($removal: RemoveDependencyInput!, $dependency: AddDependencyInput!) {{
  remove: removeDependency(input: $removal) {{
    __typename
    ... on RemoveDependencyPayload {{ dependant {{ ...Chains }} }}
  }}
  add: addDependency(input: $dependency) {{
    __typename
    ... on DependencyPayload {{
      dependency {{ dependant {{ ...Chains }} supplier {{ ... on Initiative {{ ...Chains }} }} }}
    }}
  }}
}}
{CHAINS}
"""

RENAME_THEN_POSTPONE = """
mutation RenameThenPostpone(
  $code: String!, $rename: UpdateInitiativeInput!, $postpone: UpdateInitiativeInput!
) {
  rename: updateInitiative(code: $code, expectedVersion: 1, input: $rename) {
    __typename
    ... on InitiativePayload { initiative { name version forecastEnd schedule { earliestFinish } } }
  }
  postpone: updateInitiative(code: $code, expectedVersion: 2, input: $postpone) {
    __typename
    ... on InitiativePayload { initiative { name version forecastEnd schedule { earliestFinish } } }
  }
}
"""

GREEN_THEN_RED = """
mutation GreenThenRed($green: SubmitStatusReportInput!, $red: SubmitStatusReportInput!) {
  green: submitStatusReport(input: $green) { ...Reported }
  red: submitStatusReport(input: $red) { ...Reported }
}

fragment Reported on StatusReportResult {
  __typename
  ... on StatusReportPayload {
    report { revision status }
    initiative {
      status
      downstream(maxDepth: 1) {
        node { ... on Initiative { code propagatedRisk { level sourceCodes } } }
      }
    }
  }
}
"""

# SFM-UTV (COORDINATE) supplies PLL with a HIGH dependency.
SFM_UTV_REPORT = {
    "initiative": "SFM-UTV",
    "status": "GREEN",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Utprøving i kommunene.",
    "dependenciesConfirmed": True,
}


def _codes(chain: list[dict[str, Any]]) -> set[str]:
    return {node["code"] for node in chain}


def test_a_removal_sees_the_dependency_added_earlier_in_the_document(callers: Callers) -> None:
    # HP is RED in the current period; DHV does not depend on it yet.
    link = {"dependant": "DHV", "supplier": "HP"}

    result = callers.admin.data(
        ADD_THEN_REMOVE, {"dependency": {**link, "criticality": "HIGH"}, "removal": link}
    )

    added, removed = result["add"], result["remove"]
    assert added["__typename"] == "DependencyPayload"
    assert "HP" in _codes(added["dependency"]["dependant"]["upstream"])
    assert added["dependency"]["dependant"]["propagatedRisk"] == {
        "level": "RED",
        "sourceCodes": ["HP"],
    }
    assert "DHV" in _codes(added["dependency"]["supplier"]["downstream"])
    assert removed["__typename"] == "RemoveDependencyPayload"
    assert "HP" not in _codes(removed["dependant"]["upstream"])
    assert removed["dependant"]["propagatedRisk"] is None


def test_an_addition_sees_the_dependency_removed_earlier_in_the_document(
    callers: Callers,
) -> None:
    link = {"dependant": "PLL", "supplier": "KJ-PLO"}

    result = callers.admin.data(
        REMOVE_THEN_ADD, {"removal": link, "dependency": {**link, "criticality": "HIGH"}}
    )

    removed, added = result["remove"], result["add"]
    assert removed["__typename"] == "RemoveDependencyPayload"
    assert "KJ-PLO" not in _codes(removed["dependant"]["upstream"])
    assert added["__typename"] == "DependencyPayload"
    assert "KJ-PLO" in _codes(added["dependency"]["dependant"]["upstream"])
    assert {"PLL", "HP", "LMR"} <= _codes(added["dependency"]["supplier"]["downstream"])


def test_a_second_update_sees_the_first_and_its_own_schedule(callers: Callers) -> None:
    result = callers.admin.data(
        RENAME_THEN_POSTPONE,
        {
            "code": "BILDEDELING",
            "rename": {"name": "Bildedeling i sektoren"},
            "postpone": {"forecastEnd": "2030-06-30"},
        },
    )

    renamed, postponed = result["rename"], result["postpone"]
    assert renamed["__typename"] == postponed["__typename"] == "InitiativePayload"
    assert renamed["initiative"]["schedule"]["earliestFinish"] == "2028-12-31"
    assert postponed["initiative"] == {
        "name": "Bildedeling i sektoren",
        "version": 3,
        "forecastEnd": "2030-06-30",
        "schedule": {"earliestFinish": "2030-06-30"},
    }


def test_a_second_report_sees_its_status_propagate_in_the_same_document(
    callers: Callers,
) -> None:
    red = {**SFM_UTV_REPORT, "status": "RED", "statusReason": "Leverandør har trukket seg."}

    result = callers.admin.data(GREEN_THEN_RED, {"green": SFM_UTV_REPORT, "red": red})

    green, red_result = result["green"], result["red"]
    assert green["__typename"] == red_result["__typename"] == "StatusReportPayload"
    assert red_result["report"]["revision"] == green["report"]["revision"] + 1
    assert (green["initiative"]["status"], red_result["initiative"]["status"]) == ("GREEN", "RED")
    dependants = {
        chain["node"]["code"]: chain["node"]["propagatedRisk"]
        for chain in red_result["initiative"]["downstream"]
        if chain["node"].get("code")
    }
    assert dependants["PLL"] == {"level": "RED", "sourceCodes": ["SFM-UTV"]}
    before = {
        chain["node"]["code"]: chain["node"]["propagatedRisk"]
        for chain in green["initiative"]["downstream"]
        if chain["node"].get("code")
    }
    assert before["PLL"] is None

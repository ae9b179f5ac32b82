"""``portfolioChanges`` and baselines over GraphQL, on the demo portfolio and its rounds.

The seed's four rounds (2025-1, 2025-2, 2026-1, 2026-2) keep an illustrative history:
Helseplattformen went from YELLOW to RED, its deliveries slipped, Bildedeling came to
depend on Program digital samhandling in 2025-2 and Digital patologi gave up Datadeling
in 2026-1.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Callers, GraphQLClient

CHANGES = """
query Changes($from: String!, $to: String) {
  portfolioChanges(from: $from, to: $to) {
    from to
    statusChanges { initiative { code } before after }
    riskChanges { initiative { code } before after }
    addedInitiatives { code }
    removedInitiatives { code }
    segmentChanges { initiative { code } before after }
    phaseChanges { initiative { code } before after }
    deliverySlips { delivery { code initiative { code } } forecastBefore forecastAfter days }
    dependenciesAdded {
      dependant { code } supplierCode criticality
      supplier { __typename ... on Initiative { code } ... on Solution { code } }
    }
    dependenciesRemoved { dependant { code } supplierCode }
    propagationChanges { initiative { code } before after sources { code } }
    lateChanges { dependant { code } supplierCode slackBefore slackAfter becameLate }
    criticalPathChange { finishBefore finishAfter finishMovedDays changed
                         chainBefore { code } chainAfter { code } }
  }
}
"""

CREATE_BASELINE = """
mutation($input: CreateBaselineInput!) {
  createBaseline(input: $input) {
    __typename
    ... on BaselinePayload { baseline { code name version period { code } } }
    ... on ValidationError { problems { field message } }
  }
}
"""


def _changes(client: GraphQLClient, source: str, target: str | None) -> dict[str, Any]:
    changes: dict[str, Any] = client.data(CHANGES, {"from": source, "to": target})[
        "portfolioChanges"
    ]
    return changes


def _by_initiative(items: list[dict[str, Any]]) -> dict[str, tuple[Any, Any]]:
    return {item["initiative"]["code"]: (item["before"], item["after"]) for item in items}


def test_from_the_first_round_to_the_current_helseplattformen_turned_red_and_slipped(
    graphql: GraphQLClient,
) -> None:
    changes = _changes(graphql, "2025-1", "2026-2")

    assert (changes["from"], changes["to"]) == ("2025-1", "2026-2")
    assert _by_initiative(changes["statusChanges"])["HP"] == ("YELLOW", "RED")
    slips = {slip["delivery"]["code"]: slip for slip in changes["deliverySlips"]}
    assert slips["HP-D3"]["forecastBefore"] == "2026-06-30"
    assert slips["HP-D3"]["forecastAfter"] == "2027-03-31"
    assert slips["HP-D3"]["days"] == 274
    assert slips["HP-D3"]["delivery"]["initiative"]["code"] == "HP"
    assert [slip["days"] for slip in changes["deliverySlips"]] == sorted(
        (slip["days"] for slip in changes["deliverySlips"]), reverse=True
    )


def test_dependencies_added_and_removed_between_rounds_are_listed_with_their_ends(
    graphql: GraphQLClient,
) -> None:
    changes = _changes(graphql, "2025-1", "2026-2")

    assert changes["dependenciesAdded"] == [
        {
            "dependant": {"code": "BILDEDELING"},
            "supplierCode": "PDS",
            "criticality": "HIGH",
            "supplier": {"__typename": "Initiative", "code": "PDS"},
        }
    ]
    assert changes["dependenciesRemoved"] == [
        {"dependant": {"code": "DIGPAT"}, "supplierCode": "DATADELING"}
    ]


def test_the_analysis_of_each_round_is_compared_propagation_late_and_critical_path(
    graphql: GraphQLClient,
) -> None:
    changes = _changes(graphql, "2025-1", "2026-2")

    # HAP-PROG turned RED in 2026-1 and reaches Legemiddelregisteret through HAP.
    assert {
        item["initiative"]["code"]: (item["before"], item["after"], item["sources"])
        for item in changes["propagationChanges"]
    }["LMR"] == (None, "RED", [{"code": "HAP-PROG"}])
    # PLL-D3 slipped past 1 September 2026, when Helseplattformen needs it.
    late = {
        (item["supplierCode"], item["dependant"]["code"]): item for item in changes["lateChanges"]
    }
    assert late[("PLL", "HP")]["becameLate"] is True
    assert late[("PLL", "HP")]["slackBefore"] is None
    assert late[("PLL", "HP")]["slackAfter"] == -60
    path = changes["criticalPathChange"]
    assert path["changed"] is True
    assert [item["code"] for item in path["chainAfter"]] == ["HP"]


def test_the_current_round_compared_with_now_has_no_changes(graphql: GraphQLClient) -> None:
    changes = _changes(graphql, "2026-2", None)

    lists = {key: value for key, value in changes.items() if isinstance(value, list)}
    assert all(value == [] for value in lists.values()), lists
    assert changes["criticalPathChange"]["changed"] is False
    assert changes["to"] is None


def test_phase_changes_come_from_what_each_round_knew(graphql: GraphQLClient) -> None:
    changes = _changes(graphql, "2025-2", "2026-1")

    assert _by_initiative(changes["phaseChanges"])["UNGDOM-13-15"] == ("CONCEPT", "PLANNING")


def test_each_list_takes_first(graphql: GraphQLClient) -> None:
    body = graphql.data(
        """{ portfolioChanges(from: "2025-1") {
               deliverySlips(first: 2) { days } statusChanges(first: 1) { before } } }"""
    )["portfolioChanges"]

    assert (len(body["deliverySlips"]), len(body["statusChanges"])) == (2, 1)


def test_an_unknown_round_or_baseline_is_the_callers_error_naming_the_argument(
    graphql: GraphQLClient,
) -> None:
    body = graphql.execute(CHANGES, {"from": "2025-1", "to": "1999-9"})

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["argument"] == "to"


def test_a_baseline_freezes_the_portfolio_and_later_writes_show_against_it(
    callers: Callers,
) -> None:
    office = callers.admin
    made = office.data(CREATE_BASELINE, {"input": {"code": "NUIT-2026", "name": "Før NUIT"}})
    baseline = made["createBaseline"]["baseline"]
    assert (baseline["code"], baseline["period"]["code"]) == ("NUIT-2026", "2026-2")

    moved = office.data(
        """mutation($input: UpsertDeliveryInput!) {
             upsertDelivery(input: $input) { __typename } }""",
        {
            "input": {
                "initiative": "PLL",
                "code": "PLL-D4",
                "name": "Utprøving",
                "baselineDate": "2026-09-30",
                "forecastDate": "2026-12-31",
                "status": "DELAYED",
            }
        },
    )
    assert moved["upsertDelivery"]["__typename"] == "DeliveryPayload"

    changes = _changes(office, "NUIT-2026", None)
    assert [(slip["delivery"]["code"], slip["days"]) for slip in changes["deliverySlips"]] == [
        ("PLL-D4", 92)
    ]
    listed = office.data("{ baselines { code name } }")["baselines"]
    assert listed == [{"code": "NUIT-2026", "name": "Før NUIT"}]


def test_a_baseline_may_not_take_a_rounds_code(callers: Callers) -> None:
    body = callers.admin.data(CREATE_BASELINE, {"input": {"code": "2026-1", "name": "Januar"}})

    assert body["createBaseline"]["__typename"] == "ValidationError"
    assert [problem["field"] for problem in body["createBaseline"]["problems"]] == ["code"]


def test_a_deleted_baseline_can_no_longer_be_compared(callers: Callers) -> None:
    office = callers.admin
    office.data(CREATE_BASELINE, {"input": {"code": "B-1", "name": "Midlertidig"}})

    deleted = office.data(
        """mutation { deleteBaseline(code: "B-1") {
             __typename ... on DeleteBaselinePayload { code } } }"""
    )
    body = office.execute(CHANGES, {"from": "B-1"})

    assert deleted["deleteBaseline"] == {"__typename": "DeleteBaselinePayload", "code": "B-1"}
    assert body["errors"][0]["extensions"]["argument"] == "from"


def test_an_unknown_code_and_a_taken_baseline_code_are_said_in_bokmal(callers: Callers) -> None:
    headers = {"Accept-Language": "nb"}
    unknown = callers.http.post(
        "/graphql", json={"query": CHANGES, "variables": {"from": "1999-9"}}, headers=headers
    ).json()
    taken = callers.admin.http.post(
        "/graphql",
        json={"query": CREATE_BASELINE, "variables": {"input": {"code": "2026-1", "name": "X"}}},
        headers={**headers, "Authorization": f"Bearer {callers.admin.token}"},
    ).json()

    assert unknown["errors"][0]["message"] == (
        "Det finnes ingen rapporteringsrunde eller referansepunkt '1999-9'."
    )
    assert taken["data"]["createBaseline"]["problems"] == [
        {
            "field": "code",
            "message": "'2026-1' er allerede koden til et referansepunkt eller en"
            " rapporteringsrunde.",
        }
    ]

"""`initiatives`: every filter, Relay pagination and its edges."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQLClient

INITIATIVES = """
query Initiatives($filter: InitiativeFilter, $first: Int, $after: String) {
  initiatives(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code } }
  }
}
"""

STATUS_IN_PERIOD = """
query Status($period: String) {
  initiatives(first: 100) { nodes { code status(period: $period) riskLevel(period: $period) } }
}
"""


def codes(graphql: GraphQLClient, filter: dict[str, Any]) -> set[str]:
    data = graphql.data(INITIATIVES, {"filter": filter, "first": 100})["initiatives"]
    found = {edge["node"]["code"] for edge in data["edges"]}
    assert data["totalCount"] == len(found)
    return found


def test_unfiltered_list_holds_the_whole_seed_portfolio(graphql: GraphQLClient) -> None:
    assert len(codes(graphql, {})) == 22


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"segment": ["OBSERVE"]}, {"HSO-RKL", "KULE", "LMR", "DIGPAT", "BILDEDELING"}),
        ({"phase": ["CONCEPT"]}, {"BILDEDELING"}),
        ({"phase": ["CLOSURE", "BENEFITS_REALISATION"]}, {"FKJ", "PERSONTJ-HELSE"}),
        ({"state": ["PAUSED"]}, {"HAP-PROG"}),
        ({"owner": ["KS"]}, {"FKJ", "DIGIHELSE"}),
        ({"owner": ["HN", "HV"]}, {"DPN", "UNGDOM-13-15", "KULE"}),
        ({"status": ["RED"]}, {"HP", "HAP-PROG"}),
        ({"riskLevel": ["RED"]}, {"PDS", "HP", "HAP-PROG"}),
        ({"status": ["RED"], "riskLevel": ["RED"]}, {"HP", "HAP-PROG"}),
        ({"search": "legemiddel"}, {"PLL", "KULE", "LMR"}),
        ({"search": "hso-"}, {"HSO-RKL", "HSO-TIMER"}),
        ({"search": "100%_"}, set()),
        ({"segment": ["CO_GOVERN"], "owner": ["NHN"]}, {"PPS"}),
    ],
)
def test_filters_narrow_the_list(
    graphql: GraphQLClient, filter: dict[str, Any], expected: set[str]
) -> None:
    assert codes(graphql, filter) == expected


def test_goal_filter_matches_main_and_supporting_goals(graphql: GraphQLClient) -> None:
    everything = graphql.data(
        "{ initiatives(first: 100) { nodes { code mainGoal { number } "
        "supportingGoals { number } } } }"
    )["initiatives"]["nodes"]
    expected = {
        i["code"]
        for i in everything
        if i["mainGoal"]["number"] == 3 or 3 in {g["number"] for g in i["supportingGoals"]}
    }

    assert expected
    assert codes(graphql, {"goal": 3}) == expected


def test_sdg_filter_matches_initiatives_naming_the_sdg(graphql: GraphQLClient) -> None:
    everything = graphql.data(
        "{ initiatives(first: 100) { nodes { code sustainableDevelopmentGoals { number } } } }"
    )["initiatives"]["nodes"]
    expected = {
        i["code"]
        for i in everything
        if 17 in {g["number"] for g in i["sustainableDevelopmentGoals"]}
    }

    assert expected
    assert codes(graphql, {"sdg": 17}) == expected


def test_status_filter_uses_the_period_asked_for(graphql: GraphQLClient) -> None:
    then = graphql.data(STATUS_IN_PERIOD, {"period": "2025-1"})["initiatives"]["nodes"]
    yellow_then = {i["code"] for i in then if i["status"] == "YELLOW"}

    assert yellow_then
    assert codes(graphql, {"status": ["YELLOW"], "period": "2025-1"}) == yellow_then


def test_status_of_an_earlier_period_differs_for_a_worsening_initiative(
    graphql: GraphQLClient,
) -> None:
    then = graphql.data(STATUS_IN_PERIOD, {"period": "2025-1"})["initiatives"]["nodes"]
    now = graphql.data(STATUS_IN_PERIOD, {"period": None})["initiatives"]["nodes"]

    hp_then = next(i for i in then if i["code"] == "HP")
    hp_now = next(i for i in now if i["code"] == "HP")
    assert hp_now["status"] == "RED"
    assert hp_then["status"] != "RED"


def test_pages_walk_the_whole_list_once_in_code_order(graphql: GraphQLClient) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = graphql.data(INITIATIVES, {"first": 5, "after": after})["initiatives"]
        pages += 1
        seen += [edge["node"]["code"] for edge in page["edges"]]
        assert page["totalCount"] == 22
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]

    assert pages == 5
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 22


def test_a_page_exactly_as_large_as_the_list_has_no_next_page(graphql: GraphQLClient) -> None:
    page = graphql.data(INITIATIVES, {"first": 22})["initiatives"]

    assert len(page["edges"]) == 22
    assert page["pageInfo"]["hasNextPage"] is False


def test_a_page_after_the_last_cursor_is_empty(graphql: GraphQLClient) -> None:
    last = graphql.data(INITIATIVES, {"first": 22})["initiatives"]["pageInfo"]["endCursor"]
    page = graphql.data(INITIATIVES, {"first": 5, "after": last})["initiatives"]

    assert page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize("first", [0, -1, 501])
def test_page_size_outside_the_limits_is_refused_naming_first(
    graphql: GraphQLClient, first: int
) -> None:
    body = graphql.execute(INITIATIVES, {"first": first})

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}
    assert "between 1 and 500" in error["message"]


def test_a_cursor_that_is_not_ours_is_refused_naming_after(graphql: GraphQLClient) -> None:
    body = graphql.execute(INITIATIVES, {"first": 5, "after": "not-a-cursor"})

    (error,) = body["errors"]
    assert error["extensions"]["argument"] == "after"


def test_an_unknown_period_in_the_filter_is_refused_naming_it(graphql: GraphQLClient) -> None:
    body = graphql.execute(INITIATIVES, {"filter": {"status": ["RED"], "period": "1999-9"}})

    (error,) = body["errors"]
    assert error["extensions"]["argument"] == "filter.period"
    assert "1999-9" in error["message"]


def test_an_unknown_enum_value_is_a_validation_error_naming_it(graphql: GraphQLClient) -> None:
    body = graphql.execute(INITIATIVES, {"filter": {"segment": ["SOMETHING"]}})

    (error,) = body["errors"]
    assert "SOMETHING" in error["message"]
    assert "segment" in error["message"]

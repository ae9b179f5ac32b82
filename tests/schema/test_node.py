"""Relay: every object refetches through `node(id)` by its global id."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient

IDS = """
{
  initiative(code: "PLL") {
    id
    owner { id }
    deliveries { id }
    risks { id }
    latestReport { id }
    dependencies { id }
    mainGoal { id }
    sustainableDevelopmentGoals { id }
  }
  solution(code: "KJ") { id }
  currentPeriod { id }
}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { __typename id } }
"""


def test_every_global_id_refetches_its_own_object(graphql: GraphQLClient) -> None:
    data = graphql.data(IDS)
    initiative = data["initiative"]
    ids = {
        "Initiative": initiative["id"],
        "Organisation": initiative["owner"]["id"],
        "Delivery": initiative["deliveries"][0]["id"],
        "Risk": initiative["risks"][0]["id"],
        "StatusReport": initiative["latestReport"]["id"],
        "Dependency": initiative["dependencies"][0]["id"],
        "StrategicGoal": initiative["mainGoal"]["id"],
        "SustainableDevelopmentGoal": initiative["sustainableDevelopmentGoals"][0]["id"],
        "Solution": data["solution"]["id"],
        "ReportingPeriod": data["currentPeriod"]["id"],
    }

    for type_name, global_id in ids.items():
        node = graphql.data(NODE, {"id": global_id})["node"]
        assert node == {"__typename": type_name, "id": global_id}


def test_node_fields_resolve_through_fragments(graphql: GraphQLClient) -> None:
    global_id = graphql.data('{ initiative(code: "HP") { id } }')["initiative"]["id"]

    node = graphql.data(
        "query($id: ID!) { node(id: $id) { ... on Initiative { code owner { code } } } }",
        {"id": global_id},
    )["node"]

    assert node == {"code": "HP", "owner": {"code": "HMN"}}


@pytest.mark.parametrize(
    "global_id",
    ["SW5pdGlhdGl2ZTpOT1BF", "VW5rbm93blR5cGU6WA==", "UmlzazpOT1BF"],
    ids=["unknown initiative code", "unknown type", "unknown risk code"],
)
def test_a_well_formed_id_of_nothing_gives_null(graphql: GraphQLClient, global_id: str) -> None:
    assert graphql.data(NODE, {"id": global_id}) == {"node": None}


@pytest.mark.parametrize("global_id", ["%%%", "bm8tY29sb24=", ""])
def test_a_malformed_id_is_refused_naming_id(graphql: GraphQLClient, global_id: str) -> None:
    body = graphql.execute(NODE, {"id": global_id})

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id"}

"""``search``: full-text search over the demo portfolio, the same answers on both backends.

The expected hits are written out, so the SQLite run and the PostgreSQL run of these
tests prove the two indexes answer alike for the seed's words.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import GraphQLClient

SEARCH = """
query($text: String!, $first: Int, $after: String) {
  search(text: $text, first: $first, after: $after) {
    edges { cursor }
    nodes {
      initiative { code name }
      field
      snippet
      snippetParts { text match }
      rank
    }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


def _search(graphql: GraphQLClient, text: str, **variables: Any) -> dict[str, Any]:
    page: dict[str, Any] = graphql.data(SEARCH, {"text": text, **variables})["search"]
    return page


def _hits(graphql: GraphQLClient, text: str) -> list[tuple[str, str]]:
    nodes = _search(graphql, text, first=100)["nodes"]
    return [(node["initiative"]["code"], node["field"]) for node in nodes]


def test_a_word_of_pps_purpose_finds_pps(graphql: GraphQLClient) -> None:
    (hit,) = _search(graphql, "radiologisvar")["nodes"]

    assert hit["initiative"]["code"] == "PPS"
    assert hit["field"] == "PURPOSE"
    assert "radiologisvar" in hit["snippet"]
    assert {"text": "radiologisvar", "match": True} in hit["snippetParts"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kjernejournal",
            {
                ("FKJ", "DELIVERY"), ("HP", "RISK"), ("KJ-PLO", "DELIVERY"), ("KJ-PLO", "NAME"),
                ("KJ-PLO", "PURPOSE"), ("KJ-PLO", "RISK"), ("PDS", "DELIVERY"),
                ("PERSONTJ-HELSE", "DELIVERY"), ("PJD", "DELIVERY"), ("PJD", "PURPOSE"),
                ("PPS", "DELIVERY"),
            },
        ),
        (
            "bildedeling",
            {("BILDEDELING", "DELIVERY"), ("BILDEDELING", "NAME"), ("PDS", "RISK_AREAS")},
        ),
        (
            "prøvesvar",
            {
                ("PDS", "DELIVERY"), ("PDS", "RISK_AREAS"), ("PDS", "STATUS_REASON"),
                ("PPS", "DELIVERY"), ("PPS", "NAME"), ("PPS", "RISK"),
            },
        ),
        (
            "versjonsoppgraderingen",
            {("HP", "DELIVERY"), ("HP", "RISK_AREAS"), ("HP", "STATUS_REASON")},
        ),
        ("forsinket integrasjon", {("HP", "RISK_AREAS")}),
        ("helseplattformen", {("HP", "DELIVERY"), ("HP", "NAME")}),
    ],
)  # fmt: skip
def test_the_seed_words_find_the_same_hits_on_every_backend(
    graphql: GraphQLClient, text: str, expected: set[tuple[str, str]]
) -> None:
    hits = _hits(graphql, text)

    assert set(hits) == expected
    assert len(hits) == len(expected)  # one hit per initiative and field


def test_a_word_matches_its_other_forms_through_norwegian_stemming(graphql: GraphQLClient) -> None:
    # «legemiddellisten» (definite) finds PLL's name, which says «legemiddelliste».
    hits = _search(graphql, "legemiddellisten", first=100)["nodes"]

    name = next(hit for hit in hits if hit["field"] == "NAME")
    assert name["initiative"]["code"] == "PLL"
    assert [part["text"] for part in name["snippetParts"] if part["match"]] == ["legemiddelliste"]


def test_four_rounds_repeating_a_reason_make_one_hit(graphql: GraphQLClient) -> None:
    # HP's reports of two rounds both name «versjonsoppgraderingen» as the reason.
    hits = _hits(graphql, "versjonsoppgraderingen")

    assert hits.count(("HP", "STATUS_REASON")) == 1


def test_every_snippet_shows_the_matched_word(graphql: GraphQLClient) -> None:
    hits = _search(graphql, "kjernejournal", first=100)["nodes"]

    for hit in hits:
        matched = " ".join(part["text"] for part in hit["snippetParts"] if part["match"])
        assert set(matched.lower().split()) == {"kjernejournal"}
        assert hit["snippet"] == "".join(part["text"] for part in hit["snippetParts"])


def test_hits_come_best_first_and_a_name_outranks_a_delivery(graphql: GraphQLClient) -> None:
    hits = _search(graphql, "kjernejournal", first=100)["nodes"]

    ranks = [hit["rank"] for hit in hits]
    assert ranks == sorted(ranks, reverse=True)
    assert (hits[0]["initiative"]["code"], hits[0]["field"]) == ("KJ-PLO", "NAME")
    delivery = next(hit for hit in hits if hit["field"] == "DELIVERY")
    assert hits[0]["rank"] > delivery["rank"]


def test_web_search_syntax_reads_or_phrases_and_exclusions(graphql: GraphQLClient) -> None:
    either = set(_hits(graphql, "bildedeling or radiologisvar"))
    without = set(_hits(graphql, "bildedeling -fastleger"))
    phrase = set(_hits(graphql, '"integrasjon mot pasientens legemiddelliste"'))

    assert either == set(_hits(graphql, "bildedeling")) | {("PPS", "PURPOSE")}
    # «Bildedeling for fastleger og avtalespesialister» is left out; the others stay.
    assert without == {("BILDEDELING", "DELIVERY"), ("PDS", "RISK_AREAS")}
    assert phrase == {("HP", "RISK_AREAS")}
    # Only between two words is «or» an operator: at the end it is a word no text holds.
    assert _hits(graphql, "bildedeling or") == []


def test_stop_words_alone_find_nothing(graphql: GraphQLClient) -> None:
    assert _search(graphql, "og i av")["nodes"] == []


def test_pages_follow_each_other_through_the_cursor(graphql: GraphQLClient) -> None:
    whole = _hits(graphql, "kjernejournal")
    first = _search(graphql, "kjernejournal", first=4)
    second = _search(graphql, "kjernejournal", first=4, after=first["pageInfo"]["endCursor"])

    pages = [first, second]
    codes = [(n["initiative"]["code"], n["field"]) for page in pages for n in page["nodes"]]
    assert codes == whole[:8]
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "endCursor": first["edges"][-1]["cursor"],
    }
    assert second["pageInfo"]["hasPreviousPage"] is True


def test_the_total_counts_every_page(graphql: GraphQLClient) -> None:
    document = """
    query($text: String!) { search(text: $text, first: 2) { totalCount nodes { field } } }
    """

    page = graphql.data(document, {"text": "kjernejournal"})["search"]
    nothing = graphql.data(document, {"text": "og"})["search"]

    assert len(page["nodes"]) == 2
    assert page["totalCount"] == len(_hits(graphql, "kjernejournal")) == 11
    assert nothing["totalCount"] == 0


def test_the_last_page_says_nothing_follows(graphql: GraphQLClient) -> None:
    page = _search(graphql, "bildedeling", first=3)

    assert len(page["nodes"]) == 3
    assert page["pageInfo"]["hasNextPage"] is False


def test_economics_are_not_searched(graphql: GraphQLClient) -> None:
    # «farmasøyter» is written only in PLL's benefits, which anonymous callers may not read.
    assert _search(graphql, "farmasøyter")["nodes"] == []


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "«» - !"}, "text"),
        ({"text": "a" * 201}, "text"),
        ({"text": "kjernejournal", "first": 0}, "first"),
        ({"text": "kjernejournal", "first": 101}, "first"),
        ({"text": "kjernejournal", "after": "not-a-cursor"}, "after"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    graphql: GraphQLClient, variables: dict[str, Any], argument: str
) -> None:
    body = graphql.execute(SEARCH, variables)

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert body["data"] is None


def test_an_empty_search_is_refused_in_bokmal(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={"query": SEARCH, "variables": {"text": " "}},
        headers={"Accept-Language": "nb"},
    )

    (error,) = response.json()["errors"]
    assert error["message"] == "Søketeksten må inneholde minst ett ord."
    assert error["extensions"]["argument"] == "text"


def test_the_page_size_prices_the_search(client: TestClient) -> None:
    def cost(first: int) -> dict[str, int]:
        response = client.post(
            "/graphql",
            json={"query": SEARCH, "variables": {"text": "kjernejournal", "first": first}},
        )
        extensions: dict[str, Any] = response.json()["extensions"]
        return dict(extensions["cost"])

    small, large = cost(1), cost(100)

    assert large["nodeCount"] > small["nodeCount"]
    assert large["requested"] > small["requested"] >= 10

"""The read API on the demo portfolio: lookups, lists, filters and reference data."""

from __future__ import annotations

from tests.conftest import Callers, GraphQLClient

INITIATIVE = """
query Initiative($code: String!) {
  initiative(code: $code) {
    code name segment phase state status riskLevel reportIsStale version
    owner { code name kind }
    mainGoal { number name }
    latestReport { periodCode revision status statusReason }
  }
}
"""

DEPENDENCIES = """
query Dependencies($code: String!) {
  initiative(code: $code) {
    dependencies {
      criticality type lagDays neededBy
      dependant { code }
      supplier { __typename ... on Initiative { code } ... on Solution { code category } }
    }
    dependants { dependant { code } supplier { ... on Initiative { code } } }
  }
}
"""

SOLUTION_DEPENDANTS = """
query SolutionDependants($code: String!) {
  solution(code: $code) {
    code name category legallyMandated
    operator { code }
    developedBy { code }
    dependants { criticality dependant { code } }
  }
}
"""

HELSENORGE_DEPENDANTS = {
    "PLL",
    "DHV",
    "DHO-SPREDNING",
    "FKJ",
    "PPS",
    "HP",
    "DPN",
    "HSO-TIMER",
    "UNGDOM-13-15",
    "DIGIHELSE",
}


def test_initiative_by_code_gives_owner_segment_and_current_status(
    graphql: GraphQLClient,
) -> None:
    initiative = graphql.data(INITIATIVE, {"code": "PLL"})["initiative"]

    assert initiative["name"] == "Program pasientens legemiddelliste (PLL)"
    assert initiative["owner"] == {
        "code": "HDIR",
        "name": "Helsedirektoratet",
        "kind": "DIRECTORATE",
    }
    assert (initiative["segment"], initiative["phase"]) == ("CO_GOVERN", "EXECUTION")
    assert (initiative["status"], initiative["riskLevel"]) == ("YELLOW", "YELLOW")
    assert initiative["reportIsStale"] is False
    assert initiative["latestReport"]["periodCode"] == "2026-2"
    assert initiative["latestReport"]["statusReason"]
    assert initiative["mainGoal"]["number"] == 2


def test_unknown_initiative_code_gives_null(graphql: GraphQLClient) -> None:
    assert graphql.data(INITIATIVE, {"code": "NO-SUCH-THING"}) == {"initiative": None}


def test_pll_depends_on_national_solutions_and_two_initiatives(graphql: GraphQLClient) -> None:
    dependencies = graphql.data(DEPENDENCIES, {"code": "PLL"})["initiative"]["dependencies"]

    suppliers = {(d["supplier"]["__typename"], d["supplier"]["code"]) for d in dependencies}
    assert suppliers == {
        ("Solution", "ERESEPT"),
        ("Solution", "SFM"),
        ("Solution", "KJ"),
        ("Solution", "HELSEID"),
        ("Solution", "HELSENORGE"),
        ("Solution", "GRUNNDATA"),
        ("Initiative", "SFM-UTV"),
        ("Initiative", "KJ-PLO"),
    }
    assert {d["dependant"]["code"] for d in dependencies} == {"PLL"}


def test_dependants_are_the_dependencies_seen_from_the_supplier(graphql: GraphQLClient) -> None:
    dependants = graphql.data(DEPENDENCIES, {"code": "PDS"})["initiative"]["dependants"]

    assert {d["dependant"]["code"] for d in dependants} == {"FKJ", "PPS", "PJD", "BILDEDELING"}
    assert {d["supplier"]["code"] for d in dependants} == {"PDS"}


def test_everything_that_depends_on_helsenorge(graphql: GraphQLClient) -> None:
    solution = graphql.data(SOLUTION_DEPENDANTS, {"code": "HELSENORGE"})["solution"]

    assert solution["category"] == "NATIONAL_EHEALTH_SOLUTION"
    assert solution["legallyMandated"] is True
    assert solution["operator"] == {"code": "NHN"}
    assert {d["dependant"]["code"] for d in solution["dependants"]} == HELSENORGE_DEPENDANTS


def test_developed_solutions_name_their_developer(graphql: GraphQLClient) -> None:
    for solution, developer in [("SFM", "SFM-UTV"), ("PROVESVAR", "PPS"), ("HAP", "HAP-PROG")]:
        data = graphql.data(SOLUTION_DEPENDANTS, {"code": solution})
        assert data["solution"]["developedBy"] == [{"code": developer}]


def test_unknown_solution_code_gives_null(graphql: GraphQLClient) -> None:
    assert graphql.data(SOLUTION_DEPENDANTS, {"code": "NOPE"}) == {"solution": None}


SOLUTIONS = """
query Solutions($category: [SolutionCategory!]) { solutions(category: $category) { code } }
"""


def test_solutions_list_every_national_solution_and_component(graphql: GraphQLClient) -> None:
    codes = [s["code"] for s in graphql.data(SOLUTIONS)["solutions"]]

    assert len(codes) == 19
    assert codes == sorted(codes)
    assert {"HELSENETT", "KJ", "ERESEPT", "HELSENORGE", "HELSEID", "FIKS"} <= set(codes)


def test_solutions_filter_by_category(graphql: GraphQLClient) -> None:
    data = graphql.data(SOLUTIONS, {"category": ["NATIONAL_EHEALTH_SOLUTION"]})

    assert {s["code"] for s in data["solutions"]} == {"HELSENETT", "KJ", "ERESEPT", "HELSENORGE"}


REFERENCE = """
{
  strategicGoals { number name }
  sustainableDevelopmentGoals { number name }
  reportingPeriods { code name closed }
  currentPeriod { code name }
  organisations { code kind }
}
"""


def test_reference_data_is_complete(graphql: GraphQLClient) -> None:
    data = graphql.data(REFERENCE)

    assert [goal["number"] for goal in data["strategicGoals"]] == [1, 2, 3, 4, 5]
    assert data["strategicGoals"][3]["name"] == "Tilgjengelig informasjon og styrket samhandling"
    assert [goal["number"] for goal in data["sustainableDevelopmentGoals"]] == [3, 9, 10, 17]
    assert [period["code"] for period in data["reportingPeriods"]] == [
        "2026-2",
        "2026-1",
        "2025-2",
        "2025-1",
    ]
    assert data["currentPeriod"] == {"code": "2026-2", "name": "april 2026"}
    assert {"HDIR", "NHN", "KS", "FHI", "HMN"} <= {o["code"] for o in data["organisations"]}


HISTORY = """
query History($code: String!, $revisions: Boolean!) {
  initiative(code: $code) {
    reports(includeRevisions: $revisions) { periodCode revision status submittedAt }
  }
}
"""


def test_status_history_lists_newest_period_first(graphql: GraphQLClient) -> None:
    data = graphql.data(HISTORY, {"code": "HP", "revisions": False})

    reports = data["initiative"]["reports"]
    assert [r["periodCode"] for r in reports] == ["2026-2", "2026-1", "2025-2", "2025-1"]
    assert reports[0]["status"] == "RED"


def test_status_history_can_include_superseded_revisions(graphql: GraphQLClient) -> None:
    latest_only = graphql.data(HISTORY, {"code": "PLL", "revisions": False})
    everything = graphql.data(HISTORY, {"code": "PLL", "revisions": True})

    all_reports = everything["initiative"]["reports"]
    assert len(all_reports) > len(latest_only["initiative"]["reports"])
    newest_period = [r for r in all_reports if r["periodCode"] == "2026-2"]
    assert [r["revision"] for r in newest_period] == sorted(
        (r["revision"] for r in newest_period), reverse=True
    )
    assert latest_only["initiative"]["reports"][0]["revision"] == newest_period[0]["revision"]


DETAILS = """
query Details($code: String!) {
  initiative(code: $code) {
    deliveries { code baselineDate forecastDate slipDays status }
    risks { code probability consequence score level }
    supportingGoals { number }
    sustainableDevelopmentGoals { number }
    developedSolutions { code }
    entryCriteria { digitalisationEssential coordinationOrStrategy met }
    illustrativeFields
    latestReport {
      segment investmentNok annualOperatingCostNok benefits benefitPrerequisites
      mainRiskAreas plannedMitigations implementedMitigations
    }
  }
}
"""


def test_initiative_details_hold_deliveries_risks_goals_and_economics(
    callers: Callers,
) -> None:
    # Economics are for signed-in callers only; a READER token sees them.
    initiative = callers.as_role("READER").data(DETAILS, {"code": "PDS"})["initiative"]

    assert 3 <= len(initiative["deliveries"]) <= 6
    baselines = [d["baselineDate"] for d in initiative["deliveries"]]
    assert baselines == sorted(baselines)
    for delivery in initiative["deliveries"]:
        assert delivery["code"].startswith("PDS-")
    assert initiative["risks"]
    for risk in initiative["risks"]:
        assert risk["score"] == risk["probability"] * risk["consequence"]
    assert initiative["entryCriteria"]["met"] is True
    report = initiative["latestReport"]
    assert report["segment"] == "CO_GOVERN"
    assert report["investmentNok"] is not None
    assert report["annualOperatingCostNok"] is not None
    assert report["benefits"]
    assert report["plannedMitigations"]


def test_delivery_slip_is_forecast_minus_baseline(graphql: GraphQLClient) -> None:
    initiatives = graphql.data(
        "{ initiatives(first: 100) { nodes { "
        "deliveries { baselineDate forecastDate slipDays } } } }"
    )["initiatives"]["nodes"]

    deliveries = [d for i in initiatives for d in i["deliveries"]]
    slipped = [d for d in deliveries if d["slipDays"]]
    assert slipped, "the seed portfolio has slipped deliveries"
    for delivery in slipped:
        assert delivery["forecastDate"] > delivery["baselineDate"]


def test_developed_solutions_are_listed_on_the_initiative(graphql: GraphQLClient) -> None:
    initiative = graphql.data(DETAILS, {"code": "SFM-UTV"})["initiative"]

    assert initiative["developedSolutions"] == [{"code": "SFM"}]


LABELS = """
query Labels($enum: String) { labels(enum: $enum) { enum value label publicLabel } }
"""


def test_enum_values_carry_norwegian_labels(graphql: GraphQLClient) -> None:
    labels = graphql.data(LABELS, {"enum": "Segment"})["labels"]

    assert {label["value"]: label["label"] for label in labels} == {
        "OBSERVE": "Observere",
        "COORDINATE": "Koordinere",
        "CO_GOVERN": "Samstyre",
    }


def test_every_enum_value_in_the_schema_has_a_label(graphql: GraphQLClient) -> None:
    introspection = graphql.data("{ __schema { types { name kind enumValues { name } } } }")[
        "__schema"
    ]["types"]
    labelled = {(label["enum"], label["value"]) for label in graphql.data(LABELS)["labels"]}

    ours = [t for t in introspection if t["kind"] == "ENUM" and not t["name"].startswith("__")]
    assert ours
    for enum in ours:
        for value in enum["enumValues"]:
            assert (enum["name"], value["name"]) in labelled


def test_a_published_report_names_the_answers_nobody_published(graphql: GraphQLClient) -> None:
    data = graphql.data(
        """{ initiative(code: "PLL") {
              latestReport { illustrative illustrativeFields dependenciesConfirmed }
              reports { period { code } illustrative illustrativeFields }
        } }"""
    )["initiative"]

    assert data["latestReport"] == {
        "illustrative": False,
        "illustrativeFields": ["dependencies_confirmed"],
        "dependenciesConfirmed": True,
    }
    earliest = min(data["reports"], key=lambda report: report["period"]["code"])
    assert (earliest["illustrative"], earliest["illustrativeFields"]) == (True, [])

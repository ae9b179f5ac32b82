"""Over HTTP: ``Accept-Language: nb`` says every message in bokmål; codes and fields stay.

Each error type a mutation can answer, the entry-criteria flags and the GraphQL errors the
service raises, asked once in English and once in bokmål.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import Callers, make_token

RESULT = """
    __typename
    ... on Error { message }
    ... on ValidationError { problems { field message } }
    ... on NotFoundError { field code }
"""
SUBMIT = f"""
mutation Submit($input: SubmitStatusReportInput!) {{
  submitStatusReport(input: $input) {{ {RESULT} }}
}}
"""
UPDATE = f"""
mutation Update($code: String!, $expectedVersion: Int!, $input: UpdateInitiativeInput!) {{
  updateInitiative(code: $code, expectedVersion: $expectedVersion, input: $input) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
  }}
}}
"""
ADD_DEPENDENCY = f"""
mutation AddDependency($input: AddDependencyInput!) {{
  addDependency(input: $input) {{ {RESULT} ... on DependencyCycleError {{ cycle }} }}
}}
"""
PROPOSE = f"""
mutation Propose($input: ProposeInitiativeInput!) {{
  proposeInitiative(input: $input) {{
    {RESULT}
    ... on InitiativePayload {{ initiative {{ code entryCriteriaFlags }} }}
  }}
}}
"""
FLAGS = "query Flags($code: String!) { initiative(code: $code) { entryCriteriaFlags } }"
RED_WITHOUT_REASON = {
    "initiative": "KJ-PLO",
    "status": "RED",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Innføring i kommunene.",
}


def _post(
    http: TestClient,
    query: str,
    variables: dict[str, Any],
    *,
    language: str | None,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Accept-Language": language} if language is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


def _both(
    callers: Callers, query: str, variables: dict[str, Any], *, role: str | None = "ADMIN"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first field of the answer in English and in bokmål, to the same caller."""
    token = make_token(callers.database_url, role) if role is not None else None
    answers = [
        _post(callers.http, query, variables, language=language, token=token)
        for language in ("en", "nb")
    ]
    english, bokmal = (next(iter(answer["data"].values())) for answer in answers)
    return english, bokmal


def test_a_validation_error_says_each_problem_in_bokmal_with_the_same_fields(
    callers: Callers,
) -> None:
    english, bokmal = _both(callers, SUBMIT, {"input": RED_WITHOUT_REASON})

    assert english["__typename"] == bokmal["__typename"] == "ValidationError"
    assert english["problems"] == [
        {"field": "statusReason", "message": "is required when the status is RED."}
    ]
    assert bokmal["problems"] == [
        {"field": "statusReason", "message": "må fylles ut når status er RED."}
    ]
    assert bokmal["message"] == "statusReason: må fylles ut når status er RED."


def test_not_found_is_said_in_bokmal_naming_the_same_field_and_code(callers: Callers) -> None:
    english, bokmal = _both(
        callers, SUBMIT, {"input": {**RED_WITHOUT_REASON, "initiative": "NOPE"}}
    )

    assert english["__typename"] == bokmal["__typename"] == "NotFoundError"
    assert (bokmal["field"], bokmal["code"]) == (english["field"], english["code"])
    assert english["message"] == "There is no initiative 'NOPE'."
    assert bokmal["message"] == "Det finnes ingen tiltak 'NOPE'."


def test_permission_denied_is_said_in_bokmal(callers: Callers) -> None:
    english, bokmal = _both(callers, SUBMIT, {"input": RED_WITHOUT_REASON}, role=None)

    assert english["__typename"] == bokmal["__typename"] == "PermissionDeniedError"
    assert english["message"] == "Sign in with an API token to make changes."
    assert bokmal["message"] == "Logg inn med et API-token for å gjøre endringer."


def test_a_conflict_is_said_in_bokmal_with_the_same_current_version(callers: Callers) -> None:
    variables = {"code": "PLL", "expectedVersion": 999, "input": {"name": "Nytt navn"}}

    english, bokmal = _both(callers, UPDATE, variables)

    assert english["__typename"] == bokmal["__typename"] == "ConflictError"
    assert bokmal["currentVersion"] == english["currentVersion"]
    version = english["currentVersion"]
    assert english["message"].startswith(f"PLL is at version {version}, not 999:")
    assert bokmal["message"].startswith(f"PLL har versjon {version}, ikke 999:")


def test_a_dependency_cycle_is_said_in_bokmal_with_the_same_path(callers: Callers) -> None:
    # PLL depends on SFM-UTV; making SFM-UTV depend on PLL closes the loop.
    variables = {"input": {"dependant": "SFM-UTV", "supplier": "PLL"}}

    english, bokmal = _both(callers, ADD_DEPENDENCY, variables)

    assert english["__typename"] == bokmal["__typename"] == "DependencyCycleError"
    assert bokmal["cycle"] == english["cycle"]
    path = " → ".join(english["cycle"])
    assert english["message"] == f"This dependency would close a cycle: {path}."
    assert bokmal["message"] == f"Denne avhengigheten ville lukke en syklus: {path}."


def test_entry_criteria_flags_are_said_in_bokmal(callers: Callers) -> None:
    proposal = {
        "code": "NY-1",
        "name": "Nytt tiltak",
        "owner": "HDIR",
        "digitalisationEssential": False,
        "coordinationOrStrategy": False,
    }
    token = make_token(callers.database_url, "ADMIN")
    proposed = _post(callers.http, PROPOSE, {"input": proposal}, language="nb", token=token)
    english = _post(callers.http, FLAGS, {"code": "NY-1"}, language="en", token=token)
    bokmal = _post(callers.http, FLAGS, {"code": "NY-1"}, language="nb", token=token)

    flags = proposed["data"]["proposeInitiative"]["initiative"]["entryCriteriaFlags"]
    assert [flag[:28] for flag in flags] == [
        "Kriterium 1 er ikke oppfylt:",
        "Kriterium 2 er ikke oppfylt:",
    ]
    assert english["data"]["initiative"]["entryCriteriaFlags"][0].startswith(
        "Criterion 1 is not met:"
    )
    # The same read, cached in English, is not served to a reader of bokmål.
    assert bokmal["data"]["initiative"]["entryCriteriaFlags"] == flags


@pytest.mark.parametrize("language", ["nb", "nn", "no", "nb-NO", "en;q=0.5, nn-NO", "da, no;q=0.2"])
def test_norwegian_in_any_form_is_answered_in_bokmal(callers: Callers, language: str) -> None:
    body = _post(callers.http, SUBMIT, {"input": RED_WITHOUT_REASON}, language=language)

    assert body["data"]["submitStatusReport"]["message"].startswith("Logg inn")


@pytest.mark.parametrize("language", [None, "en", "de", "*", "nb;q=0, en", "en, nb;q=0.9"])
def test_english_stays_the_default(callers: Callers, language: str | None) -> None:
    body = _post(callers.http, SUBMIT, {"input": RED_WITHOUT_REASON}, language=language)

    assert body["data"]["submitStatusReport"]["message"].startswith("Sign in")


@pytest.fixture
def costed(seeded_database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=seeded_database_url, max_query_cost=20_000, debug=False)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_query_over_the_limit_is_refused_in_bokmal_with_the_same_code(
    costed: TestClient,
) -> None:
    query = """
    query($first: Int!) { initiatives(first: $first) { nodes { code upstream { code path } } } }
    """

    english, bokmal = (
        _post(costed, query, {"first": 50}, language=language)["errors"][0]
        for language in ("en", "nb")
    )

    assert english["extensions"] == bokmal["extensions"]
    assert english["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert english["message"].startswith("This query would cost ")
    assert bokmal["message"].startswith("Denne spørringen ville koste ")


def test_a_bad_argument_is_refused_in_bokmal_naming_the_same_argument(
    costed: TestClient,
) -> None:
    query = "query($search: String!) { initiatives(filter: {search: $search}) { totalCount } }"

    english, bokmal = (
        _post(costed, query, {"search": "x" * 201}, language=language)["errors"][0]
        for language in ("en", "nb")
    )

    assert english["extensions"] == bokmal["extensions"]
    assert english["extensions"]["code"] == "BAD_USER_INPUT"
    assert bokmal["message"] == "Argumentet «filter.search» har en verdi som API-et ikke tar imot."


def test_an_unknown_token_is_refused_in_bokmal(costed: TestClient) -> None:
    response = costed.post(
        "/graphql",
        json={"query": "{ currentPeriod { code } }"},
        headers={"Authorization": "Bearer no-such-token", "Accept-Language": "nb"},
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "API-tokenet er ukjent eller trukket tilbake."

"""Over HTTP: ``Accept-Language: nb`` says every message in bokmål; codes and fields stay.

Each error type a mutation or query can answer, the entry-criteria flags, the GraphQL
errors the service raises (bad arguments, the query limits) and the HTTP layer's own
refusals (406, 400, 413, 429, 504), asked once in English and once in bokmål.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app import repository
from app.main import create_app
from app.settings import Settings
from tests.conftest import Callers, make_token, settings_for

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
    "dependenciesConfirmed": True,
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


def _first_error(client: TestClient, query: str, variables: dict[str, Any]) -> tuple[Any, Any]:
    """The first GraphQL error of the answer, in English and in bokmål."""
    english, bokmal = (
        _post(client, query, variables, language=language)["errors"][0] for language in ("en", "nb")
    )
    return english, bokmal


BAD_ARGUMENTS = [
    (
        "query($search: String!) { initiatives(filter: {search: $search}) { totalCount } }",
        {"search": "x" * 201},
        "filter.search",
        "search is limited to 200 characters.",
        "Søketeksten kan være høyst 200 tegn.",
    ),
    (
        "query($first: Int!) { initiatives(first: $first) { totalCount } }",
        {"first": 0},
        "first",
        "first must be between 1 and 500; got 0.",
        "first må være mellom 1 og 500; fikk 0.",
    ),
    (
        "query($after: String!) { initiatives(first: 1, after: $after) { totalCount } }",
        {"after": "nope"},
        "after",
        "'nope' is not a valid cursor.",
        "'nope' er ikke en gyldig markør (cursor).",
    ),
    (
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": "nope"},
        "id",
        "'nope' is not a valid global id.",
        "'nope' er ikke en gyldig global id.",
    ),
    (
        "query($period: String!) { portfolioSummary(period: $period) { __typename } }",
        {"period": "1999-9"},
        "period",
        "There is no reporting period '1999-9'.",
        "Det finnes ingen rapporteringsrunde '1999-9'.",
    ),
    (
        'query($depth: Int!) { dependencyGraph(root: "PLL", maxDepth: $depth) { __typename } }',
        {"depth": 0},
        "maxDepth",
        "maxDepth must be at least 1; got 0.",
        "maxDepth må være minst 1; fikk 0.",
    ),
    (
        'query($days: Int!) { impact(code: "PLL", slipDays: $days) { __typename } }',
        {"days": 10_000},
        "slipDays",
        "slipDays must be between -3,650 and 3,650; got 10,000.",
        "slipDays må være mellom -3 650 og 3 650; fikk 10 000.",
    ),
    (
        "query($search: String!) { initiatives(filter: {search: $search}) { totalCount } }",
        {"search": "a\x00b"},
        "search",
        "Text must not contain the NUL character (U+0000).",
        "Tekst kan ikke inneholde NUL-tegnet (U+0000).",
    ),
]


@pytest.mark.parametrize(
    ("query", "variables", "argument", "in_english", "in_bokmal"),
    BAD_ARGUMENTS,
    ids=[case[2] for case in BAD_ARGUMENTS],
)
def test_a_bad_argument_is_refused_in_bokmal_naming_the_same_argument(
    costed: TestClient,
    query: str,
    variables: dict[str, Any],
    argument: str,
    in_english: str,
    in_bokmal: str,
) -> None:
    english, bokmal = _first_error(costed, query, variables)

    assert english["extensions"] == bokmal["extensions"]
    assert english["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert (english["message"], bokmal["message"]) == (in_english, in_bokmal)


IMPACT = """
query($code: String!) {
  impact(code: $code, slipDays: 10) { __typename ... on Error { message } }
}
"""
AUDIT = "{ auditEvents(first: 1) { __typename ... on Error { message } } }"
REMOVE_DEPENDENCY = f"""
mutation Remove($input: RemoveDependencyInput!) {{ removeDependency(input: $input) {{ {RESULT} }} }}
"""


def test_the_analysis_queries_typed_errors_are_said_in_bokmal(callers: Callers) -> None:
    english, bokmal = _both(callers, IMPACT, {"code": "NOPE"})
    assert english["__typename"] == bokmal["__typename"] == "NotFoundError"
    assert (english["message"], bokmal["message"]) == (
        "There is no initiative 'NOPE'.",
        "Det finnes ingen tiltak 'NOPE'.",
    )

    english, bokmal = _both(callers, IMPACT, {"code": "KJ"})  # a solution has no dates
    assert english["__typename"] == bokmal["__typename"] == "NotScheduledError"
    assert bokmal["message"] == "'KJ' har ingen datoer, så en forsinkelse kan ikke planlegges."

    english, bokmal = _both(callers, AUDIT, {}, role="READER")
    assert english["__typename"] == bokmal["__typename"] == "PermissionDeniedError"
    assert bokmal["message"] == "Bare porteføljekontoret (ADMIN) kan lese revisjonsloggen."

    english, bokmal = _both(callers, REMOVE_DEPENDENCY, {"input": {"id": "nope"}})
    assert english["__typename"] == bokmal["__typename"] == "ValidationError"
    assert [problem["field"] for problem in bokmal["problems"]] == ["id"]
    assert bokmal["problems"][0]["message"] == "'nope' er ikke en gyldig global id."


@pytest.fixture
def limited(seeded_database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=seeded_database_url,
        max_query_depth=3,
        max_aliases=2,
        max_tokens=60,
        max_body_bytes=2_000,
    )
    with TestClient(create_app(settings)) as client:
        yield client


DEEP = (
    'query Deep { initiative(code: "PLL") { owner { initiatives(first: 1) { nodes { code } } } } }'
)
ALIASED = "{ a: currentPeriod { code } b: currentPeriod { code } c: currentPeriod { code } }"
LONG = "{ " + " ".join(f"f{number}: currentPeriod {{ code }}" for number in range(20)) + " }"


@pytest.mark.parametrize(
    ("query", "in_english", "in_bokmal"),
    [
        (
            DEEP,
            "'Deep' exceeds maximum operation depth of 3",
            "«Deep» er nestet dypere enn grensen på 3 nivåer",
        ),
        (ALIASED, "3 aliases found. Allowed: 2", "Fant 3 aliaser. Tillatt: 2"),
        (
            LONG,
            "Syntax Error: Document contains more than 60 tokens. Parsing aborted.",
            "Syntaksfeil: Dokumentet inneholder mer enn 60 symboler (tokens). Tolkingen ble "
            "avbrutt.",
        ),
    ],
    ids=["depth", "aliases", "tokens"],
)
def test_the_query_limits_refuse_in_bokmal(
    limited: TestClient, query: str, in_english: str, in_bokmal: str
) -> None:
    # Asked twice in each language: a refusal cached in one language never leaks to the other.
    answers = [
        _post(limited, query, {}, language=language)["errors"][0]
        for language in ("nb", "en", "nb", "en")
    ]

    assert [answer["message"] for answer in answers] == [in_bokmal, in_english] * 2
    assert all(answer.get("extensions") == answers[0].get("extensions") for answer in answers)


def _raw(client: TestClient, language: str, **request: Any) -> tuple[int, dict[str, Any]]:
    headers = {"Accept-Language": language, **request.pop("headers", {})}
    response = client.post("/graphql", headers=headers, **request)
    [error] = response.json()["errors"]
    return response.status_code, error


HTTP_REFUSALS = [
    (
        {"json": {"query": "{ currentPeriod { code } }"}, "headers": {"Accept": "text/plain"}},
        406,
        "NOT_ACCEPTABLE",
        "Kan ikke svare i et format klienten tar imot: dette endepunktet svarer med "
        "application/graphql-response+json eller application/json.",
    ),
    (
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        400,
        "BAD_REQUEST",
        "Forespørselen kan ikke leses som JSON.",
    ),
    (
        {"content": b"42", "headers": {"Content-Type": "application/json"}},
        400,
        "BAD_REQUEST",
        "Forespørselen må være et JSON-objekt med en spørring, ikke et tall.",
    ),
    (
        {"json": {"variables": {}}},
        400,
        "BAD_REQUEST",
        "Forespørselen inneholder ingen GraphQL-spørring.",
    ),
    (
        {"json": {"query": "{ currentPeriod { code } }", "padding": "x" * 3_000}},
        413,
        "PAYLOAD_TOO_LARGE",
        "Forespørselen er større enn 2000 byte.",
    ),
]


@pytest.mark.parametrize(
    ("request_", "status", "code", "in_bokmal"),
    HTTP_REFUSALS,
    ids=["406", "400-json", "400-scalar", "400-no-query", "413"],
)
def test_the_http_layer_refuses_in_bokmal_with_the_same_status_and_code(
    limited: TestClient, request_: dict[str, Any], status: int, code: str, in_bokmal: str
) -> None:
    english = _raw(limited, "en", **dict(request_))
    bokmal = _raw(limited, "nb", **dict(request_))

    assert english[0] == bokmal[0] == status
    assert english[1]["extensions"] == bokmal[1]["extensions"] == {"code": code}
    assert english[1]["message"] != in_bokmal
    assert bokmal[1]["message"] == in_bokmal


def test_a_mutation_over_get_is_refused_in_bokmal_with_405(limited: TestClient) -> None:
    response = limited.get(
        "/graphql",
        params={"query": 'mutation { closeReportingPeriod(code: "2026-2") { __typename } }'},
        headers={"Accept-Language": "nb", "Accept": "application/json"},
    )

    assert response.status_code == 405
    [error] = response.json()["errors"]
    assert error == {
        "message": "Mutasjoner tas bare imot med POST.",
        "extensions": {"code": "METHOD_NOT_ALLOWED"},
    }


def test_an_unexpected_error_is_masked_in_bokmal_with_its_reference(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(repository, "list_organisations", broken)
    settings = Settings(database_url=seeded_database_url, debug=False)
    with TestClient(create_app(settings)) as client:
        body = _post(client, "{ organisations { code } }", {}, language="nb")

    [error] = body["errors"]
    reference = error["extensions"]["correlationId"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == f"Uventet feil (referanse {reference})."


def test_the_execution_timeout_is_said_in_bokmal(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(*_args: Any, **_kwargs: Any) -> Any:
        await asyncio.sleep(5)

    monkeypatch.setattr(repository, "list_organisations", slow)
    settings = Settings(database_url=seeded_database_url, execution_timeout_seconds=0.2)
    with TestClient(create_app(settings)) as client:
        status, error = _raw(client, "nb", json={"query": "{ organisations { code } }"})

    assert (status, error["extensions"]) == (504, {"code": "TIMEOUT"})
    assert error["message"] == "Forespørselen tok lengre tid enn 0,2 sekunder."


def test_a_spent_budget_is_said_in_bokmal_with_429(fresh_seeded_database_url: str) -> None:
    settings = Settings(
        database_url=fresh_seeded_database_url,
        rate_limit_points=25,
        rate_limit_window_seconds=3600,
    )
    query = "query($first: Int!) { initiatives(first: $first) { nodes { code } } }"
    with TestClient(create_app(settings)) as client:
        client.post("/graphql", json={"query": query, "variables": {"first": 20}})
        status, error = _raw(client, "nb", json={"query": query, "variables": {"first": 19}})

    assert (status, error["extensions"]["code"]) == (429, "RATE_LIMITED")
    assert error["message"].startswith("Denne spørringen koster 20 poeng, og du har ")


def test_an_unknown_token_is_refused_in_bokmal(costed: TestClient) -> None:
    response = costed.post(
        "/graphql",
        json={"query": "{ currentPeriod { code } }"},
        headers={"Authorization": "Bearer no-such-token", "Accept-Language": "nb"},
    )

    assert response.status_code == 401
    assert (
        response.json()["errors"][0]["message"]
        == "API-tokenet er ukjent, utløpt eller trukket tilbake."
    )


def test_an_unavailable_database_is_said_in_bokmal_with_the_same_code(tmp_path: Path) -> None:
    # A directory that does not exist cannot hold a SQLite file: connecting fails at once.
    missing = f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"
    settings = settings_for(missing, database_timeout_seconds=2)
    with TestClient(create_app(settings)) as client:
        query = {"query": "{ currentPeriod { code } }"}
        executed = client.post("/graphql", json=query, headers={"Accept-Language": "nb"})
        token_checked = client.post(
            "/graphql",
            json=query,
            headers={"Accept-Language": "nb", "Authorization": "Bearer some-token"},
        )

    (error,) = executed.json()["errors"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert error["message"].startswith("Porteføljedatabasen er utilgjengelig")
    assert token_checked.status_code == 503
    (refusal,) = token_checked.json()["errors"]
    assert refusal["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert refusal["message"].startswith("Porteføljedatabasen er utilgjengelig")

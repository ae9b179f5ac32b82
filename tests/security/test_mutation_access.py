"""Every mutation is refused without a token, with a revoked one, and for another organisation.

- No token: the caller is anonymous and the mutation answers ``PermissionDeniedError``.
- An unknown or revoked token: **401** with ``code: UNAUTHENTICATED`` and a
  ``WWW-Authenticate`` header, for every request — a client holding a dead token must
  hear so, not be served silently as anonymous.
- A REPORTER of another organisation: ``PermissionDeniedError``.

In each case nothing is written: the data version (moved by every write) and the row
count of every table stay as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings
from tests.database_state import BOOKKEEPING, data_version, row_counts
from tests.security.conftest import Secured

RESULT = "{ __typename ... on Error { message } }"

# Each mutation with variables the owner's REPORTER or the office could send successfully;
# the writes aim at HDIR's initiatives (PLL, KJ-PLO) and at the proposal made beforehand.
MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "proposeInitiative": (
        "mutation($input: ProposeInitiativeInput!) {"
        f" proposeInitiative(input: $input) {RESULT} }}",
        {"input": {"code": "SEC-NY", "name": "Nytt", "owner": "HDIR",
                   "digitalisationEssential": True, "coordinationOrStrategy": True}},
    ),
    "createInitiative": (
        f"mutation($input: CreateInitiativeInput!) {{ createInitiative(input: $input) {RESULT} }}",
        {"input": {"code": "SEC-NY2", "name": "Nytt", "owner": "HDIR", "segment": "OBSERVE",
                   "digitalisationEssential": True, "coordinationOrStrategy": True}},
    ),
    "admitInitiative": (
        "mutation($code: String!) {"
        f" admitInitiative(code: $code, segment: COORDINATE) {RESULT} }}",
        {"code": "SEC-PROPOSED"},
    ),
    "declineInitiative": (
        f"mutation($code: String!) {{ declineInitiative(code: $code, reason: \"Nei.\") {RESULT} }}",
        {"code": "SEC-PROPOSED"},
    ),
    "updateInitiative": (
        "mutation($input: UpdateInitiativeInput!) {"
        f" updateInitiative(code: \"PLL\", expectedVersion: 1, input: $input) {RESULT} }}",
        {"input": {"contactPerson": "Ny leder"}},
    ),
    "addDependency": (
        f"mutation($input: AddDependencyInput!) {{ addDependency(input: $input) {RESULT} }}",
        {"input": {"dependant": "KJ-PLO", "supplier": "PERSONVERN", "criticality": "LOW"}},
    ),
    "removeDependency": (
        f"mutation($input: RemoveDependencyInput!) {{ removeDependency(input: $input) {RESULT} }}",
        {"input": {"dependant": "KJ-PLO", "supplier": "KJ"}},
    ),
    "upsertDelivery": (
        f"mutation($input: UpsertDeliveryInput!) {{ upsertDelivery(input: $input) {RESULT} }}",
        {"input": {"initiative": "PLL", "code": "PLL-SEC", "name": "Pilot"}},
    ),
    "upsertRisk": (
        f"mutation($input: UpsertRiskInput!) {{ upsertRisk(input: $input) {RESULT} }}",
        {"input": {"initiative": "PLL", "code": "PLL-RSEC", "title": "Risiko",
                   "probability": 2, "consequence": 3, "level": "GREEN"}},
    ),
    "submitStatusReport": (
        "mutation($input: SubmitStatusReportInput!) {"
        f" submitStatusReport(input: $input) {RESULT} }}",
        {"input": {"initiative": "KJ-PLO", "status": "GREEN", "riskLevel": "GREEN",
                   "mainRiskAreas": "Innføring."}},
    ),
    "openReportingPeriod": (
        "mutation($input: OpenReportingPeriodInput!) {"
        f" openReportingPeriod(input: $input) {RESULT} }}",
        {"input": {"code": "2026-3", "name": "september 2026", "opens": "2026-08-24",
                   "deadline": "2026-09-11"}},
    ),
    "closeReportingPeriod": (
        f"mutation($code: String!) {{ closeReportingPeriod(code: $code) {RESULT} }}",
        {"code": "2026-2"},
    ),
    "recordCouncilDecision": (
        "mutation($input: RecordCouncilDecisionInput!) {"
        f" recordCouncilDecision(input: $input) {RESULT} }}",
        {"input": {"council": "NUIT", "meetingDate": "2026-05-06", "initiative": "PLL",
                   "summary": "Ny gevinstplan."}},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def proposed(secured: Secured) -> Secured:
    """A proposal to admit or decline, made by the office before the refusals are tried."""
    query, variables = MUTATIONS["proposeInitiative"]
    variables = {"input": {**variables["input"], "code": "SEC-PROPOSED"}}
    body = post(secured, query, variables, secured.admin).json()
    assert body["data"]["proposeInitiative"]["__typename"] == "InitiativePayload", body
    return secured


def post(secured: Secured, query: str, variables: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return secured.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def stored_state(database_url: str) -> tuple[int, dict[str, int]]:
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return data_version(connection), row_counts(connection)
    finally:
        engine.dispose()


def test_the_schema_has_no_mutation_these_tests_leave_out(secured: Secured) -> None:
    body = secured.http.post(
        "/graphql", json={"query": "{ __schema { mutationType { fields { name } } } }"}
    ).json()

    names = {field["name"] for field in body["data"]["__schema"]["mutationType"]["fields"]}
    assert names == set(MUTATIONS)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_without_a_token_is_denied_and_writes_nothing(
    proposed: Secured, name: str
) -> None:
    query, variables = MUTATIONS[name]
    before = stored_state(proposed.database_url)

    response = post(proposed, query, variables, token=None)

    assert response.status_code == 200
    assert response.json()["data"][name]["__typename"] == "PermissionDeniedError"
    assert stored_state(proposed.database_url) == before


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_with_a_revoked_token_answers_401_and_writes_nothing(
    proposed: Secured, name: str
) -> None:
    query, variables = MUTATIONS[name]
    before = stored_state(proposed.database_url)

    response = post(proposed, query, variables, token=proposed.revoked)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in response.json()
    assert stored_state(proposed.database_url) == before


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_by_a_reporter_of_another_organisation_is_denied_and_writes_nothing(
    proposed: Secured, name: str
) -> None:
    query, variables = MUTATIONS[name]
    before = stored_state(proposed.database_url)

    response = post(proposed, query, variables, token=proposed.nhn_reporter)

    assert response.json()["data"][name]["__typename"] == "PermissionDeniedError"
    assert stored_state(proposed.database_url) == before


def test_a_revoked_token_is_refused_for_queries_too(secured: Secured) -> None:
    response = post(secured, "{ viewer { name } }", {}, token=secured.revoked)

    assert response.status_code == 401


def test_the_owners_reporter_may_make_the_same_write(proposed: Secured) -> None:
    # The refusals above are about the caller, not the input: the owner's REPORTER succeeds.
    query, variables = MUTATIONS["upsertDelivery"]

    response = post(proposed, query, variables, token=proposed.hdir_reporter)

    assert response.json()["data"]["upsertDelivery"]["__typename"] == "DeliveryPayload"


def test_row_counts_cover_every_portfolio_table(secured: Secured) -> None:
    engine = create_sync_engine(Settings(database_url=secured.database_url))
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
            tables -= BOOKKEEPING
            assert set(row_counts(connection)) == tables
    finally:
        engine.dispose()

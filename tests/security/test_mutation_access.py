"""Every mutation × every kind of caller: who may write what, and a refusal writes nothing.

The one access matrix of the write API. The initiatives written to (PLL, KJ-PLO) belong
to Helsedirektoratet (HDIR); the other organisation is Norsk helsenett (NHN).

- ADMIN (the portfolio office) may make every write; the owner's REPORTER the writes
  about its own initiatives; a REPORTER of another organisation, a READER and an
  anonymous caller (no token) none: they get ``PermissionDeniedError``. Scenarios touch
  no initiative: every REPORTER saves them for its own organisation, and changes or
  deletes only its organisation's (here HDIR's).
- An unknown or revoked token: **401** with ``code: UNAUTHENTICATED`` and a
  ``WWW-Authenticate`` header, for every request — a client holding a dead token must
  hear so, not be served silently as anonymous.

A write moves the data version by one and records audit events; a refusal leaves the data
version, the audit log and the row count of every table as they were.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.database import create_engine, create_sync_engine
from app.migrate import is_modelled
from app.settings import Settings
from app.tables import webhook_delivery_table
from app.webhook_dispatch import fan_out
from schema.relay import to_global_id
from tests.conftest import Callers
from tests.database_state import BOOKKEEPING, data_version, row_counts
from tests.security.conftest import Secured

RESULT = "{ __typename ... on Error { message } }"
DENIED = "PermissionDeniedError"
PROPOSE = (
    f"mutation($input: ProposeInitiativeInput!) {{ proposeInitiative(input: $input) {RESULT} }}"
)
PROPOSAL = {
    "code": "SEC-NY",
    "name": "Nytt tiltak",
    "owner": "HDIR",
    "digitalisationEssential": True,
    "coordinationOrStrategy": True,
}


def _propose_first(callers: Callers) -> None:
    body = callers.admin.data(
        PROPOSE,
        {"input": PROPOSAL},
    )
    assert body["proposeInitiative"]["__typename"] == "InitiativePayload"


CREATE_WEBHOOK = (
    f"mutation($input: CreateWebhookInput!) {{ createWebhook(input: $input) {RESULT} }}"
)
WEBHOOK = {
    "url": "https://93.184.215.14/hooks/portfolio",
    "events": ["STATUS_REPORT_SUBMITTED"],
    "secret": "a-secret-of-twenty-characters",
    "owner": "HDIR",
}


def _hdir_webhook_first(callers: Callers) -> dict[str, Any]:
    """Helsedirektoratet's webhook (made by the office), to delete."""
    body = callers.admin.data(CREATE_WEBHOOK, {"input": WEBHOOK})
    assert body["createWebhook"]["__typename"] == "WebhookPayload"
    return {"id": to_global_id("Webhook", "1")}


def _hdir_delivery_first(callers: Callers) -> dict[str, Any]:
    """A delivery to Helsedirektoratet's webhook, to send again."""
    _hdir_webhook_first(callers)
    report = {"initiative": "KJ-PLO", "status": "GREEN", "riskLevel": "GREEN",
              "mainRiskAreas": "Innføring i kommunene.", "dependenciesConfirmed": True}  # fmt: skip
    submitted = callers.admin.data(
        "mutation($input: SubmitStatusReportInput!) {"
        f" submitStatusReport(input: $input) {RESULT} }}",
        {"input": report},
    )
    assert submitted["submitStatusReport"]["__typename"] == "StatusReportPayload"
    settings = Settings(database_url=callers.database_url)
    engine = create_engine(settings)
    assert asyncio.run(_fan_out_and_dispose(engine, settings)) == 1
    sync_engine = create_sync_engine(settings)
    try:
        with sync_engine.connect() as connection:
            delivery = connection.execute(sa.select(webhook_delivery_table.c.id)).scalar_one()
    finally:
        sync_engine.dispose()
    return {"delivery": delivery}


async def _fan_out_and_dispose(engine: AsyncEngine, settings: Settings) -> int:
    try:
        return await fan_out(engine, settings=settings)
    finally:
        await engine.dispose()


CREATE_SCENARIO = (
    f"mutation($input: CreateScenarioInput!) {{ createScenario(input: $input) {RESULT} }}"
)
SCENARIO = {
    "code": "SEC-SCENARIO",
    "name": "PDS blir rød",
    "changes": [{"setStatus": {"code": "PDS", "status": "RED"}}],
}


def _hdir_scenario_first(callers: Callers) -> dict[str, Any]:
    """A scenario saved by Helsedirektoratet's REPORTER, to change or delete."""
    body = callers.as_role("REPORTER", "HDIR").data(CREATE_SCENARIO, {"input": SCENARIO})
    assert body["createScenario"]["__typename"] == "ScenarioPayload", body
    return {"code": SCENARIO["code"]}


CREATE_BASELINE = (
    f"mutation($input: CreateBaselineInput!) {{ createBaseline(input: $input) {RESULT} }}"
)


def _baseline_first(callers: Callers) -> dict[str, Any]:
    """A baseline (made by the office), to delete."""
    body = callers.admin.data(CREATE_BASELINE, {"input": {"code": "B-1", "name": "Vår"}})
    assert body["createBaseline"]["__typename"] == "BaselinePayload"
    return {"code": "B-1"}


@dataclass(frozen=True)
class Case:
    """A mutation, variables its allowed callers send successfully, and who may."""

    name: str
    document: str
    variables: dict[str, Any]
    payload: str
    owner_reporter_may: bool
    setup: Callable[[Callers], dict[str, Any] | None] | None = field(default=None)
    """Runs first; may return variables it made (ids), which join ``variables``."""
    any_reporter_may: bool = False
    """Every REPORTER may (a scenario is saved for the caller's own organisation)."""


CASES = [
    Case(
        "proposeInitiative",
        PROPOSE,
        {"input": PROPOSAL},
        "InitiativePayload",
        True,
    ),
    Case(
        "createInitiative",
        f"mutation($input: CreateInitiativeInput!) {{ createInitiative(input: $input) {RESULT} }}",
        {"input": {**PROPOSAL, "segment": "OBSERVE"}},
        "InitiativePayload",
        False,
    ),
    Case(
        "admitInitiative",
        "mutation($code: String!) {"
        f" admitInitiative(code: $code, segment: COORDINATE) {RESULT} }}",
        {"code": PROPOSAL["code"]},
        "InitiativePayload",
        False,
        _propose_first,
    ),
    Case(
        "declineInitiative",
        "mutation($code: String!, $reason: String!) {"
        f" declineInitiative(code: $code, reason: $reason) {RESULT} }}",
        {"code": PROPOSAL["code"], "reason": "Dekkes av PLL."},
        "InitiativePayload",
        False,
        _propose_first,
    ),
    Case(
        "updateInitiative",
        "mutation($input: UpdateInitiativeInput!) {"
        f' updateInitiative(code: "PLL", expectedVersion: 1, input: $input) {RESULT} }}',
        {"input": {"contactPerson": "Ny programleder"}},
        "InitiativePayload",
        True,
    ),
    Case(
        "addDependency",
        f"mutation($input: AddDependencyInput!) {{ addDependency(input: $input) {RESULT} }}",
        {"input": {"dependant": "KJ-PLO", "supplier": "PERSONVERN", "criticality": "LOW"}},
        "DependencyPayload",
        True,
    ),
    Case(
        "removeDependency",
        f"mutation($input: RemoveDependencyInput!) {{ removeDependency(input: $input) {RESULT} }}",
        {"input": {"dependant": "KJ-PLO", "supplier": "KJ"}},
        "RemoveDependencyPayload",
        True,
    ),
    Case(
        "upsertDelivery",
        f"mutation($input: UpsertDeliveryInput!) {{ upsertDelivery(input: $input) {RESULT} }}",
        {"input": {"initiative": "PLL", "code": "PLL-NY", "name": "Pilot i Bergen"}},
        "DeliveryPayload",
        True,
    ),
    Case(
        "upsertRisk",
        f"mutation($input: UpsertRiskInput!) {{ upsertRisk(input: $input) {RESULT} }}",
        {"input": {"initiative": "PLL", "code": "PLL-RNY", "title": "Forsinket EPJ-tilpasning",
                   "probability": 2, "consequence": 3, "level": "GREEN"}},
        "RiskPayload",
        True,
    ),
    Case(
        "submitStatusReport",
        "mutation($input: SubmitStatusReportInput!) {"
        f" submitStatusReport(input: $input) {RESULT} }}",
        {"input": {"initiative": "KJ-PLO", "status": "GREEN", "riskLevel": "GREEN",
                   "mainRiskAreas": "Innføring i kommunene.", "dependenciesConfirmed": True}},
        "StatusReportPayload",
        True,
    ),
    Case(
        "openReportingPeriod",
        "mutation($input: OpenReportingPeriodInput!) {"
        f" openReportingPeriod(input: $input) {RESULT} }}",
        {"input": {"code": "2026-3", "name": "september 2026", "opens": "2026-08-24",
                   "deadline": "2026-09-11"}},
        "ReportingPeriodPayload",
        False,
    ),
    Case(
        "closeReportingPeriod",
        f"mutation($code: String!) {{ closeReportingPeriod(code: $code) {RESULT} }}",
        {"code": "2026-2"},
        "ReportingPeriodPayload",
        False,
    ),
    Case(
        "grantRole",
        f"mutation($input: GrantRoleInput!) {{ grantRole(input: $input) {RESULT} }}",
        {"input": {"orgNumber": "994598759", "role": "REPORTER"}},
        "RoleGrantPayload",
        False,
    ),
    Case(
        "recordCouncilDecision",
        "mutation($input: RecordCouncilDecisionInput!) {"
        f" recordCouncilDecision(input: $input) {RESULT} }}",
        {"input": {"council": "NUIT", "meetingDate": "2026-05-06", "initiative": "PLL",
                   "summary": "NUIT ber om en ny gevinstplan."}},
        "CouncilDecisionPayload",
        False,
    ),
    Case(
        "createWebhook",
        CREATE_WEBHOOK,
        {"input": WEBHOOK},
        "WebhookPayload",
        True,
    ),
    Case(
        "deleteWebhook",
        f"mutation($id: ID!) {{ deleteWebhook(id: $id) {RESULT} }}",
        {},
        "DeleteWebhookPayload",
        True,
        _hdir_webhook_first,
    ),
    Case(
        "redeliverWebhook",
        f"mutation($delivery: ID!) {{ redeliverWebhook(delivery: $delivery) {RESULT} }}",
        {},
        "WebhookDeliveryPayload",
        True,
        _hdir_delivery_first,
    ),
    Case(
        "createScenario",
        CREATE_SCENARIO,
        {"input": SCENARIO},
        "ScenarioPayload",
        True,
        any_reporter_may=True,
    ),
    Case(
        "updateScenario",
        "mutation($code: String!) {"
        f' updateScenario(code: $code, input: {{name: "Nytt navn"}}) {RESULT} }}',
        {"code": SCENARIO["code"]},
        "ScenarioPayload",
        True,
        _hdir_scenario_first,
    ),
    Case(
        "deleteScenario",
        f"mutation($code: String!) {{ deleteScenario(code: $code) {RESULT} }}",
        {"code": SCENARIO["code"]},
        "ScenarioPayload",
        True,
        _hdir_scenario_first,
    ),
    Case(
        "createBaseline",
        CREATE_BASELINE,
        {"input": {"code": "B-1", "name": "Før NUIT-møtet"}},
        "BaselinePayload",
        False,
    ),
    Case(
        "deleteBaseline",
        f"mutation($code: String!) {{ deleteBaseline(code: $code) {RESULT} }}",
        {},
        "DeleteBaselinePayload",
        False,
        _baseline_first,
    ),
]  # fmt: skip

CALLERS = [
    ("ADMIN", None),
    ("REPORTER", "HDIR"),
    ("REPORTER", "NHN"),
    ("READER", None),
    ("ANONYMOUS", None),
]


def _expected(case: Case, role: str, organisation: str | None) -> str:
    if role == "ADMIN":
        return case.payload
    if role == "REPORTER" and organisation == "HDIR" and case.owner_reporter_may:
        return case.payload
    if role == "REPORTER" and case.any_reporter_may:
        return case.payload
    return DENIED


def stored_state(database_url: str) -> tuple[int, dict[str, int]]:
    """The data version and the row count of every portfolio table, audit log included."""
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return data_version(connection), row_counts(connection)
    finally:
        engine.dispose()


def post(secured: Secured, query: str, variables: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return secured.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def test_the_schema_has_no_mutation_these_tests_leave_out(secured: Secured) -> None:
    body = secured.http.post(
        "/graphql", json={"query": "{ __schema { mutationType { fields { name } } } }"}
    ).json()

    names = {field["name"] for field in body["data"]["__schema"]["mutationType"]["fields"]}
    assert names == {case.name for case in CASES}


@pytest.mark.parametrize(("role", "organisation"), CALLERS, ids=[f"{r}-{o}" for r, o in CALLERS])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_mutation_is_allowed_only_for_its_roles_and_owner_and_a_refusal_writes_nothing(
    callers: Callers, case: Case, role: str, organisation: str | None
) -> None:
    made = case.setup(callers) if case.setup is not None else None
    client = callers.as_role(role, organisation)
    version_before, rows_before = stored_state(callers.database_url)

    result = client.data(case.document, case.variables | (made or {}))[case.name]

    expected = _expected(case, role, organisation)
    assert result["__typename"] == expected, result
    version_after, rows_after = stored_state(callers.database_url)
    if expected == DENIED:
        assert result["message"]
        assert (version_after, rows_after) == (version_before, rows_before)
    else:
        assert version_after == version_before + 1
        assert rows_after["audit_event"] > rows_before["audit_event"]


@pytest.fixture(scope="module")
def proposed(secured: Secured) -> Secured:
    """A proposal to admit or decline, made by the office before the refusals are tried."""
    body = post(
        secured,
        PROPOSE,
        {"input": PROPOSAL},
        secured.admin,
    ).json()
    assert body["data"]["proposeInitiative"]["__typename"] == "InitiativePayload", body
    return secured


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_mutation_with_a_revoked_token_answers_401_and_writes_nothing(
    proposed: Secured, case: Case
) -> None:
    before = stored_state(proposed.database_url)

    response = post(proposed, case.document, case.variables, token=proposed.revoked)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in response.json()
    assert stored_state(proposed.database_url) == before


def test_a_revoked_token_is_refused_for_queries_too(secured: Secured) -> None:
    response = post(secured, "{ viewer { name } }", {}, token=secured.revoked)

    assert response.status_code == 401


def test_row_counts_cover_every_portfolio_table(secured: Secured) -> None:
    engine = create_sync_engine(Settings(database_url=secured.database_url))
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
            tables -= BOOKKEEPING
            # SQLite's full-text index (search_index and its shadow tables) is derived
            # from the portfolio tables, which are counted.
            tables = {table for table in tables if is_modelled(table, "table", {})}
            assert set(row_counts(connection)) == tables
    finally:
        engine.dispose()

"""Intake, optimistic concurrency, dependencies, audit and transactions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Callers
from tests.schema.writes import (
    ADD_DEPENDENCY,
    ADMIT,
    COORDINATE_REPORT,
    DECLINE,
    NEW_PROPOSAL,
    PROPOSE,
    REMOVE_DEPENDENCY,
    SUBMIT,
    UPDATE,
    audit_count,
    data_version,
    scalar,
)

INITIATIVES = """
query Initiatives($state: [LifecycleState!]) {
  initiatives(filter: { state: $state }) { nodes { code } }
}
"""

INTAKE = """
query Intake($code: String!) {
  initiative(code: $code) { state segment entryCriteriaFlags version }
}
"""

AUDIT = """
query Audit($entityCode: String) {
  auditEvents(first: 10, entityCode: $entityCode) {
    __typename
    ... on Error { message }
    ... on AuditEventConnection { nodes { actor action entityType entityCode before after } }
  }
}
"""

DEPENDANTS = """
query Dependencies($code: String!) {
  initiative(code: $code) { dependencies { supplier { ... on Solution { code } } } }
}
"""


def _decided(callers: Callers, code: str) -> tuple[Any, ...]:
    return tuple(
        scalar(
            callers.database_url,
            f"SELECT {column} FROM initiative WHERE code = :code",
            code=code,
        )
        for column in ("decided_by", "decided_at", "decision_reason")
    )


# --- intake ---------------------------------------------------------------------------------


def test_reporter_proposal_waits_as_proposed_outside_the_portfolio(callers: Callers) -> None:
    reporter = callers.as_role("REPORTER", "HDIR")
    proposal = {key: value for key, value in NEW_PROPOSAL.items() if key != "owner"}

    result = reporter.data(PROPOSE, {"input": proposal})["proposeInitiative"]

    assert result["initiative"]["state"] == "PROPOSED"
    assert result["initiative"]["segment"] is None
    listed = callers.anonymous.data(INITIATIVES)["initiatives"]["nodes"]
    assert NEW_PROPOSAL["code"] not in {node["code"] for node in listed}


def test_proposal_failing_the_entry_criteria_is_flagged_with_the_reason(callers: Callers) -> None:
    failing = {**NEW_PROPOSAL, "digitalisationEssential": False}
    result = callers.admin.data(PROPOSE, {"input": failing})["proposeInitiative"]
    flags = result["initiative"]["entryCriteriaFlags"]
    assert len(flags) == 1
    assert flags[0].startswith("Criterion 1 is not met")


def test_admission_records_segment_and_who_when_why(callers: Callers) -> None:
    callers.admin.data(PROPOSE, {"input": NEW_PROPOSAL})
    code = NEW_PROPOSAL["code"]

    result = callers.admin.data(
        ADMIT, {"code": code, "segment": "COORDINATE", "reason": "Avhenger av e-resept."}
    )["admitInitiative"]

    assert result["initiative"]["state"] == "ACTIVE"
    assert result["initiative"]["segment"] == "COORDINATE"
    decided_by, decided_at, reason = _decided(callers, code)
    assert decided_by.startswith("admin")
    assert decided_at is not None
    assert reason == "Avhenger av e-resept."
    listed = callers.anonymous.data(INITIATIVES)["initiatives"]["nodes"]
    assert code in {node["code"] for node in listed}


def test_declined_proposal_keeps_its_reason(callers: Callers) -> None:
    callers.admin.data(PROPOSE, {"input": NEW_PROPOSAL})
    result = callers.admin.data(DECLINE, {"code": NEW_PROPOSAL["code"], "reason": "Dekkes av PLL."})
    assert result["declineInitiative"]["initiative"]["state"] == "DECLINED"
    assert _decided(callers, NEW_PROPOSAL["code"])[2] == "Dekkes av PLL."


def test_only_a_proposal_can_be_admitted(callers: Callers) -> None:
    result = callers.admin.data(ADMIT, {"code": "PLL", "segment": "OBSERVE"})["admitInitiative"]
    assert result["__typename"] == "ValidationError"
    assert result["problems"][0]["field"] == "code"


# --- optimistic concurrency -------------------------------------------------------------------


def test_two_clients_with_the_same_version_one_wins_the_other_conflicts(callers: Callers) -> None:
    first, second = callers.admin, callers.as_role("REPORTER", "HDIR")
    version = data_version(callers.database_url)

    won = first.data(
        UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"name": "PLL (første)"}}
    )["updateInitiative"]
    lost = second.data(
        UPDATE,
        {"code": "PLL", "expectedVersion": 1, "input": {"name": "PLL (andre)", "phase": "CLOSURE"}},
    )["updateInitiative"]

    assert won["__typename"] == "InitiativePayload"
    assert won["initiative"]["version"] == 2
    assert lost["__typename"] == "ConflictError"
    assert lost["currentVersion"] == 2
    stored = callers.anonymous.data(
        UPDATE.replace("mutation", "query", 0) if False else INTAKE, {"code": "PLL"}
    )
    assert stored["initiative"]["version"] == 2
    assert scalar(callers.database_url, "SELECT name FROM initiative WHERE code = 'PLL'") == (
        "PLL (første)"
    )
    assert scalar(callers.database_url, "SELECT phase FROM initiative WHERE code = 'PLL'") == (
        "EXECUTION"
    )
    assert data_version(callers.database_url) == version + 1


def test_reporter_cannot_change_the_segment(callers: Callers) -> None:
    reporter = callers.as_role("REPORTER", "HDIR")
    result = reporter.data(
        UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"segment": "OBSERVE"}}
    )["updateInitiative"]
    assert result["__typename"] == "PermissionDeniedError"


# --- dependencies -----------------------------------------------------------------------------


def test_add_dependency_rejects_cycle_with_its_path(callers: Callers) -> None:
    # PLL depends on SFM-UTV; making SFM-UTV depend on PLL closes the loop.
    result = callers.admin.data(
        ADD_DEPENDENCY, {"input": {"dependant": "SFM-UTV", "supplier": "PLL"}}
    )["addDependency"]
    assert result["__typename"] == "DependencyCycleError"
    assert result["cycle"][0] == result["cycle"][-1] == "SFM-UTV"
    assert "PLL" in result["cycle"]


def test_add_dependency_rejects_cycle_through_a_developed_solution(callers: Callers) -> None:
    # HAP-PROG develops HAP, and LMR depends on HAP.
    result = callers.admin.data(
        ADD_DEPENDENCY, {"input": {"dependant": "HAP-PROG", "supplier": "LMR"}}
    )["addDependency"]
    assert result["__typename"] == "DependencyCycleError"
    assert result["cycle"] == ["HAP-PROG", "HAP", "LMR", "HAP-PROG"]


def test_add_dependency_rejects_self(callers: Callers) -> None:
    result = callers.admin.data(ADD_DEPENDENCY, {"input": {"dependant": "PLL", "supplier": "PLL"}})
    assert result["addDependency"]["problems"][0]["field"] == "supplier"


def test_add_dependency_rejects_duplicate(callers: Callers) -> None:
    result = callers.admin.data(ADD_DEPENDENCY, {"input": {"dependant": "PLL", "supplier": "KJ"}})
    assert result["addDependency"]["problems"][0]["field"] == "supplier"


@pytest.mark.parametrize("field", ["dependant", "supplier"])
def test_add_dependency_rejects_unknown_codes(callers: Callers, field: str) -> None:
    values = {"dependant": "PLL", "supplier": "HELSENORGE", field: "NO-SUCH"}
    result = callers.admin.data(ADD_DEPENDENCY, {"input": values})["addDependency"]
    assert (result["__typename"], result["field"]) == ("NotFoundError", field)


def test_removed_dependency_is_gone(callers: Callers) -> None:
    result = callers.admin.data(
        REMOVE_DEPENDENCY, {"input": {"dependant": "KJ-PLO", "supplier": "KJ"}}
    )
    assert result["removeDependency"]["__typename"] == "RemoveDependencyPayload"
    suppliers = callers.anonymous.data(DEPENDANTS, {"code": "KJ-PLO"})["initiative"]
    assert "KJ" not in {item["supplier"].get("code") for item in suppliers["dependencies"]}


# --- developed solutions ----------------------------------------------------------------------

DEVELOPED = """
  __typename
  ... on Error { message }
  ... on ValidationError { problems { field message } }
  ... on DependencyCycleError { cycle }
  ... on InitiativePayload {
    initiative { code version developedSolutions { code } downstream { code } }
  }
"""

CREATE_DEVELOPING = f"""
mutation CreateDeveloping($input: CreateInitiativeInput!) {{
  createInitiative(input: $input) {{ {DEVELOPED} }}
}}
"""

UPDATE_DEVELOPING = f"""
mutation UpdateDeveloping($code: String!, $expectedVersion: Int!, $input: UpdateInitiativeInput!) {{
  updateInitiative(code: $code, expectedVersion: $expectedVersion, input: $input) {{
    {DEVELOPED}
  }}
}}
"""


def _developed(initiative: dict[str, Any]) -> list[str]:
    return [solution["code"] for solution in initiative["developedSolutions"]]


def _downstream(initiative: dict[str, Any]) -> set[str]:
    return {node["code"] for node in initiative["downstream"]}


def test_create_initiative_sets_the_solutions_it_develops(callers: Callers) -> None:
    values = {
        **NEW_PROPOSAL,
        "segment": "COORDINATE",
        "developedSolutions": ["PROVESVAR", "ALTINN"],
    }

    result = callers.admin.data(CREATE_DEVELOPING, {"input": values})["createInitiative"]

    assert result["__typename"] == "InitiativePayload"
    assert _developed(result["initiative"]) == ["ALTINN", "PROVESVAR"]
    assert {"ALTINN", "PROVESVAR"} <= _downstream(result["initiative"])
    events = callers.admin.data(AUDIT, {"entityCode": NEW_PROPOSAL["code"]})["auditEvents"]
    assert events["nodes"][0]["after"]["developed_solutions"] == ["ALTINN", "PROVESVAR"]


def test_update_initiative_keeps_developed_solutions_left_out_and_replaces_a_given_list(
    callers: Callers,
) -> None:
    # HAP-PROG develops HAP, which LMR depends on.
    renamed = callers.admin.data(
        UPDATE_DEVELOPING,
        {"code": "HAP-PROG", "expectedVersion": 1, "input": {"name": "Helseanalyseplattformen"}},
    )["updateInitiative"]
    version = data_version(callers.database_url)

    replaced = callers.admin.data(
        UPDATE_DEVELOPING,
        {
            "code": "HAP-PROG",
            "expectedVersion": 2,
            "input": {"developedSolutions": ["PERSONTJ", "ALTINN", "PERSONTJ"]},
        },
    )["updateInitiative"]

    assert _developed(renamed["initiative"]) == ["HAP"]
    assert replaced["__typename"] == "InitiativePayload"
    assert replaced["initiative"]["version"] == 3
    assert _developed(replaced["initiative"]) == ["ALTINN", "PERSONTJ"]
    downstream = _downstream(replaced["initiative"])
    assert {"ALTINN", "PERSONTJ"} <= downstream
    assert not {"HAP", "LMR"} & downstream
    assert data_version(callers.database_url) == version + 1
    event = callers.admin.data(AUDIT, {"entityCode": "HAP-PROG"})["auditEvents"]["nodes"][0]
    assert event["action"] == "initiative.update"
    assert event["before"]["developed_solutions"] == ["HAP"]
    assert event["after"]["developed_solutions"] == ["ALTINN", "PERSONTJ"]


@pytest.mark.parametrize("mutation", ["createInitiative", "updateInitiative"])
def test_developed_solutions_must_name_national_solutions(callers: Callers, mutation: str) -> None:
    codes = ["ALTINN", "PLL", "NO-SUCH"]
    if mutation == "createInitiative":
        document = CREATE_DEVELOPING
        variables: dict[str, Any] = {
            "input": {**NEW_PROPOSAL, "segment": "OBSERVE", "developedSolutions": codes}
        }
    else:
        document = UPDATE_DEVELOPING
        variables = {"code": "PLL", "expectedVersion": 1, "input": {"developedSolutions": codes}}
    version = data_version(callers.database_url)

    result = callers.admin.data(document, variables)[mutation]

    assert result["__typename"] == "ValidationError"
    assert [problem["field"] for problem in result["problems"]] == [
        "developedSolutions[1]",
        "developedSolutions[2]",
    ]
    assert data_version(callers.database_url) == version


def test_developing_a_solution_the_initiative_depends_on_is_refused_with_the_cycle(
    callers: Callers,
) -> None:
    # PLL depends on KJ-PLO, which depends on HELSENETT: PLL cannot develop HELSENETT.
    version, audits = data_version(callers.database_url), audit_count(callers.database_url)

    result = callers.admin.data(
        UPDATE_DEVELOPING,
        {
            "code": "PLL",
            "expectedVersion": 1,
            "input": {"name": "PLL", "developedSolutions": ["ALTINN", "HELSENETT"]},
        },
    )["updateInitiative"]

    assert result["__typename"] == "DependencyCycleError"
    assert result["cycle"] == ["HELSENETT", "KJ-PLO", "PLL", "HELSENETT"]
    assert "Developing HELSENETT" in result["message"]
    assert (
        scalar(
            callers.database_url,
            "SELECT count(*) FROM developed_solution d JOIN initiative i ON i.id = d.initiative_id "
            "WHERE i.code = 'PLL'",
        )
        == 0
    )
    assert scalar(callers.database_url, "SELECT version FROM initiative WHERE code = 'PLL'") == 1
    assert (data_version(callers.database_url), audit_count(callers.database_url)) == (
        version,
        audits,
    )


# --- audit and transactions ---------------------------------------------------------------------


def test_every_write_leaves_an_audit_event_with_before_and_after(callers: Callers) -> None:
    callers.admin.data(
        UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"contactPerson": "Kari"}}
    )

    events = callers.admin.data(AUDIT, {"entityCode": "PLL"})["auditEvents"]["nodes"]

    assert events[0]["action"] == "initiative.update"
    assert events[0]["actor"].startswith("admin")
    assert events[0]["before"]["version"] == 1
    assert events[0]["after"]["version"] == 2
    assert events[0]["after"]["contact_person"] == "Kari"


@pytest.mark.parametrize(("role", "organisation"), [("READER", None), ("REPORTER", "HDIR")])
def test_audit_log_is_for_the_portfolio_office_only(
    callers: Callers, role: str, organisation: str | None
) -> None:
    result = callers.as_role(role, organisation).data(AUDIT)["auditEvents"]
    assert result["__typename"] == "PermissionDeniedError"


def test_write_is_all_or_nothing_when_it_fails_midway(
    callers: Callers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import status_report_writes

    version = data_version(callers.database_url)
    audits = audit_count(callers.database_url)
    reports = scalar(callers.database_url, "SELECT count(*) FROM status_report")

    async def failing_audit(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(status_report_writes, "audit", failing_audit)
    body = callers.admin.execute(SUBMIT, {"input": COORDINATE_REPORT})

    assert body["errors"]
    assert scalar(callers.database_url, "SELECT count(*) FROM status_report") == reports
    assert audit_count(callers.database_url) == audits
    assert data_version(callers.database_url) == version

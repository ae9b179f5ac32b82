"""Every validation rule names its field, and bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Callers
from tests.schema.writes import (
    ADD_DEPENDENCY,
    ADMIT,
    COORDINATE_REPORT,
    CREATE,
    NEW_PROPOSAL,
    OPEN_PERIOD,
    PROPOSE,
    RECORD_DECISION,
    REMOVE_DEPENDENCY,
    SUBMIT,
    UPDATE,
    UPSERT_DELIVERY,
    UPSERT_RISK,
    audit_count,
    data_version,
    scalar,
)

CO_GOVERN_REPORT = {
    "initiative": "PLL",
    "status": "GREEN",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Innføring hos fastleger.",
    "dependenciesConfirmed": True,
    "investmentNok": 208_000_000,
    "annualOperatingCostNok": 40_000_000,
    "benefits": "Færre legemiddelfeil.",
    "benefitPrerequisites": "EPJ-leverandørene tar i bruk PLL.",
}


def _fields(result: dict[str, Any]) -> set[str]:
    assert result["__typename"] == "ValidationError", result
    assert result["message"]
    return {problem["field"] for problem in result["problems"]}


def _submit(callers: Callers, report: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = callers.admin.data(SUBMIT, {"input": report})["submitStatusReport"]
    return result


# --- segment rules -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["YELLOW", "RED"])
def test_yellow_or_red_status_needs_a_reason(callers: Callers, status: str) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "status": status})
    assert _fields(result) == {"statusReason"}


def test_coordinate_segment_needs_risk_level_main_risk_areas_and_confirmed_dependencies(
    callers: Callers,
) -> None:
    result = _submit(callers, {"initiative": "KJ-PLO", "status": "GREEN"})
    assert _fields(result) == {"riskLevel", "mainRiskAreas", "dependenciesConfirmed"}


@pytest.mark.parametrize("confirmed", [True, False])
def test_dependencies_confirmed_either_way_is_stored_with_the_report(
    callers: Callers, confirmed: bool
) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "dependenciesConfirmed": confirmed})
    assert result["__typename"] == "StatusReportPayload"
    assert result["report"]["dependenciesConfirmed"] is confirmed


@pytest.mark.parametrize("risk", ["YELLOW", "RED"])
def test_yellow_or_red_risk_needs_planned_and_implemented_mitigations(
    callers: Callers, risk: str
) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "riskLevel": risk})
    assert _fields(result) == {"plannedMitigations", "implementedMitigations"}


def test_co_govern_segment_needs_economics_benefits_and_prerequisites(callers: Callers) -> None:
    report = {
        key: value
        for key, value in CO_GOVERN_REPORT.items()
        if key
        not in {"investmentNok", "annualOperatingCostNok", "benefits", "benefitPrerequisites"}
    }
    result = _submit(callers, report)
    assert _fields(result) == {
        "investmentNok",
        "annualOperatingCostNok",
        "benefits",
        "benefitPrerequisites",
    }


def test_observe_segment_needs_only_status(callers: Callers) -> None:
    result = _submit(callers, {"initiative": "KULE", "status": "GREEN"})
    assert result["__typename"] == "StatusReportPayload"
    assert result["report"]["segment"] == "OBSERVE"


def test_every_broken_rule_is_listed_at_once(callers: Callers) -> None:
    result = _submit(callers, {"initiative": "PLL", "status": "RED", "riskLevel": "RED"})
    assert _fields(result) == {
        "statusReason",
        "mainRiskAreas",
        "plannedMitigations",
        "implementedMitigations",
        "investmentNok",
        "annualOperatingCostNok",
        "benefits",
        "benefitPrerequisites",
        "dependenciesConfirmed",
    }


def test_complete_co_govern_report_is_accepted(callers: Callers) -> None:
    result = _submit(callers, CO_GOVERN_REPORT)
    assert result["__typename"] == "StatusReportPayload"
    assert result["report"]["investmentNok"] == 208_000_000


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"investmentNok": -1}, "investmentNok"),
        ({"annualOperatingCostNok": 10.5}, "annualOperatingCostNok"),
        ({"benefits": "x" * 10_001}, "benefits"),
        ({"forecastEnd": "2200-01-01"}, "forecastEnd"),
        ({"statusReason": "   "}, "statusReason"),
    ],
)
def test_bad_report_values_name_their_field(
    callers: Callers, change: dict[str, Any], field: str
) -> None:
    assert field in _fields(_submit(callers, {**CO_GOVERN_REPORT, **change}))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "HAR MELLOMROM"}, "code"),
        ({"code": "PLL"}, "code"),
        ({"code": "KJ"}, "code"),
        ({"code": "X" * 41}, "code"),
        ({"name": "n" * 301}, "name"),
        ({"owner": "NOBODY"}, "owner"),
        ({"mainGoal": 9}, "mainGoal"),
        ({"supportingGoals": [1, 7]}, "supportingGoals[1]"),
        ({"sdgs": [3, 4]}, "sdgs[1]"),
        ({"plannedStart": "2027-01-01", "plannedEnd": "2026-01-01"}, "plannedEnd"),
        ({"plannedStart": "1900-01-01"}, "plannedStart"),
    ],
)
def test_bad_proposal_values_name_their_field(
    callers: Callers, change: dict[str, Any], field: str
) -> None:
    result = callers.admin.data(PROPOSE, {"input": {**NEW_PROPOSAL, **change}})
    assert field in _fields(result["proposeInitiative"])


def test_refused_write_leaves_nothing_behind(callers: Callers) -> None:
    version, audits = data_version(callers.database_url), audit_count(callers.database_url)
    bad = {**NEW_PROPOSAL, "plannedStart": "2027-01-01", "plannedEnd": "2026-01-01"}

    callers.admin.data(PROPOSE, {"input": bad})

    assert data_version(callers.database_url) == version
    assert audit_count(callers.database_url) == audits
    code = NEW_PROPOSAL["code"]
    assert (
        scalar(callers.database_url, "SELECT count(*) FROM initiative WHERE code = :c", c=code) == 0
    )


def test_unknown_enum_value_is_refused_naming_the_field(callers: Callers) -> None:
    body = callers.admin.execute(SUBMIT, {"input": {**COORDINATE_REPORT, "status": "PURPLE"}})
    assert body.get("data") is None
    assert "status" in body["errors"][0]["message"]
    assert "PURPLE" in body["errors"][0]["message"]


def test_malformed_date_is_refused_naming_the_field(callers: Callers) -> None:
    body = callers.admin.execute(SUBMIT, {"input": {**COORDINATE_REPORT, "forecastEnd": "31.12"}})
    assert body.get("data") is None
    assert "forecastEnd" in body["errors"][0]["message"]


def test_malformed_dependency_id_is_a_validation_error(callers: Callers) -> None:
    result = callers.admin.data(REMOVE_DEPENDENCY, {"input": {"id": "not base64!"}})
    assert _fields(result["removeDependency"]) == {"id"}


def test_unknown_initiative_code_is_not_found_naming_the_field(callers: Callers) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "initiative": "NO-SUCH"})
    assert result["__typename"] == "NotFoundError"
    assert (result["field"], result["code"]) == ("initiative", "NO-SUCH")


def test_unknown_period_is_not_found(callers: Callers) -> None:
    result = _submit(callers, {**COORDINATE_REPORT, "period": "1999-1"})
    assert (result["__typename"], result["field"]) == ("NotFoundError", "period")


def test_update_with_no_field_is_a_validation_error(callers: Callers) -> None:
    result = callers.admin.data(UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {}})
    assert _fields(result["updateInitiative"]) == {"input"}


def test_update_cannot_blank_the_name(callers: Callers) -> None:
    result = callers.admin.data(
        UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"name": None}}
    )
    assert _fields(result["updateInitiative"]) == {"name"}


def test_update_end_before_existing_start_names_the_end(callers: Callers) -> None:
    result = callers.admin.data(
        UPDATE, {"code": "PLL", "expectedVersion": 1, "input": {"plannedEnd": "2019-01-01"}}
    )
    assert _fields(result["updateInitiative"]) == {"plannedEnd"}


def test_create_needs_a_segment_value_that_exists(callers: Callers) -> None:
    body = callers.admin.execute(CREATE, {"input": {**NEW_PROPOSAL, "segment": "SOMETIMES"}})
    assert "segment" in body["errors"][0]["message"]


# --- deliveries, risks, periods, decisions --------------------------------------------


def test_delivered_date_needs_status_delivered(callers: Callers) -> None:
    delivery = {"initiative": "PLL", "code": "PLL-X", "name": "X", "deliveredDate": "2026-01-01"}
    result = callers.admin.data(UPSERT_DELIVERY, {"input": delivery})["upsertDelivery"]
    assert _fields(result) == {"deliveredDate"}


def test_reporter_cannot_move_a_baseline(callers: Callers) -> None:
    code = scalar(
        callers.database_url,
        "SELECT d.code FROM delivery d JOIN initiative i ON i.id = d.initiative_id "
        "WHERE i.code = 'PLL' AND d.baseline_date IS NOT NULL ORDER BY d.code",
    )
    reporter = callers.as_role("REPORTER", "HDIR")
    delivery = {"initiative": "PLL", "code": code, "name": "Flyttet", "baselineDate": "2030-01-01"}
    result = reporter.data(UPSERT_DELIVERY, {"input": delivery})["upsertDelivery"]
    assert _fields(result) == {"baselineDate"}


def test_delivery_code_of_another_initiative_is_refused(callers: Callers) -> None:
    delivery = {"initiative": "KJ-PLO", "code": "PLL-D1", "name": "Kapret"}
    result = callers.admin.data(UPSERT_DELIVERY, {"input": delivery})["upsertDelivery"]
    assert _fields(result) == {"code"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probability": 0}, "probability"),
        ({"consequence": 6}, "consequence"),
        ({"level": "RED"}, "mitigation"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_risk_values_name_their_field(
    callers: Callers, change: dict[str, Any], field: str
) -> None:
    risk = {
        "initiative": "PLL",
        "code": "PLL-RX",
        "title": "Risiko",
        "probability": 3,
        "consequence": 3,
        "level": "GREEN",
    }
    result = callers.admin.data(UPSERT_RISK, {"input": {**risk, **change}})["upsertRisk"]
    assert field in _fields(result)


def test_period_deadline_before_opening_names_the_deadline(callers: Callers) -> None:
    period = {"code": "2026-9", "name": "x", "opens": "2026-09-01", "deadline": "2026-08-01"}
    result = callers.admin.data(OPEN_PERIOD, {"input": period})["openReportingPeriod"]
    assert _fields(result) == {"deadline"}


def test_period_code_must_be_new(callers: Callers) -> None:
    period = {"code": "2026-2", "name": "x", "opens": "2026-03-16", "deadline": "2026-04-10"}
    result = callers.admin.data(OPEN_PERIOD, {"input": period})["openReportingPeriod"]
    assert _fields(result) == {"code"}


def test_council_decision_needs_a_summary(callers: Callers) -> None:
    decision = {"council": "NUFA", "meetingDate": "2026-05-06", "initiative": "PLL", "summary": ""}
    result = callers.admin.data(RECORD_DECISION, {"input": decision})["recordCouncilDecision"]
    assert _fields(result) == {"summary"}


def test_admitting_a_proposal_that_fails_the_criteria_needs_a_reason(callers: Callers) -> None:
    failing = {**NEW_PROPOSAL, "coordinationOrStrategy": False}
    callers.admin.data(PROPOSE, {"input": failing})
    result = callers.admin.data(ADMIT, {"code": NEW_PROPOSAL["code"], "segment": "OBSERVE"})
    assert _fields(result["admitInitiative"]) == {"reason"}


def test_dependency_lag_out_of_range_names_lag_days(callers: Callers) -> None:
    dependency = {"dependant": "KJ-PLO", "supplier": "PERSONVERN", "lagDays": 5000}
    result = callers.admin.data(ADD_DEPENDENCY, {"input": dependency})["addDependency"]
    assert _fields(result) == {"lagDays"}

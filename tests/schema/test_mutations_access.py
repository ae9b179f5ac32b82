"""Every mutation × role × owner organisation: who may write what, and refusals write nothing.

The initiatives written to (PLL, KJ-PLO) belong to Helsedirektoratet (HDIR); the other
organisation is Norsk helsenett (NHN).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import Callers, TokenClient
from tests.schema.writes import (
    ADD_DEPENDENCY,
    ADMIT,
    CLOSE_PERIOD,
    COORDINATE_REPORT,
    CREATE,
    DECLINE,
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
)

DENIED = "PermissionDeniedError"


def _propose_first(callers: Callers) -> None:
    body = callers.admin.data(PROPOSE, {"input": NEW_PROPOSAL})
    assert body["proposeInitiative"]["__typename"] == "InitiativePayload"


@dataclass(frozen=True)
class Case:
    """A mutation, its variables, its success type, and whether the owner's REPORTER may."""

    name: str
    document: str
    variables: dict[str, Any]
    payload: str
    owner_reporter_may: bool
    setup: Callable[[Callers], None] | None = field(default=None)


CASES = [
    Case("proposeInitiative", PROPOSE, {"input": NEW_PROPOSAL}, "InitiativePayload", True),
    Case(
        "createInitiative",
        CREATE,
        {"input": {**NEW_PROPOSAL, "segment": "OBSERVE"}},
        "InitiativePayload",
        False,
    ),
    Case(
        "admitInitiative",
        ADMIT,
        {"code": NEW_PROPOSAL["code"], "segment": "COORDINATE"},
        "InitiativePayload",
        False,
        _propose_first,
    ),
    Case(
        "declineInitiative",
        DECLINE,
        {"code": NEW_PROPOSAL["code"], "reason": "Dekkes av PLL."},
        "InitiativePayload",
        False,
        _propose_first,
    ),
    Case(
        "updateInitiative",
        UPDATE,
        {"code": "PLL", "expectedVersion": 1, "input": {"contactPerson": "Ny programleder"}},
        "InitiativePayload",
        True,
    ),
    Case(
        "addDependency",
        ADD_DEPENDENCY,
        {"input": {"dependant": "KJ-PLO", "supplier": "PERSONVERN", "criticality": "LOW"}},
        "DependencyPayload",
        True,
    ),
    Case(
        "removeDependency",
        REMOVE_DEPENDENCY,
        {"input": {"dependant": "KJ-PLO", "supplier": "KJ"}},
        "RemoveDependencyPayload",
        True,
    ),
    Case(
        "upsertDelivery",
        UPSERT_DELIVERY,
        {"input": {"initiative": "PLL", "code": "PLL-NY", "name": "Pilot i Bergen"}},
        "DeliveryPayload",
        True,
    ),
    Case(
        "upsertRisk",
        UPSERT_RISK,
        {
            "input": {
                "initiative": "PLL",
                "code": "PLL-RNY",
                "title": "Forsinket EPJ-tilpasning",
                "probability": 2,
                "consequence": 3,
                "level": "GREEN",
            }
        },
        "RiskPayload",
        True,
    ),
    Case("submitStatusReport", SUBMIT, {"input": COORDINATE_REPORT}, "StatusReportPayload", True),
    Case(
        "openReportingPeriod",
        OPEN_PERIOD,
        {
            "input": {
                "code": "2026-3",
                "name": "september 2026",
                "opens": "2026-08-24",
                "deadline": "2026-09-11",
            }
        },
        "ReportingPeriodPayload",
        False,
    ),
    Case("closeReportingPeriod", CLOSE_PERIOD, {"code": "2026-2"}, "ReportingPeriodPayload", False),
    Case(
        "recordCouncilDecision",
        RECORD_DECISION,
        {
            "input": {
                "council": "NUIT",
                "meetingDate": "2026-05-06",
                "initiative": "PLL",
                "summary": "NUIT ber om en ny gevinstplan.",
            }
        },
        "CouncilDecisionPayload",
        False,
    ),
]

# (caller, organisation, may write as the owner's reporter would, always allowed)
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
    return DENIED


@pytest.mark.parametrize(("role", "organisation"), CALLERS, ids=[f"{r}-{o}" for r, o in CALLERS])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_mutation_is_allowed_only_for_its_roles_and_owner(
    callers: Callers, case: Case, role: str, organisation: str | None
) -> None:
    if case.setup is not None:
        case.setup(callers)
    client: TokenClient = callers.as_role(role, organisation)
    version_before = data_version(callers.database_url)
    audits_before = audit_count(callers.database_url)

    result = client.data(case.document, case.variables)[case.name]

    expected = _expected(case, role, organisation)
    assert result["__typename"] == expected, result
    if expected == DENIED:
        assert result["message"]
        assert data_version(callers.database_url) == version_before
        assert audit_count(callers.database_url) == audits_before
    else:
        assert data_version(callers.database_url) == version_before + 1
        assert audit_count(callers.database_url) > audits_before

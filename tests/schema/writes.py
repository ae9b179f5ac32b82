"""Documents and helpers shared by the write-API tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings

RESULT = """
    __typename
    ... on Error { message }
    ... on ValidationError { problems { field message } }
    ... on NotFoundError { field code }
"""

PROPOSE = f"""
mutation Propose($input: ProposeInitiativeInput!) {{
  proposeInitiative(input: $input) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
    ... on InitiativePayload {{ initiative {{ code state segment version entryCriteriaFlags }} }}
  }}
}}
"""

CREATE = f"""
mutation Create($input: CreateInitiativeInput!) {{
  createInitiative(input: $input) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
    ... on InitiativePayload {{ initiative {{ code state segment version }} }}
  }}
}}
"""

ADMIT = f"""
mutation Admit($code: String!, $segment: Segment!, $reason: String, $expectedVersion: Int) {{
  admitInitiative(
    code: $code, segment: $segment, reason: $reason, expectedVersion: $expectedVersion
  ) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
    ... on InitiativePayload {{ initiative {{ code state segment version }} }}
  }}
}}
"""

DECLINE = f"""
mutation Decline($code: String!, $reason: String!) {{
  declineInitiative(code: $code, reason: $reason) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
    ... on InitiativePayload {{ initiative {{ code state segment }} }}
  }}
}}
"""

UPDATE = f"""
mutation Update($code: String!, $expectedVersion: Int!, $input: UpdateInitiativeInput!) {{
  updateInitiative(code: $code, expectedVersion: $expectedVersion, input: $input) {{
    {RESULT}
    ... on ConflictError {{ currentVersion }}
    ... on InitiativePayload {{
      initiative {{ code name version phase segment state plannedStart plannedEnd }}
    }}
  }}
}}
"""

ADD_DEPENDENCY = f"""
mutation AddDependency($input: AddDependencyInput!) {{
  addDependency(input: $input) {{
    {RESULT}
    ... on DependencyCycleError {{ cycle }}
    ... on DependencyPayload {{
      dependency {{ id criticality dependant {{ code }} supplier {{ __typename }} }}
    }}
  }}
}}
"""

REMOVE_DEPENDENCY = f"""
mutation RemoveDependency($input: RemoveDependencyInput!) {{
  removeDependency(input: $input) {{
    {RESULT}
    ... on RemoveDependencyPayload {{ supplierCode dependant {{ code }} }}
  }}
}}
"""

UPSERT_DELIVERY = f"""
mutation UpsertDelivery($input: UpsertDeliveryInput!) {{
  upsertDelivery(input: $input) {{
    {RESULT}
    ... on DeliveryPayload {{ delivery {{ code name status baselineDate forecastDate }} }}
  }}
}}
"""

UPSERT_RISK = f"""
mutation UpsertRisk($input: UpsertRiskInput!) {{
  upsertRisk(input: $input) {{
    {RESULT}
    ... on RiskPayload {{ risk {{ code title level score }} }}
  }}
}}
"""

SUBMIT = f"""
mutation Submit($input: SubmitStatusReportInput!) {{
  submitStatusReport(input: $input) {{
    {RESULT}
    ... on StatusReportPayload {{
      previousStatus statusChanged
      report {{
        periodCode revision status segment submittedBy investmentNok dependenciesConfirmed
      }}
      initiative {{ code version }}
    }}
  }}
}}
"""

OPEN_PERIOD = f"""
mutation OpenPeriod($input: OpenReportingPeriodInput!) {{
  openReportingPeriod(input: $input) {{
    {RESULT}
    ... on ReportingPeriodPayload {{ period {{ code name closed }} }}
  }}
}}
"""

CLOSE_PERIOD = f"""
mutation ClosePeriod($code: String!) {{
  closeReportingPeriod(code: $code) {{
    {RESULT}
    ... on ReportingPeriodPayload {{ period {{ code closed }} }}
  }}
}}
"""

RECORD_DECISION = f"""
mutation RecordDecision($input: RecordCouncilDecisionInput!) {{
  recordCouncilDecision(input: $input) {{
    {RESULT}
    ... on CouncilDecisionPayload {{
      decision {{ council meetingCode kind summary newSegment newState initiative {{ code }} }}
    }}
  }}
}}
"""

NEW_PROPOSAL = {
    "code": "E-RESEPT-MULTIDOSE",
    "name": "Multidose i e-resept",
    "owner": "HDIR",
    "digitalisationEssential": True,
    "coordinationOrStrategy": True,
    "phase": "CONCEPT",
    "mainGoal": 2,
}

COORDINATE_REPORT = {
    "initiative": "KJ-PLO",
    "status": "GREEN",
    "riskLevel": "GREEN",
    "mainRiskAreas": "Innføring i kommunene.",
    "dependenciesConfirmed": True,
}


def scalar(database_url: str, statement: str, **parameters: Any) -> Any:
    """One value read straight from the database, bypassing the API."""
    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text(statement), parameters)
    finally:
        engine.dispose()


def data_version(database_url: str) -> int:
    return int(scalar(database_url, "SELECT version FROM data_version WHERE id = 1"))


def audit_count(database_url: str) -> int:
    return int(scalar(database_url, "SELECT count(*) FROM audit_event"))

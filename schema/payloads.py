"""Typed errors of the write API, and the payloads mutations return beside them."""

from __future__ import annotations

import strawberry

from app.validation import Conflict, Cycle, Denied, Invalid, NotFound, Refusal
from schema.enums import TrafficLight
from schema.error_types import (
    ConflictError,
    DependencyCycleError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from schema.types import Delivery, Dependency, Initiative, ReportingPeriod, Risk, StatusReport

ERROR_TYPES = [
    ValidationError,
    NotFoundError,
    PermissionDeniedError,
    ConflictError,
    DependencyCycleError,
]


def as_error(
    refusal: Refusal,
) -> ValidationError | NotFoundError | PermissionDeniedError | ConflictError | DependencyCycleError:
    """The GraphQL error value of a refused write."""
    if isinstance(refusal, Invalid):
        return ValidationError(
            message=refusal.message,
            problems=[Problem(field=item.field, message=item.message) for item in refusal.problems],
        )
    if isinstance(refusal, NotFound):
        return NotFoundError(message=refusal.message, field=refusal.field, code=refusal.code)
    if isinstance(refusal, Denied):
        return PermissionDeniedError(message=refusal.message)
    if isinstance(refusal, Conflict):
        return ConflictError(message=refusal.message, current_version=refusal.current_version)
    assert isinstance(refusal, Cycle)
    return DependencyCycleError(message=refusal.message, cycle=list(refusal.path))


def invalid(field: str, message: str) -> ValidationError:
    """A validation error with one problem."""
    return ValidationError(
        message=f"{field}: {message}", problems=[Problem(field=field, message=message)]
    )


@strawberry.type(description="The initiative as stored after the change.")
class InitiativePayload:
    initiative: Initiative


@strawberry.type(description="The dependency as stored.")
class DependencyPayload:
    dependency: Dependency


@strawberry.type(description="The dependency that was removed.")
class RemoveDependencyPayload:
    dependant: Initiative
    supplier_code: str
    removed_dependency_id: strawberry.ID


@strawberry.type(description="The delivery as stored.")
class DeliveryPayload:
    delivery: Delivery


@strawberry.type(description="The risk as stored.")
class RiskPayload:
    risk: Risk


@strawberry.type(description="The new report revision and its initiative.")
class StatusReportPayload:
    report: StatusReport
    initiative: Initiative
    previous_status: TrafficLight | None = strawberry.field(
        description="The status carried forward before this report (null: none reported)."
    )

    @strawberry.field(description="True when this report changed the initiative's status.")
    def status_changed(self) -> bool:
        return self.previous_status != self.report.status


@strawberry.type(description="The reporting period as stored.")
class ReportingPeriodPayload:
    period: ReportingPeriod

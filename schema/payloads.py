"""Typed errors of the write API, the payloads mutations return beside them, and
:func:`mutate`, the one way a mutation runs its write and answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from app import writes
from app.validation import REFUSALS, Conflict, Cycle, Denied, Invalid, NotFound, Refusal
from schema.context import Info
from schema.enums import TrafficLight
from schema.error_types import (
    ConflictError,
    DependencyCycleError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from schema.errors import DatabaseUnavailableError
from schema.reference_types import ReportingPeriod
from schema.types import Delivery, Dependency, Initiative, Risk, StatusReport

T = TypeVar("T")
P = TypeVar("P")

Error = (
    ValidationError | NotFoundError | PermissionDeniedError | ConflictError | DependencyCycleError
)
Result: TypeAlias = P | Error
"""What a mutation answers: its payload or a typed error (its GraphQL union may list fewer)."""

ERROR_TYPES = [
    ValidationError,
    NotFoundError,
    PermissionDeniedError,
    ConflictError,
    DependencyCycleError,
]


def as_error(refusal: Refusal) -> Error:
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


async def mutate(
    info: Info, work: Callable[[AsyncConnection], Awaitable[T]], payload: Callable[[T], P]
) -> Result[P]:
    """Run ``work`` as one write, let the rest of the document read what it wrote, and answer
    with ``payload`` of its outcome, or with the typed error of its refusal."""
    try:
        outcome = await writes.run_write(info.context.engine, work)
    except (sa.exc.OperationalError, sa.exc.InterfaceError, OSError) as error:
        raise DatabaseUnavailableError from error
    finally:
        await info.context.renew_snapshot()
    if isinstance(outcome, REFUSALS):
        return as_error(outcome)
    return payload(outcome)


def invalid(field: str, message: str) -> ValidationError:
    """A validation error with one problem."""
    return ValidationError(
        message=f"{field}: {message}", problems=[Problem(field=field, message=message)]
    )


@strawberry.type(description="The initiative as stored after the change.")
class InitiativePayload:
    initiative: Initiative = strawberry.field(description="The initiative as stored.")


@strawberry.type(description="The dependency as stored.")
class DependencyPayload:
    dependency: Dependency = strawberry.field(description="The dependency as stored.")


async def _removed_dependant(root: RemoveDependencyPayload, info: Info) -> Initiative:
    # Loaded after the write, from the snapshot the rest of the document reads.
    row = await info.context.loaders.initiative_by_id.load(root.dependant_id)
    assert row is not None  # the write found it visible, and removing an edge keeps it so
    return Initiative.from_row(row)


@strawberry.type(description="The dependency that was removed.")
class RemoveDependencyPayload:
    dependant: Initiative = strawberry.field(
        description="The dependant initiative, as stored after the removal.",
        resolver=_removed_dependant,
    )
    supplier_code: str = strawberry.field(
        description="Code of the supplier it no longer depends on."
    )
    removed_dependency_id: strawberry.ID = strawberry.field(
        description="Global id the removed dependency had."
    )
    dependant_id: strawberry.Private[int]


@strawberry.type(description="The delivery as stored.")
class DeliveryPayload:
    delivery: Delivery = strawberry.field(description="The delivery as stored.")


@strawberry.type(description="The risk as stored.")
class RiskPayload:
    risk: Risk = strawberry.field(description="The risk as stored.")


@strawberry.type(description="The new report revision and its initiative.")
class StatusReportPayload:
    report: StatusReport = strawberry.field(description="The new report revision.")
    initiative: Initiative = strawberry.field(
        description="The initiative as it stands after the report."
    )
    previous_status: TrafficLight | None = strawberry.field(
        description="The status carried forward before this report (null: none reported)."
    )

    @strawberry.field(description="True when this report changed the initiative's status.")
    def status_changed(self) -> bool:
        return self.previous_status != self.report.status


@strawberry.type(description="The reporting period as stored.")
class ReportingPeriodPayload:
    period: ReportingPeriod = strawberry.field(description="The reporting period as stored.")

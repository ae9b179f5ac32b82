"""The write API: every mutation is one transaction and returns its payload or a typed error."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app import dependency_writes, initiative_writes, reporting_writes
from app.domain import TrafficLight
from app.governance import Council, DecisionKind
from app.repository import Row
from schema.context import Info
from schema.enums import (
    Criticality,
    DeliveryStatus,
    DependencyType,
    InitiativeKind,
    LifecycleState,
    Phase,
    RiskStatus,
    Segment,
)
from schema.error_types import (
    ConflictError,
    DependencyCycleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from schema.errors import UserInputError
from schema.initiative_reporting import CouncilDecision
from schema.payloads import (
    DeliveryPayload,
    DependencyPayload,
    InitiativePayload,
    RemoveDependencyPayload,
    ReportingPeriodPayload,
    Result,
    RiskPayload,
    StatusReportPayload,
    invalid,
    mutate,
)
from schema.relay import from_global_id, to_global_id
from schema.types import Delivery, Dependency, Initiative, ReportingPeriod, Risk, StatusReport

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# --- inputs -----------------------------------------------------------------------------------


@strawberry.input(description="An owner's proposal (innmelding) of a new initiative.")
class ProposeInitiativeInput:
    code: str = strawberry.field(description="Stable key, unique across initiatives and solutions.")
    name: str
    digitalisation_essential: bool = strawberry.field(
        description="Entry criterion 1: digitalisation is essential and concerns core activity."
    )
    coordination_or_strategy: bool = strawberry.field(
        description="Entry criterion 2: needs coordination across actors and/or the strategy."
    )
    entry_criteria_note: str | None = None
    owner: str | None = strawberry.field(
        default=None, description="Organisation code; default: the caller's organisation."
    )
    kind: InitiativeKind = InitiativeKind.PROJECT
    phase: Phase = Phase.IDEA
    purpose: str | None = None
    contact_person: str | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    forecast_end: date | None = None
    main_goal: int | None = None
    supporting_goals: list[int] | None = None
    sdgs: list[int] | None = None


@strawberry.input(description="An initiative the portfolio office registers, admitted at once.")
class CreateInitiativeInput(ProposeInitiativeInput):
    segment: Segment
    developed_solutions: list[str] | None = strawberry.field(
        default=None,
        description="Codes of the national solutions the initiative builds or develops.",
    )


@strawberry.input(description="Fields to change; a field left out keeps its value.")
class UpdateInitiativeInput:
    name: str | None = strawberry.UNSET
    purpose: str | None = strawberry.UNSET
    kind: InitiativeKind | None = strawberry.UNSET
    contact_person: str | None = strawberry.UNSET
    phase: Phase | None = strawberry.UNSET
    planned_start: date | None = strawberry.UNSET
    planned_end: date | None = strawberry.UNSET
    forecast_end: date | None = strawberry.UNSET
    main_goal: int | None = strawberry.UNSET
    supporting_goals: list[int] | None = strawberry.UNSET
    sdgs: list[int] | None = strawberry.UNSET
    developed_solutions: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Codes of the national solutions it develops; replaces the whole set.",
    )
    digitalisation_essential: bool | None = strawberry.UNSET
    coordination_or_strategy: bool | None = strawberry.UNSET
    entry_criteria_note: str | None = strawberry.UNSET
    segment: Segment | None = strawberry.field(
        default=strawberry.UNSET, description="Portfolio office only."
    )
    state: LifecycleState | None = strawberry.field(
        default=strawberry.UNSET, description="Portfolio office only; an admitted state."
    )
    owner: str | None = strawberry.field(
        default=strawberry.UNSET, description="Organisation code; portfolio office only."
    )


@strawberry.input(description="The dependant initiative starts to depend on the supplier.")
class AddDependencyInput:
    dependant: str = strawberry.field(description="Initiative code.")
    supplier: str = strawberry.field(description="Initiative or solution code.")
    supplier_delivery: str | None = strawberry.field(
        default=None, description="Code of the supplier initiative's delivery that is needed."
    )
    criticality: Criticality = Criticality.MEDIUM
    type: DependencyType = DependencyType.FINISH_TO_START
    lag_days: int = 0
    needed_by: date | None = None
    description: str | None = None


@strawberry.input(description="The dependency to remove: its global id, or dependant and supplier.")
class RemoveDependencyInput:
    id: strawberry.ID | None = None
    dependant: str | None = None
    supplier: str | None = None


@strawberry.input(description="A delivery, created or replaced by code.")
class UpsertDeliveryInput:
    initiative: str
    code: str
    name: str
    description: str | None = None
    baseline_date: date | None = None
    forecast_date: date | None = None
    delivered_date: date | None = None
    status: DeliveryStatus = DeliveryStatus.PLANNED


@strawberry.input(description="A risk, created or replaced by code.")
class UpsertRiskInput:
    initiative: str
    code: str
    title: str
    probability: int = strawberry.field(description="1–5.")
    consequence: int = strawberry.field(description="1–5.")
    level: TrafficLight
    description: str | None = None
    mitigation: str | None = None
    status: RiskStatus = RiskStatus.OPEN


@strawberry.input(description="A status report for one period; resubmitting adds a revision.")
class SubmitStatusReportInput:
    initiative: str
    period: str | None = strawberry.field(
        default=None, description="Period code; default: the current period."
    )
    status: TrafficLight
    status_reason: str | None = strawberry.field(default=None, description="Required if not GREEN.")
    risk_level: TrafficLight | None = strawberry.field(
        default=None, description="Required for COORDINATE and CO_GOVERN."
    )
    main_risk_areas: str | None = strawberry.field(
        default=None, description="Required for COORDINATE and CO_GOVERN."
    )
    planned_mitigations: str | None = strawberry.field(
        default=None, description="Required when the risk is YELLOW or RED."
    )
    implemented_mitigations: str | None = strawberry.field(
        default=None, description="Required when the risk is YELLOW or RED."
    )
    phase: Phase | None = strawberry.field(
        default=None, description="Default: the initiative's phase."
    )
    forecast_end: date | None = None
    investment_nok: float | None = strawberry.field(
        default=None, description="Whole kroner; required for CO_GOVERN."
    )
    annual_operating_cost_nok: float | None = strawberry.field(
        default=None, description="Whole kroner; required for CO_GOVERN."
    )
    benefits: str | None = strawberry.field(default=None, description="Required for CO_GOVERN.")
    benefit_prerequisites: str | None = strawberry.field(
        default=None, description="Required for CO_GOVERN."
    )


@strawberry.input(description="A new reporting round.")
class OpenReportingPeriodInput:
    code: str = strawberry.field(description="E.g. `2026-3`.")
    name: str = strawberry.field(description="E.g. «september 2026».")
    opens: date
    deadline: date


@strawberry.input(description="A council's decision on an initiative, at a meeting on a day.")
class RecordCouncilDecisionInput:
    council: Council
    meeting_date: date
    initiative: str
    summary: str = strawberry.field(description="What was decided, and why.")
    kind: DecisionKind = DecisionKind.DECISION
    meeting_title: str | None = None
    new_segment: Segment | None = strawberry.field(
        default=None, description="A reprioritisation into this segment, applied at once."
    )
    new_state: LifecycleState | None = strawberry.field(
        default=None, description="A course change into this state, applied at once."
    )


def values_of(data: DataclassInstance) -> dict[str, Any]:
    """The fields of an input that were given, by their Python names."""
    values = {field.name: getattr(data, field.name) for field in dataclasses.fields(data)}
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


# --- results ------------------------------------------------------------------------------------

InitiativeResult = Annotated[
    InitiativePayload
    | ValidationError
    | NotFoundError
    | PermissionDeniedError
    | ConflictError
    | DependencyCycleError,
    strawberry.union("InitiativeResult"),
]
DependencyResult = Annotated[
    DependencyPayload
    | ValidationError
    | NotFoundError
    | PermissionDeniedError
    | DependencyCycleError,
    strawberry.union("DependencyResult"),
]
RemoveDependencyResult = Annotated[
    RemoveDependencyPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("RemoveDependencyResult"),
]
DeliveryResult = Annotated[
    DeliveryPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("DeliveryResult"),
]
RiskResult = Annotated[
    RiskPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("RiskResult"),
]
StatusReportResult = Annotated[
    StatusReportPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("StatusReportResult"),
]
ReportingPeriodResult = Annotated[
    ReportingPeriodPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("ReportingPeriodResult"),
]


@strawberry.type(description="The decision as recorded.")
class CouncilDecisionPayload:
    decision: CouncilDecision


CouncilDecisionResult = Annotated[
    CouncilDecisionPayload | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("CouncilDecisionResult"),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Propose an initiative (innmelding); it waits as PROPOSED.",
        graphql_type=InitiativeResult,
    )
    async def propose_initiative(
        self, info: Info, input: ProposeInitiativeInput
    ) -> Result[InitiativePayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.propose_initiative(
                connection, viewer=viewer, values=values
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Register an initiative admitted at once (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def create_initiative(
        self, info: Info, input: CreateInitiativeInput
    ) -> Result[InitiativePayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.create_initiative(
                connection, viewer=viewer, values=values
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Admit a proposal into a segment (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def admit_initiative(
        self,
        info: Info,
        code: str,
        segment: Segment,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Result[InitiativePayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: initiative_writes.admit_initiative(
                connection,
                viewer=viewer,
                code=code,
                segment=segment,
                reason=reason,
                expected_version=expected_version,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Decline a proposal with a reason (portfolio office).",
        graphql_type=InitiativeResult,
    )
    async def decline_initiative(
        self, info: Info, code: str, reason: str, expected_version: int | None = None
    ) -> Result[InitiativePayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: initiative_writes.decline_initiative(
                connection,
                viewer=viewer,
                code=code,
                reason=reason,
                expected_version=expected_version,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description=(
            "Change an initiative if it is still at `expectedVersion` (else ConflictError)."
        ),
        graphql_type=InitiativeResult,
    )
    async def update_initiative(
        self, info: Info, code: str, expected_version: int, input: UpdateInitiativeInput
    ) -> Result[InitiativePayload]:
        viewer, changes = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: initiative_writes.update_initiative(
                connection,
                viewer=viewer,
                code=code,
                expected_version=expected_version,
                changes=changes,
            ),
            _initiative_payload,
        )

    @strawberry.mutation(
        description="Add a dependency; self, duplicates and cycles are refused.",
        graphql_type=DependencyResult,
    )
    async def add_dependency(
        self, info: Info, input: AddDependencyInput
    ) -> Result[DependencyPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: dependency_writes.add_dependency(
                connection, viewer=viewer, values=values
            ),
            lambda row: DependencyPayload(dependency=Dependency.from_row(row)),
        )

    @strawberry.mutation(description="Remove a dependency.", graphql_type=RemoveDependencyResult)
    async def remove_dependency(
        self, info: Info, input: RemoveDependencyInput
    ) -> Result[RemoveDependencyPayload]:
        key = _dependency_key(input)
        if isinstance(key, ValidationError):
            return key
        dependant_code, supplier_code = key
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: dependency_writes.remove_dependency(
                connection,
                viewer=viewer,
                dependant_code=dependant_code,
                supplier_code=supplier_code,
            ),
            lambda removed: RemoveDependencyPayload(
                dependant_id=removed.dependant_id,
                supplier_code=removed.supplier_code,
                removed_dependency_id=to_global_id(
                    "Dependency", f"{removed.dependant_code}<-{removed.supplier_code}"
                ),
            ),
        )

    @strawberry.mutation(
        description="Create a delivery or replace the one with the same code.",
        graphql_type=DeliveryResult,
    )
    async def upsert_delivery(
        self, info: Info, input: UpsertDeliveryInput
    ) -> Result[DeliveryPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: reporting_writes.upsert_delivery(
                connection, viewer=viewer, values=values
            ),
            lambda row: DeliveryPayload(delivery=Delivery.from_row(row)),
        )

    @strawberry.mutation(
        description="Create a risk or replace the one with the same code.",
        graphql_type=RiskResult,
    )
    async def upsert_risk(self, info: Info, input: UpsertRiskInput) -> Result[RiskPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: reporting_writes.upsert_risk(
                connection, viewer=viewer, values=values
            ),
            lambda row: RiskPayload(risk=Risk.from_row(row)),
        )

    @strawberry.mutation(
        description="Submit a status report into an open period; the segment rules apply.",
        graphql_type=StatusReportResult,
    )
    async def submit_status_report(
        self, info: Info, input: SubmitStatusReportInput
    ) -> Result[StatusReportPayload]:
        viewer, values, today = info.context.viewer, values_of(input), info.context.today
        return await mutate(
            info,
            lambda connection: reporting_writes.submit_status_report(
                connection, viewer=viewer, today=today, values=values
            ),
            lambda submitted: StatusReportPayload(
                report=StatusReport.from_row(submitted.report),
                initiative=Initiative.from_row(submitted.initiative),
                previous_status=submitted.previous_status,
            ),
        )

    @strawberry.mutation(
        description="Open a reporting round (portfolio office).",
        graphql_type=ReportingPeriodResult,
    )
    async def open_reporting_period(
        self, info: Info, input: OpenReportingPeriodInput
    ) -> Result[ReportingPeriodPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: reporting_writes.open_reporting_period(
                connection, viewer=viewer, values=values
            ),
            _period_payload,
        )

    @strawberry.mutation(
        description="Close a reporting round: its reports become read-only (portfolio office).",
        graphql_type=ReportingPeriodResult,
    )
    async def close_reporting_period(self, info: Info, code: str) -> Result[ReportingPeriodPayload]:
        viewer = info.context.viewer
        return await mutate(
            info,
            lambda connection: reporting_writes.close_reporting_period(
                connection, viewer=viewer, code=code
            ),
            _period_payload,
        )

    @strawberry.mutation(
        description="Record a decision of NUIT, NUFA or Nasjonalt e-helseråd on an initiative.",
        graphql_type=CouncilDecisionResult,
    )
    async def record_council_decision(
        self, info: Info, input: RecordCouncilDecisionInput
    ) -> Result[CouncilDecisionPayload]:
        viewer, values = info.context.viewer, values_of(input)
        return await mutate(
            info,
            lambda connection: reporting_writes.record_council_decision(
                connection, viewer=viewer, values=values
            ),
            lambda row: CouncilDecisionPayload(decision=CouncilDecision.from_row(row)),
        )


def _initiative_payload(row: Row) -> InitiativePayload:
    return InitiativePayload(initiative=Initiative.from_row(row))


def _period_payload(row: Row) -> ReportingPeriodPayload:
    return ReportingPeriodPayload(period=ReportingPeriod.from_row(row))


def _dependency_key(input: RemoveDependencyInput) -> tuple[str, str] | ValidationError:
    if input.id is not None:
        try:
            type_name, key = from_global_id(input.id)
        except UserInputError:
            return invalid("id", f"{input.id!r} is not a valid global id.")
        dependant, separator, supplier = key.partition("<-")
        if type_name != "Dependency" or not separator or not dependant or not supplier:
            return invalid("id", f"{input.id!r} is not the id of a dependency.")
        return dependant, supplier
    if not input.dependant or not input.supplier:
        return invalid("id", "give the dependency's id, or both dependant and supplier.")
    return input.dependant, input.supplier

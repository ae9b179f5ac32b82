"""The inputs of the write API, and the values a write is given from them."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

import strawberry

from app.domain import Council, DecisionKind, TrafficLight
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

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


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

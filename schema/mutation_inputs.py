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


@strawberry.input(description="An owner's proposal (*innmelding*) of a new initiative.")
class ProposeInitiativeInput:
    code: str = strawberry.field(description="Stable key, unique across initiatives and solutions.")
    name: str = strawberry.field(description="Name of the initiative (*tiltak*).")
    digitalisation_essential: bool = strawberry.field(
        description="Entry criterion 1: digitalisation is essential and concerns core activity."
    )
    coordination_or_strategy: bool = strawberry.field(
        description="Entry criterion 2: needs coordination across actors and/or the strategy."
    )
    entry_criteria_note: str | None = strawberry.field(
        default=None, description="Why the entry criteria hold (or not)."
    )
    owner: str | None = strawberry.field(
        default=None, description="Organisation code; default: the caller's organisation."
    )
    kind: InitiativeKind = strawberry.field(
        default=InitiativeKind.PROJECT, description="Programme, project or other (default PROJECT)."
    )
    phase: Phase = strawberry.field(
        default=Phase.IDEA, description="Phase (*fase*) it is in (default IDEA)."
    )
    purpose: str | None = strawberry.field(
        default=None, description="What the initiative is for (*formål*)."
    )
    contact_person: str | None = strawberry.field(
        default=None, description="Who answers for it (*kontaktperson*)."
    )
    planned_start: date | None = strawberry.field(default=None, description="Planned start date.")
    planned_end: date | None = strawberry.field(default=None, description="Planned end date.")
    forecast_end: date | None = strawberry.field(
        default=None, description="Forecast end date, when it differs from the plan."
    )
    main_goal: int | None = strawberry.field(
        default=None, description="Number (1–5) of the strategy goal it mainly serves (*hovedmål*)."
    )
    supporting_goals: list[int] | None = strawberry.field(
        default=None, description="Numbers of further strategy goals it serves."
    )
    sdgs: list[int] | None = strawberry.field(
        default=None, description="Numbers of the UN Sustainable Development Goals it serves."
    )


@strawberry.input(description="An initiative the portfolio office registers, admitted at once.")
class CreateInitiativeInput(ProposeInitiativeInput):
    segment: Segment = strawberry.field(
        description="Portfolio segment (*segment*) the office places it in."
    )
    developed_solutions: list[str] | None = strawberry.field(
        default=None,
        description="Codes of the national solutions the initiative builds or develops.",
    )


@strawberry.input(description="Fields to change; a field left out keeps its value.")
class UpdateInitiativeInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    purpose: str | None = strawberry.field(
        default=strawberry.UNSET, description="New purpose (*formål*)."
    )
    kind: InitiativeKind | None = strawberry.field(
        default=strawberry.UNSET, description="New kind."
    )
    contact_person: str | None = strawberry.field(
        default=strawberry.UNSET, description="New contact person (*kontaktperson*)."
    )
    phase: Phase | None = strawberry.field(
        default=strawberry.UNSET, description="New phase (*fase*)."
    )
    planned_start: date | None = strawberry.field(
        default=strawberry.UNSET, description="New planned start date."
    )
    planned_end: date | None = strawberry.field(
        default=strawberry.UNSET, description="New planned end date."
    )
    forecast_end: date | None = strawberry.field(
        default=strawberry.UNSET, description="New forecast end date."
    )
    main_goal: int | None = strawberry.field(
        default=strawberry.UNSET, description="Number (1–5) of the new main strategy goal."
    )
    supporting_goals: list[int] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Numbers of the supporting strategy goals; replaces the set.",
    )
    sdgs: list[int] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Numbers of the UN Sustainable Development Goals; replaces the set.",
    )
    developed_solutions: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Codes of the national solutions it develops; replaces the whole set.",
    )
    digitalisation_essential: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Entry criterion 1: digitalisation is essential."
    )
    coordination_or_strategy: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Entry criterion 2: needs coordination or the strategy.",
    )
    entry_criteria_note: str | None = strawberry.field(
        default=strawberry.UNSET, description="Why the entry criteria hold (or not)."
    )
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
    criticality: Criticality = strawberry.field(
        default=Criticality.MEDIUM,
        description="How much the dependant needs the supplier (default MEDIUM).",
    )
    type: DependencyType = strawberry.field(
        default=DependencyType.FINISH_TO_START,
        description="How the dates are linked (default FINISH_TO_START).",
    )
    lag_days: int = strawberry.field(
        default=0,
        description="Days between the supplier's finish and the dependant's start or finish.",
    )
    needed_by: date | None = strawberry.field(
        default=None, description="The day the dependant needs the supplier's result."
    )
    description: str | None = strawberry.field(
        default=None, description="What is needed, in the dependant's words."
    )


@strawberry.input(description="The dependency to remove: its global id, or dependant and supplier.")
class RemoveDependencyInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of the dependency."
    )
    dependant: str | None = strawberry.field(
        default=None, description="Code of the dependant initiative (with `supplier`)."
    )
    supplier: str | None = strawberry.field(
        default=None, description="Code of the supplier (with `dependant`)."
    )


@strawberry.input(description="A delivery, created or replaced by code.")
class UpsertDeliveryInput:
    initiative: str = strawberry.field(description="Code of the initiative that delivers.")
    code: str = strawberry.field(
        description="Stable key of the delivery; an existing code is replaced."
    )
    name: str = strawberry.field(description="Name of the delivery (*leveranse*).")
    description: str | None = strawberry.field(default=None, description="What is delivered.")
    baseline_date: date | None = strawberry.field(
        default=None, description="The date first planned (*opprinnelig dato*)."
    )
    forecast_date: date | None = strawberry.field(
        default=None, description="The date now expected (*prognose*)."
    )
    delivered_date: date | None = strawberry.field(
        default=None, description="The date it was delivered."
    )
    status: DeliveryStatus = strawberry.field(
        default=DeliveryStatus.PLANNED, description="Status of the delivery (default PLANNED)."
    )


@strawberry.input(description="A risk, created or replaced by code.")
class UpsertRiskInput:
    initiative: str = strawberry.field(description="Code of the initiative that carries the risk.")
    code: str = strawberry.field(
        description="Stable key of the risk; an existing code is replaced."
    )
    title: str = strawberry.field(description="Short title of the risk (*risiko*).")
    probability: int = strawberry.field(description="1–5.")
    consequence: int = strawberry.field(description="1–5.")
    level: TrafficLight = strawberry.field(description="Risk level as a traffic light.")
    description: str | None = strawberry.field(default=None, description="What could happen.")
    mitigation: str | None = strawberry.field(
        default=None, description="What is done to reduce it (*tiltak mot risiko*)."
    )
    status: RiskStatus = strawberry.field(
        default=RiskStatus.OPEN, description="Status of the risk (default OPEN)."
    )


@strawberry.input(description="A status report for one period; resubmitting adds a revision.")
class SubmitStatusReportInput:
    initiative: str = strawberry.field(description="Code of the initiative reported on.")
    period: str | None = strawberry.field(
        default=None, description="Period code; default: the current period."
    )
    status: TrafficLight = strawberry.field(
        description="Overall status (*status*) as a traffic light."
    )
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
    forecast_end: date | None = strawberry.field(default=None, description="Forecast end date.")
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
    dependencies_confirmed: bool | None = strawberry.field(
        default=None,
        description=(
            "True when the initiative's registered dependencies are still right, false when "
            "they need changing (*avhengigheter bekreftet*); required for COORDINATE and "
            "CO_GOVERN."
        ),
    )


@strawberry.input(description="A new reporting round.")
class OpenReportingPeriodInput:
    code: str = strawberry.field(description="E.g. `2026-3`.")
    name: str = strawberry.field(description="E.g. «september 2026».")
    opens: date = strawberry.field(description="The day the round opens for reports.")
    deadline: date = strawberry.field(description="The last day to report (*frist*).")


@strawberry.input(description="A council's decision on an initiative, at a meeting on a day.")
class RecordCouncilDecisionInput:
    council: Council = strawberry.field(description="The council that decided.")
    meeting_date: date = strawberry.field(description="The day of the meeting.")
    initiative: str = strawberry.field(description="Code of the initiative decided on.")
    summary: str = strawberry.field(description="What was decided, and why.")
    kind: DecisionKind = strawberry.field(
        default=DecisionKind.DECISION,
        description="Decision or reprioritisation (default DECISION).",
    )
    meeting_title: str | None = strawberry.field(
        default=None, description="Title of the meeting, when it has one."
    )
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

"""What each portfolio object holds: its columns as fields, from a row or analysis result.

``schema/types.py`` assembles the GraphQL types from these and adds the fields that reach
other objects. A record reads only itself (and the viewer), so it imports no type module
that could import it back.

``from_row`` reads columns through ``row._mapping``: an attribute read on a Row goes
through ``__getattr__`` at ~0.3 µs, a mapping read costs a fifth of that, and a cold
dashboard page builds ~5,000 objects from ~90,000 column reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

import strawberry

import graph
from app.analysis import run_cancellable
from app.domain import Council, DecisionKind, LifecycleState, Segment
from app.repository import Row
from schema.arguments import NodeKind, level_of
from schema.bounds import PATH_LIST, FirstPath, check_first, first_page
from schema.context import Info
from schema.enums import (
    Criticality,
    DeliveryStatus,
    DependencyType,
    InitiativeKind,
    Phase,
    RiskStatus,
    SolutionCategory,
    TrafficLight,
)
from schema.reference_types import EntryCriteria, ReportEconomics, aware
from schema.relay import to_global_id


@strawberry.type
class SolutionRecord:
    code: str = strawberry.field(description="Stable key, e.g. `ERESEPT`.")
    name: str = strawberry.field(description="Name of the solution.")
    description: str | None = strawberry.field(description="What the solution does.")
    category: SolutionCategory = strawberry.field(description="Category of the solution.")
    legally_mandated: bool = strawberry.field(
        description="Named in *forskrift om standarder og nasjonale e-helseløsninger*."
    )
    db_id: strawberry.Private[int]
    operator_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Solution", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            description=values["description"],
            category=values["category"],
            legally_mandated=values["legally_mandated"],
            db_id=values["id"],
            operator_id=values["operator_id"],
        )


@strawberry.type
class DeliveryRecord:
    code: str = strawberry.field(description="Stable key of the delivery.")
    name: str = strawberry.field(description="Name of the delivery (*leveranse*).")
    description: str | None = strawberry.field(description="What is delivered.")
    baseline_date: date | None = strawberry.field(
        description="The date first planned (*opprinnelig dato*)."
    )
    forecast_date: date | None = strawberry.field(description="The date now expected (*prognose*).")
    delivered_date: date | None = strawberry.field(
        description="The date it was delivered; null until then."
    )
    status: DeliveryStatus = strawberry.field(description="Status of the delivery.")
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Delivery", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            description=values["description"],
            baseline_date=values["baseline_date"],
            forecast_date=values["forecast_date"],
            delivered_date=values["delivered_date"],
            status=values["status"],
            initiative_id=values["initiative_id"],
        )

    @strawberry.field(description="Days the forecast lies after the baseline (negative: ahead).")
    def slip_days(self) -> int | None:
        if self.baseline_date is None or self.forecast_date is None:
            return None
        return (self.forecast_date - self.baseline_date).days


@strawberry.type
class RiskRecord:
    code: str = strawberry.field(description="Stable key of the risk.")
    title: str = strawberry.field(description="Short title of the risk (*risiko*).")
    description: str | None = strawberry.field(description="What could happen.")
    probability: int = strawberry.field(description="Probability from 1 (low) to 5 (high).")
    consequence: int = strawberry.field(description="Consequence from 1 (low) to 5 (high).")
    level: TrafficLight = strawberry.field(description="Risk level as a traffic light.")
    mitigation: str | None = strawberry.field(
        description="What is done to reduce it (*tiltak mot risiko*)."
    )
    status: RiskStatus = strawberry.field(description="Status of the risk.")
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Risk", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            code=values["code"],
            title=values["title"],
            description=values["description"],
            probability=values["probability"],
            consequence=values["consequence"],
            level=values["level"],
            mitigation=values["mitigation"],
            status=values["status"],
            initiative_id=values["initiative_id"],
        )

    @strawberry.field(description="Probability × consequence (1–25).")
    def score(self) -> int:
        return self.probability * self.consequence


@strawberry.type
class StatusReportRecord:
    period_code: str = strawberry.field(description="Code of the period reported for.")
    revision: int = strawberry.field(
        description="1 for the first report in the period, then 2, 3 …"
    )
    segment: Segment = strawberry.field(description="The segment when the report was made.")
    phase: Phase = strawberry.field(description="Phase (*fase*) when the report was made.")
    status: TrafficLight = strawberry.field(
        description="Overall status (*status*) as a traffic light."
    )
    status_reason: str | None = strawberry.field(
        description="Why the status is not GREEN (*begrunnelse*)."
    )
    risk_level: TrafficLight | None = strawberry.field(
        description="Overall risk level (*risikonivå*)."
    )
    main_risk_areas: str | None = strawberry.field(
        description="The main areas of risk (*hovedrisikoområder*)."
    )
    planned_mitigations: str | None = strawberry.field(
        description="Risk mitigations planned (*planlagte tiltak*)."
    )
    implemented_mitigations: str | None = strawberry.field(
        description="Risk mitigations carried out (*gjennomførte tiltak*)."
    )
    forecast_end: date | None = strawberry.field(
        description="Forecast end date given in the report."
    )
    dependencies_confirmed: bool | None = strawberry.field(
        description=(
            "Whether the owner confirmed the registered dependencies as right (*avhengigheter "
            "bekreftet*); null when the report was not asked (OBSERVE, or made before the "
            "question was)."
        )
    )
    submitted_by: str = strawberry.field(description="Name of the token that submitted it.")
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    illustrative: bool = strawberry.field(
        description="True when the values are plausible demo data rather than published facts."
    )
    illustrative_fields: list[str] = strawberry.field(
        description=(
            "Of a published report (`illustrative` false), the fields whose values are not "
            "published but plausible demo data (snake_case column names)."
        )
    )
    db_id: strawberry.Private[int]
    initiative_id: strawberry.Private[int]
    period_id: strawberry.Private[int]
    economics: strawberry.Private[ReportEconomics]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("StatusReport", str(self.db_id))

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            period_code=values["period_code"],
            revision=values["revision"],
            segment=values["segment"],
            phase=values["phase"],
            status=values["status"],
            status_reason=values["status_reason"],
            risk_level=values["risk_level"],
            main_risk_areas=values["main_risk_areas"],
            planned_mitigations=values["planned_mitigations"],
            implemented_mitigations=values["implemented_mitigations"],
            forecast_end=values["forecast_end"],
            dependencies_confirmed=values["dependencies_confirmed"],
            submitted_by=values["submitted_by"],
            submitted_at=aware(values["submitted_at"]),
            illustrative=values["illustrative"],
            illustrative_fields=list(values["illustrative_fields"] or ()),
            db_id=values["id"],
            initiative_id=values["initiative_id"],
            period_id=values["period_id"],
            economics=ReportEconomics.from_row(row),
        )

    @strawberry.field(description="Investment cost in NOK (null for anonymous callers).")
    def investment_nok(self, info: Info) -> float | None:
        return self.economics.visible_to(info.context.viewer).investment_nok

    @strawberry.field(
        description=(
            "Annual operating and maintenance cost (*drift og forvaltning*) in NOK "
            "(null for anonymous callers)."
        )
    )
    def annual_operating_cost_nok(self, info: Info) -> float | None:
        return self.economics.visible_to(info.context.viewer).annual_operating_cost_nok

    @strawberry.field(description="Expected benefits (*nytte*; null for anonymous callers).")
    def benefits(self, info: Info) -> str | None:
        return self.economics.visible_to(info.context.viewer).benefits

    @strawberry.field(
        description="Benefit prerequisites (*nytteforutsetninger*; null for anonymous callers)."
    )
    def benefit_prerequisites(self, info: Info) -> str | None:
        return self.economics.visible_to(info.context.viewer).benefit_prerequisites


@strawberry.type
class DependencyRecord:
    supplier_code: str = strawberry.field(
        description="Code of the initiative or solution depended on."
    )
    dependant_code: str = strawberry.field(description="Code of the initiative that depends.")
    criticality: Criticality = strawberry.field(
        description="How much the dependant needs the supplier."
    )
    type: DependencyType = strawberry.field(description="How the dates are linked.")
    lag_days: int = strawberry.field(
        description="Days between the supplier's finish and the dependant's start or finish."
    )
    needed_by: date | None = strawberry.field(
        description="The day the dependant needs the supplier's result."
    )
    description: str | None = strawberry.field(
        description="What is needed, in the dependant's words."
    )
    dependant_id: strawberry.Private[int]
    supplier_initiative_id: strawberry.Private[int | None]
    supplier_solution_id: strawberry.Private[int | None]
    supplier_delivery_id: strawberry.Private[int | None]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Dependency", f"{self.dependant_code}<-{self.supplier_code}")

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            supplier_code=values["supplier_code"],
            dependant_code=values["dependant_code"],
            criticality=values["criticality"],
            type=values["type"],
            lag_days=values["lag_days"],
            needed_by=values["needed_by"],
            description=values["description"],
            dependant_id=values["dependant_id"],
            supplier_initiative_id=values["supplier_initiative_id"],
            supplier_solution_id=values["supplier_solution_id"],
            supplier_delivery_id=values["supplier_delivery_id"],
        )


@strawberry.type
class InitiativeRecord:
    code: str = strawberry.field(description="Stable human key, e.g. `PLL`.")
    name: str = strawberry.field(description="Name of the initiative.")
    purpose: str | None = strawberry.field(description="What the initiative is for (*formål*).")
    kind: InitiativeKind = strawberry.field(description="Programme, project or other.")
    contact_person: str | None = strawberry.field(
        description="Who answers for it (*kontaktperson*)."
    )
    segment: Segment | None = strawberry.field(
        description="Portfolio segment (*segment*); null until admitted."
    )
    phase: Phase = strawberry.field(description="Phase (*fase*) in the project model.")
    state: LifecycleState = strawberry.field(description="Lifecycle state beside the phase.")
    planned_start: date | None = strawberry.field(description="Planned start date.")
    planned_end: date | None = strawberry.field(description="Planned end date.")
    forecast_end: date | None = strawberry.field(
        description="Forecast end date, when it differs from the plan."
    )
    entry_criteria: EntryCriteria = strawberry.field(
        description="Its answers to the entry criteria (*inngangskriterier*)."
    )
    illustrative_fields: list[str] = strawberry.field(
        description="Values that are plausible demo data rather than published facts."
    )
    published_facts: list[str] = strawberry.field(
        description="Values taken from the published portfolio overview."
    )
    version: int = strawberry.field(description="Optimistic-concurrency version.")
    created_at: datetime = strawberry.field(description="When it was registered.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    db_id: strawberry.Private[int]
    owner_id: strawberry.Private[int]
    main_goal_number: strawberry.Private[int | None]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Initiative", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            purpose=values["purpose"],
            kind=values["kind"],
            contact_person=values["contact_person"],
            segment=values["segment"],
            phase=values["phase"],
            state=values["state"],
            planned_start=values["planned_start"],
            planned_end=values["planned_end"],
            forecast_end=values["forecast_end"],
            entry_criteria=EntryCriteria(
                digitalisation_essential=values["digitalisation_essential"],
                coordination_or_strategy=values["coordination_or_strategy"],
                note=values["entry_criteria_note"],
            ),
            illustrative_fields=list(values["illustrative_fields"] or ()),
            published_facts=list(values["published_facts"] or ()),
            version=values["version"],
            created_at=aware(values["created_at"]),
            updated_at=aware(values["updated_at"]),
            db_id=values["id"],
            owner_id=values["owner_id"],
            main_goal_number=values["main_goal_number"],
        )


@strawberry.type
class CouncilDecisionRecord:
    council: Council = strawberry.field(description="The council that decided.")
    meeting_code: str = strawberry.field(description="Code of the meeting.")
    meeting_date: date = strawberry.field(description="The day of the meeting.")
    meeting_title: str | None = strawberry.field(
        description="Title of the meeting, when it has one."
    )
    kind: DecisionKind = strawberry.field(description="Decision or reprioritisation.")
    summary: str = strawberry.field(description="What was decided, and why.")
    new_segment: Segment | None = strawberry.field(description="Segment the decision set.")
    new_state: LifecycleState | None = strawberry.field(description="State the decision set.")
    recorded_by: str = strawberry.field(description="Name of the token that recorded it.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    initiative_code: str = strawberry.field(description="Code of the initiative decided on.")
    initiative_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Row) -> Self:
        values = row._mapping
        return cls(
            council=values["council"],
            meeting_code=values["meeting_code"],
            meeting_date=values["held_on"],
            meeting_title=values["meeting_title"],
            kind=values["kind"],
            summary=values["summary"],
            new_segment=values["new_segment"],
            new_state=values["new_state"],
            recorded_by=values["recorded_by"],
            recorded_at=aware(values["recorded_at"]),
            initiative_code=values["initiative_code"],
            initiative_id=values["initiative_id"],
        )


# --- analysis results ---------------------------------------------------------------------------


@strawberry.type
class ChainNodeRecord:
    code: str = strawberry.field(description="Code of the initiative or solution reached.")
    kind: NodeKind = strawberry.field(description="Initiative or solution.")
    depth: int = strawberry.field(description="Hops from the starting initiative.")
    path: list[str] = strawberry.field(
        description="Codes from the starting initiative to this node (fewest hops, then codes)."
    )

    @classmethod
    def from_result(cls, result: graph.ChainNode) -> Self:
        return cls(code=result.code, kind=result.kind, depth=result.depth, path=list(result.path))


@strawberry.type
class FoundationDependencyRecord:
    depth: int = strawberry.field(description="Hops from the initiative to the solution.")
    path: list[str] = strawberry.field(description="Codes from the initiative to the solution.")
    solution_code: str = strawberry.field(description="Code of the solution.")

    @classmethod
    def from_result(cls, item: graph.FoundationDependency) -> Self:
        return cls(depth=item.depth, path=list(item.path), solution_code=item.solution)


@strawberry.type
class PropagatedRiskRecord:
    code: str = strawberry.field(description="Code of the flagged initiative.")
    level: TrafficLight = strawberry.field(description="The level it inherits: RED or YELLOW.")
    result: strawberry.Private[graph.PropagatedRisk]

    # Sources and paths are searches over the graph: they run off the event loop, so a
    # page of flagged initiatives does not hold it for all of them in one go.
    @strawberry.field(description="Codes of the sources, sorted.")
    async def source_codes(self, first: FirstPath = PATH_LIST.default) -> list[str]:
        sources = await run_cancellable(lambda: self.result.sources)
        return list(first_page(sources, first, PATH_LIST))

    @strawberry.field(description="How many red initiatives reach this one at `level`.")
    async def source_count(self) -> int:
        return len(await run_cancellable(lambda: self.result.sources))

    @strawberry.field(
        description="One path per source (same order), from the source to the initiative."
    )
    async def paths(self, first: FirstPath = PATH_LIST.default) -> list[list[str]]:
        # Only the paths of the page are worked out: each one is a search.
        count = check_first(first, PATH_LIST)
        found = await run_cancellable(self.result.first_paths, count)
        return [list(path) for path in found]

    @classmethod
    def from_result(cls, result: graph.PropagatedRisk) -> Self:
        # Paths are built only when a client selects them: at 10,000 initiatives they
        # run to millions of codes.
        return cls(code=result.code, level=level_of(result.level), result=result)


@strawberry.type
class ScheduleItemRecord:
    code: str = strawberry.field(description="Code of the initiative.")
    earliest_start: date = strawberry.field(description="Earliest start from the forward pass.")
    earliest_finish: date = strawberry.field(description="Earliest finish from the forward pass.")
    latest_start: date = strawberry.field(description="Latest start from the backward pass.")
    latest_finish: date = strawberry.field(description="Latest finish from the backward pass.")
    total_float_days: int = strawberry.field(
        description="Latest finish minus earliest finish, in days (*slakk*)."
    )
    critical: bool = strawberry.field(description="Zero total float.")
    near_critical: bool = strawberry.field(
        description=(
            "Total float positive and at most criticalPath's nearCriticalDays (always false"
            " elsewhere)."
        )
    )

    @classmethod
    def from_result(cls, item: graph.ScheduleItem, *, near_critical: bool = False) -> Self:
        return cls(
            code=item.code,
            earliest_start=item.earliest_start,
            earliest_finish=item.earliest_finish,
            latest_start=item.latest_start,
            latest_finish=item.latest_finish,
            total_float_days=item.total_float_days,
            critical=item.critical,
            near_critical=near_critical,
        )

"""GraphQL object types, each built from a repository row with ``from_row``.

``from_row`` reads columns through ``row._mapping``: an attribute read on a Row goes
through ``__getattr__`` at ~0.3 µs, a mapping read costs a fifth of that, and a cold
dashboard page builds ~5,000 objects from ~90,000 column reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Annotated, TypeVar

import strawberry

from app.repository import Row
from schema.analysis import DependencyAnalysis, InitiativeAnalysis
from schema.bounds import (
    NEIGHBOUR_LIST,
    PORTFOLIO_LIST,
    FirstNeighbour,
    FirstPortfolio,
    check_first,
)
from schema.context import Info
from schema.enums import (
    Criticality,
    DeliveryStatus,
    DependencyType,
    InitiativeKind,
    LifecycleState,
    OrganisationKind,
    Phase,
    RiskStatus,
    Segment,
    SolutionCategory,
    TrafficLight,
)
from schema.initiative_reporting import InitiativeReporting, ReportEconomics, aware
from schema.loaders import Loaders, MaybeAwaitable, ReportStatus, resolve_loaded
from schema.relay import Node, to_global_id

T = TypeVar("T")

PeriodArgument = Annotated[
    str | None,
    strawberry.argument(description="Reporting period code; default: the current period."),
]


@strawberry.type(description="Strategic goal of Nasjonal e-helsestrategi 2023–2030.")
class StrategicGoal(Node):
    number: int
    name: str

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("StrategicGoal", str(self.number))

    @classmethod
    def from_row(cls, row: Row) -> StrategicGoal:
        values = row._mapping
        return cls(number=values["number"], name=values["name"])


@strawberry.type(description="UN Sustainable Development Goal named for the portfolio.")
class SustainableDevelopmentGoal(Node):
    number: int
    name: str

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("SustainableDevelopmentGoal", str(self.number))

    @classmethod
    def from_row(cls, row: Row) -> SustainableDevelopmentGoal:
        values = row._mapping
        return cls(number=values["number"], name=values["name"])


@strawberry.type(description="An organisation that owns initiatives or operates solutions.")
class Organisation(Node):
    code: str
    name: str
    kind: OrganisationKind

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Organisation", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Organisation:
        values = row._mapping
        return cls(code=values["code"], name=values["name"], kind=values["kind"])


@strawberry.type(description="A reporting round (rapporteringsrunde), e.g. «april 2026».")
class ReportingPeriod(Node):
    code: str
    name: str
    opens: date
    deadline: date
    closed: bool

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("ReportingPeriod", self.code)

    @classmethod
    def from_row(cls, row: Row) -> ReportingPeriod:
        values = row._mapping
        return cls(
            code=values["code"],
            name=values["name"],
            opens=values["opens"],
            deadline=values["deadline"],
            closed=values["closed"],
        )


@strawberry.type(description="A national e-health solution or a component of the foundation.")
class Solution(Node):
    code: str
    name: str
    description: str | None
    category: SolutionCategory
    legally_mandated: bool = strawberry.field(
        description="Named in forskrift om standarder og nasjonale e-helseløsninger."
    )
    db_id: strawberry.Private[int]
    operator_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Solution", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Solution:
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

    @strawberry.field(description="The organisation that runs the solution.")
    async def operator(self, info: Info) -> Organisation:
        row = await info.context.loaders.organisation_by_id.load(self.operator_id)
        assert row is not None  # a foreign key guarantees it
        return Organisation.from_row(row)

    @strawberry.field(description="Initiatives that build or further develop this solution.")
    async def developed_by(self, info: Info) -> list[Initiative]:
        rows = await info.context.loaders.developers_by_solution.load(self.db_id)
        return [Initiative.from_row(row) for row in rows]

    @strawberry.field(description="Dependencies of initiatives on this solution.")
    async def dependants(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[Dependency]:
        check_first(first, PORTFOLIO_LIST)
        rows = await info.context.loaders.dependants_by_solution.load(self.db_id)
        return [Dependency.from_row(row) for row in rows[:first]]

    @strawberry.field(description="How many dependencies of initiatives name this solution.")
    async def dependant_count(self, info: Info) -> int:
        return len(await info.context.loaders.dependants_by_solution.load(self.db_id))


@strawberry.type(description="A delivery (leveranse) of an initiative.")
class Delivery(Node):
    code: str
    name: str
    description: str | None
    baseline_date: date | None
    forecast_date: date | None
    delivered_date: date | None
    status: DeliveryStatus
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Delivery", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Delivery:
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

    @strawberry.field
    async def initiative(self, info: Info) -> Initiative:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        assert row is not None  # a foreign key guarantees it
        return Initiative.from_row(row)


@strawberry.type(description="A risk registered by an initiative.")
class Risk(Node):
    code: str
    title: str
    description: str | None
    probability: int
    consequence: int
    level: TrafficLight
    mitigation: str | None
    status: RiskStatus
    initiative_id: strawberry.Private[int]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Risk", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Risk:
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

    @strawberry.field
    async def initiative(self, info: Info) -> Initiative:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        assert row is not None  # a foreign key guarantees it
        return Initiative.from_row(row)


@strawberry.type(description="One revision of an initiative's status report for a period.")
class StatusReport(Node):
    period_code: str
    revision: int
    segment: Segment = strawberry.field(description="The segment when the report was made.")
    phase: Phase
    status: TrafficLight
    status_reason: str | None
    risk_level: TrafficLight | None
    main_risk_areas: str | None
    planned_mitigations: str | None
    implemented_mitigations: str | None
    forecast_end: date | None
    submitted_by: str
    submitted_at: datetime
    illustrative: bool = strawberry.field(
        description="True when the values are plausible demo data rather than published facts."
    )
    db_id: strawberry.Private[int]
    initiative_id: strawberry.Private[int]
    period_id: strawberry.Private[int]
    economics: strawberry.Private[ReportEconomics]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("StatusReport", str(self.db_id))

    @classmethod
    def from_row(cls, row: Row) -> StatusReport:
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
            submitted_by=values["submitted_by"],
            submitted_at=aware(values["submitted_at"]),
            illustrative=values["illustrative"],
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
            "Annual operating and maintenance cost (drift og forvaltning) in NOK "
            "(null for anonymous callers)."
        )
    )
    def annual_operating_cost_nok(self, info: Info) -> float | None:
        return self.economics.visible_to(info.context.viewer).annual_operating_cost_nok

    @strawberry.field(description="Expected benefits, nytte (null for anonymous callers).")
    def benefits(self, info: Info) -> str | None:
        return self.economics.visible_to(info.context.viewer).benefits

    @strawberry.field(
        description="Benefit prerequisites, nytteforutsetninger (null for anonymous callers)."
    )
    def benefit_prerequisites(self, info: Info) -> str | None:
        return self.economics.visible_to(info.context.viewer).benefit_prerequisites

    @strawberry.field(graphql_type=ReportingPeriod)
    def period(self, info: Info) -> MaybeAwaitable[ReportingPeriod]:
        loaders = info.context.loaders
        build = partial(_shared, loaders, ReportingPeriod.from_row)
        return resolve_loaded(loaders.period_by_id, self.period_id, build)

    @strawberry.field
    async def initiative(self, info: Info) -> Initiative:
        row = await info.context.loaders.initiative_by_id.load(self.initiative_id)
        assert row is not None  # a foreign key guarantees it
        return Initiative.from_row(row)


Supplier = Annotated[
    "Initiative | Solution",
    strawberry.union("Supplier", description="What a dependency needs: initiative or solution."),
]


@strawberry.type(description="The dependant initiative needs the supplier.")
class Dependency(DependencyAnalysis, Node):
    supplier_code: str
    dependant_code: str
    criticality: Criticality
    type: DependencyType
    lag_days: int
    needed_by: date | None
    description: str | None
    dependant_id: strawberry.Private[int]
    supplier_initiative_id: strawberry.Private[int | None]
    supplier_solution_id: strawberry.Private[int | None]
    supplier_delivery_id: strawberry.Private[int | None]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Dependency", f"{self.dependant_code}<-{self.supplier_code}")

    @classmethod
    def from_row(cls, row: Row) -> Dependency:
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

    @strawberry.field(description="The initiative that depends on the supplier.")
    async def dependant(self, info: Info) -> Initiative:
        row = await info.context.loaders.initiative_by_id.load(self.dependant_id)
        assert row is not None  # a foreign key guarantees it
        return Initiative.from_row(row)

    @strawberry.field(description="The initiative or solution depended on.", graphql_type=Supplier)
    def supplier(self, info: Info) -> MaybeAwaitable[Initiative | Solution]:
        loaders = info.context.loaders
        if self.supplier_initiative_id is not None:
            build = partial(_shared, loaders, Initiative.from_row)
            return resolve_loaded(loaders.initiative_by_id, self.supplier_initiative_id, build)
        assert self.supplier_solution_id is not None  # a check constraint guarantees it
        build_solution = partial(_shared, loaders, Solution.from_row)
        return resolve_loaded(loaders.solution_by_id, self.supplier_solution_id, build_solution)

    @strawberry.field(description="The specific supplier delivery needed, if one is named.")
    async def supplier_delivery(self, info: Info) -> Delivery | None:
        if self.supplier_delivery_id is None:
            return None
        row = await info.context.loaders.delivery_by_id.load(self.supplier_delivery_id)
        return Delivery.from_row(row) if row is not None else None


@strawberry.type(description="The initiative's answers to the two entry criteria.")
class EntryCriteria:
    digitalisation_essential: bool | None = strawberry.field(
        description="1: digitalisation is essential and it concerns the sector's core activity."
    )
    coordination_or_strategy: bool | None = strawberry.field(
        description="2: it needs coordination across actors and/or is essential to the strategy."
    )
    note: str | None

    @strawberry.field(description="Both criteria hold.")
    def met(self) -> bool:
        return bool(self.digitalisation_essential and self.coordination_or_strategy)


@strawberry.type(description="A digitalisation initiative (tiltak) in the national portfolio.")
class Initiative(InitiativeReporting, InitiativeAnalysis, Node):
    code: str
    name: str
    purpose: str | None
    kind: InitiativeKind
    contact_person: str | None
    segment: Segment | None
    phase: Phase
    state: LifecycleState
    planned_start: date | None
    planned_end: date | None
    forecast_end: date | None
    entry_criteria: EntryCriteria
    illustrative_fields: list[str] = strawberry.field(
        description="Values that are plausible demo data rather than published facts."
    )
    published_facts: list[str]
    version: int = strawberry.field(description="Optimistic-concurrency version.")
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    owner_id: strawberry.Private[int]
    main_goal_number: strawberry.Private[int | None]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Initiative", self.code)

    @classmethod
    def from_row(cls, row: Row) -> Initiative:
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

    @strawberry.field(
        description="The owning organisation (tiltakseier).", graphql_type=Organisation
    )
    def owner(self, info: Info) -> MaybeAwaitable[Organisation]:
        loaders = info.context.loaders
        build = partial(_shared, loaders, Organisation.from_row)
        return resolve_loaded(loaders.organisation_by_id, self.owner_id, build)

    @strawberry.field(description="The strategy goal the initiative names as its main goal.")
    async def main_goal(self, info: Info) -> StrategicGoal | None:
        if self.main_goal_number is None:
            return None
        goal = (await info.context.strategic_goals()).get(self.main_goal_number)
        return StrategicGoal.from_row(goal) if goal is not None else None

    @strawberry.field(description="Further strategy goals the initiative supports.")
    async def supporting_goals(self, info: Info) -> list[StrategicGoal]:
        rows = await info.context.loaders.supporting_goals_by_initiative.load(self.db_id)
        return [StrategicGoal.from_row(row) for row in rows]

    @strawberry.field(description="UN Sustainable Development Goals the initiative supports.")
    async def sustainable_development_goals(self, info: Info) -> list[SustainableDevelopmentGoal]:
        rows = await info.context.loaders.sdgs_by_initiative.load(self.db_id)
        return [SustainableDevelopmentGoal.from_row(row) for row in rows]

    @strawberry.field(description="National solutions this initiative builds or develops.")
    async def developed_solutions(self, info: Info) -> list[Solution]:
        rows = await info.context.loaders.developed_solutions_by_initiative.load(self.db_id)
        return [Solution.from_row(row) for row in rows]

    @strawberry.field(
        description="The latest report up to the period (default: current), carried forward.",
        graphql_type=StatusReport | None,
    )
    def latest_report(
        self, info: Info, period: PeriodArgument = None
    ) -> MaybeAwaitable[StatusReport | None]:
        return _from_report_status(info, self.db_id, period, _latest_report)

    @strawberry.field(
        description="Status from the latest report up to the period.",
        graphql_type=TrafficLight | None,
    )
    def status(
        self, info: Info, period: PeriodArgument = None
    ) -> MaybeAwaitable[TrafficLight | None]:
        return _from_report_status(info, self.db_id, period, _status)

    @strawberry.field(
        description="Risk level from the latest report up to the period.",
        graphql_type=TrafficLight | None,
    )
    def risk_level(
        self, info: Info, period: PeriodArgument = None
    ) -> MaybeAwaitable[TrafficLight | None]:
        return _from_report_status(info, self.db_id, period, _risk_level)

    @strawberry.field(
        description="True when status and risk come from a report of an earlier period.",
        graphql_type=bool,
    )
    def report_is_stale(self, info: Info, period: PeriodArgument = None) -> MaybeAwaitable[bool]:
        return _from_report_status(info, self.db_id, period, _is_stale)

    @strawberry.field(description="Status history: newest period first.")
    async def reports(
        self,
        info: Info,
        include_revisions: Annotated[
            bool,
            strawberry.argument(description="Also list superseded revisions within a period."),
        ] = False,
    ) -> list[StatusReport]:
        rows = await info.context.loaders.reports_by_initiative.load(self.db_id)
        if not include_revisions:
            rows = _latest_revision_per_period(rows)
        return [StatusReport.from_row(row) for row in rows]

    @strawberry.field(description="Deliveries, by baseline date.", graphql_type=list[Delivery])
    def deliveries(self, info: Info) -> MaybeAwaitable[list[Delivery]]:
        return resolve_loaded(
            info.context.loaders.deliveries_by_initiative, self.db_id, _deliveries
        )

    @strawberry.field(description="Registered risks.")
    async def risks(self, info: Info) -> list[Risk]:
        rows = await info.context.loaders.risks_by_initiative.load(self.db_id)
        return [Risk.from_row(row) for row in rows]

    @strawberry.field(
        description="What this initiative depends on (its suppliers).",
        graphql_type=list[Dependency],
    )
    def dependencies(
        self, info: Info, first: FirstNeighbour = NEIGHBOUR_LIST.default
    ) -> MaybeAwaitable[list[Dependency]]:
        check_first(first, NEIGHBOUR_LIST)
        loader = info.context.loaders.dependencies_by_dependant
        return resolve_loaded(loader, self.db_id, partial(_dependencies, first=first))

    @strawberry.field(description="How many dependencies this initiative has.", graphql_type=int)
    def dependency_count(self, info: Info) -> MaybeAwaitable[int]:
        loader = info.context.loaders.dependencies_by_dependant
        return resolve_loaded(loader, self.db_id, len)

    @strawberry.field(description="Dependencies of other initiatives on this one.")
    async def dependants(
        self, info: Info, first: FirstNeighbour = NEIGHBOUR_LIST.default
    ) -> list[Dependency]:
        check_first(first, NEIGHBOUR_LIST)
        rows = await info.context.loaders.dependants_by_initiative.load(self.db_id)
        return [Dependency.from_row(row) for row in rows[:first]]

    @strawberry.field(description="How many dependencies of other initiatives name this one.")
    async def dependant_count(self, info: Info) -> int:
        return len(await info.context.loaders.dependants_by_initiative.load(self.db_id))


def _latest_revision_per_period(rows: list[Row]) -> list[Row]:
    # Rows arrive newest revision first within each period.
    latest: dict[int, Row] = {}
    for row in rows:
        latest.setdefault(row.period_id, row)
    return list(latest.values())


# Builders of field values from loaded rows. Resolvers hand them to ``resolve_loaded``,
# which calls them at once when the loader already holds the rows (prefetched pages).


def _from_report_status(
    info: Info, initiative_id: int, period: str | None, build: Callable[[ReportStatus], T]
) -> MaybeAwaitable[T]:
    loader = info.context.loaders.report_status_by_initiative(period)
    return resolve_loaded(loader, initiative_id, build)


def _latest_report(found: ReportStatus) -> StatusReport | None:
    return StatusReport.from_row(found.report) if found.report is not None else None


def _status(found: ReportStatus) -> TrafficLight | None:
    return found.report.status if found.report is not None else None


def _risk_level(found: ReportStatus) -> TrafficLight | None:
    return found.report.risk_level if found.report is not None else None


def _is_stale(found: ReportStatus) -> bool:
    return found.is_stale


def _shared(loaders: Loaders, build: Callable[[Row], T], row: Row | None) -> T:
    """The request's one object for a row a foreign key points to."""
    assert row is not None  # a foreign key guarantees it
    return loaders.build_once(build, row)


def _deliveries(rows: list[Row]) -> list[Delivery]:
    return [Delivery.from_row(row) for row in rows]


def _dependencies(rows: list[Row], *, first: int) -> list[Dependency]:
    return [Dependency.from_row(row) for row in rows[:first]]

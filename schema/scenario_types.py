"""Scenarios: their inputs, the changes they hold, and their evaluation.

A scenario is a saved bundle of changes (``app.scenarios``) that the analysis evaluates
on a copy of the portfolio's graph (``app.analysis.Analysis.scenario``); nothing real
moves. The queries and mutations are in :mod:`schema.scenarios`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

import graph
from app import analysis as analysis_service
from app import scenarios
from app.analysis import run_cancellable
from app.messages import message
from app.portfolio_changes import compare
from app.portfolio_state import state_now, state_of_scenario
from schema.analysis_resolvers import cycle_error
from schema.analysis_types import (
    CriticalPath,
    LateDependency,
    MovedInitiative,
    NotScheduledError,
    RiskPropagation,
)
from schema.arguments import IncludeRiskArgument, PeriodArgument
from schema.bounds import PORTFOLIO_LIST, FirstPortfolio, first_page
from schema.changes_types import PortfolioChanges
from schema.context import Info
from schema.enums import Criticality, DependencyType, TrafficLight
from schema.error_types import DependencyCycleError, NotFoundError
from schema.reference_types import Organisation
from schema.relay import Node, to_global_id
from schema.types import Initiative, PropagatedRisk, load_initiatives

# --- inputs ---------------------------------------------------------------------------------

InitiativeCode = strawberry.field(description="Code of an admitted initiative.")


@strawberry.input(description="Slip an initiative's end (forecast, else planned) by some days.")
class ScenarioSlipInput:
    code: str = InitiativeCode
    days: int = strawberry.field(description="Days later (negative: earlier), at most 3650.")


@strawberry.input(description="Give an initiative a status, as if it had reported it.")
class ScenarioSetStatusInput:
    code: str = InitiativeCode
    status: TrafficLight = strawberry.field(description="The status it reports.")


@strawberry.input(description="Give an initiative a risk level, as if it had reported it.")
class ScenarioSetRiskInput:
    code: str = InitiativeCode
    risk_level: TrafficLight = strawberry.field(description="The risk level it reports.")


@strawberry.input(description="Plan an initiative anew; its forecast end no longer counts.")
class ScenarioSetDatesInput:
    code: str = InitiativeCode
    planned_start: date = strawberry.field(description="New planned start date.")
    planned_end: date = strawberry.field(description="New planned end date.")


@strawberry.input(description="Add a dependency (or replace the one between the same two).")
class ScenarioAddDependencyInput:
    dependant: str = strawberry.field(description="Code of the admitted initiative that depends.")
    supplier: str = strawberry.field(description="Code of an admitted initiative or a solution.")
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


@strawberry.input(description="Remove a dependency (nothing happens if there is none).")
class ScenarioRemoveDependencyInput:
    dependant: str = strawberry.field(description="Code of the dependant initiative.")
    supplier: str = strawberry.field(description="Code of the supplier.")


@strawberry.input(one_of=True, description="One change of a scenario: exactly one field is given.")
class ScenarioChangeInput:
    slip: ScenarioSlipInput | None = strawberry.field(
        default=strawberry.UNSET, description="Slip an initiative."
    )
    set_status: ScenarioSetStatusInput | None = strawberry.field(
        default=strawberry.UNSET, description="Set an initiative's status."
    )
    set_risk: ScenarioSetRiskInput | None = strawberry.field(
        default=strawberry.UNSET, description="Set an initiative's risk level."
    )
    set_dates: ScenarioSetDatesInput | None = strawberry.field(
        default=strawberry.UNSET, description="Set an initiative's planned dates."
    )
    add_dependency: ScenarioAddDependencyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Add a dependency."
    )
    remove_dependency: ScenarioRemoveDependencyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Remove a dependency."
    )


CHANGE_FIELDS = {
    "slip": scenarios.SLIP,
    "set_status": scenarios.SET_STATUS,
    "set_risk": scenarios.SET_RISK,
    "set_dates": scenarios.SET_DATES,
    "add_dependency": scenarios.ADD_DEPENDENCY,
    "remove_dependency": scenarios.REMOVE_DEPENDENCY,
}
"""Each field of ``ScenarioChangeInput`` by its Python name, and the kind it gives."""


@strawberry.input(description="A scenario to save: a code, a name and its changes in order.")
class CreateScenarioInput:
    code: str = strawberry.field(description="Stable key of the scenario.")
    name: str = strawberry.field(description="Name of the scenario.")
    changes: list[ScenarioChangeInput] = strawberry.field(
        description=f"The changes, applied in order (at most {scenarios.MAX_CHANGES})."
    )


@strawberry.input(description="Fields to change; a field left out keeps its value.")
class UpdateScenarioInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    changes: list[ScenarioChangeInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The new changes; replaces the whole list."
    )


# --- the changes a scenario holds -------------------------------------------------------------


@strawberry.type(description="An initiative's end slips.")
class ScenarioSlip:
    code: str = strawberry.field(description="Code of the initiative.")
    days: int = strawberry.field(description="Days later (negative: earlier).")


@strawberry.type(description="An initiative reports a status.")
class ScenarioSetStatus:
    code: str = strawberry.field(description="Code of the initiative.")
    status: TrafficLight = strawberry.field(description="The status it reports.")


@strawberry.type(description="An initiative reports a risk level.")
class ScenarioSetRisk:
    code: str = strawberry.field(description="Code of the initiative.")
    risk_level: TrafficLight = strawberry.field(description="The risk level it reports.")


@strawberry.type(description="An initiative is planned anew.")
class ScenarioSetDates:
    code: str = strawberry.field(description="Code of the initiative.")
    planned_start: date = strawberry.field(description="Planned start date.")
    planned_end: date = strawberry.field(description="Planned end date.")


@strawberry.type(description="A dependency is added (or replaces the one between the same two).")
class ScenarioAddDependency:
    dependant_code: str = strawberry.field(description="Code of the initiative that depends.")
    supplier_code: str = strawberry.field(description="Code of the initiative or solution.")
    criticality: Criticality = strawberry.field(description="How much the dependant needs it.")
    type: DependencyType = strawberry.field(description="How the dates are linked.")
    lag_days: int = strawberry.field(description="Days of lag.")
    needed_by: date | None = strawberry.field(description="When the dependant needs it.")


@strawberry.type(description="A dependency is removed.")
class ScenarioRemoveDependency:
    dependant_code: str = strawberry.field(description="Code of the dependant initiative.")
    supplier_code: str = strawberry.field(description="Code of the supplier.")


ScenarioChange = Annotated[
    ScenarioSlip
    | ScenarioSetStatus
    | ScenarioSetRisk
    | ScenarioSetDates
    | ScenarioAddDependency
    | ScenarioRemoveDependency,
    strawberry.union("ScenarioChange", description="One change of a scenario."),
]


def change_of(stored: Mapping[str, Any]) -> ScenarioChange:
    """The GraphQL value of a stored change."""
    change = scenarios.graph_change(stored)
    if isinstance(change, graph.Slip):
        return ScenarioSlip(code=change.code, days=change.days)
    if isinstance(change, graph.SetStatus):
        return ScenarioSetStatus(code=change.code, status=TrafficLight(change.status.value))
    if isinstance(change, graph.SetRisk):
        return ScenarioSetRisk(code=change.code, risk_level=TrafficLight(change.risk_level.value))
    if isinstance(change, graph.SetDates):
        return ScenarioSetDates(
            code=change.code, planned_start=change.planned_start, planned_end=change.planned_end
        )
    if isinstance(change, graph.AddDependency):
        return ScenarioAddDependency(
            dependant_code=change.dependant,
            supplier_code=change.supplier,
            criticality=Criticality(change.criticality.value),
            type=DependencyType(change.type.value),
            lag_days=change.lag_days,
            needed_by=change.needed_by,
        )
    return ScenarioRemoveDependency(dependant_code=change.dependant, supplier_code=change.supplier)


# --- evaluation -------------------------------------------------------------------------------


@strawberry.type(
    description=(
        "A scenario's portfolio analysed on a copy of the graph, and how it differs from the"
        " current portfolio."
    )
)
class ScenarioEvaluation:
    risk_propagation: RiskPropagation = strawberry.field(
        description="Red-status propagation with the scenario's statuses and dependencies."
    )
    critical_path: CriticalPath | None = strawberry.field(
        description="The scenario's schedule and critical set; null when nothing is dated."
    )
    finish_before: date | None = strawberry.field(
        description="The current portfolio's finish (null when nothing is dated)."
    )
    finish_after: date | None = strawberry.field(
        description="The scenario's portfolio finish (null when nothing is dated)."
    )
    finish_moved_days: int = strawberry.field(
        description="Days the portfolio finish moves (negative: earlier)."
    )
    late_results: strawberry.Private[Sequence[tuple[tuple[str, str], graph.Slack]]]
    newly_flagged_results: strawberry.Private[Sequence[graph.PropagatedRisk]]
    no_longer_flagged_codes: strawberry.Private[Sequence[str]]
    moved_results: strawberry.Private[Sequence[graph.MovedInitiative]]
    result: strawberry.Private[analysis_service.ScenarioEvaluation]
    scenario_code: strawberry.Private[str]
    period_opens: strawberry.Private[date | None]
    include_risk: strawberry.Private[bool]

    @strawberry.field(
        description=(
            "What the scenario changes against the current portfolio, as `portfolioChanges`"
            " compares (`from` null: now; `to`: the scenario's code), for the same round and"
            " propagation rule as this evaluation."
        )
    )
    async def compared_to_current(self, info: Info) -> PortfolioChanges:
        analysis = await info.context.analysis()
        key = ("portfolio_state_now", self.period_opens, self.include_risk)
        now = await info.context.remember(
            key,
            lambda: state_now(
                info.context.read,
                analysis,
                period_opens=self.period_opens,
                include_risk_level=self.include_risk,
            ),
        )
        result = await run_cancellable(lambda: compare(now, state_of_scenario(now, self.result)))
        return PortfolioChanges(from_code=None, to_code=self.scenario_code, result=result)

    @strawberry.field(
        description="Dependencies late in the scenario, by supplier code then dependant code."
    )
    def late_dependencies(
        self, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[LateDependency]:
        return [
            LateDependency(
                supplier_code=supplier,
                dependant_code=dependant,
                slack_days=slack.slack_days,
                supplier_date=slack.supplier_date,
                needed_by=slack.needed_by,
            )
            for (supplier, dependant), slack in first_page(self.late_results, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="How many dependencies are late in the scenario.")
    def late_dependency_count(self) -> int:
        return len(self.late_results)

    @strawberry.field(
        description="Initiatives the scenario flags that are not flagged now, by code."
    )
    def newly_flagged(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[PropagatedRisk]:
        page = first_page(self.newly_flagged_results, first, PORTFOLIO_LIST)
        return [PropagatedRisk.from_result(risk) for risk in page]

    @strawberry.field(description="How many initiatives the scenario newly flags.")
    def newly_flagged_count(self) -> int:
        return len(self.newly_flagged_results)

    @strawberry.field(description="Initiatives flagged now that the scenario no longer flags.")
    async def no_longer_flagged(
        self, info: Info, first: FirstPortfolio = PORTFOLIO_LIST.default
    ) -> list[Initiative]:
        return await load_initiatives(
            info, first_page(self.no_longer_flagged_codes, first, PORTFOLIO_LIST)
        )

    @strawberry.field(description="How many initiatives the scenario no longer flags.")
    def no_longer_flagged_count(self) -> int:
        return len(self.no_longer_flagged_codes)

    @strawberry.field(
        description="Initiatives whose earliest finish moves, most days first, then by code."
    )
    def moved(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[MovedInitiative]:
        return [
            MovedInitiative(code=item.code, days=item.days, new_finish=item.new_finish)
            for item in first_page(self.moved_results, first, PORTFOLIO_LIST)
        ]

    @strawberry.field(description="How many initiatives' earliest finish moves.")
    def moved_count(self) -> int:
        return len(self.moved_results)


ScenarioEvaluationResult = Annotated[
    ScenarioEvaluation | DependencyCycleError | NotFoundError | NotScheduledError,
    strawberry.union(
        "ScenarioEvaluationResult",
        description=(
            "The scenario evaluated, or why it cannot be on the current portfolio: a cycle its"
            " dependencies close, an initiative no longer in the analysis, or one without"
            " dates to slip."
        ),
    ),
]


def _evaluation(
    result: analysis_service.ScenarioEvaluation,
    *,
    scenario_code: str,
    period_code: str | None,
    period_opens: date | None,
    include_risk: bool,
) -> ScenarioEvaluation:
    comparison = result.comparison
    newly = set(comparison.newly_flagged)
    critical_path = None
    if result.schedule is not None and result.critical is not None:
        assert result.schedule.finish is not None  # a schedule is kept only when dated
        critical_path = CriticalPath(
            chain_codes=list(result.critical.chain),
            finish=result.schedule.finish,
            chains_truncated=result.critical.chains_truncated,
            by_start=sorted(
                result.schedule.items.values(), key=lambda item: (item.earliest_start, item.code)
            ),
            near_by_float=[],
            near_codes=frozenset(),
            found_chains=result.critical.chains,
        )
    return ScenarioEvaluation(
        risk_propagation=RiskPropagation(
            include_risk_level=include_risk,
            period_code=period_code,
            flagged_results=result.propagation.flagged,
            reach_results=result.propagation.reach,
        ),
        critical_path=critical_path,
        finish_before=comparison.finish_before,
        finish_after=comparison.finish_after,
        finish_moved_days=comparison.finish_moved_days,
        late_results=result.late,
        newly_flagged_results=sorted(
            (risk for risk in result.propagation.flagged if risk.code in newly),
            key=lambda risk: risk.code,
        ),
        no_longer_flagged_codes=comparison.no_longer_flagged,
        moved_results=comparison.moved,
        result=result,
        scenario_code=scenario_code,
        period_opens=period_opens,
        include_risk=include_risk,
    )


def _not_found(code: str) -> NotFoundError:
    text = message("not_found", what=message("noun.initiative"), code=repr(code)).render()
    return NotFoundError(message=text, code=code)


@strawberry.type(description="A saved what-if: changes evaluated on a copy of the portfolio.")
class Scenario(Node):
    code: str = strawberry.field(description="Stable key of the scenario.")
    name: str = strawberry.field(description="Name of the scenario.")
    version: int = strawberry.field(description="Moves on every change of the scenario.")
    created_by: str = strawberry.field(description="Who saved it first.")
    created_at: datetime = strawberry.field(description="When it was saved first.")
    updated_at: datetime = strawberry.field(description="When it was last changed.")
    stored_changes: strawberry.Private[Sequence[Mapping[str, Any]]]
    owner_id: strawberry.Private[int | None]

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return to_global_id("Scenario", self.code)

    @classmethod
    def from_row(cls, row: Any) -> Scenario:
        return cls(
            code=row.code,
            name=row.name,
            version=row.version,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            stored_changes=tuple(row.changes),
            owner_id=row.owner_id,
        )

    @strawberry.field(
        description=(
            "The organisation whose REPORTER saved it; null for the portfolio office's."
            " Only that organisation's REPORTER tokens (and ADMIN) may change it."
        )
    )
    async def owner(self, info: Info) -> Organisation | None:
        if self.owner_id is None:
            return None
        row = await info.context.loaders.organisation_by_id.load(self.owner_id)
        return Organisation.from_row(row) if row is not None else None

    @strawberry.field(description="The changes, in the order they are applied.")
    def changes(self) -> list[ScenarioChange]:
        return [change_of(stored) for stored in self.stored_changes]

    @strawberry.field(description="How many changes the scenario holds.")
    def change_count(self) -> int:
        return len(self.stored_changes)

    @strawberry.field(
        description=(
            "The scenario evaluated on a copy of the current portfolio (computed once per"
            " data version; nothing real changes)."
        )
    )
    async def evaluation(
        self,
        info: Info,
        period: PeriodArgument = None,
        include_risk_level: IncludeRiskArgument = False,
    ) -> ScenarioEvaluationResult:
        chosen = await info.context.resolve_period(period)
        analysis = await info.context.analysis()
        changes = scenarios.graph_changes(self.stored_changes)
        result = await analysis.scenario(
            info.context.read,
            (self.code, self.version, changes),
            changes,
            period_opens=chosen.opens if chosen is not None else None,
            include_risk_level=include_risk_level,
        )
        if isinstance(result, graph.DependencyCycle):
            return cycle_error(result)
        if isinstance(result, graph.NodeNotScheduled):
            text = message("not_scheduled", code=repr(result.code)).render()
            return NotScheduledError(message=text, code=result.code)
        if isinstance(result, graph.NodeNotFound):
            return _not_found(result.code)
        return _evaluation(
            result,
            scenario_code=self.code,
            period_code=chosen.code if chosen is not None else None,
            period_opens=chosen.opens if chosen is not None else None,
            include_risk=include_risk_level,
        )

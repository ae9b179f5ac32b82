"""An analysis carried across status reports answers as one built afresh.

A write that only reports statuses leaves the dependency graph as it was, so the analysis
cache moves to the new data version without rebuilding it: it keeps the graph and what
was computed from the graph alone, reads again the statuses of the initiatives that
reported, and carries the red-status propagation over, searching again only what those
initiatives' sources reach. Any other write (a new dependency, a report that moves
a forecast) rebuilds. Either way every answer must equal that of a cache built from
scratch at the same version.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph
from app import repository
from app.analysis import AnalysisCache
from app.database import create_engine
from app.settings import Settings
from tests.conftest import Callers
from tests.schema.writes import ADD_DEPENDENCY, SUBMIT

LEVELS = ("GREEN", "YELLOW", "RED")
INITIATIVES = """{ initiatives(first: 100) { nodes { code state } } }"""


async def answers(cache: AnalysisCache, database_url: str) -> dict[str, Any]:
    """Everything the analysis answers that statuses or the graph decide."""
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with engine.connect() as connection:

            async def read(query: Any, *args: Any, **kwargs: Any) -> Any:
                return await query(connection, *args, **kwargs)

            analysis = await cache.get(read)
            periods = await repository.list_reporting_periods(connection)
            found: dict[str, Any] = {}
            for opens in (periods[0].opens, None):
                found[f"statuses {opens}"] = await analysis.statuses(read, opens)
                for risk in (False, True):
                    found[f"levels {opens} {risk}"] = await analysis.node_levels(read, opens, risk)
                    found[f"reach {opens} {risk}"] = await analysis.source_reach(
                        read, opens, include_risk_level=risk
                    )
                    overview = await analysis.propagation_overview(
                        read, opens, include_risk_level=risk
                    )
                    found[f"overview {opens} {risk}"] = (
                        [(item.code, item.level, item.sources) for item in overview.flagged],
                        list(overview.reach),
                    )
                    flagged = await analysis.propagation(read, opens, include_risk_level=risk)
                    found[f"sources {opens} {risk}"] = {
                        code: (risk_found.sources, risk_found.first_paths(2))
                        for code, risk_found in flagged.items()
                    }
            try:
                schedule = await analysis.schedule()
                found["schedule"] = (schedule.finish, dict(schedule.items))
            except graph.DependencyCycle as cycle:
                found["schedule"] = cycle.cycle
            return found
    finally:
        await engine.dispose()


def full_report(code: str, status: str, risk: str) -> dict[str, Any]:
    """A report every segment accepts."""
    return {
        "initiative": code,
        "status": status,
        "statusReason": "Endret.",
        "riskLevel": risk,
        "mainRiskAreas": "Leveranser.",
        "dependenciesConfirmed": True,
        "plannedMitigations": "Tett oppfølging.",
        "implementedMitigations": "Ukentlige møter.",
        "investmentNok": 1_000_000,
        "annualOperatingCostNok": 100_000,
        "benefits": "Bedre samhandling.",
        "benefitPrerequisites": "Innføring.",
    }


writes = st.one_of(
    st.tuples(
        st.just("report"), st.integers(0, 30), st.sampled_from(LEVELS), st.sampled_from(LEVELS)
    ),
    st.tuples(st.just("forecast"), st.integers(0, 30), st.integers(30, 400)),
    st.tuples(st.just("dependency"), st.integers(0, 30), st.integers(0, 30)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(writes, min_size=1, max_size=5))
def test_an_analysis_carried_across_reports_answers_as_one_built_afresh(
    callers: Callers, steps: list[tuple[Any, ...]]
) -> None:
    admin, url = callers.admin, callers.database_url
    codes = [
        node["code"]
        for node in admin.data(INITIATIVES)["initiatives"]["nodes"]
        if node["state"] == "ACTIVE"
    ]
    incremental = AnalysisCache()
    asyncio.run(answers(incremental, url))

    for step in steps:
        kind, first, *rest = step
        code = codes[first % len(codes)]
        if kind == "report":
            result = admin.data(SUBMIT, {"input": full_report(code, rest[0], rest[1])})
            stored = result["submitStatusReport"]["__typename"] == "StatusReportPayload"
        elif kind == "forecast":
            report = {
                **full_report(code, "YELLOW", "YELLOW"),
                "forecastEnd": f"2031-{1 + rest[0] % 12:02d}-15",
            }
            result = admin.data(SUBMIT, {"input": report})
            stored = result["submitStatusReport"]["__typename"] == "StatusReportPayload"
        else:
            supplier = codes[rest[0] % len(codes)]
            result = admin.data(
                ADD_DEPENDENCY,
                {"input": {"dependant": code, "supplier": supplier, "criticality": "HIGH"}},
            )
            stored = result["addDependency"]["__typename"] == "DependencyPayload"
        builds, advances = incremental.builds, incremental.advances

        carried = asyncio.run(answers(incremental, url))
        afresh = asyncio.run(answers(AnalysisCache(), url))

        assert carried == afresh
        moved = (incremental.builds - builds, incremental.advances - advances)
        if not stored:
            assert moved == (0, 0)  # a refused write leaves the version where it was
        elif kind == "report":
            assert moved == (0, 1)
        elif kind == "forecast":  # rebuilt when the forecast moved, else carried
            assert moved in {(1, 0), (0, 1)}
        else:
            assert moved == (1, 0)

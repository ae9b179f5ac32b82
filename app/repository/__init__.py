"""Every read of the service's data, each one statement (writes live in the write services).

Functions take the connection first and keyword-only options. Batch readers take a
collection of ids and return rows grouped by that id, so a data loader turns any fan-out
into a single statement. The modules are by subject — reference data and rounds,
initiatives, status reports, deliveries and risks, dependencies, the graph's rows,
councils, the audit log, a round's summary, full-text search — and this package names
their reads in one place, so callers write ``repository.deliveries_for(...)`` whatever
module holds it.

Every read of initiatives, or of anything hanging off one (deliveries, risks, reports,
goals, developed solutions, dependencies in either direction, council decisions), takes
the reader's ``visibility`` and applies :func:`visible_initiatives`, the one rule for
PROPOSED and DECLINED initiatives, inside its statement: what a caller may not see is
never read. The reads behind the analysis graph and the round summary count admitted
initiatives only, the same for every caller.
"""

from __future__ import annotations

from app.repository.audit import page_audit_events, writes_between
from app.repository.councils import decision_by_id, decisions_for, list_council_meetings
from app.repository.deliveries import (
    deliveries_by_codes,
    deliveries_by_ids,
    deliveries_for,
    delivery_by_code,
    risk_by_code,
    risks_for,
)
from app.repository.dependencies import (
    dependants_of_initiatives,
    dependants_of_solutions,
    dependencies_of,
    dependency_by_id,
)
from app.repository.graph_rows import GraphRows, graph_rows, latest_statuses
from app.repository.history import (
    StateRows,
    baseline_by_code,
    list_baselines,
    state_rows,
    state_rows_as_of,
)
from app.repository.initiatives import (
    InitiativeQuery,
    count_initiatives,
    developed_solutions_for,
    developers_of,
    initiatives_by_codes,
    initiatives_by_ids,
    owners_of,
    page_initiatives,
    sdgs_for,
    supporting_goals_for,
)
from app.repository.reference import (
    data_version,
    list_organisations,
    list_reporting_periods,
    list_solutions,
    list_strategic_goals,
    list_sustainable_development_goals,
    organisations_by_codes,
    organisations_by_ids,
    period_by_code,
    periods_by_ids,
    pick_current_period,
    solutions_by_codes,
    solutions_by_ids,
)
from app.repository.reminders import unreminded_missing_reports
from app.repository.rounds import (
    admitted_initiatives,
    goal_links,
    initiatives_reported_in,
    latest_reports,
    missing_reports,
    open_deliveries,
    slipped_deliveries,
)
from app.repository.rows import Row
from app.repository.scenarios import count_scenarios, list_scenarios, scenario_by_code
from app.repository.search import (
    SearchHit,
    count_search_hits,
    search,
    sqlite_index_statements,
)
from app.repository.status_reports import (
    latest_reports_for,
    latest_reports_subquery,
    report_by_id,
    reports_for,
)
from app.repository.trends import forecast_slips_per_round, status_counts_per_round
from app.repository.visibility import of_visible_initiative, visible_initiatives
from app.repository.webhooks import (
    ANY_OWNER,
    AnyOwner,
    last_event_id,
    list_webhooks,
    page_webhook_deliveries,
    webhook_attempts_for,
    webhook_by_id,
    webhook_delivery_by_id,
)

__all__ = [
    "ANY_OWNER",
    "AnyOwner",
    "GraphRows",
    "InitiativeQuery",
    "Row",
    "SearchHit",
    "StateRows",
    "admitted_initiatives",
    "baseline_by_code",
    "count_initiatives",
    "count_scenarios",
    "count_search_hits",
    "data_version",
    "decision_by_id",
    "decisions_for",
    "deliveries_by_codes",
    "deliveries_by_ids",
    "deliveries_for",
    "delivery_by_code",
    "dependants_of_initiatives",
    "dependants_of_solutions",
    "dependencies_of",
    "dependency_by_id",
    "developed_solutions_for",
    "developers_of",
    "forecast_slips_per_round",
    "goal_links",
    "graph_rows",
    "initiatives_by_codes",
    "initiatives_by_ids",
    "initiatives_reported_in",
    "last_event_id",
    "latest_reports",
    "latest_reports_for",
    "latest_reports_subquery",
    "latest_statuses",
    "list_baselines",
    "list_council_meetings",
    "list_organisations",
    "list_reporting_periods",
    "list_scenarios",
    "list_solutions",
    "list_strategic_goals",
    "list_sustainable_development_goals",
    "list_webhooks",
    "missing_reports",
    "of_visible_initiative",
    "open_deliveries",
    "organisations_by_codes",
    "organisations_by_ids",
    "owners_of",
    "page_audit_events",
    "page_initiatives",
    "page_webhook_deliveries",
    "period_by_code",
    "periods_by_ids",
    "pick_current_period",
    "report_by_id",
    "reports_for",
    "risk_by_code",
    "risks_for",
    "scenario_by_code",
    "sdgs_for",
    "search",
    "slipped_deliveries",
    "solutions_by_codes",
    "solutions_by_ids",
    "sqlite_index_statements",
    "state_rows",
    "state_rows_as_of",
    "status_counts_per_round",
    "supporting_goals_for",
    "unreminded_missing_reports",
    "visible_initiatives",
    "webhook_attempts_for",
    "webhook_by_id",
    "webhook_delivery_by_id",
    "writes_between",
]

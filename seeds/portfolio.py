"""A portfolio as plain data, and its idempotent bulk writer.

Both the seed files and the synthetic generator produce a :class:`PortfolioData`; the
writer inserts whatever is not in the database yet (matched by code), so seeding twice
changes nothing and never overwrites what users have edited since.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from app.data_version import move_data_version
from app.tables import (
    delivery_history_table,
    delivery_table,
    dependency_history_table,
    dependency_table,
    developed_table,
    goal_table,
    initiative_history_table,
    initiative_sdg_table,
    initiative_table,
    organisation_table,
    period_table,
    report_table,
    risk_table,
    sdg_table,
    solution_table,
    supporting_goal_table,
)
from seeds.bulk import BulkCheckError, bulk_insert, bulk_load
from seeds.history import history_rows

CHUNK = 2_000

Row = dict[str, Any]


class SeedError(ValueError):
    """The portfolio data is inconsistent (unknown code, duplicate, missing field)."""


@dataclass(slots=True)
class PortfolioData:
    """Everything a portfolio holds, in the shape of the seed files."""

    strategic_goals: list[Row] = field(default_factory=list)
    sustainable_development_goals: list[Row] = field(default_factory=list)
    organisations: list[Row] = field(default_factory=list)
    solutions: list[Row] = field(default_factory=list)
    reporting_periods: list[Row] = field(default_factory=list)
    initiatives: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeedResult:
    """How many rows of each kind the writer inserted."""

    inserted: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.inserted.values())


def _chunks(rows: Sequence[Row], size: int = CHUNK) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(connection: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> int:
    for chunk in _chunks(rows):
        connection.execute(table.insert(), list(chunk))
    return len(rows)


def _codes(connection: sa.Connection, table: sa.Table, key: str = "code") -> dict[Any, int]:
    id_column = table.c.id if "id" in table.c else table.c[key]
    return {row[0]: row[1] for row in connection.execute(sa.select(table.c[key], id_column))}


def _lookup(mapping: dict[Any, int], code: Any, *, what: str, where: str) -> int:
    try:
        return mapping[code]
    except KeyError:
        raise SeedError(f"{where}: unknown {what} {code!r}") from None


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 12, tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def write_portfolio(connection: sa.Connection, data: PortfolioData) -> SeedResult:
    """Insert every part of ``data`` not already present; bump the data version if any was."""
    inserted: dict[str, int] = {}
    inserted["strategic_goals"] = _insert_missing_by_key(
        connection, goal_table, data.strategic_goals, key="number"
    )
    inserted["sustainable_development_goals"] = _insert_missing_by_key(
        connection,
        sdg_table,
        data.sustainable_development_goals,
        key="number",
    )
    inserted["organisations"] = _insert_missing_by_key(
        connection, organisation_table, data.organisations, key="code"
    )
    _fill_missing_org_numbers(connection, data.organisations)
    organisations = _codes(connection, organisation_table)
    existing_solutions = _codes(connection, solution_table)
    inserted["solutions"] = _insert(
        connection,
        solution_table,
        [
            {
                "code": solution["code"],
                "name": solution["name"],
                "description": solution.get("description"),
                "category": solution["category"],
                "operator_id": _lookup(
                    organisations,
                    solution["operator"],
                    what="organisation",
                    where=f"solution {solution['code']}",
                ),
                "legally_mandated": bool(solution.get("legally_mandated", False)),
            }
            for solution in data.solutions
            if solution["code"] not in existing_solutions
        ],
    )
    inserted["reporting_periods"] = _insert_missing_by_key(
        connection, period_table, data.reporting_periods, key="code"
    )
    inserted.update(_write_initiatives(connection, data.initiatives, organisations))
    if any(inserted.values()):
        move_data_version(connection)
    return SeedResult(inserted=inserted)


def _fill_missing_org_numbers(connection: sa.Connection, organisations: Iterable[Row]) -> None:
    """Give organisations seeded before they had one their organisation number."""
    for spec in organisations:
        if spec.get("org_number"):
            connection.execute(
                organisation_table.update()
                .where(
                    organisation_table.c.code == spec["code"],
                    organisation_table.c.org_number.is_(None),
                )
                .values(org_number=spec["org_number"])
            )


def _insert_missing_by_key(
    connection: sa.Connection, table: sa.Table, rows: Iterable[Row], *, key: str
) -> int:
    existing = {row[0] for row in connection.execute(sa.select(table.c[key]))}
    rows = [row for row in rows if row[key] not in existing]
    # One executemany needs one set of keys: a column some rows leave out is null in them.
    given = set(table.c.keys()) & {name for row in rows for name in row}
    missing = [{name: row.get(name) for name in given} for row in rows]
    return _insert(connection, table, missing)


BULK_TABLES = (
    initiative_table,
    supporting_goal_table,
    initiative_sdg_table,
    developed_table,
    delivery_table,
    risk_table,
    report_table,
    dependency_table,
    initiative_history_table,
    delivery_history_table,
    dependency_history_table,
)


def _write_initiatives(
    connection: sa.Connection, specs: Sequence[Row], organisations: dict[Any, int]
) -> dict[str, int]:
    existing = _codes(connection, initiative_table)
    new_specs = [spec for spec in specs if spec["code"] not in existing]
    if not new_specs:
        return {"initiatives": 0}
    try:
        with bulk_load(connection, BULK_TABLES):
            return _write_new_initiatives(connection, new_specs, organisations)
    except BulkCheckError as error:
        raise SeedError(f"a row breaks a constraint of {error}") from error


def _write_new_initiatives(
    connection: sa.Connection, new_specs: Sequence[Row], organisations: dict[Any, int]
) -> dict[str, int]:
    table = initiative_table
    now = datetime.now(UTC)
    bulk_insert(
        connection,
        table,
        [_initiative_row(spec, organisations, now) for spec in new_specs],
    )
    initiatives = _codes(connection, table)
    solutions = _codes(connection, solution_table)
    periods = _codes(connection, period_table)

    supporting: list[Row] = []
    sdgs: list[Row] = []
    developed: list[Row] = []
    deliveries: list[Row] = []
    risks: list[Row] = []
    reports: list[Row] = []
    for spec in new_specs:
        initiative_id = initiatives[spec["code"]]
        supporting += [
            {"initiative_id": initiative_id, "goal_number": number}
            for number in spec.get("supporting_goals") or ()
        ]
        sdgs += [
            {"initiative_id": initiative_id, "sdg_number": number}
            for number in spec.get("sdgs") or ()
        ]
        developed += [
            {
                "initiative_id": initiative_id,
                "solution_id": _lookup(
                    solutions, code, what="solution", where=f"{spec['code']}.develops"
                ),
            }
            for code in spec.get("develops") or ()
        ]
        deliveries += [_delivery_row(item, initiative_id) for item in spec.get("deliveries") or ()]
        risks += [_risk_row(item, initiative_id) for item in spec.get("risks") or ()]
        reports += [
            _report_row(item, spec, initiative_id, periods) for item in spec.get("reports") or ()
        ]
    counts = {
        "initiatives": len(new_specs),
        "supporting_goals": bulk_insert(connection, supporting_goal_table, supporting),
        "sdgs": bulk_insert(connection, initiative_sdg_table, sdgs),
        "developed_solutions": bulk_insert(connection, developed_table, developed),
        "deliveries": bulk_insert(connection, delivery_table, deliveries),
        "risks": bulk_insert(connection, risk_table, risks),
        "status_reports": bulk_insert(connection, report_table, reports),
    }
    delivery_ids = _codes(connection, delivery_table)
    dependencies = [
        _dependency_row(item, spec["code"], initiatives, solutions, delivery_ids)
        for spec in new_specs
        for item in spec.get("dependencies") or ()
    ]
    counts["dependencies"] = bulk_insert(connection, dependency_table, dependencies)
    ordered = connection.execute(
        sa.select(period_table.c.code, period_table.c.id).order_by(period_table.c.opens)
    )
    history = history_rows(
        new_specs,
        initiatives=initiatives,
        deliveries=delivery_ids,
        periods=[(code, period_id) for code, period_id in ordered],
    )
    now = datetime.now(UTC)
    for table, rows in (
        (initiative_history_table, history.initiatives),
        (delivery_history_table, history.deliveries),
        (dependency_history_table, history.dependencies),
    ):
        bulk_insert(connection, table, [{**row, "recorded_at": now} for row in rows])
    return counts


def _initiative_row(spec: Row, organisations: dict[Any, int], now: datetime) -> Row:
    criteria = spec.get("entry_criteria") or {}
    return {
        "code": spec["code"],
        "name": spec["name"],
        "purpose": spec.get("purpose"),
        "kind": spec.get("kind", "PROJECT"),
        "owner_id": _lookup(
            organisations, spec["owner"], what="organisation", where=f"{spec['code']}.owner"
        ),
        "contact_person": spec.get("contact_person"),
        "segment": spec.get("segment"),
        "phase": spec["phase"],
        "state": spec.get("state", "ACTIVE"),
        "planned_start": spec.get("planned_start"),
        "planned_end": spec.get("planned_end"),
        "forecast_end": spec.get("forecast_end"),
        "main_goal_number": spec.get("main_goal"),
        "digitalisation_essential": criteria.get("digitalisation_essential"),
        "coordination_or_strategy": criteria.get("coordination_or_strategy"),
        "entry_criteria_note": criteria.get("note"),
        "illustrative_fields": list(spec.get("illustrative") or ()),
        "published_facts": list(spec.get("published_facts") or ()),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _delivery_row(item: Row, initiative_id: int) -> Row:
    return {
        "code": item["code"],
        "initiative_id": initiative_id,
        "name": item["name"],
        "description": item.get("description"),
        "baseline_date": item.get("baseline"),
        "forecast_date": item.get("forecast"),
        "delivered_date": item.get("delivered"),
        "status": item.get("status", "PLANNED"),
    }


def _risk_row(item: Row, initiative_id: int) -> Row:
    return {
        "code": item["code"],
        "initiative_id": initiative_id,
        "title": item["title"],
        "description": item.get("description"),
        "probability": item["probability"],
        "consequence": item["consequence"],
        "level": item["level"],
        "mitigation": item.get("mitigation"),
        "status": item.get("status", "OPEN"),
    }


def _report_row(item: Row, spec: Row, initiative_id: int, periods: dict[Any, int]) -> Row:
    where = f"{spec['code']}.reports"
    return {
        "initiative_id": initiative_id,
        "period_id": _lookup(periods, item["period"], what="reporting period", where=where),
        "revision": item.get("revision", 1),
        "segment": item.get("segment", spec.get("segment")),
        "phase": item.get("phase", spec["phase"]),
        "status": item["status"],
        "status_reason": item.get("status_reason"),
        "risk_level": item.get("risk_level"),
        "main_risk_areas": item.get("main_risk_areas"),
        "planned_mitigations": item.get("planned_mitigations"),
        "implemented_mitigations": item.get("implemented_mitigations"),
        "forecast_end": item.get("forecast_end"),
        "investment_nok": item.get("investment_nok"),
        "annual_operating_cost_nok": item.get("annual_operating_cost_nok"),
        "benefits": item.get("benefits"),
        "benefit_prerequisites": item.get("benefit_prerequisites"),
        "dependencies_confirmed": item.get("dependencies_confirmed"),
        "submitted_by": item.get("submitted_by") or spec.get("contact_person") or spec["code"],
        "submitted_at": _as_datetime(item.get("submitted_at") or date.today()),
        "illustrative": bool(item.get("illustrative", True)),
        "illustrative_fields": list(item.get("illustrative_fields") or ()),
    }


def _dependency_row(
    item: Row,
    dependant: str,
    initiatives: dict[Any, int],
    solutions: dict[Any, int],
    deliveries: dict[Any, int],
) -> Row:
    supplier = item["supplier"]
    where = f"{dependant}.dependencies"
    if supplier in initiatives:
        supplier_columns = {"supplier_initiative_id": initiatives[supplier]}
    else:
        supplier_columns = {
            "supplier_solution_id": _lookup(solutions, supplier, what="supplier", where=where)
        }
    delivery = item.get("supplier_delivery")
    return {
        "dependant_id": initiatives[dependant],
        "supplier_initiative_id": None,
        "supplier_solution_id": None,
        **supplier_columns,
        "supplier_delivery_id": (
            _lookup(deliveries, delivery, what="delivery", where=where) if delivery else None
        ),
        "criticality": item.get("criticality", "MEDIUM"),
        "type": item.get("type", "FINISH_TO_START"),
        "lag_days": item.get("lag_days", 0),
        "needed_by": item.get("needed_by"),
        "description": item.get("description"),
    }

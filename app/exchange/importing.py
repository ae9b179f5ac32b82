"""Import an exchange file: check every row first, then write all of it or nothing.

Semantics (docs/exchange.md):

- initiatives and deliveries are upserted by code, dependencies by (dependant, supplier);
  nothing is ever deleted;
- a status-report row is appended as the next revision of its initiative and period
  unless a revision with the same content is already stored, so a re-import is a no-op;
  a closed period accepts reports only for initiatives that have none stored there;
- rows equal to what is stored change nothing; when nothing changes at all, the data
  version stays where it was.

The checks are those of the write API where they apply (``app.validation``): codes,
texts, dates, enumerations, money, the segment rules of status reports, and no dependency
cycles among everything the file creates and what is stored (``graph.refused_edges``).
Changes are written in one transaction that also bumps the data version and records an
audit event per changed row (``app.writes``).
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm

import graph
from app import dependency_writes, initiative_writes, models, repository, tables, writes
from app.auth import EVERYTHING, Viewer
from app.data_version import bump_data_version
from app.domain import ADMITTED_STATES, DeliveryStatus, Role, Segment, TrafficLight
from app.exchange.reading import ImportProblem, ParsedFile, SheetRow, open_tables, parse_tables
from app.exchange.sheets import DELIVERIES, DEPENDENCIES, INITIATIVES, STATUS_REPORTS
from app.repository import Row
from app.validation import (
    CODE_PATTERN,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CODE,
    MAX_NAME,
    MAX_NOK,
    MAX_TEXT,
    Problems,
    check_report_rules,
)

REPORT_CONTENT = (
    "segment",
    "phase",
    "status",
    "status_reason",
    "risk_level",
    "main_risk_areas",
    "planned_mitigations",
    "implemented_mitigations",
    "forecast_end",
    "investment_nok",
    "annual_operating_cost_nok",
    "benefits",
    "benefit_prerequisites",
    "illustrative",
)
DATABASE = "Databasen"  # where a problem with the database rather than the file is
REFERENCE_COMMAND = "portfolio seed --reference-only"
_SHEET_ORDER = {
    DATABASE: -1,
    **{
        sheet.name: index
        for index, sheet in enumerate((INITIATIVES, DEPENDENCIES, DELIVERIES, STATUS_REPORTS))
    },
}
RULE_COLUMNS = {
    "statusReason": "status_reason",
    "riskLevel": "risk_level",
    "mainRiskAreas": "main_risk_areas",
    "plannedMitigations": "planned_mitigations",
    "implementedMitigations": "implemented_mitigations",
    "investmentNok": "investment_nok",
    "annualOperatingCostNok": "annual_operating_cost_nok",
    "benefits": "benefits",
    "benefitPrerequisites": "benefit_prerequisites",
}


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(er) i filen")


@dataclass(slots=True)
class ImportResult:
    """How many rows of each sheet were created, updated or left as they were."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        sheets = (INITIATIVES, DEPENDENCIES, DELIVERIES, STATUS_REPORTS)
        return "; ".join(
            f"{sheet.name}: {self.created[sheet.name]} nye, {self.updated[sheet.name]} endret, "
            f"{self.unchanged[sheet.name]} uendret"
            for sheet in sheets
        )


def _progress(total: int, description: str) -> tqdm[Any]:
    return tqdm(
        total=total,
        desc=description,
        unit="rad",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )


# --- what is stored ----------------------------------------------------------------------------


@dataclass(slots=True)
class Stored:
    """The rows the import compares with and refers to, read once in its transaction."""

    organisations: dict[str, int]
    solutions: dict[str, int]
    goals: set[int]
    sdgs: set[int]
    periods: dict[str, Row]
    initiatives: dict[str, Row]
    supporting: dict[int, set[int]]
    initiative_sdgs: dict[int, set[int]]
    developed: dict[int, set[str]]
    deliveries: dict[str, Row]
    dependencies: dict[tuple[str, str], Row]
    reports: dict[tuple[int, int], list[Row]]


async def _stored(connection: AsyncConnection) -> Stored:
    async def codes(table: sa.Table) -> dict[str, int]:
        result = await connection.execute(sa.select(table.c.code, table.c.id))
        return {row.code: row.id for row in result}

    initiatives = {
        row.code: row
        for row in (await connection.execute(sa.select(tables.initiative_table))).all()
    }
    ids = [row.id for row in initiatives.values()]
    supporting = await repository.supporting_goals_for(connection, ids, visibility=EVERYTHING)
    sdgs = await repository.sdgs_for(connection, ids, visibility=EVERYTHING)
    developed = await repository.developed_solutions_for(connection, ids, visibility=EVERYTHING)
    dependencies = await repository.dependencies_of(connection, ids, visibility=EVERYTHING)
    reports: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for row in await connection.execute(
        sa.select(tables.report_table).order_by(tables.report_table.c.revision)
    ):
        reports[row.initiative_id, row.period_id].append(row)
    return Stored(
        organisations=await codes(tables.organisation_table),
        solutions=await codes(tables.solution_table),
        goals=set((await connection.execute(sa.select(tables.goal_table.c.number))).scalars()),
        sdgs=set((await connection.execute(sa.select(tables.sdg_table.c.number))).scalars()),
        periods={row.code: row for row in await repository.list_reporting_periods(connection)},
        initiatives=initiatives,
        supporting={key: {row.number for row in rows} for key, rows in supporting.items()},
        initiative_sdgs={key: {row.number for row in rows} for key, rows in sdgs.items()},
        developed={key: {row.code for row in rows} for key, rows in developed.items()},
        deliveries={
            row.code: row
            for row in (await connection.execute(sa.select(tables.delivery_table))).all()
        },
        dependencies={
            (row.dependant_code, row.supplier_code): row
            for rows in dependencies.values()
            for row in rows
        },
        reports=reports,
    )


# --- checks ------------------------------------------------------------------------------------


class Checker:
    """Checks parsed rows against each other and against what is stored."""

    def __init__(self, parsed: ParsedFile, stored: Stored) -> None:
        self.parsed = parsed
        self.stored = stored
        self.problems: list[ImportProblem] = list(parsed.problems)
        self.file_initiatives = {
            row.values["code"]: row
            for row in parsed.rows[INITIATIVES.name]
            if row.values.get("code")
        }
        self.file_deliveries = {
            row.values["code"]: row
            for row in parsed.rows[DELIVERIES.name]
            if row.values.get("code")
        }

    def add(self, row: SheetRow, column: str | None, message: str) -> None:
        self.problems.append(ImportProblem(row.sheet, row.number, column, message))

    def _required(self, row: SheetRow, *columns: str) -> None:
        for column in columns:
            if row.values.get(column) is None and column not in row.invalid:
                self.add(row, column, "må fylles ut")

    def _text(self, row: SheetRow, column: str, limit: int) -> None:
        value = row.values.get(column)
        if value is not None and len(value) > limit:
            self.add(row, column, f"er {len(value)} tegn; høyst {limit} er tillatt")

    def _code(self, row: SheetRow, column: str, seen: dict[str, int]) -> None:
        value = row.values.get(column)
        if value is None:
            self._required(row, column)
            return
        if len(value) > MAX_CODE or not CODE_PATTERN.match(value):
            self.add(
                row,
                column,
                f"ugyldig kode {value!r}; bruk bokstaver, sifre, '.', '-' og '_' "
                f"(høyst {MAX_CODE} tegn)",
            )
        if value in seen:
            self.add(row, column, f"koden {value!r} står også i rad {seen[value]}")
        seen.setdefault(value, row.number)

    def _dates(self, row: SheetRow, *columns: str) -> None:
        for column in columns:
            value = row.values.get(column)
            if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
                self.add(
                    row,
                    column,
                    f"datoen {value.isoformat()} ligger utenfor {EARLIEST_DATE.isoformat()}–"
                    f"{LATEST_DATE.isoformat()}",
                )

    def _order(self, row: SheetRow, first: str, then: str, first_value: date | None) -> None:
        value = row.values.get(then)
        if first_value is not None and value is not None and value < first_value:
            self.add(row, then, f"er før {first} ({first_value.isoformat()})")

    def _money(self, row: SheetRow, column: str) -> None:
        value = row.values.get(column)
        if value is not None and value < 0:
            self.add(row, column, "beløpet kan ikke være negativt")
        elif value is not None and value > MAX_NOK:
            self.add(row, column, f"beløpet kan ikke overstige {MAX_NOK} kroner")

    def reference_data(self) -> None:
        """One problem naming the command to run, instead of an unknown code on every row."""
        stored = self.stored
        missing = [
            name
            for name, known in (
                ("organisasjoner", stored.organisations),
                ("nasjonale løsninger", stored.solutions),
                ("strategimål", stored.goals),
                ("bærekraftsmål", stored.sdgs),
                ("rapporteringsrunder", stored.periods),
            )
            if not known
        ]
        if missing and self.parsed.row_count:
            self.problems.append(
                ImportProblem(
                    DATABASE,
                    None,
                    None,
                    f"mangler referansedata ({', '.join(missing)}); kjør "
                    f"«{REFERENCE_COMMAND}» før import",
                )
            )

    def is_initiative(self, code: str) -> bool:
        return code in self.stored.initiatives or code in self.file_initiatives

    # -- sheets --

    def initiatives(self) -> None:
        seen: dict[str, int] = {}
        stored = self.stored
        for row in self.parsed.rows[INITIATIVES.name]:
            values = row.values
            self._code(row, "code", seen)
            if values.get("code") in stored.solutions:
                self.add(row, "code", f"{values['code']!r} er koden til en nasjonal løsning")
            self._required(row, "name", "kind", "owner", "phase", "state")
            self._text(row, "name", MAX_NAME)
            self._text(row, "contact_person", MAX_NAME)
            for column in ("purpose", "entry_criteria_note"):
                self._text(row, column, MAX_TEXT)
            owner = values.get("owner")
            if owner is not None and _unknown(owner, stored.organisations):
                self.add(row, "owner", f"ukjent organisasjon {owner!r}")
            if values.get("state") in ADMITTED_STATES and values.get("segment") is None:
                self._required(row, "segment")
            self._dates(row, "planned_start", "planned_end", "forecast_end")
            self._order(row, "planned_start", "planned_end", values.get("planned_start"))
            self._order(row, "planned_start", "forecast_end", values.get("planned_start"))
            main_goal = values.get("main_goal")
            if main_goal is not None and _unknown(main_goal, stored.goals):
                self.add(row, "main_goal", f"det finnes ikke noe strategimål {main_goal}")
            for number in values.get("supporting_goals") or ():
                if _unknown(number, stored.goals):
                    self.add(row, "supporting_goals", f"det finnes ikke noe strategimål {number}")
            for number in values.get("sdgs") or ():
                if _unknown(number, stored.sdgs):
                    self.add(row, "sdgs", f"bærekraftsmål {number} er ikke et av porteføljens")
            for code in values.get("develops") or ():
                if _unknown(code, stored.solutions):
                    self.add(row, "develops", f"ukjent nasjonal løsning {code!r}")

    def deliveries(self) -> None:
        seen: dict[str, int] = {}
        for row in self.parsed.rows[DELIVERIES.name]:
            values = row.values
            self._code(row, "code", seen)
            self._required(row, "initiative", "name", "status")
            initiative = values.get("initiative")
            if initiative is not None and not self.is_initiative(initiative):
                self.add(row, "initiative", f"ukjent tiltak {initiative!r}")
            existing = self.stored.deliveries.get(values.get("code") or "")
            stored_initiative = self.stored.initiatives.get(initiative or "")
            if (
                existing is not None
                and stored_initiative is not None
                and existing.initiative_id != stored_initiative.id
            ):
                self.add(row, "initiative", "leveransen hører til et annet tiltak")
            self._text(row, "name", MAX_NAME)
            self._text(row, "description", MAX_TEXT)
            self._dates(row, "baseline_date", "forecast_date", "delivered_date")
            if (
                values.get("delivered_date") is not None
                and values.get("status") is not None
                and values["status"] != DeliveryStatus.DELIVERED
            ):
                self.add(row, "delivered_date", "kan bare fylles ut når status er DELIVERED")

    def _delivery_owner(self, code: str) -> str | None:
        if code in self.file_deliveries:
            owner: str | None = self.file_deliveries[code].values.get("initiative")
            return owner
        stored = self.stored.deliveries.get(code)
        if stored is None:
            return None
        for initiative in self.stored.initiatives.values():
            if initiative.id == stored.initiative_id:
                return str(initiative.code)
        return None

    def dependencies(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row in self.parsed.rows[DEPENDENCIES.name]:
            values = row.values
            self._required(row, "dependant", "supplier", "criticality", "type")
            dependant, supplier = values.get("dependant"), values.get("supplier")
            if dependant is not None and not self.is_initiative(dependant):
                self.add(row, "dependant", f"ukjent tiltak {dependant!r}")
            if (
                supplier is not None
                and not self.is_initiative(supplier)
                and _unknown(supplier, self.stored.solutions)
            ):
                self.add(row, "supplier", f"ukjent tiltak eller nasjonal løsning {supplier!r}")
            if dependant is not None and dependant == supplier:
                self.add(row, "supplier", "et tiltak kan ikke avhenge av seg selv")
            if dependant is not None and supplier is not None:
                if (dependant, supplier) in seen:
                    self.add(
                        row,
                        "supplier",
                        f"{dependant} avhenger av {supplier} også i rad "
                        f"{seen[dependant, supplier]}",
                    )
                seen.setdefault((dependant, supplier), row.number)
            delivery = values.get("supplier_delivery")
            if delivery is not None:
                owner = self._delivery_owner(delivery)
                if owner is None:
                    self.add(row, "supplier_delivery", f"ukjent leveranse {delivery!r}")
                elif owner != supplier:
                    self.add(row, "supplier_delivery", f"er ikke en leveranse fra {supplier}")
            lag = values.get("lag_days")
            if lag is not None and not -3650 <= lag <= 3650:
                self.add(row, "lag_days", "må være mellom -3650 og 3650")
            self._dates(row, "needed_by")
            self._text(row, "description", MAX_TEXT)

    def cycles(self, stored_graph: Any) -> None:
        """Refuse every row whose edge would close a cycle with what is stored and the file.

        The file's edges are the solutions its initiatives develop and its dependencies; a
        stored development that an initiative row leaves out is removed first, as the
        writer will. Only rows whose codes were understood take part, so a file with other
        problems still has its cycles reported in the same run.
        """
        removed: list[tuple[str, str]] = []
        edges: list[tuple[str, str]] = []
        sources: list[tuple[SheetRow, str]] = []
        seen: set[str] = set()
        for row in self.parsed.rows[INITIATIVES.name]:
            code = row.values.get("code")
            if code is None or code in seen or code in self.stored.solutions:
                continue
            seen.add(code)
            if "develops" in row.invalid:
                continue
            develops = [
                solution for solution in row.values["develops"] if solution in self.stored.solutions
            ]
            current = self.stored.initiatives.get(code)
            if current is not None:
                stored = self.stored.developed.get(current.id, set())
                removed.extend((code, solution) for solution in sorted(stored - set(develops)))
            for solution in develops:
                edges.append((code, solution))
                sources.append((row, "develops"))
        for row in self.parsed.rows[DEPENDENCIES.name]:
            dependant, supplier = row.values.get("dependant"), row.values.get("supplier")
            if (
                dependant is not None
                and supplier is not None
                and dependant != supplier
                and self.is_initiative(dependant)
                and (self.is_initiative(supplier) or supplier in self.stored.solutions)
            ):
                edges.append((supplier, dependant))
                sources.append((row, "supplier"))
        new_edges: dict[tuple[str, str], SheetRow] = {}
        for edge, (row, _) in zip(edges, sources, strict=True):
            if not stored_graph.has_edge(*edge):
                new_edges.setdefault(edge, row)
        for position, cycle in graph.refused_edges(stored_graph, edges, removed=removed):
            row, column = sources[position]
            closing = f"å utvikle {edges[position][1]}" if column == "develops" else "avhengigheten"
            message = f"{closing} ville lukke en syklus: " + " → ".join(cycle)
            # The cycle ends with the refused edge; the rows of the file behind the others.
            others = sorted(
                {
                    (new_edges[edge].sheet, new_edges[edge].number)
                    for edge in itertools.pairwise(cycle[:-1])
                    if edge in new_edges
                },
                key=lambda where: (_SHEET_ORDER[where[0]], where[1]),
            )
            if others:
                message += "; syklusen bruker også " + ", ".join(
                    f"{sheet} rad {number}" for sheet, number in others
                )
            self.add(row, column, message)

    def reports(self) -> None:
        for row in self.parsed.rows[STATUS_REPORTS.name]:
            values = row.values
            self._required(row, "initiative", "period", "segment", "phase", "status")
            initiative = values.get("initiative")
            if initiative is not None and not self.is_initiative(initiative):
                self.add(row, "initiative", f"ukjent tiltak {initiative!r}")
            period = self.stored.periods.get(values.get("period") or "")
            if values.get("period") is not None and _unknown(values["period"], self.stored.periods):
                self.add(row, "period", f"ukjent rapporteringsrunde {values['period']!r}")
            revision = values.get("revision")
            if revision is not None and revision < 1:
                self.add(row, "revision", "må være 1 eller mer")
            for column in (
                "status_reason",
                "main_risk_areas",
                "planned_mitigations",
                "implemented_mitigations",
                "benefits",
                "benefit_prerequisites",
            ):
                self._text(row, column, MAX_TEXT)
            self._text(row, "submitted_by", MAX_NAME)
            self._dates(row, "forecast_end")
            self._money(row, "investment_nok")
            self._money(row, "annual_operating_cost_nok")
            if values.get("segment") is not None and values.get("status") is not None:
                rules = Problems()
                check_report_rules(
                    rules,
                    segment=Segment(values["segment"]),
                    status=TrafficLight(values["status"]),
                    values={column: values.get(column) for column in RULE_COLUMNS.values()},
                )
                for problem in rules.found:
                    column = RULE_COLUMNS.get(problem.field, problem.field)
                    if column not in row.invalid:
                        self.add(row, column, _norwegian_rule(problem.message))
            stored = self.stored.initiatives.get(initiative or "")
            if period is not None and period.closed and stored is not None:
                existing = self.stored.reports.get((stored.id, period.id), [])
                if existing and not any(_same_report(report, values) for report in existing):
                    self.add(
                        row,
                        "period",
                        f"«{period.name}» er lukket og har alt rapport fra {initiative}; "
                        "en lukket runde får ikke nye revisjoner",
                    )


def _unknown(code: Any, known: Iterable[Any]) -> bool:
    """An unknown code; with no reference data at all, the one problem about that says it."""
    return bool(known) and code not in known


def _norwegian_rule(message: str) -> str:
    """The segment rules' English messages (app.validation), said in Norwegian."""
    for english, norwegian in (
        ("is required when the status is ", "må fylles ut når status er "),
        ("is required when the risk is ", "må fylles ut når risiko er "),
        ("is required for the ", "må fylles ut for segmentet "),
    ):
        if message.startswith(english):
            return norwegian + message[len(english) :].removesuffix(".").removesuffix(" segment")
    return message


def _same_report(stored: Row, values: dict[str, Any]) -> bool:
    return all(
        (getattr(stored, key) if key != "illustrative" else bool(stored.illustrative))
        == (values.get(key) if key != "illustrative" else bool(values.get(key)))
        for key in REPORT_CONTENT
    )


# --- writing -----------------------------------------------------------------------------------


class Writer:
    """Applies checked rows: upserts, appends and an audit event per changed row."""

    def __init__(
        self, connection: AsyncConnection, stored: Stored, viewer: Viewer, progress: tqdm[Any]
    ) -> None:
        self.connection = connection
        self.stored = stored
        self.viewer = viewer
        self.progress = progress
        self.result = ImportResult()
        self.now = models.utcnow()

    async def _audit(self, entity: str, code: str, before: Any, after: Any) -> None:
        action = "create" if before is None else "update"
        await writes.insert_audit(
            self.connection,
            viewer=self.viewer,
            action=f"{entity.lower()}.import.{action}",
            entity_type=entity,
            entity_code=code,
            before=before,
            after=after,
        )

    def _count(self, sheet: str, before: Any, changed: bool) -> None:
        if not changed:
            self.result.unchanged[sheet] += 1
        elif before is None:
            self.result.created[sheet] += 1
        else:
            self.result.updated[sheet] += 1
        self.progress.update(1)

    async def initiatives(self, rows: list[SheetRow]) -> None:
        table = tables.initiative_table
        for row in rows:
            values = row.values
            current = self.stored.initiatives.get(values["code"])
            columns = {
                "code": values["code"],
                "name": values["name"],
                "purpose": values["purpose"],
                "kind": values["kind"],
                "owner_id": self.stored.organisations[values["owner"]],
                "contact_person": values["contact_person"],
                "segment": values["segment"],
                "phase": values["phase"],
                "state": values["state"],
                "planned_start": values["planned_start"],
                "planned_end": values["planned_end"],
                "forecast_end": values["forecast_end"],
                "main_goal_number": values["main_goal"],
                "digitalisation_essential": values["digitalisation_essential"],
                "coordination_or_strategy": values["coordination_or_strategy"],
                "entry_criteria_note": values["entry_criteria_note"],
                "illustrative_fields": list(values["illustrative_fields"]),
                "published_facts": list(values["published_facts"]),
            }
            links = {
                "supporting_goals": set(values["supporting_goals"]),
                "sdgs": set(values["sdgs"]),
                "develops": set(values["develops"]),
            }
            if current is not None:
                stored_links = {
                    "supporting_goals": self.stored.supporting.get(current.id, set()),
                    "sdgs": self.stored.initiative_sdgs.get(current.id, set()),
                    "develops": self.stored.developed.get(current.id, set()),
                }
                same = links == stored_links and all(
                    getattr(current, key) == value for key, value in columns.items()
                )
                if same:
                    self._count(INITIATIVES.name, current, changed=False)
                    continue
                await self.connection.execute(
                    table.update()
                    .where(table.c.id == current.id)
                    .values(**columns, version=table.c.version + 1, updated_at=self.now)
                )
                initiative_id = current.id
            else:
                decided = (
                    {"decided_by": self.viewer.actor, "decided_at": self.now}
                    if values["state"] in ADMITTED_STATES
                    else {}
                )
                initiative_id = await self.connection.scalar(
                    table.insert()
                    .values(
                        **columns, **decided, version=1, created_at=self.now, updated_at=self.now
                    )
                    .returning(table.c.id)
                )
            await initiative_writes.replace_goals(
                self.connection,
                initiative_id,
                {"supporting_goals": links["supporting_goals"], "sdgs": links["sdgs"]},
            )
            await self.connection.execute(
                tables.developed_table.delete().where(
                    tables.developed_table.c.initiative_id == initiative_id
                )
            )
            for code in sorted(links["develops"]):
                await self.connection.execute(
                    tables.developed_table.insert().values(
                        initiative_id=initiative_id, solution_id=self.stored.solutions[code]
                    )
                )
            after = (
                await self.connection.execute(table.select().where(table.c.id == initiative_id))
            ).one()
            self.stored.initiatives[after.code] = after
            await self._audit(
                "Initiative",
                after.code,
                current,
                {**after._mapping, **{key: sorted(value) for key, value in links.items()}},
            )
            self._count(INITIATIVES.name, current, changed=True)

    async def deliveries(self, rows: list[SheetRow]) -> None:
        table = tables.delivery_table
        for row in rows:
            values = row.values
            current = self.stored.deliveries.get(values["code"])
            columns = {
                "code": values["code"],
                "initiative_id": self.stored.initiatives[values["initiative"]].id,
                **{
                    key: values[key]
                    for key in (
                        "name",
                        "description",
                        "baseline_date",
                        "forecast_date",
                        "delivered_date",
                        "status",
                    )
                },
            }
            if current is not None and all(
                getattr(current, key) == value for key, value in columns.items()
            ):
                self._count(DELIVERIES.name, current, changed=False)
                continue
            if current is None:
                await self.connection.execute(table.insert().values(**columns))
            else:
                await self.connection.execute(
                    table.update().where(table.c.id == current.id).values(**columns)
                )
            after = (
                await self.connection.execute(table.select().where(table.c.code == values["code"]))
            ).one()
            self.stored.deliveries[after.code] = after
            await self._audit("Delivery", after.code, current, after)
            self._count(DELIVERIES.name, current, changed=True)

    async def dependencies(self, rows: list[SheetRow]) -> None:
        table = tables.dependency_table
        for row in rows:
            values = row.values
            key = (values["dependant"], values["supplier"])
            current = self.stored.dependencies.get(key)
            supplier = self.stored.initiatives.get(values["supplier"])
            delivery = self.stored.deliveries.get(values["supplier_delivery"] or "")
            columns = {
                "dependant_id": self.stored.initiatives[values["dependant"]].id,
                "supplier_initiative_id": supplier.id if supplier is not None else None,
                "supplier_solution_id": (
                    self.stored.solutions[values["supplier"]] if supplier is None else None
                ),
                "supplier_delivery_id": delivery.id if delivery is not None else None,
                "criticality": values["criticality"],
                "type": values["type"],
                "lag_days": values["lag_days"] or 0,
                "needed_by": values["needed_by"],
                "description": values["description"],
            }
            if current is not None and all(
                getattr(current, name) == value for name, value in columns.items()
            ):
                self._count(DEPENDENCIES.name, current, changed=False)
                continue
            if current is None:
                dependency_id = await self.connection.scalar(
                    table.insert().values(**columns).returning(table.c.id)
                )
            else:
                dependency_id = current.id
                await self.connection.execute(
                    table.update().where(table.c.id == current.id).values(**columns)
                )
            assert dependency_id is not None
            after = await repository.dependency_by_id(
                self.connection, dependency_id, visibility=EVERYTHING
            )
            await self._audit("Dependency", f"{key[0]}<-{key[1]}", current, after)
            self._count(DEPENDENCIES.name, current, changed=True)

    async def reports(self, rows: list[SheetRow]) -> None:
        table = tables.report_table
        for row in rows:
            values = row.values
            initiative = self.stored.initiatives[values["initiative"]]
            period = self.stored.periods[values["period"]]
            existing = self.stored.reports[initiative.id, period.id]
            if any(_same_report(report, values) for report in existing):
                self._count(STATUS_REPORTS.name, existing, changed=False)
                continue
            revision = max((report.revision for report in existing), default=0) + 1
            report_id = await self.connection.scalar(
                table.insert()
                .values(
                    initiative_id=initiative.id,
                    period_id=period.id,
                    revision=revision,
                    submitted_by=(values["submitted_by"] or self.viewer.actor)[:MAX_NAME],
                    submitted_at=values["submitted_at"] or self.now,
                    **{key: values[key] for key in REPORT_CONTENT if key != "illustrative"},
                    illustrative=bool(values["illustrative"]),
                )
                .returning(table.c.id)
            )
            assert report_id is not None
            after = await repository.report_by_id(self.connection, report_id, visibility=EVERYTHING)
            assert after is not None
            existing.append(after)
            await self._audit(
                "StatusReport", f"{initiative.code}@{period.code}#{revision}", None, after
            )
            self._count(STATUS_REPORTS.name, None, changed=True)


# --- the import ----------------------------------------------------------------------------------


def read_import_file(path: Path) -> ParsedFile:
    """Read and parse a file; cell problems are in the result, unreadable files raise."""
    return parse_tables(open_tables(path))


async def import_portfolio(
    engine: AsyncEngine, parsed: ParsedFile, *, actor: str = "import"
) -> ImportResult:
    """Check every row, then write all of it in one transaction, or raise ImportRefused."""
    viewer = Viewer(role=Role.ADMIN, name=actor)
    problems: list[ImportProblem] = []
    async with engine.connect() as connection, connection.begin() as transaction:
        # As in app.writes.run_write: the first statement is a write, so SQLite takes its
        # lock now and the checks read exactly what the writes will be applied to.
        await bump_data_version(connection)
        stored = await _stored(connection)
        checker = Checker(parsed, stored)
        with _progress(parsed.row_count, "Sjekker") as progress:
            checker.reference_data()
            checker.initiatives()
            checker.deliveries()
            checker.dependencies()
            checker.reports()
            checker.cycles(await dependency_writes.current_graph(connection))
            progress.update(parsed.row_count)
        if checker.problems:
            problems = _sorted(checker.problems)
            await transaction.rollback()
        else:
            with _progress(parsed.row_count, "Skriver") as progress:
                writer = Writer(connection, stored, viewer, progress)
                await writer.initiatives(parsed.rows[INITIATIVES.name])
                await writer.deliveries(parsed.rows[DELIVERIES.name])
                await writer.dependencies(parsed.rows[DEPENDENCIES.name])
                await writer.reports(parsed.rows[STATUS_REPORTS.name])
            if not writer.result.changed:
                await transaction.rollback()  # nothing changed: keep the data version
    if problems:
        raise ImportRefused(problems)
    return writer.result


def _sorted(problems: list[ImportProblem]) -> list[ImportProblem]:
    return sorted(
        problems, key=lambda problem: (_SHEET_ORDER.get(problem.sheet, 9), problem.row or 0)
    )

"""The import's checks: every row against the others in the file and what is stored.

The checks on single values and the segment rules are the write API's own
(``app.validation``); like every problem here they name their message by a code of the
catalogue (``app.messages``), and the import says them in bokmål, like the rest of the
exchange (docs/exchange.md), each without its closing full stop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any

import graph
from app.domain import ADMITTED_STATES, DeliveryStatus, Segment, TrafficLight
from app.exchange.reading import ImportProblem, ParsedFile, SheetRow
from app.exchange.sheets import DELIVERIES, DEPENDENCIES, INITIATIVES, STATUS_REPORTS, said
from app.exchange.stored import Stored
from app.messages import message
from app.repository import Row
from app.validation import (
    MAX_NAME,
    MAX_TEXT,
    REPORT_RULE_KEYS,
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
    "dependencies_confirmed",
    "illustrative",
    "illustrative_fields",
)
DATABASE = "Databasen"  # where a problem with the database rather than the file is
REFERENCE_COMMAND = "portfolio seed --reference-only"
SHEET_ORDER = {
    DATABASE: -1,
    **{
        sheet.name: index
        for index, sheet in enumerate((INITIATIVES, DEPENDENCIES, DELIVERIES, STATUS_REPORTS))
    },
}


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

    def add(self, row: SheetRow, column: str | None, code: str, /, **params: Any) -> None:
        """A problem with ``row``: the catalogue message ``code``, said in bokmål."""
        self.problems.append(
            ImportProblem(row.sheet, row.number, column, said(message(code, **params)))
        )

    def _take(self, row: SheetRow, problems: Problems) -> None:
        """The problems the API's checks found in ``row``, but not in cells already refused."""
        for problem in problems.found:
            if problem.field not in row.invalid:
                self.problems.append(
                    ImportProblem(row.sheet, row.number, problem.field, said(problem.text))
                )

    def _required(self, row: SheetRow, *columns: str) -> None:
        problems = Problems()
        for column in columns:
            problems.required(column, row.values.get(column))
        self._take(row, problems)

    def _text(self, row: SheetRow, column: str, limit: int) -> None:
        problems = Problems()
        problems.text(column, row.values.get(column), max_length=limit)
        self._take(row, problems)

    def _code(self, row: SheetRow, column: str, seen: dict[str, int]) -> None:
        value = row.values.get(column)
        problems = Problems()
        problems.code(column, value)
        self._take(row, problems)
        if value is None:
            return
        if value in seen:
            self.add(row, column, "import.code_in_row", code=repr(value), row=seen[value])
        seen.setdefault(value, row.number)

    def _dates(self, row: SheetRow, *columns: str) -> None:
        problems = Problems()
        for column in columns:
            problems.date_in_range(column, row.values.get(column))
        self._take(row, problems)

    def _order(self, row: SheetRow, first: str, then: str, first_value: date | None) -> None:
        problems = Problems()
        problems.order((first, first_value), (then, row.values.get(then)))
        self._take(row, problems)

    def _money(self, row: SheetRow, column: str) -> None:
        problems = Problems()
        problems.money(column, row.values.get(column))
        self._take(row, problems)

    def reference_data(self) -> None:
        """One problem naming the command to run, instead of an unknown code on every row."""
        stored = self.stored
        missing = [
            message(noun)
            for noun, known in (
                ("noun.organisations", stored.organisations),
                ("noun.national_solutions", stored.solutions),
                ("noun.strategic_goals", stored.goals),
                ("noun.sdgs", stored.sdgs),
                ("noun.reporting_periods", stored.periods),
            )
            if not known
        ]
        if missing and self.parsed.row_count:
            self.problems.append(
                ImportProblem(
                    DATABASE,
                    None,
                    None,
                    said(
                        message(
                            "import.reference_data_missing",
                            missing=missing,
                            command=REFERENCE_COMMAND,
                        )
                    ),
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
                self.add(row, "code", "import.code_is_solution", code=repr(values["code"]))
            self._required(row, "name", "kind", "owner", "phase", "state")
            self._text(row, "name", MAX_NAME)
            self._text(row, "contact_person", MAX_NAME)
            for column in ("purpose", "entry_criteria_note"):
                self._text(row, column, MAX_TEXT)
            owner = values.get("owner")
            if owner is not None and _unknown(owner, stored.organisations):
                self.add(row, "owner", "no_organisation", code=repr(owner))
            if values.get("state") in ADMITTED_STATES and values.get("segment") is None:
                self._required(row, "segment")
            self._dates(row, "planned_start", "planned_end", "forecast_end")
            self._order(row, "planned_start", "planned_end", values.get("planned_start"))
            self._order(row, "planned_start", "forecast_end", values.get("planned_start"))
            main_goal = values.get("main_goal")
            if main_goal is not None and _unknown(main_goal, stored.goals):
                self.add(row, "main_goal", "no_strategic_goal", number=main_goal)
            for number in values.get("supporting_goals") or ():
                if _unknown(number, stored.goals):
                    self.add(row, "supporting_goals", "no_strategic_goal", number=number)
            for number in values.get("sdgs") or ():
                if _unknown(number, stored.sdgs):
                    self.add(row, "sdgs", "no_sdg", number=number)
            for code in values.get("develops") or ():
                if _unknown(code, stored.solutions):
                    self.add(row, "develops", "no_national_solution", code=repr(code))

    def deliveries(self) -> None:
        seen: dict[str, int] = {}
        for row in self.parsed.rows[DELIVERIES.name]:
            values = row.values
            self._code(row, "code", seen)
            self._required(row, "initiative", "name", "status")
            initiative = values.get("initiative")
            if initiative is not None and not self.is_initiative(initiative):
                self.add(row, "initiative", "import.unknown_initiative", code=repr(initiative))
            existing = self.stored.deliveries.get(values.get("code") or "")
            stored_initiative = self.stored.initiatives.get(initiative or "")
            if (
                existing is not None
                and stored_initiative is not None
                and existing.initiative_id != stored_initiative.id
            ):
                self.add(row, "initiative", "import.delivery_of_other_initiative")
            self._text(row, "name", MAX_NAME)
            self._text(row, "description", MAX_TEXT)
            self._dates(row, "baseline_date", "forecast_date", "delivered_date")
            if (
                values.get("delivered_date") is not None
                and values.get("status") is not None
                and values["status"] != DeliveryStatus.DELIVERED
            ):
                self.add(row, "delivered_date", "delivered_date_when_delivered")

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
                self.add(row, "dependant", "import.unknown_initiative", code=repr(dependant))
            if (
                supplier is not None
                and not self.is_initiative(supplier)
                and _unknown(supplier, self.stored.solutions)
            ):
                self.add(row, "supplier", "import.unknown_supplier", code=repr(supplier))
            if dependant is not None and dependant == supplier:
                self.add(row, "supplier", "self_dependency")
            if dependant is not None and supplier is not None:
                if (dependant, supplier) in seen:
                    self.add(
                        row,
                        "supplier",
                        "import.dependency_in_row",
                        dependant=dependant,
                        supplier=supplier,
                        row=seen[dependant, supplier],
                    )
                seen.setdefault((dependant, supplier), row.number)
            delivery = values.get("supplier_delivery")
            if delivery is not None:
                owner = self._delivery_owner(delivery)
                if owner is None:
                    self.add(row, "supplier_delivery", "no_delivery", code=repr(delivery))
                elif owner != supplier:
                    self.add(row, "supplier_delivery", "not_delivery_of", supplier=supplier)
            lag = Problems()
            lag.between("lag_days", values.get("lag_days"), -3650, 3650)
            self._take(row, lag)
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
            subject = (
                message("import.subject.developing", solution=edges[position][1])
                if column == "develops"
                else message("import.subject.dependency")
            )
            path = " → ".join(cycle)
            # The cycle ends with the refused edge; the rows of the file behind the others.
            others = sorted(
                {
                    (new_edges[edge].sheet, new_edges[edge].number)
                    for edge in itertools.pairwise(cycle[:-1])
                    if edge in new_edges
                },
                key=lambda where: (SHEET_ORDER[where[0]], where[1]),
            )
            if others:
                rows = [
                    message("import.sheet_row", sheet=sheet, row=number) for sheet, number in others
                ]
                self.add(
                    row,
                    column,
                    "import.closes_cycle_with_rows",
                    subject=subject,
                    path=path,
                    rows=rows,
                )
            else:
                self.add(row, column, "import.closes_cycle", subject=subject, path=path)

    def reports(self) -> None:
        for row in self.parsed.rows[STATUS_REPORTS.name]:
            values = row.values
            self._required(row, "initiative", "period", "segment", "phase", "status")
            initiative = values.get("initiative")
            if initiative is not None and not self.is_initiative(initiative):
                self.add(row, "initiative", "import.unknown_initiative", code=repr(initiative))
            period = self.stored.periods.get(values.get("period") or "")
            if values.get("period") is not None and _unknown(values["period"], self.stored.periods):
                self.add(row, "period", "import.unknown_period", code=repr(values["period"]))
            revision = values.get("revision")
            if revision is not None and revision < 1:
                self.add(row, "revision", "import.revision_positive")
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
            stored = self.stored.initiatives.get(initiative or "")
            existing = (
                self.stored.reports.get((stored.id, period.id), [])
                if stored is not None and period is not None
                else []
            )
            is_stored = any(same_report(report, values) for report in existing)
            if values.get("segment") is not None and values.get("status") is not None:
                rules = Problems()
                check_report_rules(
                    rules,
                    segment=Segment(values["segment"]),
                    status=TrafficLight(values["status"]),
                    values={key: values.get(key) for key in REPORT_RULE_KEYS},
                    # Only a new revision in an open round is asked to confirm dependencies:
                    # stored reports and closed rounds may predate the question.
                    confirmation_asked=not is_stored and (period is None or not period.closed),
                )
                self._take(row, rules)
            if period is not None and period.closed and existing and not is_stored:
                self.add(
                    row,
                    "period",
                    "import.closed_period_reported",
                    name=period.name,
                    initiative=initiative,
                )


def _unknown(code: Any, known: Iterable[Any]) -> bool:
    """An unknown code; with no reference data at all, the one problem about that says it."""
    return bool(known) and code not in known


def same_report(stored: Row, values: dict[str, Any]) -> bool:
    """True when the row says what ``stored`` says (a column the file leaves out agrees)."""
    return all(
        (getattr(stored, key) if key != "illustrative" else bool(stored.illustrative))
        == (values.get(key) if key != "illustrative" else bool(values.get(key)))
        for key in REPORT_CONTENT
        if key in values or key == "illustrative"
    )

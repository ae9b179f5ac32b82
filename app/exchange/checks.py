"""The import's checks: every row against the others in the file and what is stored.

Problems are said in bokmål, like the rest of the exchange (docs/exchange.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any

import graph
from app.domain import ADMITTED_STATES, DeliveryStatus, Segment, TrafficLight
from app.exchange.reading import ImportProblem, ParsedFile, SheetRow
from app.exchange.sheets import DELIVERIES, DEPENDENCIES, INITIATIVES, STATUS_REPORTS
from app.exchange.stored import Stored
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
SHEET_ORDER = {
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
                key=lambda where: (SHEET_ORDER[where[0]], where[1]),
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
                if existing and not any(same_report(report, values) for report in existing):
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


def same_report(stored: Row, values: dict[str, Any]) -> bool:
    return all(
        (getattr(stored, key) if key != "illustrative" else bool(stored.illustrative))
        == (values.get(key) if key != "illustrative" else bool(values.get(key)))
        for key in REPORT_CONTENT
    )

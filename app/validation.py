"""Checks on write input, and the refusals a write can end in.

A write either succeeds or ends in one refusal: ``Invalid`` lists every problem with the
field it is about, the others name one reason. Inside a write a refusal travels as
:class:`Refused` (raised by a guard or :meth:`Problems.check`); ``app.writes.run_write``
catches it once and hands the refusal back as a value, so callers never see the exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain import Segment, TrafficLight

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_NAME = 300
MAX_CODE = 40
MAX_TEXT = 10_000
MAX_NOK = 1_000_000_000_000  # a trillion kroner: far above any e-health budget
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and the input field (dotted path) it is about."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Invalid:
    """The input breaks one or more rules; nothing was written."""

    problems: tuple[Problem, ...]

    @property
    def message(self) -> str:
        return "; ".join(f"{problem.field}: {problem.message}" for problem in self.problems)


@dataclass(frozen=True, slots=True)
class NotFound:
    """A code names nothing that exists."""

    field: str
    code: str
    what: str

    @property
    def message(self) -> str:
        return f"There is no {self.what} {self.code!r}."


@dataclass(frozen=True, slots=True)
class Denied:
    """The caller may not make this change."""

    message: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """The object changed since the caller read it."""

    current_version: int
    message: str


@dataclass(frozen=True, slots=True)
class Cycle:
    """The dependency would close a cycle, given as a closed path of codes."""

    path: tuple[str, ...]
    subject: str = "This dependency"

    @property
    def message(self) -> str:
        return f"{self.subject} would close a cycle: " + " → ".join(self.path) + "."


Refusal = Invalid | NotFound | Denied | Conflict | Cycle
REFUSALS = (Invalid, NotFound, Denied, Conflict, Cycle)


class Refused(Exception):
    """A refusal on its way out of a write; ``app.writes.run_write`` turns it back into a value."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


@dataclass(slots=True)
class Problems:
    """Collects problems while input is checked, so the caller hears about all of them."""

    found: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.found.append(Problem(field_name, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def refusal(self) -> Invalid:
        return Invalid(tuple(self.found))

    def check(self) -> None:
        """Refuse the write with every problem found so far, if there is one."""
        if self.found:
            raise Refused(self.refusal())

    def text(
        self, field_name: str, value: str | None, *, max_length: int, required: bool = False
    ) -> None:
        """A text is present when required, not blank when given, and not too long."""
        if value is None or not value.strip():
            if required:
                self.add(field_name, "is required.")
            elif value is not None:
                self.add(field_name, "must not be blank; leave it out instead.")
            return
        if len(value) > max_length:
            self.add(field_name, f"is {len(value)} characters; at most {max_length} are allowed.")

    def code(self, field_name: str, value: str | None) -> None:
        """A code is short and made of letters, digits, dots, dashes and underscores."""
        self.text(field_name, value, max_length=MAX_CODE, required=True)
        if value and value.strip() and len(value) <= MAX_CODE and not CODE_PATTERN.match(value):
            self.add(
                field_name, "may hold only letters, digits, '.', '-' and '_', starting with one."
            )

    def date_in_range(self, field_name: str, value: date | None) -> None:
        """A date lies in the range the portfolio can plausibly hold."""
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            self.add(
                field_name,
                f"must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
            )

    def order(self, first: tuple[str, date | None], then: tuple[str, date | None]) -> None:
        """The second date is not before the first."""
        (first_field, first_date), (then_field, then_date) = first, then
        if first_date is not None and then_date is not None and then_date < first_date:
            self.add(then_field, f"must not be before {first_field} ({first_date.isoformat()}).")

    def money(self, field_name: str, value: float | None) -> None:
        """An amount of kroner is whole, not negative and not absurdly large."""
        if value is None:
            return
        if value < 0:
            self.add(field_name, "must not be negative.")
        elif value != int(value):
            self.add(field_name, "must be a whole number of kroner.")
        elif value > MAX_NOK:
            self.add(field_name, f"must not exceed {MAX_NOK:,} kroner.".replace(",", " "))

    def between(self, field_name: str, value: int | None, low: int, high: int) -> None:
        if value is not None and not low <= value <= high:
            self.add(field_name, f"must be between {low} and {high}.")


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def check_report_rules(
    problems: Problems,
    *,
    segment: Segment,
    status: TrafficLight,
    values: dict[str, Any],
) -> None:
    """The segment rules of a status report (DOMAIN.md): each missing field is a problem."""
    if status in {TrafficLight.YELLOW, TrafficLight.RED} and not _given(values["status_reason"]):
        problems.add("statusReason", f"is required when the status is {status.value}.")
    risk_level = values["risk_level"]
    if segment in {Segment.COORDINATE, Segment.CO_GOVERN}:
        if risk_level is None:
            problems.add("riskLevel", f"is required for the {segment.value} segment.")
        if not _given(values["main_risk_areas"]):
            problems.add("mainRiskAreas", f"is required for the {segment.value} segment.")
    if risk_level in {TrafficLight.YELLOW, TrafficLight.RED}:
        for key, name in (
            ("planned_mitigations", "plannedMitigations"),
            ("implemented_mitigations", "implementedMitigations"),
        ):
            if not _given(values[key]):
                problems.add(name, f"is required when the risk is {risk_level.value}.")
    if segment is Segment.CO_GOVERN:
        for key, name in (
            ("investment_nok", "investmentNok"),
            ("annual_operating_cost_nok", "annualOperatingCostNok"),
            ("benefits", "benefits"),
            ("benefit_prerequisites", "benefitPrerequisites"),
        ):
            if not _given(values[key]):
                problems.add(name, "is required for the CO_GOVERN segment.")


def entry_criteria_flags(
    *, digitalisation_essential: bool | None, coordination_or_strategy: bool | None
) -> list[str]:
    """Why a proposal fails the entry criteria (empty when both hold)."""
    flags = []
    if not digitalisation_essential:
        flags.append(
            "Criterion 1 is not met: digitalisation must be essential to the purpose and "
            "concern the core activity of the health and care sector."
        )
    if not coordination_or_strategy:
        flags.append(
            "Criterion 2 is not met: it must need coordination across several actors "
            "and/or be essential to the national e-health strategy."
        )
    return flags

"""Checks on write input, and the refusals a write can end in.

A write either succeeds or ends in one refusal: ``Invalid`` lists every problem with the
field it is about, the others name one reason. No rule holds text: each problem and
refusal holds a message of the catalogue (``app.messages``), a code and its parameters,
which the API renders in the language asked for and the import in bokmål. Inside a
write a refusal travels as :class:`Refused` (raised by a guard or
:meth:`Problems.check`); ``app.writes.run_write`` catches it once and hands the refusal
back as a value, so callers never see the exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain import Segment, TrafficLight
from app.messages import Message, message, render

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_NAME = 300
MAX_CODE = 40
MAX_TEXT = 10_000
MAX_NOK = 1_000_000_000_000  # a trillion kroner: far above any e-health budget
MAX_SLIP_DAYS = 3650
"""The most days a what-if or a scenario slips anything, either way (ten years)."""
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: the field (dotted path) it is about, and what.

    The field is the caller's name for it: the API's input field (``statusReason``) or the
    import's column (``status_reason``). The text is a catalogue message, rendered in the
    reader's language.
    """

    field: str
    text: Message

    @property
    def message(self) -> str:
        return self.text.render()


@dataclass(frozen=True, slots=True)
class Invalid:
    """The input breaks one or more rules; nothing was written."""

    problems: tuple[Problem, ...]

    @property
    def message(self) -> str:
        return "; ".join(f"{problem.field}: {problem.message}" for problem in self.problems)


@dataclass(frozen=True, slots=True)
class NotFound:
    """A code names nothing that exists; ``what`` is the kind of thing (a catalogue noun)."""

    field: str
    code: str
    what: Message

    @property
    def message(self) -> str:
        return render(message("not_found", what=self.what, code=repr(self.code)))


@dataclass(frozen=True, slots=True)
class Denied:
    """The caller may not make this change."""

    text: Message

    @property
    def message(self) -> str:
        return self.text.render()


@dataclass(frozen=True, slots=True)
class Conflict:
    """The object changed since the caller read it."""

    current_version: int
    text: Message

    @property
    def message(self) -> str:
        return self.text.render()


@dataclass(frozen=True, slots=True)
class Cycle:
    """The dependency would close a cycle, given as a closed path of codes."""

    path: tuple[str, ...]
    subject: Message = field(default_factory=lambda: message("cycle.this_dependency"))

    @property
    def message(self) -> str:
        return render(message("closes_cycle", subject=self.subject, path=" → ".join(self.path)))


Refusal = Invalid | NotFound | Denied | Conflict | Cycle
REFUSALS = (Invalid, NotFound, Denied, Conflict, Cycle)


class Refused(Exception):
    """A refusal on its way out of a write; ``app.writes.run_write`` turns it back into a value."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def invalid(field_name: str, code: str, /, **params: Any) -> Invalid:
    """A refusal with one problem."""
    return Invalid((Problem(field_name, message(code, **params)),))


@dataclass(slots=True)
class Problems:
    """Collects problems while input is checked, so the caller hears about all of them."""

    found: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, code: str, /, **params: Any) -> None:
        """A problem with ``field_name``: the catalogue message ``code`` with ``params``."""
        self.found.append(Problem(field_name, message(code, **params)))

    def __bool__(self) -> bool:
        return bool(self.found)

    def refusal(self) -> Invalid:
        return Invalid(tuple(self.found))

    def check(self) -> None:
        """Refuse the write with every problem found so far, if there is one."""
        if self.found:
            raise Refused(self.refusal())

    def merge(self, other: Problems, *, fields: Mapping[str, str]) -> None:
        """Take ``other``'s problems, each about the field ``fields`` names for its own."""
        self.found.extend(
            Problem(fields.get(problem.field, problem.field), problem.text)
            for problem in other.found
        )

    def required(self, field_name: str, value: Any) -> None:
        """A value is given."""
        if value is None:
            self.add(field_name, "required")

    def text(
        self, field_name: str, value: str | None, *, max_length: int, required: bool = False
    ) -> None:
        """A text is present when required, not blank when given, and not too long."""
        if value is None or not value.strip():
            if required:
                self.add(field_name, "required")
            elif value is not None:
                self.add(field_name, "blank")
            return
        if len(value) > max_length:
            self.add(field_name, "too_long", length=len(value), limit=max_length)

    def code(self, field_name: str, value: str | None) -> None:
        """A code is short and made of letters, digits, dots, dashes and underscores."""
        self.text(field_name, value, max_length=MAX_CODE, required=True)
        if value and value.strip() and len(value) <= MAX_CODE and not CODE_PATTERN.match(value):
            self.add(field_name, "code_characters")

    def date_in_range(self, field_name: str, value: date | None) -> None:
        """A date lies in the range the portfolio can plausibly hold."""
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            self.add(
                field_name,
                "date_range",
                earliest=EARLIEST_DATE.isoformat(),
                latest=LATEST_DATE.isoformat(),
            )

    def order(self, first: tuple[str, date | None], then: tuple[str, date | None]) -> None:
        """The second date is not before the first."""
        (first_field, first_date), (then_field, then_date) = first, then
        if first_date is not None and then_date is not None and then_date < first_date:
            self.add(then_field, "before", first=first_field, date=first_date.isoformat())

    def money(self, field_name: str, value: float | None) -> None:
        """An amount of kroner is whole, not negative and not absurdly large."""
        if value is None:
            return
        if value < 0:
            self.add(field_name, "negative_amount")
        elif value != int(value):
            self.add(field_name, "whole_kroner")
        elif value > MAX_NOK:
            self.add(field_name, "too_many_kroner", limit=f"{MAX_NOK:,}".replace(",", " "))

    def between(self, field_name: str, value: int | None, low: int, high: int) -> None:
        if value is not None and not low <= value <= high:
            self.add(field_name, "between", low=low, high=high)


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


REPORT_RULE_KEYS = (
    "status_reason",
    "risk_level",
    "main_risk_areas",
    "planned_mitigations",
    "implemented_mitigations",
    "investment_nok",
    "annual_operating_cost_nok",
    "benefits",
    "benefit_prerequisites",
    "dependencies_confirmed",
)
"""The values the segment rules read, by the name the problems they find are about."""


def check_report_rules(
    problems: Problems,
    *,
    segment: Segment,
    status: TrafficLight,
    values: Mapping[str, Any],
    confirmation_asked: bool = True,
) -> None:
    """The segment rules of a status report (DOMAIN.md): each missing field is a problem.

    ``values`` holds :data:`REPORT_RULE_KEYS`; each problem is about one of those keys,
    which the caller names in its own terms (the API's input field, the import's column).
    COORDINATE and CO_GOVERN confirm their dependencies (true or false) unless
    ``confirmation_asked`` is false: reports of rounds closed before it was asked.
    """
    if status in {TrafficLight.YELLOW, TrafficLight.RED} and not _given(values["status_reason"]):
        problems.add("status_reason", "required_when_status", status=status.value)
    risk_level = values["risk_level"]
    if segment in {Segment.COORDINATE, Segment.CO_GOVERN}:
        if risk_level is None:
            problems.add("risk_level", "required_for_segment", segment=segment.value)
        if not _given(values["main_risk_areas"]):
            problems.add("main_risk_areas", "required_for_segment", segment=segment.value)
        if confirmation_asked and values["dependencies_confirmed"] is None:
            problems.add("dependencies_confirmed", "required_for_segment", segment=segment.value)
    if risk_level in {TrafficLight.YELLOW, TrafficLight.RED}:
        for key in ("planned_mitigations", "implemented_mitigations"):
            if not _given(values[key]):
                problems.add(key, "required_when_risk", level=TrafficLight(risk_level).value)
    if segment is Segment.CO_GOVERN:
        for key in (
            "investment_nok",
            "annual_operating_cost_nok",
            "benefits",
            "benefit_prerequisites",
        ):
            if not _given(values[key]):
                problems.add(key, "required_for_segment", segment=Segment.CO_GOVERN.value)


def entry_criteria_problems(
    *, digitalisation_essential: bool | None, coordination_or_strategy: bool | None
) -> list[Message]:
    """Why a proposal fails the entry criteria (empty when both hold)."""
    flags = []
    if not digitalisation_essential:
        flags.append(message("entry_criterion_1"))
    if not coordination_or_strategy:
        flags.append(message("entry_criterion_2"))
    return flags


def entry_criteria_flags(
    *, digitalisation_essential: bool | None, coordination_or_strategy: bool | None
) -> list[str]:
    """:func:`entry_criteria_problems` in the running request's language."""
    return [
        flag.render()
        for flag in entry_criteria_problems(
            digitalisation_essential=digitalisation_essential,
            coordination_or_strategy=coordination_or_strategy,
        )
    ]

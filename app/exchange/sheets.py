"""The exchange format: four sheets, their columns, and how a cell becomes a value.

The same sheets and columns are used in the xlsx workbook and in the CSV files of the zip;
both are read back through :func:`parse_cell`, which accepts the native cell types of a
spreadsheet (dates, numbers, booleans) as well as text. Text a spreadsheet would run as a
formula is written inert (string cells in xlsx, a leading ``'`` in CSV) and read back as
it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from app.domain import (
    Criticality,
    DeliveryStatus,
    DependencyType,
    InitiativeKind,
    LifecycleState,
    Phase,
    Segment,
    TrafficLight,
)
from app.messages import BOKMAL, Message, message

LIST_SEPARATOR = ";"
# A spreadsheet reads text starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    INTEGERS = "integers"  # "1;5"
    CODES = "codes"  # "HAP;SFM"
    LINES = "lines"  # one item per line


TEXT_KINDS = frozenset({Kind.TEXT, Kind.CODES, Kind.LINES})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    enum: type[StrEnum] | None = None
    optional: bool = False
    """A file written before the column existed may leave it out (its cells are empty)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


INITIATIVES = Sheet(
    "Initiatives",
    (
        Column("code"),
        Column("name"),
        Column("purpose"),
        Column("kind", enum=InitiativeKind),
        Column("owner"),
        Column("contact_person"),
        Column("segment", enum=Segment),
        Column("phase", enum=Phase),
        Column("state", enum=LifecycleState),
        Column("planned_start", Kind.DATE),
        Column("planned_end", Kind.DATE),
        Column("forecast_end", Kind.DATE),
        Column("main_goal", Kind.INTEGER),
        Column("supporting_goals", Kind.INTEGERS),
        Column("sdgs", Kind.INTEGERS),
        Column("develops", Kind.CODES),
        Column("digitalisation_essential", Kind.BOOLEAN),
        Column("coordination_or_strategy", Kind.BOOLEAN),
        Column("entry_criteria_note"),
        Column("illustrative_fields", Kind.CODES),
        Column("published_facts", Kind.LINES),
    ),
)
DEPENDENCIES = Sheet(
    "Dependencies",
    (
        Column("dependant"),
        Column("supplier"),
        Column("supplier_delivery"),
        Column("criticality", enum=Criticality),
        Column("type", enum=DependencyType),
        Column("lag_days", Kind.INTEGER),
        Column("needed_by", Kind.DATE),
        Column("description"),
    ),
)
DELIVERIES = Sheet(
    "Deliveries",
    (
        Column("code"),
        Column("initiative"),
        Column("name"),
        Column("description"),
        Column("baseline_date", Kind.DATE),
        Column("forecast_date", Kind.DATE),
        Column("delivered_date", Kind.DATE),
        Column("status", enum=DeliveryStatus),
    ),
)
STATUS_REPORTS = Sheet(
    "StatusReports",
    (
        Column("initiative"),
        Column("period"),
        Column("revision", Kind.INTEGER),
        Column("segment", enum=Segment),
        Column("phase", enum=Phase),
        Column("status", enum=TrafficLight),
        Column("status_reason"),
        Column("risk_level", enum=TrafficLight),
        Column("main_risk_areas"),
        Column("planned_mitigations"),
        Column("implemented_mitigations"),
        Column("forecast_end", Kind.DATE),
        Column("investment_nok", Kind.INTEGER),
        Column("annual_operating_cost_nok", Kind.INTEGER),
        Column("benefits"),
        Column("benefit_prerequisites"),
        Column("dependencies_confirmed", Kind.BOOLEAN, optional=True),
        Column("submitted_by"),
        Column("submitted_at", Kind.DATETIME),
        Column("illustrative", Kind.BOOLEAN),
        Column("illustrative_fields", Kind.CODES, optional=True),
    ),
)
SHEETS = (INITIATIVES, DEPENDENCIES, DELIVERIES, STATUS_REPORTS)
TRUE_WORDS = {"true", "ja", "yes", "1", "sann"}
FALSE_WORDS = {"false", "nei", "no", "0", "usann"}


def said(text: Message) -> str:
    """A message as the import's list of problems says it: in bokmål, without a full stop."""
    return text.render(BOKMAL).removesuffix(".")


class CellError(ValueError):
    """A cell cannot be read as its column's type; ``str()`` says why, in bokmål."""

    def __init__(self, text: Message) -> None:
        super().__init__(said(text))
        self.text = text


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_cell(column: Column, value: Any) -> Any:
    """The value of a cell (None when empty), or :class:`CellError`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if column.kind in {Kind.INTEGERS, Kind.CODES, Kind.LINES} else None
    if column.enum is not None:
        text = _text(value).strip()
        try:
            return column.enum(text)
        except ValueError:
            allowed = ", ".join(member.value for member in column.enum)
            raise CellError(
                message("import.bad_value", value=repr(text), allowed=allowed)
            ) from None
    if column.kind is Kind.TEXT:
        return _text(value)
    if column.kind is Kind.DATE:
        return _parse_date(value)
    if column.kind is Kind.DATETIME:
        return _parse_datetime(value)
    if column.kind is Kind.INTEGER:
        return _parse_integer(value)
    if column.kind is Kind.BOOLEAN:
        return _parse_boolean(value)
    if column.kind is Kind.INTEGERS:
        return [_parse_integer(item) for item in _items(value)]
    if column.kind is Kind.CODES:
        return list(_items(value))
    return [line for line in _text(value).splitlines() if line.strip()]


def _items(value: Any) -> list[str]:
    return [item.strip() for item in _text(value).split(LIST_SEPARATOR) if item.strip()]


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError(message("import.date_with_time", value=repr(value.isoformat())))
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(message("import.bad_date", value=repr(text))) from None


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = _text(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(message("import.bad_timestamp", value=repr(text))) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(message("import.bad_integer", value=repr(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        return int(text)
    except ValueError:
        raise CellError(message("import.bad_integer", value=repr(_text(value)))) from None


def _parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(message("import.bad_boolean", value=repr(_text(value))))


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """CSV text a spreadsheet will not run: formula-like text gets a leading ``'`` (OWASP)."""
    # Formula-like includes text already starting with ' before a formula character, so
    # that unescape_formula gives every text back exactly.
    return "'" + text if _formula_like(text) else text


def unescape_formula(text: str) -> str:
    """The text that :func:`escape_formula` was given, from a CSV cell read back."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


def format_cell(column: Column, value: Any, *, native: bool) -> Any:
    """A value as the cell of a file: text for CSV (formulas escaped); dates and numbers
    kept for xlsx, whose writer stores text as string cells."""
    cell = _format_cell(column, value, native=native)
    if not native and column.kind in TEXT_KINDS and column.enum is None:
        return escape_formula(cell)
    return cell


def _format_cell(column: Column, value: Any, *, native: bool) -> Any:
    if value is None:
        return None if native else ""
    if isinstance(value, StrEnum):
        return value.value
    if column.kind is Kind.DATE:
        return value if native else value.isoformat()
    if column.kind is Kind.DATETIME:
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if column.kind is Kind.INTEGER:
        return int(value) if native else str(int(value))
    if column.kind is Kind.BOOLEAN:
        return ("true" if value else "false") if not native else bool(value)
    if column.kind in {Kind.INTEGERS, Kind.CODES}:
        text = LIST_SEPARATOR.join(str(item) for item in value)
        return text if text or not native else None
    if column.kind is Kind.LINES:
        text = "\n".join(str(item) for item in value)
        return text if text or not native else None
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value) if not native or value != "" else None

"""Read an exchange file (xlsx workbook or zip of CSV files) into rows of parsed cells."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.exchange.export import CSV_ENCODING
from app.exchange.sheets import SHEETS, CellError, Sheet, parse_cell, said, unescape_formula
from app.messages import BOKMAL, message


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with the file, located by sheet, row (header is row 1) and column."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" rad {self.row}"
        if self.column is not None:
            where += (
                f", kolonne {self.column}" if self.row is not None else f" kolonne {self.column}"
            )
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its number in the sheet and its cells parsed by column name."""

    sheet: str
    number: int
    values: dict[str, Any]
    invalid: frozenset[str] = frozenset()  # columns whose cell could not be read


@dataclass(slots=True)
class ParsedFile:
    rows: dict[str, list[SheetRow]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class UnreadableFile(ValueError):
    """The file is neither an xlsx workbook nor a zip of CSV files."""


def _xlsx_tables(data: bytes) -> dict[str, Iterator[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return {name: workbook[name].iter_rows(values_only=True) for name in workbook.sheetnames}


def _csv_tables(archive: zipfile.ZipFile) -> dict[str, Iterator[tuple[Any, ...]]]:
    tables: dict[str, Iterator[tuple[Any, ...]]] = {}
    for name in archive.namelist():
        if name.lower().endswith(".csv"):
            text = archive.read(name).decode(CSV_ENCODING)
            rows = [
                tuple(unescape_formula(cell) for cell in row)
                for row in csv.reader(io.StringIO(text, newline=""))
            ]
            tables[Path(name).stem] = iter(rows)
    return tables


def open_tables(path: Path) -> dict[str, Iterator[tuple[Any, ...]]]:
    """The raw tables of a file by sheet name: header row first."""
    data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile(message("import.not_a_workbook", path=path).render(BOKMAL)) from None
    with archive:
        if "[Content_Types].xml" in archive.namelist():
            return _xlsx_tables(data)
        try:
            return _csv_tables(archive)
        except UnicodeDecodeError:
            raise UnreadableFile(message("import.csv_not_utf8", path=path).render(BOKMAL)) from None


def parse_tables(tables: dict[str, Iterator[tuple[Any, ...]]]) -> ParsedFile:
    """Parse every cell of every known sheet; problems are collected, never raised."""
    parsed = ParsedFile()
    for sheet in SHEETS:
        parsed.rows[sheet.name] = []
        if sheet.name not in tables:
            parsed.problems.append(
                ImportProblem(sheet.name, None, None, said(message("import.sheet_missing")))
            )
            continue
        _parse_sheet(sheet, tables[sheet.name], parsed)
    for name in sorted(set(tables) - {sheet.name for sheet in SHEETS}):
        parsed.problems.append(
            ImportProblem(
                name,
                None,
                None,
                said(
                    message(
                        "import.unknown_sheet",
                        allowed=", ".join(sheet.name for sheet in SHEETS),
                    )
                ),
            )
        )
    return parsed


def _parse_sheet(sheet: Sheet, table: Iterator[tuple[Any, ...]], parsed: ParsedFile) -> None:
    header_row = next(table, None)
    header = [str(cell).strip() if cell is not None else "" for cell in header_row or ()]
    while header and not header[-1]:
        header.pop()
    known = {column.name for column in sheet.columns}
    problems = parsed.problems
    for position, name in enumerate(header, start=1):
        if name not in known:
            problems.append(
                ImportProblem(
                    sheet.name, 1, name or f"nr. {position}", said(message("import.unknown_column"))
                )
            )
    for column in sheet.columns:
        if column.name not in header and not column.optional:
            problems.append(
                ImportProblem(sheet.name, 1, column.name, said(message("import.column_missing")))
            )
    if any(problem.sheet == sheet.name for problem in problems):
        return
    index = {name: header.index(name) for name in sheet.header if name in header}
    for number, cells in enumerate(table, start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        values: dict[str, Any] = {}
        invalid = set()
        for column in sheet.columns:
            at = index.get(column.name)
            if at is None:
                continue  # an optional column the file leaves out: not given, not empty
            raw = cells[at] if at < len(cells) else None
            try:
                values[column.name] = parse_cell(column, raw)
            except CellError as error:
                problems.append(ImportProblem(sheet.name, number, column.name, str(error)))
                values[column.name] = None
                invalid.add(column.name)
        parsed.rows[sheet.name].append(SheetRow(sheet.name, number, values, frozenset(invalid)))

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
audit event per changed row (``app.writes``). What is stored is read by
``app.exchange.stored``, checked by ``app.exchange.checks`` and written by
``app.exchange.writer``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from app import dependency_writes
from app.auth import Viewer
from app.data_version import bump_data_version
from app.domain import Role
from app.exchange.checks import SHEET_ORDER, Checker
from app.exchange.reading import ImportProblem, ParsedFile, open_tables, parse_tables
from app.exchange.sheets import DELIVERIES, DEPENDENCIES, INITIATIVES, STATUS_REPORTS
from app.exchange.stored import read_stored
from app.exchange.writer import ImportResult, Writer

__all__ = ["ImportRefused", "ImportResult", "import_portfolio", "read_import_file"]


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(er) i filen")


def _progress(total: int, description: str) -> tqdm[Any]:
    return tqdm(
        total=total,
        desc=description,
        unit="rad",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )


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
        stored = await read_stored(connection)
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
        problems, key=lambda problem: (SHEET_ORDER.get(problem.sheet, 9), problem.row or 0)
    )

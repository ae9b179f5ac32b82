"""The ``portfolio export`` and ``portfolio import`` commands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.database import create_engine
from app.exchange.export import read_records, to_csv_zip, to_xlsx
from app.exchange.importing import ImportRefused, ImportResult, import_portfolio, read_import_file
from app.exchange.reading import UnreadableFile
from app.migrate import migrate
from app.settings import Settings


def run_export(arguments: argparse.Namespace, settings: Settings) -> int:
    """Write the workbook (xlsx) or the zip of CSV files."""

    async def export() -> bytes:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                records = await read_records(connection)
        finally:
            await engine.dispose()
        return to_xlsx(records) if arguments.format == "xlsx" else to_csv_zip(records)

    data = asyncio.run(export())
    suffix = "xlsx" if arguments.format == "xlsx" else "zip"
    target = Path(arguments.output or f"portfolio.{suffix}")
    target.write_bytes(data)
    print(f"wrote {target}", file=sys.stderr)  # noqa: T201
    return 0


def run_import(arguments: argparse.Namespace, settings: Settings) -> int:
    """Check the file and write it all, or print every problem and write nothing."""
    migrate(settings)
    try:
        parsed = read_import_file(Path(arguments.file))
    except (OSError, UnreadableFile) as error:
        print(f"portfolio import: {error}", file=sys.stderr)  # noqa: T201
        return 2

    async def run() -> ImportResult:
        engine = create_engine(settings)
        try:
            return await import_portfolio(engine, parsed, actor=arguments.actor)
        finally:
            await engine.dispose()

    try:
        result = asyncio.run(run())
    except ImportRefused as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)  # noqa: T201
        print(  # noqa: T201
            f"portfolio import: {len(refused.problems)} problem(er); ingenting er skrevet.",
            file=sys.stderr,
        )
        return 1
    print(result.summary())  # noqa: T201
    return 0

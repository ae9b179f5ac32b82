"""Exchange files in tests: export and import through the command line, edit CSV zips."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.cli import main
from app.database import create_sync_engine
from app.settings import Settings

TABLES = ("initiative", "dependency", "delivery", "status_report", "audit_event")


def export(database_url: str, tmp_path: Path, fmt: str, name: str) -> Path:
    target = tmp_path / name
    run = ["export", "--format", fmt, "--output", str(target)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTFOLIO_DATABASE_URL", database_url)
        assert main(run) == 0
    return target


def run_import(database_url: str, path: Path) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTFOLIO_DATABASE_URL", database_url)
        return main(["import", str(path)])


def counts(database_url: str) -> dict[str, int]:
    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.connect() as connection:
        found = {
            table: int(connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)
            for table in TABLES
        }
        found["data_version"] = int(
            connection.scalar(sa.text("SELECT version FROM data_version")) or 0
        )
    engine.dispose()
    return found


def edit_csv_zip(
    source: Path, target: Path, edit: Callable[[dict[str, list[list[str]]]], None]
) -> Path:
    with zipfile.ZipFile(source) as archive:
        tables = {
            name.removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }
    edit(tables)
    with zipfile.ZipFile(target, "w") as archive:
        for name, rows in tables.items():
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            archive.writestr(f"{name}.csv", buffer.getvalue().encode("utf-8"))
    return target


def set_cell(rows: list[list[str]], key: str, column: str, value: str) -> int:
    """Set a cell of the row whose first cell is ``key``; returns the row's number (header 1)."""
    index = rows[0].index(column)
    for number, row in enumerate(rows, start=1):
        if row[0] == key:
            row[index] = value
            return number
    raise AssertionError(key)

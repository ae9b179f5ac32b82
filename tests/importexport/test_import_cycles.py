"""Import never stores a dependency cycle, and reports cycles with every other problem."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import graph
from app.database import create_engine, create_sync_engine
from app.dependency_writes import current_graph
from app.exchange.export import csv_text, read_records
from app.exchange.importing import ImportRefused, import_portfolio
from app.exchange.reading import parse_tables
from app.exchange.sheets import DEPENDENCIES, INITIATIVES, SHEETS
from app.settings import Settings
from seeds.loader import load_seed_portfolio
from tests.conftest import Databases, copy_database
from tests.importexport.exchange_files import counts, edit_csv_zip, export, run_import, set_cell

Tables = dict[str, list[list[str]]]


def develops(database_url: str, initiative: str) -> list[str]:
    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.connect() as connection:
        codes = connection.scalars(
            sa.text(
                "SELECT s.code FROM developed_solution d "
                "JOIN initiative i ON i.id = d.initiative_id "
                "JOIN solution s ON s.id = d.solution_id "
                "WHERE i.code = :code ORDER BY s.code"
            ),
            {"code": initiative},
        ).all()
    engine.dispose()
    return list(codes)


def dependency_row(dependant: str, supplier: str) -> list[str]:
    return [dependant, supplier, "", "HIGH", "FINISH_TO_START", "0", "", ""]


def test_import_refuses_a_development_that_closes_a_cycle_with_stored_dependencies(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export in which PLL, which depends on KJ, now also develops KJ
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")
    where: dict[str, int] = {}

    def develop_kj(tables: Tables) -> None:
        where["PLL"] = set_cell(tables["Initiatives"], "PLL", "develops", "KJ")

    cyclic = edit_csv_zip(exported, tmp_path / "cyclic.zip", develop_kj)
    before = counts(fresh_seeded_database_url)

    # When it is imported
    status = run_import(fresh_seeded_database_url, cyclic)

    # Then the import names the cycle and the row, and stores nothing
    assert status == 1
    assert (
        f"Initiatives rad {where['PLL']}, kolonne develops: "
        "å utvikle KJ ville lukke en syklus: KJ → PLL → KJ" in capsys.readouterr().err
    )
    assert counts(fresh_seeded_database_url) == before
    assert develops(fresh_seeded_database_url, "PLL") == []


def test_import_refusal_names_every_row_of_the_file_on_the_cycle(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a new initiative NY that develops KJ, and a row saying NY depends on PLL,
    # which depends on KJ: NY → KJ → PLL → NY
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")
    where: dict[str, int] = {}

    def add_new_initiative(tables: Tables) -> None:
        initiatives = tables["Initiatives"]
        header = initiatives[0]
        new = list(next(row for row in initiatives if row[0] == "PLL"))
        new[header.index("code")] = "NY"
        new[header.index("develops")] = "KJ"
        initiatives.append(new)
        where["initiative"] = len(initiatives)
        tables["Dependencies"].append(dependency_row("NY", "PLL"))
        where["dependency"] = len(tables["Dependencies"])

    cyclic = edit_csv_zip(exported, tmp_path / "cyclic.zip", add_new_initiative)

    # When it is imported
    status = run_import(fresh_seeded_database_url, cyclic)

    # Then the refusal names the cycle, the row that closes it and the file's other row on it
    assert status == 1
    assert (
        f"Dependencies rad {where['dependency']}, kolonne supplier: avhengigheten ville lukke "
        f"en syklus: NY → KJ → PLL → NY; syklusen bruker også Initiatives rad "
        f"{where['initiative']}" in capsys.readouterr().err
    )


def test_import_lists_a_bad_date_a_bad_enum_and_a_cycle_in_one_run(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with a bad date, a bad enumeration value and a cycle
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")
    where: dict[str, int] = {}

    def break_three_ways(tables: Tables) -> None:
        where["date"] = set_cell(tables["Deliveries"], "PLL-D1", "forecast_date", "2026-13-01")
        where["enum"] = set_cell(tables["Initiatives"], "HP", "segment", "SOMETIMES")
        # HP depends on PLL; PLL depending on HP closes a cycle
        tables["Dependencies"].append(dependency_row("PLL", "HP"))
        where["cycle"] = len(tables["Dependencies"])

    broken = edit_csv_zip(exported, tmp_path / "broken.zip", break_three_ways)

    # When it is imported once
    status = run_import(fresh_seeded_database_url, broken)

    # Then all three problems are listed
    errors = capsys.readouterr().err
    assert status == 1
    assert f"Deliveries rad {where['date']}, kolonne forecast_date: ugyldig dato" in errors
    assert f"Initiatives rad {where['enum']}, kolonne segment: ugyldig verdi" in errors
    assert (
        f"Dependencies rad {where['cycle']}, kolonne supplier: avhengigheten ville lukke "
        "en syklus: PLL → HP → PLL" in errors
    )
    assert "3 problem(er)" in errors


# --- property: no random import file leaves a cycle stored ------------------------------------


DEMO = load_seed_portfolio()
INITIATIVE_CODES = tuple(sorted(initiative["code"] for initiative in DEMO.initiatives))
SOLUTION_CODES = tuple(sorted(solution["code"] for solution in DEMO.solutions))


class Exported:
    """The demo portfolio's sheets as exported to CSV."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def __repr__(self) -> str:  # hypothesis prints it with every falsifying example
        return "Exported(<the demo portfolio>)"


@pytest.fixture(scope="module")
def exported(seeded_database_url: str) -> Exported:
    """The demo portfolio's sheets as exported to CSV."""

    async def read() -> Tables:
        engine = create_engine(Settings(database_url=seeded_database_url))
        try:
            async with engine.connect() as connection:
                records = await read_records(connection)
        finally:
            await engine.dispose()
        return {
            sheet.name: list(csv.reader(io.StringIO(csv_text(sheet, records[sheet.name]))))
            for sheet in SHEETS
        }

    return Exported(asyncio.run(read()))


@dataclass(frozen=True)
class ImportFile:
    """What a random file changes: developments (new initiatives too) and dependencies."""

    develops: dict[str, list[str]]
    dependencies: list[tuple[str, str]]


@st.composite
def import_files(draw: st.DrawFn) -> ImportFile:
    new = [f"NY{number}" for number in range(1, draw(st.integers(0, 2)) + 1)]
    initiatives = st.sampled_from([*INITIATIVE_CODES, *new])
    solutions = st.lists(st.sampled_from(SOLUTION_CODES), unique=True, max_size=3)
    develops = draw(st.dictionaries(initiatives, solutions, max_size=4))
    develops.update({code: draw(solutions) for code in new if code not in develops})
    suppliers = st.sampled_from([*INITIATIVE_CODES, *new, *SOLUTION_CODES])
    dependencies = draw(
        st.lists(
            st.tuples(initiatives, suppliers).filter(lambda pair: pair[0] != pair[1]),
            unique=True,
            max_size=4,
        )
    )
    return ImportFile(develops, dependencies)


def file_tables(exported: Exported, changes: ImportFile) -> Tables:
    """Only the rows the file changes: import never deletes what a file leaves out."""
    header = exported.tables["Initiatives"][0]
    stored = {row[0]: row for row in exported.tables["Initiatives"][1:]}
    initiatives = [header]
    for code, solutions in changes.develops.items():
        row = list(stored.get(code, exported.tables["Initiatives"][1]))
        row[header.index("code")] = code
        row[header.index("develops")] = ";".join(solutions)
        initiatives.append(row)
    tables = {sheet.name: [list(sheet.header)] for sheet in SHEETS}
    tables[INITIATIVES.name] = initiatives
    tables[DEPENDENCIES.name] += [dependency_row(*pair) for pair in changes.dependencies]
    return tables


def expected_graph(exported: Exported, changes: ImportFile) -> nx.DiGraph:
    """The graph the file would leave, built from the export alone (supplier → dependant)."""
    initiatives = exported.tables["Initiatives"]
    column = initiatives[0].index("develops")
    develops = {
        row[0]: [code for code in row[column].split(";") if code] for row in initiatives[1:]
    }
    develops.update(changes.develops)
    result = nx.DiGraph()
    result.add_edges_from(
        (initiative, solution) for initiative, codes in develops.items() for solution in codes
    )
    result.add_edges_from((row[1], row[0]) for row in exported.tables["Dependencies"][1:])
    result.add_edges_from((supplier, dependant) for dependant, supplier in changes.dependencies)
    return result


def import_into_copy(databases: Databases, template_url: str, tables: Tables) -> tuple[bool, str]:
    """Import into a fresh copy of the demo portfolio; (refused, problems), then check it."""
    database_url = copy_database(databases, template_url, "cycles")
    parsed = parse_tables({name: iter(map(tuple, rows)) for name, rows in tables.items()})

    async def run() -> tuple[bool, str, tuple[tuple[str, ...], ...]]:
        engine = create_engine(Settings(database_url=database_url))
        try:
            try:
                await import_portfolio(engine, parsed)
                refused, problems = False, ""
            except ImportRefused as refusal:
                refused, problems = True, "\n".join(map(str, refusal.problems))
            async with engine.connect() as connection:
                stored_cycles = graph.find_cycles(await current_graph(connection))
        finally:
            await engine.dispose()
        return refused, problems, stored_cycles

    refused, problems, stored_cycles = asyncio.run(run())
    assert stored_cycles == ()
    return refused, problems


@settings(max_examples=30, deadline=None)
@given(changes=import_files())
def test_no_random_import_file_leaves_a_cycle_stored(
    databases: Databases, seed_template_url: str, exported: Exported, changes: ImportFile
) -> None:
    # Given a random file of developments (new initiatives too) and dependencies
    tables = file_tables(exported, changes)
    closes_a_cycle = not nx.is_directed_acyclic_graph(expected_graph(exported, changes))

    # When it is imported into a copy of the demo portfolio
    refused, problems = import_into_copy(databases, seed_template_url, tables)

    # Then it is refused exactly when it would close a cycle, and no cycle is stored
    assert refused == closes_a_cycle, problems
    assert all("ville lukke en syklus" in line for line in problems.splitlines())

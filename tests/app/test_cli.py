"""The `portfolio` command line."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import sqlalchemy as sa

from app.cli import main
from app.database import create_sync_engine
from app.settings import Settings
from schema.build import export_sdl
from seeds.loader import load_reference_data


@pytest.fixture
def seeded_environment(seeded_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", seeded_database_url)
    return seeded_database_url


@pytest.mark.usefixtures("seeded_environment")
def test_export_graph_writes_graphml_that_networkx_reads(tmp_path: Path) -> None:
    target = tmp_path / "portfolio.graphml"

    assert main(["export-graph", "--format", "GRAPHML", "--output", str(target)]) == 0

    graph = nx.read_graphml(target)
    assert graph.number_of_nodes() == 41
    assert graph.has_edge("HAP", "LMR")


@pytest.mark.usefixtures("seeded_environment")
def test_export_graph_around_a_root_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = main(
        ["export-graph", "--format", "MERMAID", "--root", "HAP-PROG", "--direction", "DOWNSTREAM"]
    )

    output = capsys.readouterr().out
    assert exit_code == 0
    assert output.startswith("flowchart")
    assert "LMR" in output
    assert "PLL" not in output


@pytest.mark.usefixtures("seeded_environment")
def test_export_graph_of_an_unknown_root_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-graph", "--root", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err


def test_export_schema_writes_the_sdl(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"

    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == export_sdl()


def test_seed_command_is_idempotent(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", empty_database_url)

    assert main(["seed"]) == 0
    assert main(["seed"]) == 0

    output = capsys.readouterr().out
    assert "inserted" in output
    assert "already seeded" in output


def test_seed_reference_only_loads_reference_data_without_initiatives(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a freshly migrated, empty database
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", empty_database_url)
    reference = load_reference_data()

    # When the reference data is seeded, twice
    assert main(["seed", "--reference-only"]) == 0
    assert main(["seed", "--reference-only"]) == 0

    # Then it holds the organisations, solutions, goals, SDGs and periods, and no initiative
    assert row_counts(empty_database_url) == {
        "organisation": len(reference.organisations),
        "solution": len(reference.solutions),
        "strategic_goal": len(reference.strategic_goals),
        "sustainable_development_goal": len(reference.sustainable_development_goals),
        "reporting_period": len(reference.reporting_periods),
        "initiative": 0,
    }
    output = capsys.readouterr().out
    assert "inserted" in output
    assert "already seeded" in output


def row_counts(database_url: str) -> dict[str, int]:
    engine = create_sync_engine(Settings(database_url=database_url))
    tables = (
        "organisation",
        "solution",
        "strategic_goal",
        "sustainable_development_goal",
        "reporting_period",
        "initiative",
    )
    with engine.connect() as connection:
        counts = {
            table: int(connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)
            for table in tables
        }
    engine.dispose()
    return counts

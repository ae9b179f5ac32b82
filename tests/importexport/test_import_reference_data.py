"""A fresh database gets its reference data from one command, and import says which."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.importexport.exchange_files import counts, export, run_import


def test_import_without_reference_data_names_the_seed_command_once(
    seeded_database_url: str,
    empty_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given an export of the demo portfolio and a freshly migrated, empty database
    exported = export(seeded_database_url, tmp_path, "csv", "p.zip")
    capsys.readouterr()

    # When the export is imported into the empty database
    status = run_import(empty_database_url, exported)

    # Then one problem says which command loads the reference data, instead of a line
    # for every unknown organisation, goal, solution and period
    errors = capsys.readouterr().err
    assert status == 1
    assert errors.splitlines() == [
        "Databasen: mangler referansedata (organisasjoner, nasjonale løsninger, strategimål, "
        "bærekraftsmål, rapporteringsrunder); kjør «portfolio seed --reference-only» før import",
        "portfolio import: 1 problem(er); ingenting er skrevet.",
    ]
    assert counts(empty_database_url)["initiative"] == 0


def test_a_database_seeded_with_reference_data_only_takes_an_export(
    seeded_database_url: str,
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a freshly migrated database with the reference data and no demo initiatives
    exported = export(seeded_database_url, tmp_path, "csv", "p.zip")
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", empty_database_url)
    assert main(["seed", "--reference-only"]) == 0

    # When the export is imported
    status = run_import(empty_database_url, exported)

    # Then every initiative of the export is stored
    assert status == 0
    assert counts(empty_database_url)["initiative"] == counts(seeded_database_url)["initiative"]

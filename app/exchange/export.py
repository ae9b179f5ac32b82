"""Export the portfolio's initiatives, dependencies, deliveries and status reports.

Files are reproducible: the same data gives the same bytes (fixed zip timestamps and
workbook properties), so an export can be compared with an earlier one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository, tables
from app.auth import EVERYTHING
from app.exchange.sheets import (
    DELIVERIES,
    DEPENDENCIES,
    INITIATIVES,
    SHEETS,
    STATUS_REPORTS,
    Kind,
    Sheet,
    format_cell,
)

Records = dict[str, list[dict[str, Any]]]
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DATETIME = datetime(2000, 1, 1)
CSV_ENCODING = "utf-8-sig"  # the byte-order mark makes Excel read UTF-8


async def read_records(connection: AsyncConnection) -> Records:
    """Every exported row as plain values, keyed by sheet name, in a stable order."""
    initiative = tables.initiative_table
    organisation = tables.organisation_table
    initiatives = (
        await connection.execute(
            sa.select(initiative, organisation.c.code.label("owner_code"))
            .join(organisation, organisation.c.id == initiative.c.owner_id)
            .order_by(initiative.c.code)
        )
    ).all()
    codes = {row.id: row.code for row in initiatives}
    ids = list(codes)
    supporting = await repository.supporting_goals_for(connection, ids, visibility=EVERYTHING)
    sdgs = await repository.sdgs_for(connection, ids, visibility=EVERYTHING)
    developed = await repository.developed_solutions_for(connection, ids, visibility=EVERYTHING)
    deliveries = (
        await connection.execute(
            sa.select(tables.delivery_table).order_by(tables.delivery_table.c.code)
        )
    ).all()
    delivery_codes = {row.id: row.code for row in deliveries}
    dependencies = await repository.dependencies_of(connection, ids, visibility=EVERYTHING)
    reports = await repository.reports_for(connection, ids, visibility=EVERYTHING)

    records: Records = defaultdict(list)
    for row in initiatives:
        records[INITIATIVES.name].append(
            {
                **row._mapping,
                "owner": row.owner_code,
                "main_goal": row.main_goal_number,
                "supporting_goals": [goal.number for goal in supporting.get(row.id, [])],
                "sdgs": [goal.number for goal in sdgs.get(row.id, [])],
                "develops": [solution.code for solution in developed.get(row.id, [])],
                "illustrative_fields": list(row.illustrative_fields or ()),
                "published_facts": list(row.published_facts or ()),
            }
        )
    for row in deliveries:
        records[DELIVERIES.name].append({**row._mapping, "initiative": codes[row.initiative_id]})
    for row in initiatives:
        for dependency in dependencies.get(row.id, []):
            records[DEPENDENCIES.name].append(
                {
                    **dependency._mapping,
                    "dependant": dependency.dependant_code,
                    "supplier": dependency.supplier_code,
                    "supplier_delivery": delivery_codes.get(dependency.supplier_delivery_id),
                }
            )
        # reports_for gives newest first; the sheet runs oldest first, as they were submitted
        for report in reversed(reports.get(row.id, [])):
            records[STATUS_REPORTS.name].append(
                {**report._mapping, "initiative": row.code, "period": report.period_code}
            )
    return {sheet.name: records.get(sheet.name, []) for sheet in SHEETS}


def _cells(sheet: Sheet, records: Sequence[dict[str, Any]], *, native: bool) -> list[list[Any]]:
    return [
        [format_cell(column, record.get(column.name), native=native) for column in sheet.columns]
        for record in records
    ]


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _normalised_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same archive with fixed entry timestamps, so equal content gives equal bytes."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        for name in source.namelist():
            _zip_entry(target, name, replace.get(name) or source.read(name))
    return output.getvalue()


def to_xlsx(records: Records) -> bytes:
    """One workbook with a sheet per kind of row; dates and numbers as native cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.xml.functions import tostring

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    workbook.properties.creator = "portfolio export"
    workbook.properties.created = FIXED_DATETIME
    workbook.properties.modified = FIXED_DATETIME
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.header))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for row in _cells(sheet, records[sheet.name], native=True):
            worksheet.append(row)
        # openpyxl makes text starting with "=" a formula; text stays text (formula injection)
        for cells in worksheet.iter_rows(min_row=2):
            for cell in cells:
                if cell.data_type == "f":
                    cell.data_type = "s"
        for index, column in enumerate(sheet.columns, start=1):
            if column.kind is Kind.DATE:
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Saving stamps the modification time; put the fixed one back.
    workbook.properties.modified = FIXED_DATETIME
    core = tostring(workbook.properties.to_tree())
    return _normalised_zip(buffer.getvalue(), {"docProps/core.xml": core})


def csv_text(sheet: Sheet, records: Sequence[dict[str, Any]]) -> str:
    """One sheet as CSV text (comma-separated, minimal quoting, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.header)
    writer.writerows(_cells(sheet, records, native=False))
    return buffer.getvalue()


def to_csv_zip(records: Records) -> bytes:
    """A zip holding one CSV file per sheet (``Initiatives.csv`` …), UTF-8 with BOM."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for sheet in SHEETS:
            text = csv_text(sheet, records[sheet.name])
            _zip_entry(archive, f"{sheet.name}.csv", text.encode(CSV_ENCODING))
    return output.getvalue()

"""The import's writes: upserts and appends of checked rows, an audit event per change."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from tqdm import tqdm

from app import initiative_writes, models, repository, tables, writes
from app.auth import EVERYTHING, Viewer
from app.domain import ADMITTED_STATES
from app.exchange.checks import REPORT_CONTENT, same_report
from app.exchange.reading import SheetRow
from app.exchange.sheets import DELIVERIES, DEPENDENCIES, INITIATIVES, STATUS_REPORTS
from app.exchange.stored import Stored
from app.validation import (
    MAX_NAME,
)


@dataclass(slots=True)
class ImportResult:
    """How many rows of each sheet were created, updated or left as they were."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        sheets = (INITIATIVES, DEPENDENCIES, DELIVERIES, STATUS_REPORTS)
        return "; ".join(
            f"{sheet.name}: {self.created[sheet.name]} nye, {self.updated[sheet.name]} endret, "
            f"{self.unchanged[sheet.name]} uendret"
            for sheet in sheets
        )


class Writer:
    """Applies checked rows: upserts, appends and an audit event per changed row."""

    def __init__(
        self, connection: AsyncConnection, stored: Stored, viewer: Viewer, progress: tqdm[Any]
    ) -> None:
        self.connection = connection
        self.stored = stored
        self.viewer = viewer
        self.progress = progress
        self.result = ImportResult()
        self.now = models.utcnow()

    async def _audit(self, entity: str, code: str, before: Any, after: Any) -> None:
        action = "create" if before is None else "update"
        await writes.insert_audit(
            self.connection,
            viewer=self.viewer,
            action=f"{entity.lower()}.import.{action}",
            entity_type=entity,
            entity_code=code,
            before=before,
            after=after,
        )

    def _count(self, sheet: str, before: Any, changed: bool) -> None:
        if not changed:
            self.result.unchanged[sheet] += 1
        elif before is None:
            self.result.created[sheet] += 1
        else:
            self.result.updated[sheet] += 1
        self.progress.update(1)

    async def initiatives(self, rows: list[SheetRow]) -> None:
        table = tables.initiative_table
        for row in rows:
            values = row.values
            current = self.stored.initiatives.get(values["code"])
            columns = {
                "code": values["code"],
                "name": values["name"],
                "purpose": values["purpose"],
                "kind": values["kind"],
                "owner_id": self.stored.organisations[values["owner"]],
                "contact_person": values["contact_person"],
                "segment": values["segment"],
                "phase": values["phase"],
                "state": values["state"],
                "planned_start": values["planned_start"],
                "planned_end": values["planned_end"],
                "forecast_end": values["forecast_end"],
                "main_goal_number": values["main_goal"],
                "digitalisation_essential": values["digitalisation_essential"],
                "coordination_or_strategy": values["coordination_or_strategy"],
                "entry_criteria_note": values["entry_criteria_note"],
                "illustrative_fields": list(values["illustrative_fields"]),
                "published_facts": list(values["published_facts"]),
            }
            links = {
                "supporting_goals": set(values["supporting_goals"]),
                "sdgs": set(values["sdgs"]),
                "develops": set(values["develops"]),
            }
            if current is not None:
                stored_links = {
                    "supporting_goals": self.stored.supporting.get(current.id, set()),
                    "sdgs": self.stored.initiative_sdgs.get(current.id, set()),
                    "develops": self.stored.developed.get(current.id, set()),
                }
                same = links == stored_links and all(
                    getattr(current, key) == value for key, value in columns.items()
                )
                if same:
                    self._count(INITIATIVES.name, current, changed=False)
                    continue
                await self.connection.execute(
                    table.update()
                    .where(table.c.id == current.id)
                    .values(**columns, version=table.c.version + 1, updated_at=self.now)
                )
                initiative_id = current.id
            else:
                decided = (
                    {"decided_by": self.viewer.actor, "decided_at": self.now}
                    if values["state"] in ADMITTED_STATES
                    else {}
                )
                initiative_id = await self.connection.scalar(
                    table.insert()
                    .values(
                        **columns, **decided, version=1, created_at=self.now, updated_at=self.now
                    )
                    .returning(table.c.id)
                )
            await initiative_writes.replace_goals(
                self.connection,
                initiative_id,
                {"supporting_goals": links["supporting_goals"], "sdgs": links["sdgs"]},
            )
            await self.connection.execute(
                tables.developed_table.delete().where(
                    tables.developed_table.c.initiative_id == initiative_id
                )
            )
            for code in sorted(links["develops"]):
                await self.connection.execute(
                    tables.developed_table.insert().values(
                        initiative_id=initiative_id, solution_id=self.stored.solutions[code]
                    )
                )
            after = (
                await self.connection.execute(table.select().where(table.c.id == initiative_id))
            ).one()
            self.stored.initiatives[after.code] = after
            await self._audit(
                "Initiative",
                after.code,
                current,
                {**after._mapping, **{key: sorted(value) for key, value in links.items()}},
            )
            self._count(INITIATIVES.name, current, changed=True)

    async def deliveries(self, rows: list[SheetRow]) -> None:
        table = tables.delivery_table
        for row in rows:
            values = row.values
            current = self.stored.deliveries.get(values["code"])
            columns = {
                "code": values["code"],
                "initiative_id": self.stored.initiatives[values["initiative"]].id,
                **{
                    key: values[key]
                    for key in (
                        "name",
                        "description",
                        "baseline_date",
                        "forecast_date",
                        "delivered_date",
                        "status",
                    )
                },
            }
            if current is not None and all(
                getattr(current, key) == value for key, value in columns.items()
            ):
                self._count(DELIVERIES.name, current, changed=False)
                continue
            if current is None:
                await self.connection.execute(table.insert().values(**columns))
            else:
                await self.connection.execute(
                    table.update().where(table.c.id == current.id).values(**columns)
                )
            after = (
                await self.connection.execute(table.select().where(table.c.code == values["code"]))
            ).one()
            self.stored.deliveries[after.code] = after
            await self._audit("Delivery", after.code, current, after)
            self._count(DELIVERIES.name, current, changed=True)

    async def dependencies(self, rows: list[SheetRow]) -> None:
        table = tables.dependency_table
        for row in rows:
            values = row.values
            key = (values["dependant"], values["supplier"])
            current = self.stored.dependencies.get(key)
            supplier = self.stored.initiatives.get(values["supplier"])
            delivery = self.stored.deliveries.get(values["supplier_delivery"] or "")
            columns = {
                "dependant_id": self.stored.initiatives[values["dependant"]].id,
                "supplier_initiative_id": supplier.id if supplier is not None else None,
                "supplier_solution_id": (
                    self.stored.solutions[values["supplier"]] if supplier is None else None
                ),
                "supplier_delivery_id": delivery.id if delivery is not None else None,
                "criticality": values["criticality"],
                "type": values["type"],
                "lag_days": values["lag_days"] or 0,
                "needed_by": values["needed_by"],
                "description": values["description"],
            }
            if current is not None and all(
                getattr(current, name) == value for name, value in columns.items()
            ):
                self._count(DEPENDENCIES.name, current, changed=False)
                continue
            if current is None:
                dependency_id = await self.connection.scalar(
                    table.insert().values(**columns).returning(table.c.id)
                )
            else:
                dependency_id = current.id
                await self.connection.execute(
                    table.update().where(table.c.id == current.id).values(**columns)
                )
            assert dependency_id is not None
            after = await repository.dependency_by_id(
                self.connection, dependency_id, visibility=EVERYTHING
            )
            await self._audit("Dependency", f"{key[0]}<-{key[1]}", current, after)
            self._count(DEPENDENCIES.name, current, changed=True)

    async def reports(self, rows: list[SheetRow]) -> None:
        table = tables.report_table
        for row in rows:
            values = row.values
            initiative = self.stored.initiatives[values["initiative"]]
            period = self.stored.periods[values["period"]]
            existing = self.stored.reports[initiative.id, period.id]
            if any(same_report(report, values) for report in existing):
                self._count(STATUS_REPORTS.name, existing, changed=False)
                continue
            revision = max((report.revision for report in existing), default=0) + 1
            report_id = await self.connection.scalar(
                table.insert()
                .values(
                    initiative_id=initiative.id,
                    period_id=period.id,
                    revision=revision,
                    submitted_by=(values["submitted_by"] or self.viewer.actor)[:MAX_NAME],
                    submitted_at=values["submitted_at"] or self.now,
                    **{
                        key: values.get(key)
                        for key in REPORT_CONTENT
                        if key not in {"illustrative", "illustrative_fields"}
                    },
                    illustrative=bool(values["illustrative"]),
                    illustrative_fields=list(values.get("illustrative_fields") or ()),
                )
                .returning(table.c.id)
            )
            assert report_id is not None
            after = await repository.report_by_id(self.connection, report_id, visibility=EVERYTHING)
            assert after is not None
            existing.append(after)
            await self._audit(
                "StatusReport", f"{initiative.code}@{period.code}#{revision}", None, after
            )
            self._count(STATUS_REPORTS.name, None, changed=True)

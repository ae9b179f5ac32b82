"""Per-request data loaders: every fan-out becomes one statement per batch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from app import repository
from app.repository import Row

K = TypeVar("K")
V = TypeVar("V")

Reader = Callable[..., Awaitable[Any]]


def _by_key(
    read: Reader,
    query: Callable[[AsyncConnection, Collection[K]], Awaitable[dict[K, V]]],
) -> DataLoader[K, V | None]:
    async def load(keys: Sequence[K]) -> list[V | None]:
        found = await read(query, list(set(keys)))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _grouped(
    read: Reader,
    query: Callable[[AsyncConnection, Collection[int]], Awaitable[dict[int, list[Row]]]],
) -> DataLoader[int, list[Row]]:
    async def load(keys: Sequence[int]) -> list[list[Row]]:
        found = await read(query, list(set(keys)))
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """The loaders of one request, named ``<what>_by_<key>``."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self.organisation_by_id = _by_key(read, repository.organisations_by_ids)
        self.initiative_by_id = _by_key(read, repository.initiatives_by_ids)
        self.initiative_by_code = _by_key(read, repository.initiatives_by_codes)
        self.solution_by_id = _by_key(read, repository.solutions_by_ids)
        self.solution_by_code = _by_key(read, repository.solutions_by_codes)
        self.delivery_by_id = _by_key(read, repository.deliveries_by_ids)
        self.period_by_id = _by_key(read, repository.periods_by_ids)
        self.supporting_goals_by_initiative = _grouped(read, repository.supporting_goals_for)
        self.sdgs_by_initiative = _grouped(read, repository.sdgs_for)
        self.developed_solutions_by_initiative = _grouped(read, repository.developed_solutions_for)
        self.developers_by_solution = _grouped(read, repository.developers_of)
        self.reports_by_initiative = _grouped(read, repository.reports_for)
        self.deliveries_by_initiative = _grouped(read, repository.deliveries_for)
        self.risks_by_initiative = _grouped(read, repository.risks_for)
        self.dependencies_by_dependant = _grouped(read, repository.dependencies_of)
        self.dependants_by_initiative = _grouped(read, repository.dependants_of_initiatives)
        self.dependants_by_solution = _grouped(read, repository.dependants_of_solutions)
        self._latest_report_by_period: dict[date | None, DataLoader[int, Row | None]] = {}

    def latest_report_by_initiative(self, period_opens: date | None) -> DataLoader[int, Row | None]:
        """Latest report up to the period opening on ``period_opens`` (one loader per period)."""
        loader = self._latest_report_by_period.get(period_opens)
        if loader is None:
            read = self._read

            async def load(keys: Sequence[int]) -> list[Row | None]:
                found = await read(
                    repository.latest_reports_for, list(set(keys)), period_opens=period_opens
                )
                return [found.get(key) for key in keys]

            loader = DataLoader(load_fn=load)
            self._latest_report_by_period[period_opens] = loader
        return loader

"""Per-request data loaders: every fan-out becomes one statement per batch.

Loaders of initiatives and of what hangs off them read with the request's visibility
(``app.auth.Visibility``), so a PROPOSED or DECLINED initiative the caller may not see is
absent from every field that reaches it, through the repository's one SQL rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeAlias, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncConnection

from app import repository
from app.auth import Visibility
from app.repository import Row
from schema.batch_loader import NOT_LOADED, BatchLoader

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")

MaybeAwaitable: TypeAlias = R | Awaitable[R]
"""What a resolver returns when it answers at once if it can and awaits only if it must."""

Reader = Callable[..., Awaitable[Any]]
PeriodResolver = Callable[[str | None], Awaitable[Row | None]]
VisibilitySource = Callable[[], Visibility]
"""The request's visibility, asked at each batch: the caller is known only once the token
has been checked, after the context (and its loaders) were made."""


@dataclass(frozen=True, slots=True)
class ReportStatus:
    """An initiative's latest report up to a period: what status and risk are read from."""

    period: Row | None
    report: Row | None

    @property
    def is_stale(self) -> bool:
        """The report is from an earlier period than the chosen one, or there is none."""
        return self.period is not None and (
            self.report is None or self.report.period_id != self.period.id
        )


def resolve_loaded(loader: BatchLoader[K, V], key: K, build: Callable[[V], R]) -> MaybeAwaitable[R]:
    """``build`` of the loader's value for ``key``: at once when the loader already holds it.

    Only when the value is still to be loaded does the resolver return an awaitable. A field
    whose value was prefetched thus costs graphql-core no coroutine, future and gather, which
    on a page of 500 initiatives is most of the execution time.
    """
    value = loader.peek(key)
    if value is not NOT_LOADED:
        return build(value)
    return _build_when_loaded(loader.load(key), build)


async def _build_when_loaded(pending: Awaitable[V], build: Callable[[V], R]) -> R:
    return build(await pending)


async def load_batch(loader: BatchLoader[K, V], keys: Iterable[K]) -> list[V]:
    """``loader.load_batch(keys)``: one read, now, of the keys the loader does not hold yet."""
    return await loader.load_batch(keys)


def _by_key(
    read: Reader,
    query: Callable[[AsyncConnection, Collection[K]], Awaitable[dict[K, V]]],
) -> BatchLoader[K, V | None]:
    async def load(keys: Sequence[K]) -> list[V | None]:
        found = await read(query, list(set(keys)))
        return [found.get(key) for key in keys]

    return BatchLoader(load)


def _visible_by_key(
    read: Reader,
    visibility: VisibilitySource,
    query: Callable[..., Awaitable[dict[K, V]]],
) -> BatchLoader[K, V | None]:
    async def load(keys: Sequence[K]) -> list[V | None]:
        found = await read(query, list(set(keys)), visibility=visibility())
        return [found.get(key) for key in keys]

    return BatchLoader(load)


def _visible_grouped(
    read: Reader,
    visibility: VisibilitySource,
    query: Callable[..., Awaitable[dict[int, list[Row]]]],
) -> BatchLoader[int, list[Row]]:
    async def load(keys: Sequence[int]) -> list[list[Row]]:
        found = await read(query, list(set(keys)), visibility=visibility())
        return [found.get(key, []) for key in keys]

    return BatchLoader(load)


class Loaders:
    """The loaders of one request, named ``<what>_by_<key>``."""

    def __init__(
        self, read: Reader, resolve_period: PeriodResolver, visibility: VisibilitySource
    ) -> None:
        self._read = read
        self._resolve_period = resolve_period
        self._visibility = visibility
        self.organisation_by_id = _by_key(read, repository.organisations_by_ids)
        self.solution_by_id = _by_key(read, repository.solutions_by_ids)
        self.solution_by_code = _by_key(read, repository.solutions_by_codes)
        self.period_by_id = _by_key(read, repository.periods_by_ids)
        visible_by_key = partial(_visible_by_key, read, visibility)
        self.initiative_by_id = visible_by_key(repository.initiatives_by_ids)
        self.initiative_by_code = visible_by_key(repository.initiatives_by_codes)
        self.delivery_by_id = visible_by_key(repository.deliveries_by_ids)
        self.delivery_by_code = visible_by_key(repository.deliveries_by_codes)
        grouped = partial(_visible_grouped, read, visibility)
        self.supporting_goals_by_initiative = grouped(repository.supporting_goals_for)
        self.sdgs_by_initiative = grouped(repository.sdgs_for)
        self.developed_solutions_by_initiative = grouped(repository.developed_solutions_for)
        self.developers_by_solution = grouped(repository.developers_of)
        self.reports_by_initiative = grouped(repository.reports_for)
        self.deliveries_by_initiative = grouped(repository.deliveries_for)
        self.risks_by_initiative = grouped(repository.risks_for)
        self.dependencies_by_dependant = grouped(repository.dependencies_of)
        self.dependants_by_initiative = grouped(repository.dependants_of_initiatives)
        self.dependants_by_solution = grouped(repository.dependants_of_solutions)
        self.decisions_by_initiative = grouped(repository.decisions_for)
        self._latest_report_by_period: dict[date | None, BatchLoader[int, Row | None]] = {}
        self._report_status_by_period: dict[str | None, BatchLoader[int, ReportStatus]] = {}
        self._built: dict[tuple[Callable[[Row], Any], Hashable], Any] = {}

    def peek_hits(self) -> int:
        """How many values the request's loaders answered at once, without an awaitable."""
        loaders = [value for value in vars(self).values() if isinstance(value, BatchLoader)]
        loaders += self._latest_report_by_period.values()
        loaders += self._report_status_by_period.values()
        return sum(loader.peek_hits for loader in loaders)

    def build_once(self, build: Callable[[Row], R], row: Row) -> R:
        """``build(row)``, made once per request for each builder and row id.

        A page's initiatives are also the suppliers of its dependencies, and a few dozen
        organisations own them all: one object each instead of one per reference.
        """
        key = (build, row.id)
        if key not in self._built:
            self._built[key] = build(row)
        return cast(R, self._built[key])

    def latest_report_by_initiative(
        self, period_opens: date | None
    ) -> BatchLoader[int, Row | None]:
        """Latest report up to the period opening on ``period_opens`` (one loader per period)."""
        loader = self._latest_report_by_period.get(period_opens)
        if loader is None:
            read = self._read

            async def load(keys: Sequence[int]) -> list[Row | None]:
                found = await read(
                    repository.latest_reports_for,
                    list(set(keys)),
                    period_opens=period_opens,
                    visibility=self._visibility(),
                )
                return [found.get(key) for key in keys]

            loader = BatchLoader(load)
            self._latest_report_by_period[period_opens] = loader
        return loader

    def report_status_by_initiative(self, period: str | None) -> BatchLoader[int, ReportStatus]:
        """Status lookup for the period code (default: current), one per initiative.

        ``status``, ``riskLevel``, ``reportIsStale`` and ``latestReport`` all read the same
        lookup, so the period is resolved once per batch rather than once per field.
        """
        loader = self._report_status_by_period.get(period)
        if loader is None:

            async def load(keys: Sequence[int]) -> list[ReportStatus]:
                chosen = await self._resolve_period(period)
                if chosen is None:
                    return [ReportStatus(period=None, report=None)] * len(keys)
                reports = await load_batch(self.latest_report_by_initiative(chosen.opens), keys)
                return [ReportStatus(period=chosen, report=report) for report in reports]

            loader = BatchLoader(load)
            self._report_status_by_period[period] = loader
        return loader

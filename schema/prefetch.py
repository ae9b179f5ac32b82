"""Prefetch what a page of initiatives selects, so its nested fields resolve at once.

The list resolver looks at the selection and loads into the request's data loaders every
fan-out it names (owner, the status lookup, deliveries, dependencies and their suppliers),
one batch each, before it returns the page. Nested resolvers then find their
rows already in the loaders (``schema.loaders.resolve_loaded``) and answer synchronously,
instead of graphql-core awaiting thousands of loader futures per page. Fields that are not
prefetched keep loading through the loaders as before; the statements are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from typing import Any

from strawberry.types.nodes import SelectedField, Selection

from app.repository import Row
from schema.context import Info
from schema.loaders import Loaders, load_batch

STATUS_FIELDS = ("status", "riskLevel", "reportIsStale", "latestReport")


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, looking through fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def selected(parents: Iterable[Selection], name: str) -> list[SelectedField]:
    """Every field called ``name`` (GraphQL name, under any alias) selected below ``parents``."""
    return [
        field
        for parent in _fields(parents)
        for field in _fields(parent.selections)
        if field.name == name
    ]


async def prefetch_initiatives(info: Info, page: Sequence[Row]) -> None:
    """Load what the selection of a connection's nodes needs for the initiatives of ``page``."""
    connection = info.selected_fields
    nodes = selected(connection, "nodes") + selected(selected(connection, "edges"), "node")
    if not nodes or not page:
        return
    loaders = info.context.loaders
    # The page's own rows serve the suppliers (and any other lookup by id) on the page.
    loaders.initiative_by_id.prime_many({row.id: row for row in page})
    ids = [row.id for row in page]
    loads: list[Awaitable[Any]] = []
    if selected(nodes, "owner"):
        loads.append(load_batch(loaders.organisation_by_id, {row.owner_id for row in page}))
    if any(
        field.arguments.get("period") is None
        for name in STATUS_FIELDS
        for field in selected(nodes, name)
    ):
        loads.append(load_batch(loaders.report_status_by_initiative(None), ids))
    if selected(nodes, "deliveries"):
        loads.append(load_batch(loaders.deliveries_by_initiative, ids))
    dependencies = selected(nodes, "dependencies")
    if dependencies:
        loads.append(
            _dependencies(loaders, ids, suppliers=bool(selected(dependencies, "supplier")))
        )
    # A failed read holds nothing, so the fields that need it load (and fail) at their own
    # path, exactly as without the prefetch.
    await asyncio.gather(*loads, return_exceptions=True)


async def _dependencies(loaders: Loaders, ids: Sequence[int], *, suppliers: bool) -> None:
    groups = await load_batch(loaders.dependencies_by_dependant, ids)
    if not suppliers:
        return
    rows = [row for group in groups for row in group]
    initiative_ids = {row.supplier_initiative_id for row in rows} - {None}
    solution_ids = {row.supplier_solution_id for row in rows} - {None}
    await asyncio.gather(
        load_batch(loaders.initiative_by_id, initiative_ids),
        load_batch(loaders.solution_by_id, solution_ids),
    )

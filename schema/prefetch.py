"""Prefetch what a page selects, so its nested fields resolve at once.

A field that can be prefetched says how beside itself, in ``schema/types.py``:
``strawberry.field(..., metadata=prefetched(owners))``. Before a list resolver returns
its page, ``prefetch_page`` looks at the selection of the page's nodes and runs, once
for the whole page, the prefetch of every selected field of the node type (fields that
share a prefetch run it once). A prefetch loads into the request's data loaders in one
batch and answers the rows it loaded; when it names their type (``then``), the
prefetches of the fields selected below run on those rows — a page's dependencies, then
their suppliers. Nested resolvers find their rows already in the loaders
(``schema.loaders.resolve_loaded``) and answer synchronously, instead of graphql-core
awaiting thousands of loader futures per page. Fields without a prefetch keep loading
through the loaders as before; the statements are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import get_object_definition
from strawberry.types.nodes import SelectedField, Selection

from app.repository import Row
from schema.context import Info
from schema.loaders import Loaders, load_batch

PREFETCH = "portfolio.prefetch"

Load = Callable[[Loaders, Sequence[Row], list[SelectedField]], Awaitable[Sequence[Row]]]


@dataclass(frozen=True, slots=True)
class Prefetch:
    """How to load, for a page of parent rows, what a field of theirs reads."""

    load: Load
    then: type | None = None


def prefetched(load: Load, *, then: type | None = None) -> Mapping[str, Prefetch]:
    """A field's ``metadata`` that declares its prefetch."""
    return {PREFETCH: Prefetch(load, then)}


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


async def prefetch_page(info: Info, node_type: type, page: Sequence[Row]) -> None:
    """Run the prefetches the selection of a connection's nodes names, for ``page``."""
    connection = info.selected_fields
    nodes = selected(connection, "nodes") + selected(selected(connection, "edges"), "node")
    if nodes and page:
        await _prefetch(info, node_type, page, nodes)


async def prefetch_below(
    info: Info, node_type: type, rows: Sequence[Row], parents: list[SelectedField]
) -> None:
    """Run the prefetches of ``node_type``'s fields selected below ``parents``, for ``rows``
    (a page's objects one level down, like the initiatives of search hits)."""
    if parents and rows:
        await _prefetch(info, node_type, rows, parents)


async def _prefetch(
    info: Info, node_type: type, rows: Sequence[Row], parents: list[SelectedField]
) -> None:
    name_of = info.schema.config.name_converter.get_graphql_name
    plans: dict[Prefetch, list[SelectedField]] = {}
    for field in get_object_definition(node_type, strict=True).fields:
        plan = field.metadata.get(PREFETCH)
        if isinstance(plan, Prefetch):
            chosen = selected(parents, name_of(field))
            if chosen:
                plans.setdefault(plan, []).extend(chosen)
    # A failed read holds nothing, so the fields that need it load (and fail) at their own
    # path, exactly as without the prefetch.
    await asyncio.gather(
        *(_run(info, plan, rows, chosen) for plan, chosen in plans.items()),
        return_exceptions=True,
    )


async def _run(
    info: Info, plan: Prefetch, rows: Sequence[Row], chosen: list[SelectedField]
) -> None:
    loaded = await plan.load(info.context.loaders, rows, chosen)
    if plan.then is not None and loaded:
        await _prefetch(info, plan.then, loaded, chosen)


# --- the prefetches the fields of schema/types.py declare -------------------------------------


async def owners(loaders: Loaders, rows: Sequence[Row], _: list[SelectedField]) -> Sequence[Row]:
    await load_batch(loaders.organisation_by_id, {row.owner_id for row in rows})
    return ()


async def report_statuses(
    loaders: Loaders, rows: Sequence[Row], fields: list[SelectedField]
) -> Sequence[Row]:
    """The status lookup of the current period, which ``period``-less status fields read."""
    if any(field.arguments.get("period") is None for field in fields):
        await load_batch(loaders.report_status_by_initiative(None), [row.id for row in rows])
    return ()


async def deliveries(
    loaders: Loaders, rows: Sequence[Row], _: list[SelectedField]
) -> Sequence[Row]:
    await load_batch(loaders.deliveries_by_initiative, [row.id for row in rows])
    return ()


async def dependencies(
    loaders: Loaders, rows: Sequence[Row], _: list[SelectedField]
) -> Sequence[Row]:
    groups = await load_batch(loaders.dependencies_by_dependant, [row.id for row in rows])
    return [row for group in groups for row in group]


async def suppliers(loaders: Loaders, rows: Sequence[Row], _: list[SelectedField]) -> Sequence[Row]:
    initiative_ids = {row.supplier_initiative_id for row in rows} - {None}
    solution_ids = {row.supplier_solution_id for row in rows} - {None}
    loads: list[Awaitable[Any]] = [
        load_batch(loaders.initiative_by_id, initiative_ids),
        load_batch(loaders.solution_by_id, solution_ids),
    ]
    await asyncio.gather(*loads)
    return ()

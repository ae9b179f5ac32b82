"""Writes of dependencies: add (self, duplicates and cycles refused) and remove, and the
cycle check every write that adds an edge uses. Each runs inside
:func:`app.writes.run_write`'s transaction and refuses by raising (guards, ``Problems.check``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

import graph
from app import repository
from app.auth import EVERYTHING, Viewer
from app.messages import message
from app.repository import Row
from app.tables import (
    dependency_table,
    developed_table,
    initiative_table,
    solution_table,
)
from app.validation import MAX_TEXT, Cycle, NotFound, Problems
from app.writes import (
    audit,
    initiative_by_code,
    owned_initiative,
    refuse,
)


async def current_graph(connection: AsyncConnection) -> Any:
    """The dependency graph as stored now (read in the caller's transaction)."""
    initiatives = (
        await connection.execute(sa.select(initiative_table.c.code, initiative_table.c.name))
    ).all()
    solutions = (
        await connection.execute(
            sa.select(solution_table.c.code, solution_table.c.name, solution_table.c.category)
        )
    ).all()
    supplier_initiative = initiative_table.alias("supplier_initiative")
    dependant = initiative_table.alias("dependant")
    edges = (
        await connection.execute(
            sa.select(
                sa.func.coalesce(supplier_initiative.c.code, solution_table.c.code).label(
                    "supplier"
                ),
                dependant.c.code.label("dependant"),
                dependency_table.c.criticality,
            )
            .join(dependant, dependant.c.id == dependency_table.c.dependant_id)
            .outerjoin(
                supplier_initiative,
                supplier_initiative.c.id == dependency_table.c.supplier_initiative_id,
            )
            .outerjoin(
                solution_table, solution_table.c.id == dependency_table.c.supplier_solution_id
            )
        )
    ).all()
    developments = (
        await connection.execute(
            sa.select(
                initiative_table.c.code.label("initiative"), solution_table.c.code.label("solution")
            )
            .join(developed_table, developed_table.c.initiative_id == initiative_table.c.id)
            .join(solution_table, solution_table.c.id == developed_table.c.solution_id)
        )
    ).all()
    return graph.build_dependency_graph(
        initiatives=[
            graph.InitiativeNode(row.code, row.name, None, None, None) for row in initiatives
        ],
        solutions=[graph.SolutionNode(row.code, row.name, str(row.category)) for row in solutions],
        dependencies=[
            graph.DependencyEdge(
                row.supplier, row.dependant, graph.Criticality(str(row.criticality))
            )
            for row in edges
        ],
        developments=[graph.Development(row.initiative, row.solution) for row in developments],
    )


async def development_cycle(
    connection: AsyncConnection, *, viewer: Viewer, initiative: str, solutions: Iterable[str]
) -> Cycle | None:
    """The cycle that ``initiative`` developing ``solutions`` would close, if any.

    Developing a solution is the edge initiative → solution (criticality HIGH), so each is
    checked as that dependency would be, on the graph as stored now plus the ones before it.
    """
    dependency_graph = await current_graph(connection)
    for solution in solutions:
        cycle = graph.would_create_cycle(dependency_graph, supplier=initiative, dependant=solution)
        if cycle is not None:
            return Cycle(
                await _as_seen_by(connection, cycle, viewer),
                subject=message("cycle.developing", solution=solution),
            )
        graph.add_dependency_edge(
            dependency_graph,
            supplier=initiative,
            dependant=solution,
            criticality=graph.Criticality.HIGH,
            development=True,
        )
    return None


UNSEEN = "…"
"""Stands in a refused cycle for an initiative the caller may not see (never a code)."""


async def _as_seen_by(
    connection: AsyncConnection, path: Sequence[str], viewer: Viewer
) -> tuple[str, ...]:
    """A cycle's codes, with the initiatives the viewer may not see left unnamed.

    The cycle check covers every stored dependency, proposals' too (admitting one must
    never close a cycle), but the refusal must not name a proposal the caller may not see.
    """
    stored = await repository.initiatives_by_codes(connection, path, visibility=EVERYTHING)
    seen = await repository.initiatives_by_codes(connection, path, visibility=viewer.visibility)
    return tuple(UNSEEN if code in stored and code not in seen else code for code in path)


@dataclass(frozen=True, slots=True)
class Supplier:
    code: str
    initiative_id: int | None
    solution_id: int | None


async def _supplier(connection: AsyncConnection, code: str, viewer: Viewer) -> Supplier | None:
    """The initiative (if the viewer may see it) or solution with ``code``."""
    initiative = await initiative_by_code(connection, code, visibility=viewer.visibility)
    if initiative is not None:
        return Supplier(code, initiative.id, None)
    solution = (await repository.solutions_by_codes(connection, [code])).get(code)
    return Supplier(code, None, solution.id) if solution is not None else None


async def _existing_dependency(
    connection: AsyncConnection, dependant_id: int, supplier: Supplier
) -> Row | None:
    condition = (
        dependency_table.c.supplier_initiative_id == supplier.initiative_id
        if supplier.initiative_id is not None
        else dependency_table.c.supplier_solution_id == supplier.solution_id
    )
    result = await connection.execute(
        sa.select(dependency_table.c.id).where(
            dependency_table.c.dependant_id == dependant_id, condition
        )
    )
    found = result.first()
    if found is None:
        return None
    return await repository.dependency_by_id(connection, found.id, visibility=EVERYTHING)


async def add_dependency(
    connection: AsyncConnection, *, viewer: Viewer, values: Mapping[str, Any]
) -> Row:
    """The dependant starts to depend on the supplier; self, duplicates and cycles are refused."""
    dependant = await owned_initiative(connection, viewer, values["dependant"], field="dependant")
    supplier = await _supplier(connection, values["supplier"], viewer)
    if supplier is None:
        refuse(NotFound("supplier", values["supplier"], message("noun.initiative_or_solution")))
    problems = Problems()
    problems.between("lagDays", values.get("lag_days"), -3650, 3650)
    problems.date_in_range("neededBy", values.get("needed_by"))
    problems.text("description", values.get("description"), max_length=MAX_TEXT)
    if supplier.initiative_id == dependant.id:
        problems.add("supplier", "self_dependency")
    elif await _existing_dependency(connection, dependant.id, supplier) is not None:
        problems.add(
            "supplier", "already_depends", dependant=dependant.code, supplier=supplier.code
        )
    delivery_id = None
    if values.get("supplier_delivery") is not None:
        delivery = await repository.delivery_by_code(
            connection, values["supplier_delivery"], visibility=viewer.visibility
        )
        if delivery is None:
            problems.add("supplierDelivery", "no_delivery", code=repr(values["supplier_delivery"]))
        elif delivery.initiative_id != supplier.initiative_id:
            problems.add("supplierDelivery", "not_delivery_of", supplier=supplier.code)
        else:
            delivery_id = delivery.id
    problems.check()
    cycle = graph.would_create_cycle(
        await current_graph(connection), supplier=supplier.code, dependant=dependant.code
    )
    if cycle is not None:
        refuse(Cycle(await _as_seen_by(connection, cycle, viewer)))
    dependency_id = await connection.scalar(
        dependency_table.insert()
        .values(
            dependant_id=dependant.id,
            supplier_initiative_id=supplier.initiative_id,
            supplier_solution_id=supplier.solution_id,
            supplier_delivery_id=delivery_id,
            criticality=values["criticality"],
            type=values["type"],
            lag_days=values.get("lag_days") or 0,
            needed_by=values.get("needed_by"),
            description=values.get("description"),
        )
        .returning(dependency_table.c.id)
    )
    assert dependency_id is not None
    row = await repository.dependency_by_id(connection, dependency_id, visibility=EVERYTHING)
    await audit(
        viewer=viewer,
        action="dependency.add",
        entity_type="Dependency",
        entity_code=f"{dependant.code}<-{supplier.code}",
        before=None,
        after=row,
    )
    assert row is not None
    return row


async def remove_dependency(
    connection: AsyncConnection, *, viewer: Viewer, dependant_code: str, supplier_code: str
) -> Row:
    """Remove the dependant's dependency on the supplier; returns the removed row."""
    dependant = await owned_initiative(connection, viewer, dependant_code, field="dependant")
    supplier = await _supplier(connection, supplier_code, viewer)
    existing = (
        await _existing_dependency(connection, dependant.id, supplier)
        if supplier is not None
        else None
    )
    if existing is None:
        refuse(
            NotFound(
                "supplier", supplier_code, message("noun.dependency_of", dependant=dependant_code)
            )
        )
    await connection.execute(dependency_table.delete().where(dependency_table.c.id == existing.id))
    await audit(
        viewer=viewer,
        action="dependency.remove",
        entity_type="Dependency",
        entity_code=f"{dependant_code}<-{supplier_code}",
        before=existing,
        after=None,
    )
    return existing

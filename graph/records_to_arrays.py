"""The dependency graph's arrays made straight from its records, without walking a graph.

:func:`~graph.arrays.graph_arrays` reads the arrays off a built networkx graph, a Python
step per edge. Here each column is read once from the records and the rest is numpy; the
graph builder (:func:`graph.build.build_graph_and_arrays`) fills networkx in the edge
order found here, so the two are made together for less than either apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np

from graph.arrays import NO_DAY, STRENGTH, GraphArrays
from graph.model import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    NodeKind,
    SolutionNode,
)

__all__ = ["EdgeTable", "arrays_from_records", "edge_table"]


def arrays_from_records(
    *,
    initiatives: Sequence[InitiativeNode],
    solutions: Sequence[SolutionNode],
    dependencies: Sequence[DependencyEdge],
    developments: Sequence[Development] = (),
) -> GraphArrays:
    """The arrays of the graph :func:`~graph.build.build_dependency_graph` makes of these
    records, equal to ``graph_arrays`` of it, without walking the graph.

    The records must be valid (the build checks them; call this after it). Each column is
    read once from the records and the rest is numpy: the edges sorted by (supplier,
    dependant) — the order of networkx's adjacency, since nodes and edges are inserted
    in code order — and of a repeated pair the strongest kept, the first on a tie, as
    the build keeps it. A development is a HIGH finish-to-start edge without lag.

    Examples
    --------
    >>> from graph.model import Criticality
    >>> arrays = arrays_from_records(
    ...     initiatives=[InitiativeNode("PLL", "PLL", None, None, None),
    ...                  InitiativeNode("HP", "HP", None, None, None)],
    ...     solutions=[SolutionNode("KJ", "Kjernejournal", "NATIONAL_EHEALTH_SOLUTION")],
    ...     dependencies=[DependencyEdge("KJ", "PLL", Criticality.LOW),
    ...                   DependencyEdge("PLL", "HP", Criticality.MEDIUM),
    ...                   DependencyEdge("KJ", "PLL", Criticality.HIGH)],
    ... )
    >>> arrays.codes, arrays.supplier.tolist(), arrays.dependant.tolist()
    (('HP', 'KJ', 'PLL'), [1, 2], [2, 0])
    >>> arrays.strength.tolist()
    [2, 1]
    """
    return edge_table(
        initiatives=initiatives,
        solutions=solutions,
        dependencies=dependencies,
        developments=developments,
    ).arrays


class EdgeTable(NamedTuple):
    """The arrays, and which records became the edges, in edge order.

    ``kept[i]`` is the record of edge ``i``: an index into ``dependencies`` below their
    count, else into ``developed`` (the distinct developments) after them.
    """

    arrays: GraphArrays
    kept: list[int]
    developed: list[tuple[str, str]]


def edge_table(
    *,
    initiatives: Sequence[InitiativeNode],
    solutions: Sequence[SolutionNode],
    dependencies: Sequence[DependencyEdge],
    developments: Sequence[Development] = (),
) -> EdgeTable:
    """:func:`arrays_from_records`, with the records each edge came from."""
    kinds = {record.code: NodeKind.INITIATIVE for record in initiatives}
    kinds.update((record.code, NodeKind.SOLUTION) for record in solutions)
    codes = tuple(sorted(kinds))
    position = {code: index for index, code in enumerate(codes)}
    is_initiative = np.fromiter(
        (kinds[code] is NodeKind.INITIATIVE for code in codes), bool, len(codes)
    )
    columns = list(zip(*dependencies, strict=True)) if dependencies else [()] * 8
    suppliers, dependants, criticalities, types, lags, _, deliveries, forecasts = columns
    developed = list(dict.fromkeys((item.initiative, item.solution) for item in developments))
    count, extra = len(dependencies), len(developed)
    total = count + extra
    supplier = np.fromiter(
        map(position.__getitem__, chain(suppliers, (pair[0] for pair in developed))),
        np.int64,
        total,
    )
    dependant = np.fromiter(
        map(position.__getitem__, chain(dependants, (pair[1] for pair in developed))),
        np.int64,
        total,
    )
    strength = np.fromiter(
        chain(map(STRENGTH.__getitem__, criticalities), repeat(STRENGTH[Criticality.HIGH], extra)),
        np.int8,
        total,
    )
    key = supplier * len(codes) + dependant
    # By pair; of a repeated pair the strongest first, then the earliest record.
    order = np.lexsort((np.arange(total), -strength.astype(np.int64), key))
    keep = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
    lag_days = np.fromiter(chain(lags, repeat(0, extra)), np.int64, total)
    finish_to_finish = np.fromiter(
        chain(map(DependencyType.FINISH_TO_FINISH.__eq__, types), repeat(False, extra)),
        bool,
        total,
    )
    forecast = np.fromiter(
        chain(
            (NO_DAY if day is None else day.toordinal() for day in forecasts),
            repeat(NO_DAY, extra),
        ),
        np.int64,
        total,
    )
    every_delivery = np.fromiter(chain(deliveries, repeat(None, extra)), object, total)
    arrays = GraphArrays(
        codes=codes,
        position=position,
        is_initiative=is_initiative,
        supplier=supplier[keep],
        dependant=dependant[keep],
        strength=strength[keep],
        lag_days=lag_days[keep],
        finish_to_finish=finish_to_finish[keep],
        forecast=forecast[keep],
        deliveries=tuple(every_delivery[keep].tolist()),
    )
    return EdgeTable(arrays, keep.tolist(), developed)

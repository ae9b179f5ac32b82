"""Benchmark the dependency analysis on synthetic portfolios.

Generates, in memory and from a fixed seed, a random acyclic portfolio of N initiatives
(about three dependencies each, on uniformly random earlier initiatives or on one of
twenty solutions, each solution developed by one early initiative), then reports the median
wall time of each analysis step as a markdown table. Not part of the test run.

    python benchmarks/bench_graph.py --sizes 10000 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order

from graph import (  # after the path is set, so the script runs from anywhere
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    Level,
    SolutionNode,
    StatusSnapshot,
    build_dependency_graph,
    compute_schedule,
    graph_arrays,
    key_initiatives,
    propagate_red_status,
    slip_impact,
    trace_red_status,
    transitive_dependant_counts,
)

SOLUTION_COUNT = 20
DEPENDENCIES_PER_INITIATIVE = 3
RED_SHARE = 0.03  # a few hundred red initiatives in a 10,000-initiative portfolio
CRITICALITY_WEIGHTS = {Criticality.HIGH: 0.3, Criticality.MEDIUM: 0.4, Criticality.LOW: 0.3}


@dataclass(frozen=True)
class Portfolio:
    initiatives: list[InitiativeNode]
    solutions: list[SolutionNode]
    dependencies: list[DependencyEdge]
    developments: list[Development]
    statuses: dict[str, StatusSnapshot]


def generate_portfolio(size: int, *, seed: int = 2024) -> Portfolio:
    """Return a random acyclic portfolio: edges only run from lower to higher rank."""
    rng = random.Random(seed)
    epoch = date(2024, 1, 1)
    initiatives = []
    for position in range(size):
        start = epoch + timedelta(days=rng.randrange(0, 1460))
        end = start + timedelta(days=rng.randrange(60, 900))
        forecast = end + timedelta(days=rng.randrange(0, 120)) if rng.random() < 0.4 else None
        initiatives.append(
            InitiativeNode(f"I{position:06d}", f"Initiative {position}", start, end, forecast)
        )
    solutions = [
        SolutionNode(f"S{number:02d}", f"Solution {number}", "FOUNDATION")
        for number in range(SOLUTION_COUNT)
    ]
    # Solution k is developed by initiative k; only later initiatives may depend on it.
    developments = [
        Development(initiatives[number].code, solution.code)
        for number, solution in enumerate(solutions)
    ]
    levels = list(CRITICALITY_WEIGHTS)
    weights = list(CRITICALITY_WEIGHTS.values())
    dependencies = []
    for position in range(1, size):
        suppliers: set[str] = set()
        for _ in range(DEPENDENCIES_PER_INITIATIVE):
            if position > SOLUTION_COUNT and rng.random() < 0.3:
                suppliers.add(rng.choice(solutions).code)
            else:
                suppliers.add(initiatives[rng.randrange(position)].code)
        for supplier in sorted(suppliers):
            dependencies.append(
                DependencyEdge(
                    supplier=supplier,
                    dependant=initiatives[position].code,
                    criticality=rng.choices(levels, weights)[0],
                    type=(
                        DependencyType.FINISH_TO_FINISH
                        if rng.random() < 0.1
                        else DependencyType.FINISH_TO_START
                    ),
                    lag_days=rng.choice((0, 0, 0, 14, 30)),
                    needed_by=epoch + timedelta(days=rng.randrange(0, 2000))
                    if rng.random() < 0.3
                    else None,
                )
            )
    statuses = {
        initiative.code: StatusSnapshot(
            Level.RED if rng.random() < RED_SHARE else Level.GREEN,
            Level.RED if rng.random() < RED_SHARE else Level.YELLOW,
        )
        for initiative in initiatives
    }
    return Portfolio(initiatives, solutions, dependencies, developments, statuses)


class Reference:
    """From-scratch numpy/scipy kernels on the same portfolio: the anchor of each step.

    They answer what the service's kernels answer on this generator's acyclic graphs
    (levels of every node; earliest finishes, latest finishes; what moves in a slip),
    on arrays taken straight from the records, with nothing kept between calls and
    nothing turned back into Python objects.
    """

    def __init__(self, portfolio: Portfolio) -> None:
        codes = sorted(
            [node.code for node in portfolio.initiatives]
            + [node.code for node in portfolio.solutions]
        )
        position = {code: index for index, code in enumerate(codes)}
        self.size = len(codes)
        edges = [
            (
                position[edge.supplier],
                position[edge.dependant],
                edge.criticality.strength,
                edge.lag_days,
                edge.type == DependencyType.FINISH_TO_FINISH,
            )
            for edge in portfolio.dependencies
        ] + [
            (position[development.initiative], position[development.solution], 2, 0, False)
            for development in portfolio.developments
        ]
        table = np.array(edges, np.int64)
        self.supplier, self.dependant, self.strength, self.lag = table[:, :4].T.copy()
        self.finish_to_finish = table[:, 4].astype(bool)
        self.start = np.full(self.size, NONE, np.int64)
        self.duration = np.zeros(self.size, np.int64)
        for node in portfolio.initiatives:
            end = node.forecast_end or node.planned_end
            assert node.planned_start is not None
            assert end is not None
            self.start[position[node.code]] = node.planned_start.toordinal()
            self.duration[position[node.code]] = max(0, (end - node.planned_start).days)
        self.sources = np.array(
            [
                position[code]
                for code, snapshot in portfolio.statuses.items()
                if snapshot.status == Level.RED
            ],
            np.int64,
        )
        self.last = int(np.argmax(np.where(self.start != NONE, self.start + self.duration, NONE)))

    def propagation_levels(self) -> np.ndarray:
        """0 none, 1 YELLOW, 2 RED: one breadth-first search per level from a super-source."""
        levels = np.zeros(self.size, np.int8)
        for weakest, level in ((1, 1), (2, 2)):
            keep = self.strength >= weakest
            supplier, dependant = self.supplier[keep], self.dependant[keep]
            root = self.size
            from_root = np.unique(dependant[np.isin(supplier, self.sources)])
            rows = np.concatenate((supplier, np.full(len(from_root), root)))
            columns = np.concatenate((dependant, from_root))
            matrix = csr_array(
                (np.ones(len(rows), np.int8), (rows, columns)), shape=(root + 1, root + 1)
            )
            reached = breadth_first_order(matrix, root, return_predecessors=False)[1:]
            levels[reached] = level
        return levels

    def schedule(self, duration: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Earliest and latest finish of every node (CPM over topological generations)."""
        duration = self.duration if duration is None else duration
        order_in = np.argsort(self.dependant, kind="stable")
        order_out = np.argsort(self.supplier, kind="stable")
        starts_in = np.concatenate(
            ([0], np.cumsum(np.bincount(self.dependant, minlength=self.size)))
        )
        starts_out = np.concatenate(
            ([0], np.cumsum(np.bincount(self.supplier, minlength=self.size)))
        )
        waiting = np.diff(starts_in).copy()
        generation = np.flatnonzero(waiting == 0)
        generations = []
        while generation.size:
            generations.append(generation)
            touched = self.dependant[order_out[_ranges(starts_out, generation)]]
            np.subtract.at(waiting, touched, 1)
            candidates = np.unique(touched)
            generation = candidates[waiting[candidates] == 0]
        finish = np.full(self.size, NONE, np.int64)
        for nodes in generations:
            edges = order_in[_ranges(starts_in, nodes)]
            owner = np.repeat(np.arange(len(nodes)), np.diff(starts_in)[nodes])
            bound = np.where(
                finish[self.supplier[edges]] != NONE,
                finish[self.supplier[edges]] + self.lag[edges],
                NONE,
            )
            start_bound = np.full(len(nodes), NONE, np.int64)
            finish_bound = np.full(len(nodes), NONE, np.int64)
            ff = self.finish_to_finish[edges]
            np.maximum.at(start_bound, owner[~ff], bound[~ff])
            np.maximum.at(finish_bound, owner[ff], bound[ff])
            own = self.start[nodes]
            begin = np.maximum(np.maximum(own, start_bound), finish_bound - duration[nodes])
            finish[nodes] = np.where(
                own != NONE, begin + duration[nodes], np.maximum(start_bound, finish_bound)
            )
        project = finish.max()
        latest = np.full(self.size, -NONE, np.int64)
        for nodes in reversed(generations):
            edges = order_out[_ranges(starts_out, nodes)]
            owner = np.repeat(np.arange(len(nodes)), np.diff(starts_out)[nodes])
            after = self.dependant[edges]
            scheduled = finish[after] != NONE
            bound = (
                np.where(
                    self.finish_to_finish[edges], latest[after], latest[after] - duration[after]
                )
                - self.lag[edges]
            )
            limit = np.full(len(nodes), project, np.int64)
            np.minimum.at(limit, owner[scheduled], bound[scheduled])
            latest[nodes] = limit
        return finish, latest

    def impact(self, slip_days: int = 30) -> np.ndarray:
        """Positions whose earliest finish moves when the last initiative slips."""
        before, _ = self.schedule()
        duration = self.duration.copy()
        duration[self.last] += slip_days
        after, _ = self.schedule(duration)
        return np.flatnonzero(after != before)


NONE = np.iinfo(np.int64).min // 4


def _ranges(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    begin = starts[rows]
    lengths = starts[rows + 1] - begin
    shifts = np.repeat(begin - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return shifts + np.arange(int(lengths.sum()))


def interleaved(steps: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Each step once per round, in turn (A, B, C, A, B, C, …), after one warm-up each."""
    for step in steps.values():
        step()
    timings: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            step()
            timings[name].append(time.perf_counter() - started)
    return timings


def median_iqr(values: list[float]) -> str:
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return f"{quartiles[1]:.4f} [{quartiles[0]:.4f}–{quartiles[2]:.4f}]"


def measure_against_reference(size: int, *, rounds: int) -> list[str]:
    """Markdown rows: each kernel of the service beside its from-scratch reference."""
    portfolio = generate_portfolio(size)
    graph = build_dependency_graph(
        initiatives=portfolio.initiatives,
        solutions=portfolio.solutions,
        dependencies=portfolio.dependencies,
        developments=portfolio.developments,
    )
    reference = Reference(portfolio)
    arrays = graph_arrays(graph)
    before = compute_schedule(graph, arrays=arrays)
    last = reference_code(graph, reference)
    # The anchor answers the same question: same levels, same dates.
    service_levels = propagate_red_status(graph, portfolio.statuses, kind=None)
    assert len(service_levels) == int((reference.propagation_levels() > 0).sum())
    finish, latest = reference.schedule()
    scheduled = {**before.items, **before.milestones}
    assert all(
        (item.earliest_finish.toordinal(), item.latest_finish.toordinal())
        == (finish[arrays.position[code]], latest[arrays.position[code]])
        for code, item in scheduled.items()
    )
    steps = {
        "service propagation": lambda: trace_red_status(
            graph, portfolio.statuses, arrays=arrays
        ).levels(None),
        "reference propagation": reference.propagation_levels,
        "service schedule": lambda: compute_schedule(graph, arrays=arrays),
        "reference schedule": reference.schedule,
        "service impact": lambda: slip_impact(
            graph, code=last, slip_days=30, arrays=arrays, before=before
        ),
        "reference impact": reference.impact,
    }
    timings = interleaved(steps, rounds)
    lines = []
    for kernel in ("propagation", "schedule", "impact"):
        service = timings[f"service {kernel}"]
        anchor = timings[f"reference {kernel}"]
        ratio = statistics.median(service) / statistics.median(anchor)
        lines.append(
            f"| {size:,} | {kernel} | {median_iqr(service)} | {median_iqr(anchor)} | {ratio:.1f}× |"
        )
    return lines


def reference_code(graph: Any, reference: Reference) -> str:
    codes = sorted(graph)
    return codes[reference.last]


def median_seconds(step: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(
    size: int, *, repeat: int, key_limit: int
) -> tuple[int, int, int, int, dict[str, float]]:
    """Time each step on a portfolio of ``size`` initiatives: the median of ``repeat`` runs."""
    portfolio = generate_portfolio(size)

    def build() -> Any:
        return build_dependency_graph(
            initiatives=portfolio.initiatives,
            solutions=portfolio.solutions,
            dependencies=portfolio.dependencies,
            developments=portfolio.developments,
        )

    graph = build()
    sources = sum(snapshot.status == Level.RED for snapshot in portfolio.statuses.values())
    flagged = len(propagate_red_status(graph, portfolio.statuses))
    timings = {
        "build": median_seconds(build, repeat),
        "propagation": median_seconds(
            lambda: propagate_red_status(graph, portfolio.statuses), repeat
        ),
        "schedule": median_seconds(lambda: compute_schedule(graph), repeat),
        "transitive counts": median_seconds(lambda: transitive_dependant_counts(graph), repeat),
        "key initiatives": median_seconds(lambda: key_initiatives(graph, limit=key_limit), repeat),
    }
    return size, graph.number_of_edges(), sources, flagged, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--key-limit", type=int, default=20)
    parser.add_argument(
        "--reference-rounds", type=int, default=7,
        help="interleaved rounds of each kernel and its numpy/scipy reference",
    )  # fmt: skip
    arguments = parser.parse_args()

    print("| initiatives | kernel | service s, median [IQR] | numpy/scipy reference s | ratio |")
    print("|---:|---|---:|---:|---:|")
    for size in arguments.sizes:
        for line in measure_against_reference(size, rounds=arguments.reference_rounds):
            print(line, flush=True)
    print()

    rows = [
        measure(size, repeat=arguments.repeat, key_limit=arguments.key_limit)
        for size in arguments.sizes
    ]
    steps = list(rows[0][4]) if rows else []
    print(
        "| initiatives | edges | red sources | flagged | "
        + " | ".join(f"{step} (s)" for step in steps)
        + " |"
    )
    print("|---:|---:|---:|---:|" + "---:|" * len(steps))
    for size, edges, sources, flagged, timings in rows:
        print(
            f"| {size:,} | {edges:,} | {sources:,} | {flagged:,} | "
            + " | ".join(f"{timings[step]:.3f}" for step in steps)
            + " |"
        )


if __name__ == "__main__":
    main()

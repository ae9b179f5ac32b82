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
    key_initiatives,
    propagate_red_status,
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
    arguments = parser.parse_args()

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

"""Arguments several fields share, the analysis enums, and their checks."""

from __future__ import annotations

from typing import Annotated

import strawberry

import graph
from app.messages import message
from schema.enums import TrafficLight
from schema.errors import UserInputError

NodeKind = graph.NodeKind
Direction = graph.Direction
ExportFormat = graph.ExportFormat

PeriodArgument = Annotated[
    str | None,
    strawberry.argument(description="Reporting period code; default: the current period."),
]
AsOfPeriodArgument = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "Reporting period code: the answer as that round knew the portfolio (its dates,"
            " forecasts, dependencies and the statuses reported up to it); default: the"
            " current period."
        )
    ),
]
IncludeRiskArgument = Annotated[
    bool,
    strawberry.argument(description="Also count initiatives whose risk level is RED as sources."),
]
KindArgument = Annotated[
    NodeKind | None, strawberry.argument(description="Only nodes of this kind.")
]
MaxDepthArgument = Annotated[
    int | None, strawberry.argument(description="Follow at most this many hops.")
]


def level_of(level: graph.Level) -> TrafficLight:
    return TrafficLight(level.value)


def check_max_depth(max_depth: int | None) -> None:
    if max_depth is not None and max_depth < 1:
        raise UserInputError(
            message("input.at_least", argument="maxDepth", low=1, value=max_depth),
            argument="maxDepth",
        )

"""The dependency graph as a view to draw or export: its nodes, edges and export text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

import networkx as nx
import strawberry

import graph
from schema.arguments import ExportFormat, NodeKind, level_of
from schema.bounds import PORTFOLIO_LIST, FirstPortfolio, check_first, first_page
from schema.context import Info
from schema.enums import Criticality, DependencyType, TrafficLight
from schema.types import PortfolioNode, load_node


@strawberry.type(description="A node of a dependency-graph view.")
class GraphNode:
    code: str = strawberry.field(description="Code of the initiative or solution.")
    name: str = strawberry.field(description="Its name.")
    kind: NodeKind = strawberry.field(description="Initiative or solution.")
    status: TrafficLight | None = strawberry.field(
        description="Status in the period (initiatives only)."
    )
    risk_level: TrafficLight | None = strawberry.field(
        description="Risk level in the period (initiatives only)."
    )
    propagated_level: TrafficLight | None = strawberry.field(
        description="Level inherited from red sources upstream (solutions relay it)."
    )
    depth: int | None = strawberry.field(description="Hops from the root, when there is one.")
    layer: int = strawberry.field(
        description="Column for drawing: the longest supplier chain into the node in the view."
    )

    @strawberry.field(description="The initiative or solution.")
    async def node(self, info: Info) -> PortfolioNode:
        return await load_node(info, self.code)


@strawberry.type(
    description="An edge of a dependency-graph view: the dependant needs the supplier."
)
class GraphEdge:
    supplier_code: str = strawberry.field(
        description="Code of the initiative or solution depended on."
    )
    dependant_code: str = strawberry.field(description="Code of the initiative that depends.")
    criticality: Criticality = strawberry.field(
        description="How much the dependant needs the supplier."
    )
    type: DependencyType = strawberry.field(description="How the dates are linked.")
    lag_days: int = strawberry.field(
        description="Days between the supplier's finish and the dependant's start or finish."
    )
    needed_by: date | None = strawberry.field(
        description="The day the dependant needs the supplier's result."
    )
    late: bool = strawberry.field(description="The supplier's date is after `neededBy`.")
    development: bool = strawberry.field(
        description="True for the edge from an initiative to a solution it develops."
    )


@strawberry.type(description="A subgraph (or the whole portfolio) ready to draw or export.")
class DependencyGraph:
    view: strawberry.Private[nx.DiGraph]
    statuses: strawberry.Private[Mapping[str, graph.StatusSnapshot]]
    levels: strawberry.Private[Mapping[str, graph.Level]]
    slack: strawberry.Private[Mapping[tuple[str, str], graph.Slack]]
    depths: strawberry.Private[Mapping[str, int]]
    layers: strawberry.Private[Mapping[str, int]]

    @strawberry.field(description="The view's nodes, by code.")
    def nodes(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[GraphNode]:
        codes = first_page(sorted(self.view), first, PORTFOLIO_LIST)
        found = []
        for code in codes:
            snapshot = self.statuses.get(code)
            level = self.levels.get(code)
            found.append(
                GraphNode(
                    code=code,
                    name=self.view.nodes[code]["data"].name,
                    kind=self.view.nodes[code]["kind"],
                    status=level_of(snapshot.status) if snapshot and snapshot.status else None,
                    risk_level=(
                        level_of(snapshot.risk_level) if snapshot and snapshot.risk_level else None
                    ),
                    propagated_level=level_of(level) if level is not None else None,
                    depth=self.depths.get(code),
                    layer=self.layers[code],
                )
            )
        return found

    @strawberry.field(description="How many nodes the view holds.")
    def node_count(self) -> int:
        return int(self.view.number_of_nodes())

    @strawberry.field(description="The view's edges, by supplier code then dependant code.")
    def edges(self, first: FirstPortfolio = PORTFOLIO_LIST.default) -> list[GraphEdge]:
        check_first(first, PORTFOLIO_LIST)
        found = []
        for supplier, dependant, attributes in sorted(self.view.edges(data=True))[:first]:
            found.append(
                GraphEdge(
                    supplier_code=supplier,
                    dependant_code=dependant,
                    criticality=Criticality(attributes["criticality"].value),
                    type=DependencyType(attributes["type"].value),
                    lag_days=attributes["lag_days"],
                    needed_by=attributes.get("needed_by"),
                    late=self._is_late(supplier, dependant),
                    development=bool(attributes.get("development")),
                )
            )
        return found

    @strawberry.field(description="How many edges the view holds.")
    def edge_count(self) -> int:
        return int(self.view.number_of_edges())

    @strawberry.field(description="The whole view as GraphML, GEXF, DOT or Mermaid text.")
    def export(
        self,
        format: Annotated[
            ExportFormat, strawberry.argument(description="The text format to write.")
        ],
    ) -> str:
        # The view is this request's own copy, so it may carry what the export shows.
        for code in self.view:
            snapshot = self.statuses.get(code)
            level = self.levels.get(code)
            self.view.nodes[code]["status"] = (
                snapshot.status.value if snapshot and snapshot.status else ""
            )
            self.view.nodes[code]["propagated_level"] = level.value if level is not None else ""
        for supplier, dependant in self.view.edges:
            self.view.edges[supplier, dependant]["late"] = self._is_late(supplier, dependant)
        return graph.export_graph(self.view, format=format)

    def _is_late(self, supplier: str, dependant: str) -> bool:
        edge_slack = self.slack.get((supplier, dependant))
        return bool(edge_slack and edge_slack.is_late)

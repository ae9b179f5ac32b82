"""Pure dependency analysis of the e-health portfolio, on networkx.

Build a graph with :func:`build_dependency_graph` (edge ``u -> v`` means "v depends on
u"), then ask it for chains, red-status propagation, the critical-path schedule, late
dependencies, what-if slips, key initiatives, cycles, or an export. Nothing here touches
the database or GraphQL; every function leaves its input graph unchanged.

Examples
--------
>>> from graph import Criticality, DependencyEdge, InitiativeNode, build_dependency_graph
>>> graph = build_dependency_graph(
...     initiatives=[InitiativeNode("PDS", "Program digital samhandling", None, None, None),
...                  InitiativeNode("PJD", "Pasientens journaldokumenter", None, None, None)],
...     solutions=[],
...     dependencies=[DependencyEdge("PDS", "PJD", Criticality.HIGH)],
... )
>>> [node.code for node in downstream(graph, "PDS")]
['PJD']
"""

from graph.arrays import GraphArrays, graph_arrays
from graph.build import (
    add_dependency_edge,
    build_dependency_graph,
    build_graph_and_arrays,
    require_node,
)
from graph.cancellation import cancellable, checkpoint
from graph.chains import (
    Chain,
    ChainNode,
    FoundationChain,
    FoundationDependency,
    downstream,
    foundation_dependencies,
    upstream,
)
from graph.critical import MAX_CHAINS, CriticalSet, critical_path, critical_set, near_critical
from graph.cycles import find_cycles, one_cycle, refused_edges, would_create_cycle
from graph.errors import (
    AnalysisCancelled,
    DeliveryNotFound,
    DependencyCycle,
    DuplicateNode,
    GraphError,
    InvalidDependency,
    NodeNotFound,
    NodeNotScheduled,
)
from graph.export import Direction, ExportFormat, export_graph, subgraph
from graph.impact import Impact, LateDependency, MovedInitiative, slip_impact
from graph.layout import dependency_layers
from graph.model import (
    Criticality,
    DependencyEdge,
    DependencyType,
    Development,
    InitiativeNode,
    Level,
    NodeKind,
    SolutionNode,
    StatusSnapshot,
)
from graph.propagation import (
    FlaggedRisks,
    PropagatedRisk,
    RedStatusTrace,
    SourceReach,
    propagate_red_status,
    red_sources,
    retrace_red_status,
    trace_red_status,
)
from graph.ranking import KeyInitiative, key_initiatives, transitive_dependant_counts
from graph.records_to_arrays import arrays_from_records
from graph.scenario import (
    AddDependency,
    PortfolioComparison,
    RemoveDependency,
    ScenarioChange,
    ScenarioFacts,
    SetDates,
    SetRisk,
    SetStatus,
    Slip,
    apply_dependency_changes,
    apply_scenario,
    compare_portfolios,
    scenario_facts,
)
from graph.schedule import (
    Schedule,
    ScheduleItem,
    compute_schedule,
    cycle_dependent,
    earliest_finishes,
    supplier_date,
)
from graph.slack import Slack, dependency_slack, dependency_slack_around_cycles

__all__ = [
    "MAX_CHAINS",
    "AddDependency",
    "AnalysisCancelled",
    "Chain",
    "ChainNode",
    "CriticalSet",
    "Criticality",
    "DeliveryNotFound",
    "DependencyCycle",
    "DependencyEdge",
    "DependencyType",
    "Development",
    "Direction",
    "DuplicateNode",
    "ExportFormat",
    "FlaggedRisks",
    "FoundationChain",
    "FoundationDependency",
    "GraphArrays",
    "GraphError",
    "Impact",
    "InitiativeNode",
    "InvalidDependency",
    "KeyInitiative",
    "LateDependency",
    "Level",
    "MovedInitiative",
    "NodeKind",
    "NodeNotFound",
    "NodeNotScheduled",
    "PortfolioComparison",
    "PropagatedRisk",
    "RedStatusTrace",
    "RemoveDependency",
    "ScenarioChange",
    "ScenarioFacts",
    "Schedule",
    "ScheduleItem",
    "SetDates",
    "SetRisk",
    "SetStatus",
    "Slack",
    "Slip",
    "SolutionNode",
    "SourceReach",
    "StatusSnapshot",
    "add_dependency_edge",
    "apply_dependency_changes",
    "apply_scenario",
    "arrays_from_records",
    "build_dependency_graph",
    "build_graph_and_arrays",
    "cancellable",
    "checkpoint",
    "compare_portfolios",
    "compute_schedule",
    "critical_path",
    "critical_set",
    "cycle_dependent",
    "dependency_layers",
    "dependency_slack",
    "dependency_slack_around_cycles",
    "downstream",
    "earliest_finishes",
    "export_graph",
    "find_cycles",
    "foundation_dependencies",
    "graph_arrays",
    "key_initiatives",
    "near_critical",
    "one_cycle",
    "propagate_red_status",
    "red_sources",
    "refused_edges",
    "require_node",
    "retrace_red_status",
    "scenario_facts",
    "slip_impact",
    "subgraph",
    "supplier_date",
    "trace_red_status",
    "transitive_dependant_counts",
    "upstream",
    "would_create_cycle",
]

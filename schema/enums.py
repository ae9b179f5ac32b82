"""GraphQL enums (English names) and their Norwegian labels."""

from __future__ import annotations

from enum import StrEnum

import strawberry

import graph
from app import domain, governance
from app.domain import LABELS, PUBLIC_RISK_LABELS, PUBLIC_STATUS_LABELS

# The domain enums are the GraphQL enums: registering them keeps one set of names.
OrganisationKind = domain.OrganisationKind
InitiativeKind = domain.InitiativeKind
Segment = domain.Segment
Phase = domain.Phase
LifecycleState = domain.LifecycleState
TrafficLight = domain.TrafficLight
SolutionCategory = domain.SolutionCategory
Criticality = domain.Criticality
DependencyType = domain.DependencyType
DeliveryStatus = domain.DeliveryStatus
RiskStatus = domain.RiskStatus
Role = governance.Role
Council = governance.Council
DecisionKind = governance.DecisionKind

DESCRIPTIONS: dict[type[StrEnum], str] = {
    OrganisationKind: "Kind of organisation.",
    InitiativeKind: "Programme, project or other initiative.",
    Segment: "Portfolio segment, with rising reporting duty.",
    Phase: "Phase in the public-sector project model (Prosjektveiviseren).",
    LifecycleState: "Lifecycle state beside the phase.",
    TrafficLight: "Traffic-light level for status and risk.",
    SolutionCategory: "Category of a national solution.",
    Criticality: "How much a dependant needs its supplier.",
    DependencyType: "Scheduling link of a dependency.",
    DeliveryStatus: "Status of a delivery.",
    RiskStatus: "Status of a risk.",
    Role: "What an API token may do.",
    Council: "A council of the council model (rådsmodellen).",
    DecisionKind: "Kind of council decision.",
}
for _enum, _description in DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)


@strawberry.type(description="The Norwegian (bokmål) label of one enum value.")
class EnumLabel:
    enum: str
    value: str
    label: str
    public_label: str | None = strawberry.field(
        description="The wording on the public tiltaksoversikt, where it differs."
    )


ANALYSIS_LABELS: dict[type[StrEnum], dict[str, str]] = {
    graph.NodeKind: {"INITIATIVE": "Tiltak", "SOLUTION": "Løsning"},
    graph.Direction: {"UPSTREAM": "Oppstrøms", "DOWNSTREAM": "Nedstrøms", "BOTH": "Begge veier"},
    graph.ExportFormat: {
        "GRAPHML": "GraphML",
        "GEXF": "GEXF",
        "DOT": "DOT (Graphviz)",
        "MERMAID": "Mermaid",
    },
}


def all_labels(enum_name: str | None = None) -> list[EnumLabel]:
    """Every enum value's label, optionally for one enum only."""
    labels = []
    for enum, values in (LABELS | ANALYSIS_LABELS).items():
        if enum_name is not None and enum.__name__ != enum_name:
            continue
        for value, text in values.items():
            public = None
            if enum is domain.TrafficLight:
                public = (
                    f"Status: {PUBLIC_STATUS_LABELS[value]}; risiko: {PUBLIC_RISK_LABELS[value]}"
                )
            labels.append(
                EnumLabel(enum=enum.__name__, value=value, label=text, public_label=public)
            )
    return labels

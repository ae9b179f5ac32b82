"""GraphQL enums (English names) and their Norwegian labels."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum

import strawberry
from strawberry.types.enum import has_enum_definition

import graph
from app import domain
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
Role = domain.Role
AuthenticationMethod = domain.AuthenticationMethod
Council = domain.Council
DecisionKind = domain.DecisionKind
WebhookEvent = domain.WebhookEvent
WebhookDeliveryStatus = domain.WebhookDeliveryStatus
SearchField = domain.SearchField

DESCRIPTIONS: dict[type[StrEnum], str] = {
    OrganisationKind: "Kind of organisation.",
    InitiativeKind: "Programme, project or other initiative.",
    Segment: "Portfolio segment, with rising reporting duty.",
    Phase: "Phase in the public-sector project model (*Prosjektveiviseren*).",
    LifecycleState: "Lifecycle state beside the phase.",
    TrafficLight: "Traffic-light level for status and risk.",
    SolutionCategory: "Category of a national solution.",
    Criticality: "How much a dependant needs its supplier.",
    DependencyType: "Scheduling link of a dependency.",
    DeliveryStatus: "Status of a delivery.",
    RiskStatus: "Status of a risk.",
    Role: "What a caller may do.",
    AuthenticationMethod: "How a caller proved who it is.",
    Council: "A council of the council model (*rådsmodellen*).",
    DecisionKind: "Kind of council decision.",
    WebhookEvent: "An event a webhook can be told of.",
    WebhookDeliveryStatus: "Where the delivery of one event to a webhook stands.",
    SearchField: "Where a full-text search hit was found.",
}
VALUE_DESCRIPTIONS: dict[type[StrEnum], dict[str, str]] = {
    OrganisationKind: {
        "DIRECTORATE": "A directorate, e.g. the Directorate of Health",
        "AGENCY": "A government agency",
        "STATE_ENTERPRISE": "A state enterprise, e.g. Norsk helsenett",
        "RHF": "A regional health authority",
        "HF": "A health trust (hospital)",
        "MUNICIPALITY": "A municipality",
        "INTEREST_ORGANISATION": "An interest organisation, e.g. KS",
        "COMPANY": "A company",
    },
    InitiativeKind: {
        "PROGRAMME": "A programme of several projects",
        "PROJECT": "A project",
        "OTHER": "Any other kind of initiative",
    },
    Segment: {
        "OBSERVE": "Followed by the portfolio office; reports status and deliveries",
        "COORDINATE": "Coordinated across actors; also reports risk and mitigations",
        "CO_GOVERN": "Governed together; also reports economics and benefits",
    },
    Phase: {
        "IDEA": "An idea not yet worked out",
        "CONCEPT": "Choosing a concept",
        "PLANNING": "Planning the execution",
        "EXECUTION": "Being carried out",
        "CLOSURE": "Being closed down",
        "BENEFITS_REALISATION": "Delivered; benefits are being realised",
    },
    LifecycleState: {
        "PROPOSED": "Proposed by its owner, not yet admitted (visible to few)",
        "ACTIVE": "Admitted and under way",
        "PAUSED": "Admitted and paused",
        "COMPLETED": "Admitted and finished",
        "CANCELLED": "Admitted and stopped before it finished",
        "DECLINED": "Not admitted to the portfolio (visible to few)",
    },
    TrafficLight: {
        "GREEN": "On track",
        "YELLOW": "At risk; needs attention",
        "RED": "Off track; needs action",
    },
    SolutionCategory: {
        "NATIONAL_EHEALTH_SOLUTION": "A national e-health solution named in the regulations",
        "FOUNDATION": "A component of the common foundation",
        "COLLABORATION_SERVICE": "A service for sharing information between actors",
        "DATA_PLATFORM": "A platform for health data",
        "NATIONAL_COMMON_COMPONENT": "A common component the public sector shares",
    },
    Criticality: {
        "HIGH": "The dependant cannot succeed without the supplier",
        "MEDIUM": "The dependant is delayed or reduced without the supplier",
        "LOW": "The dependant can work around the supplier",
    },
    DependencyType: {
        "FINISH_TO_START": "The dependant starts after the supplier finishes (plus lag)",
        "FINISH_TO_FINISH": "The dependant finishes after the supplier finishes (plus lag)",
    },
    DeliveryStatus: {
        "PLANNED": "Not started",
        "IN_PROGRESS": "Under way",
        "DELIVERED": "Delivered",
        "DELAYED": "Late against its baseline",
        "CANCELLED": "Will not be delivered",
    },
    RiskStatus: {
        "OPEN": "Present and not yet handled",
        "MITIGATED": "Reduced by mitigations",
        "ACCEPTED": "Accepted as it is",
        "CLOSED": "No longer present",
    },
    Role: {
        "ADMIN": "The portfolio office: may do everything",
        "REPORTER": "An owner: writes for its organisation's initiatives only",
        "READER": "Reads everything, economics included; writes nothing",
    },
    AuthenticationMethod: {
        "API_TOKEN": "An API token made with `portfolio token create`",
        "OIDC": "A token or sign-in of the identity provider (OpenID Connect)",
    },
    Council: {
        "NUIT": "The national committee for e-health and IT",
        "NUFA": "The national committee for professional matters",
        "E_HEALTH_COUNCIL": "The national e-health council",
    },
    DecisionKind: {
        "DECISION": "A decision on the initiative",
        "REPRIORITISATION": "A move to another segment",
        "COURSE_CHANGE": "A change of lifecycle state, e.g. a pause",
    },
    WebhookEvent: {
        "STATUS_REPORT_SUBMITTED": "A status report (revision) was submitted",
        "STATUS_CHANGED": "A submitted report changed the initiative's status",
        "PROPAGATED_RISK_CHANGED": "An initiative's propagated level changed because of "
        "something upstream",
        "DEPENDENCY_BECAME_LATE": "A supplier's date moved past the date a dependant needs it",
        "REPORTING_PERIOD_OPENED": "A reporting round was opened",
        "REPORTING_PERIOD_CLOSED": "A reporting round was closed",
        "REPORT_MISSING": "An initiative has not reported in the open round",
    },
    WebhookDeliveryStatus: {
        "PENDING": "Not delivered yet; tried again until the retry window ends",
        "DELIVERED": "The receiver answered with a 2xx status",
        "FAILED": "Every attempt in the retry window failed",
    },
    SearchField: {
        "NAME": "The initiative's name",
        "PURPOSE": "The initiative's purpose",
        "STATUS_REASON": "The reason given for a status in a status report",
        "RISK_AREAS": "The main risk areas named in a status report",
        "RISK": "A registered risk's title and description",
        "DELIVERY": "A delivery's name and description",
    },
    graph.NodeKind: {
        "INITIATIVE": "An initiative",
        "SOLUTION": "A national solution",
    },
    graph.Direction: {
        "UPSTREAM": "Towards what it depends on (its suppliers)",
        "DOWNSTREAM": "Towards who depends on it (its dependants)",
        "BOTH": "Both ways",
    },
    graph.ExportFormat: {
        "GRAPHML": "GraphML (XML)",
        "GEXF": "GEXF (XML, Gephi)",
        "DOT": "DOT text for Graphviz",
        "MERMAID": "Mermaid flowchart text",
    },
}


def _describe_values(enum: type[StrEnum], descriptions: Mapping[str, str]) -> None:
    """Give each value of a registered enum its description, with its Norwegian label.

    The domain enums live in ``app/``, which never imports strawberry, so their members
    cannot be ``strawberry.enum_value``; the descriptions go into the enum definition
    strawberry made of them instead.
    """
    labels = (LABELS | ANALYSIS_LABELS).get(enum, {})
    assert has_enum_definition(enum), enum
    definition = enum.__strawberry_definition__
    definition.values = [
        dataclasses.replace(
            value, description=_with_label(descriptions[value.name], labels.get(value.name))
        )
        for value in definition.values
    ]


def _with_label(description: str, label: str | None) -> str:
    return f"{description} (*{label}*)." if label else f"{description}."


@strawberry.type(description="The Norwegian (bokmål) label of one enum value.")
class EnumLabel:
    enum: str = strawberry.field(description="Name of the enum, e.g. `TrafficLight`.")
    value: str = strawberry.field(description="The English enum value, e.g. `RED`.")
    label: str = strawberry.field(description="The Norwegian (bokmål) label, e.g. «Rød».")
    public_label: str | None = strawberry.field(
        description="The wording on the public *tiltaksoversikt*, where it differs."
    )


ANALYSIS_DESCRIPTIONS: dict[type[StrEnum], str] = {
    graph.NodeKind: "Initiative or solution.",
    graph.Direction: "Which way to follow dependencies.",
    graph.ExportFormat: "Text format of a graph export.",
}

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


for _enum, _description in (DESCRIPTIONS | ANALYSIS_DESCRIPTIONS).items():
    strawberry.enum(_enum, description=_description)
    _describe_values(_enum, VALUE_DESCRIPTIONS[_enum])

"""The portfolio's vocabulary: every enumeration and its Norwegian (bokmål) labels.

The one table of labels, :data:`LABELS`, covers every enum the API shows, the roles,
councils and kinds of decision included; ``labels(enum:)`` reads it.
"""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    DIRECTORATE = "DIRECTORATE"
    AGENCY = "AGENCY"
    STATE_ENTERPRISE = "STATE_ENTERPRISE"
    RHF = "RHF"
    HF = "HF"
    MUNICIPALITY = "MUNICIPALITY"
    INTEREST_ORGANISATION = "INTEREST_ORGANISATION"
    COMPANY = "COMPANY"


class InitiativeKind(StrEnum):
    PROGRAMME = "PROGRAMME"
    PROJECT = "PROJECT"
    OTHER = "OTHER"


class Segment(StrEnum):
    OBSERVE = "OBSERVE"
    COORDINATE = "COORDINATE"
    CO_GOVERN = "CO_GOVERN"


class Phase(StrEnum):
    IDEA = "IDEA"
    CONCEPT = "CONCEPT"
    PLANNING = "PLANNING"
    EXECUTION = "EXECUTION"
    CLOSURE = "CLOSURE"
    BENEFITS_REALISATION = "BENEFITS_REALISATION"


class LifecycleState(StrEnum):
    PROPOSED = "PROPOSED"
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    DECLINED = "DECLINED"


ADMITTED_STATES = frozenset(
    {
        LifecycleState.ACTIVE,
        LifecycleState.PAUSED,
        LifecycleState.COMPLETED,
        LifecycleState.CANCELLED,
    }
)


class TrafficLight(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"


class SolutionCategory(StrEnum):
    NATIONAL_EHEALTH_SOLUTION = "NATIONAL_EHEALTH_SOLUTION"
    FOUNDATION = "FOUNDATION"
    COLLABORATION_SERVICE = "COLLABORATION_SERVICE"
    DATA_PLATFORM = "DATA_PLATFORM"
    NATIONAL_COMMON_COMPONENT = "NATIONAL_COMMON_COMPONENT"


class Criticality(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class DependencyType(StrEnum):
    FINISH_TO_START = "FINISH_TO_START"
    FINISH_TO_FINISH = "FINISH_TO_FINISH"


class DeliveryStatus(StrEnum):
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    DELIVERED = "DELIVERED"
    DELAYED = "DELAYED"
    CANCELLED = "CANCELLED"


class RiskStatus(StrEnum):
    OPEN = "OPEN"
    MITIGATED = "MITIGATED"
    ACCEPTED = "ACCEPTED"
    CLOSED = "CLOSED"


class Role(StrEnum):
    """What a caller may do."""

    ADMIN = "ADMIN"
    REPORTER = "REPORTER"
    READER = "READER"


class AuthenticationMethod(StrEnum):
    """How a caller proved who it is."""

    API_TOKEN = "API_TOKEN"
    OIDC = "OIDC"


class Council(StrEnum):
    NUIT = "NUIT"
    NUFA = "NUFA"
    E_HEALTH_COUNCIL = "E_HEALTH_COUNCIL"


class DecisionKind(StrEnum):
    DECISION = "DECISION"
    REPRIORITISATION = "REPRIORITISATION"
    COURSE_CHANGE = "COURSE_CHANGE"


class WebhookEvent(StrEnum):
    """What a webhook can be told of."""

    STATUS_REPORT_SUBMITTED = "STATUS_REPORT_SUBMITTED"
    STATUS_CHANGED = "STATUS_CHANGED"
    PROPAGATED_RISK_CHANGED = "PROPAGATED_RISK_CHANGED"
    DEPENDENCY_BECAME_LATE = "DEPENDENCY_BECAME_LATE"
    REPORTING_PERIOD_OPENED = "REPORTING_PERIOD_OPENED"
    REPORTING_PERIOD_CLOSED = "REPORTING_PERIOD_CLOSED"
    REPORT_MISSING = "REPORT_MISSING"


class WebhookDeliveryStatus(StrEnum):
    """Where one delivery of an event to a webhook stands."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class SearchField(StrEnum):
    """Where a full-text search hit was found."""

    NAME = "NAME"
    PURPOSE = "PURPOSE"
    STATUS_REASON = "STATUS_REASON"
    RISK_AREAS = "RISK_AREAS"
    RISK = "RISK"
    DELIVERY = "DELIVERY"


LABELS: dict[type[StrEnum], dict[str, str]] = {
    OrganisationKind: {
        "DIRECTORATE": "Direktorat",
        "AGENCY": "Etat",
        "STATE_ENTERPRISE": "Statsforetak",
        "RHF": "Regionalt helseforetak",
        "HF": "Helseforetak",
        "MUNICIPALITY": "Kommune",
        "INTEREST_ORGANISATION": "Interesseorganisasjon",
        "COMPANY": "Selskap",
    },
    InitiativeKind: {"PROGRAMME": "Program", "PROJECT": "Prosjekt", "OTHER": "Annet"},
    Segment: {"OBSERVE": "Observere", "COORDINATE": "Koordinere", "CO_GOVERN": "Samstyre"},
    Phase: {
        "IDEA": "Idé",
        "CONCEPT": "Konsept",
        "PLANNING": "Planlegging",
        "EXECUTION": "Gjennomføring",
        "CLOSURE": "Avslutning",
        "BENEFITS_REALISATION": "Gevinstrealisering",
    },
    LifecycleState: {
        "PROPOSED": "Innmeldt",
        "ACTIVE": "Aktiv",
        "PAUSED": "Satt på pause",
        "COMPLETED": "Avsluttet",
        "CANCELLED": "Stanset",
        "DECLINED": "Avslått",
    },
    TrafficLight: {"GREEN": "Grønn", "YELLOW": "Gul", "RED": "Rød"},
    SolutionCategory: {
        "NATIONAL_EHEALTH_SOLUTION": "Nasjonal e-helseløsning",
        "FOUNDATION": "Felles grunnmur",
        "COLLABORATION_SERVICE": "Samhandlingstjeneste",
        "DATA_PLATFORM": "Dataplattform",
        "NATIONAL_COMMON_COMPONENT": "Nasjonal felleskomponent",
    },
    Criticality: {"HIGH": "Høy", "MEDIUM": "Middels", "LOW": "Lav"},
    DependencyType: {
        "FINISH_TO_START": "Slutt til start",
        "FINISH_TO_FINISH": "Slutt til slutt",
    },
    DeliveryStatus: {
        "PLANNED": "Planlagt",
        "IN_PROGRESS": "Pågår",
        "DELIVERED": "Levert",
        "DELAYED": "Forsinket",
        "CANCELLED": "Kansellert",
    },
    RiskStatus: {
        "OPEN": "Åpen",
        "MITIGATED": "Redusert",
        "ACCEPTED": "Akseptert",
        "CLOSED": "Lukket",
    },
    Role: {"ADMIN": "Porteføljekontoret", "REPORTER": "Tiltakseier", "READER": "Leser"},
    AuthenticationMethod: {"API_TOKEN": "API-token", "OIDC": "Innlogging (OpenID Connect)"},
    Council: {
        "NUIT": "Prioriteringsutvalget (NUIT)",
        "NUFA": "Fagutvalget (NUFA)",
        "E_HEALTH_COUNCIL": "Nasjonalt e-helseråd",
    },
    DecisionKind: {
        "DECISION": "Vedtak",
        "REPRIORITISATION": "Omprioritering",
        "COURSE_CHANGE": "Kursendring",
    },
    WebhookEvent: {
        "STATUS_REPORT_SUBMITTED": "Statusrapport levert",
        "STATUS_CHANGED": "Status endret",
        "PROPAGATED_RISK_CHANGED": "Arvet risiko endret",
        "DEPENDENCY_BECAME_LATE": "Avhengighet ble forsinket",
        "REPORTING_PERIOD_OPENED": "Rapporteringsrunde åpnet",
        "REPORTING_PERIOD_CLOSED": "Rapporteringsrunde lukket",
        "REPORT_MISSING": "Statusrapport mangler",
    },
    WebhookDeliveryStatus: {
        "PENDING": "Venter",
        "DELIVERED": "Levert",
        "FAILED": "Mislyktes",
    },
    SearchField: {
        "NAME": "Navn",
        "PURPOSE": "Formål",
        "STATUS_REASON": "Begrunnelse for status",
        "RISK_AREAS": "Hovedrisikoområder",
        "RISK": "Risiko",
        "DELIVERY": "Leveranse",
    },
}

# The public tiltaksoversikt shows status and risk in plain words, not colours.
PUBLIC_STATUS_LABELS = {
    "GREEN": "Under kontroll",
    "YELLOW": "Noen utfordringer",
    "RED": "Store utfordringer",
}
PUBLIC_RISK_LABELS = {"GREEN": "Lav", "YELLOW": "Middels", "RED": "Høy"}

TRAFFIC_LIGHT_ORDER = {TrafficLight.GREEN: 0, TrafficLight.YELLOW: 1, TrafficLight.RED: 2}


def label(value: StrEnum) -> str:
    """The Norwegian display label of an enumeration value."""
    return LABELS[type(value)][value.value]

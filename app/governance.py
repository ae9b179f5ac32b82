"""Vocabulary of access and governance: API roles, councils and their kinds of decision."""

from __future__ import annotations

from enum import StrEnum

from app.domain import LABELS


class Role(StrEnum):
    ADMIN = "ADMIN"
    REPORTER = "REPORTER"
    READER = "READER"


class Council(StrEnum):
    NUIT = "NUIT"
    NUFA = "NUFA"
    E_HEALTH_COUNCIL = "E_HEALTH_COUNCIL"


class DecisionKind(StrEnum):
    DECISION = "DECISION"
    REPRIORITISATION = "REPRIORITISATION"
    COURSE_CHANGE = "COURSE_CHANGE"


GOVERNANCE_LABELS: dict[type[StrEnum], dict[str, str]] = {
    Role: {"ADMIN": "Porteføljekontoret", "REPORTER": "Tiltakseier", "READER": "Leser"},
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
}

# One table of labels for every enum the API shows: `labels(enum:)` reads it.
LABELS.update(GOVERNANCE_LABELS)

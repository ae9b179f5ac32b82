"""Messages of scenarios, by code, in English and bokmål (part of ``app.message_catalogue``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.message_catalogue import Language

SCENARIO_MESSAGES: dict[str, dict[Language, str]] = {
    "noun.scenario": {"en": "scenario", "nb": "scenario"},
    "scenario.exists": {
        "en": "a scenario {code} already exists.",
        "nb": "scenarioet {code} finnes allerede.",
    },
    "scenario.too_many_changes": {
        "en": "holds {count} changes; at most {limit} are allowed.",
        "nb": "har {count} endringer; høyst {limit} er tillatt.",
    },
    "scenario.one_kind": {
        "en": "must give exactly one of {kinds}.",
        "nb": "må angi nøyaktig én av {kinds}.",
    },
    "scenario.no_initiative": {
        "en": "names no admitted initiative {code}.",
        "nb": "angir ikke noe tatt opp tiltak {code}.",
    },
    "scenario.no_supplier": {
        "en": "names no admitted initiative or national solution {code}.",
        "nb": "angir ikke noe tatt opp tiltak eller nasjonal løsning {code}.",
    },
    "scenario.other_organisation": {
        "en": "Scenario {code} was made by another organisation; a REPORTER token of "
        "{organisation} can change only its own organisation's scenarios.",
        "nb": "Scenarioet {code} er laget av en annen organisasjon; et REPORTER-token for "
        "{organisation} kan bare endre sin egen organisasjons scenarioer.",
    },
    "scenario.stale_version": {
        "en": "Scenario {code} is at version {current}, not {expected}: someone changed it since "
        "you read it. Read it again and reapply your change.",
        "nb": "Scenarioet {code} har versjon {current}, ikke {expected}: noen har endret det "
        "siden du leste det. Les det på nytt og gjør endringen igjen.",
    },
    "cycle.scenario_change": {
        "en": "Change {index} of the scenario",
        "nb": "Endring {index} i scenarioet",
    },
}

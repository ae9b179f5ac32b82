"""Messages of baselines and comparisons, by code, in English and bokmål (part of
``app.message_catalogue``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.message_catalogue import Language

CHANGES_MESSAGES: dict[str, dict[Language, str]] = {
    "noun.baseline": {"en": "baseline", "nb": "referansepunkt"},
    "action.manage_baselines": {
        "en": "create or delete baselines",
        "nb": "lage eller slette referansepunkter",
    },
    "baseline_code_taken": {
        "en": "{code} is already the code of a baseline or a reporting period.",
        "nb": "{code} er allerede koden til et referansepunkt eller en rapporteringsrunde.",
    },
    "baseline_moved_on": {
        "en": "the portfolio changed while the baseline was being made; try again.",
        "nb": "porteføljen ble endret mens referansepunktet ble laget; prøv igjen.",
    },
    "input.no_round_or_baseline": {
        "en": "There is no reporting period or baseline {code}.",
        "nb": "Det finnes ingen rapporteringsrunde eller referansepunkt {code}.",
    },
}

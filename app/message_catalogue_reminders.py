"""The reminder of a missing report, by code, in English and bokmål (part of
``app.message_catalogue``). Reminders are mailed in bokmål; the English text is for the
catalogue's other readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.message_catalogue import Language

REMINDER_MESSAGES: dict[str, dict[Language, str]] = {
    "reminder.subject": {
        "en": "Reminder: the status report of {code} for {round} is missing (deadline {deadline})",
        "nb": "Påminnelse: statusrapporten for {code} i {round} mangler (frist {deadline})",
    },
    "reminder.body": {
        "en": "To {owner},\n\n"
        "{code} – {name} has not yet submitted its status report for the reporting round "
        "«{round}». The deadline is {deadline}.\n\n"
        "As a {segment} initiative it reports {duty}.\n\n"
        "{where}\n\n"
        "Regards,\nthe portfolio office",
        "nb": "Til {owner}\n\n"
        "{code} – {name} har ennå ikke levert statusrapport for rapporteringsrunden "
        "«{round}». Fristen er {deadline}.\n\n"
        "Tiltaket er i segmentet {segment} og skal rapportere {duty}.\n\n"
        "{where}\n\n"
        "Med vennlig hilsen\nporteføljekontoret",
    },
    "reminder.duty.OBSERVE": {
        "en": "its overall status (with a reason when yellow or red) and its deliveries",
        "nb": "samlet status (med begrunnelse når den er gul eller rød) og leveranser",
    },
    "reminder.duty.COORDINATE": {
        "en": "its overall status (with a reason when yellow or red), its deliveries, the "
        "overall risk, the main risk areas, planned and implemented mitigations, and whether "
        "its registered dependencies are right",
        "nb": "samlet status (med begrunnelse når den er gul eller rød), leveranser, samlet "
        "risiko, viktigste risikoområder, planlagte og gjennomførte tiltak mot risiko, og om "
        "de registrerte avhengighetene er riktige",
    },
    "reminder.duty.CO_GOVERN": {
        "en": "its overall status (with a reason when yellow or red), its deliveries, the "
        "overall risk, the main risk areas, planned and implemented mitigations, whether its "
        "registered dependencies are right, the investment cost, the annual operating and "
        "maintenance cost, the benefits and the benefit prerequisites",
        "nb": "samlet status (med begrunnelse når den er gul eller rød), leveranser, samlet "
        "risiko, viktigste risikoområder, planlagte og gjennomførte tiltak mot risiko, om de "
        "registrerte avhengighetene er riktige, investeringskostnad, årlig kostnad til drift "
        "og forvaltning, nytte og nytteforutsetninger",
    },
    "reminder.where": {
        "en": "Report in the browser at {url}, or with the submitStatusReport mutation.",
        "nb": "Rapporter i nettleseren på {url}, eller med mutasjonen submitStatusReport.",
    },
    "reminder.where_relative": {
        "en": "Report in the browser at /dashboard/rapportering on the portfolio service, or "
        "with the submitStatusReport mutation.",
        "nb": "Rapporter i nettleseren på /dashboard/rapportering i porteføljetjenesten, eller "
        "med mutasjonen submitStatusReport.",
    },
}

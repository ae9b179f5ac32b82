"""Every message the service says, by code, in English and bokmål (see ``app.messages``).

Problem messages complete a sentence that starts with the field ("name: is required.");
the others stand alone. Parameters that quote the caller's text are passed with repr().
"""

from __future__ import annotations

from typing import Literal

from app.message_catalogue_changes import CHANGES_MESSAGES
from app.message_catalogue_reminders import REMINDER_MESSAGES
from app.message_catalogue_requests import REQUEST_MESSAGES
from app.message_catalogue_scenarios import SCENARIO_MESSAGES

Language = Literal["en", "nb"]

CATALOGUE: dict[str, dict[Language, str]] = {
    # checks of single values (app.validation.Problems)
    "required": {"en": "is required.", "nb": "må fylles ut."},
    "blank": {
        "en": "must not be blank; leave it out instead.",
        "nb": "kan ikke være blank; utelat den i stedet.",
    },
    "too_long": {
        "en": "is {length} characters; at most {limit} are allowed.",
        "nb": "er {length} tegn; høyst {limit} er tillatt.",
    },
    "code_characters": {
        "en": "may hold only letters, digits, '.', '-' and '_', starting with one.",
        "nb": "kan bare inneholde bokstaver, sifre, '.', '-' og '_', og må begynne med en av dem.",
    },
    "date_range": {
        "en": "must lie between {earliest} and {latest}.",
        "nb": "må ligge mellom {earliest} og {latest}.",
    },
    "before": {
        "en": "must not be before {first} ({date}).",
        "nb": "kan ikke være før {first} ({date}).",
    },
    "negative_amount": {
        "en": "must not be negative.",
        "nb": "beløpet kan ikke være negativt.",
    },
    "whole_kroner": {
        "en": "must be a whole number of kroner.",
        "nb": "beløpet må være et helt antall kroner.",
    },
    "too_many_kroner": {
        "en": "must not exceed {limit} kroner.",
        "nb": "beløpet kan ikke overstige {limit} kroner.",
    },
    "between": {"en": "must be between {low} and {high}.", "nb": "må være mellom {low} og {high}."},
    # the segment rules of a status report
    "required_when_status": {
        "en": "is required when the status is {status}.",
        "nb": "må fylles ut når status er {status}.",
    },
    "required_for_segment": {
        "en": "is required for the {segment} segment.",
        "nb": "må fylles ut for segmentet {segment}.",
    },
    "required_when_risk": {
        "en": "is required when the risk is {level}.",
        "nb": "må fylles ut når risiko er {level}.",
    },
    "required_when_risk_level": {
        "en": "is required when the risk level is {level}.",
        "nb": "må fylles ut når risikonivået er {level}.",
    },
    # the entry criteria of a proposal
    "entry_criterion_1": {
        "en": "Criterion 1 is not met: digitalisation must be essential to the purpose and "
        "concern the core activity of the health and care sector.",
        "nb": "Kriterium 1 er ikke oppfylt: digitalisering må være vesentlig for formålet og "
        "gjelde kjernevirksomheten i helse- og omsorgssektoren.",
    },
    "entry_criterion_2": {
        "en": "Criterion 2 is not met: it must need coordination across several actors "
        "and/or be essential to the national e-health strategy.",
        "nb": "Kriterium 2 er ikke oppfylt: tiltaket må kreve samordning på tvers av flere "
        "aktører og/eller være vesentlig for den nasjonale e-helsestrategien.",
    },
    # initiatives
    "code_taken": {
        "en": "{code} is already used by an initiative or solution.",
        "nb": "{code} er allerede brukt av et tiltak eller en løsning.",
    },
    "no_strategic_goal": {
        "en": "there is no strategic goal {number}.",
        "nb": "det finnes ikke noe strategimål {number}.",
    },
    "no_sdg": {
        "en": "goal {number} is not one the portfolio names.",
        "nb": "bærekraftsmål {number} er ikke et av porteføljens.",
    },
    "no_national_solution": {
        "en": "there is no national solution {code}.",
        "nb": "ukjent nasjonal løsning {code}.",
    },
    "no_organisation": {
        "en": "there is no organisation {code}.",
        "nb": "ukjent organisasjon {code}.",
    },
    "segment_required_when_admitted": {
        "en": "is required for an admitted initiative.",
        "nb": "må fylles ut for et opptatt tiltak.",
    },
    "only_proposed_admitted": {
        "en": "{code} is {state}; only a PROPOSED initiative can be admitted.",
        "nb": "{code} er {state}; bare et innmeldt tiltak (PROPOSED) kan tas opp.",
    },
    "only_proposed_declined": {
        "en": "{code} is {state}; only a PROPOSED initiative can be declined.",
        "nb": "{code} er {state}; bare et innmeldt tiltak (PROPOSED) kan avslås.",
    },
    "reason_to_decline": {
        "en": "is required to decline a proposal.",
        "nb": "må fylles ut for å avslå en innmelding.",
    },
    "reason_to_admit_failing": {
        "en": "is required to admit a proposal that fails the entry criteria.",
        "nb": "må fylles ut for å ta opp en innmelding som ikke oppfyller inngangskriteriene.",
    },
    "no_change": {"en": "names no field to change.", "nb": "nevner ingen felt å endre."},
    "state_admitted_only": {
        "en": "must be ACTIVE, PAUSED, COMPLETED or CANCELLED; use admit/decline.",
        "nb": "må være ACTIVE, PAUSED, COMPLETED eller CANCELLED; bruk admit/decline.",
    },
    "admit_or_decline_first": {
        "en": "{code} is {state}; admit or decline it first.",
        "nb": "{code} er {state}; ta det opp eller avslå det først.",
    },
    "segment_stays": {
        "en": "an admitted initiative must have a segment.",
        "nb": "et opptatt tiltak må ha et segment.",
    },
    # dependencies
    "self_dependency": {
        "en": "an initiative cannot depend on itself.",
        "nb": "et tiltak kan ikke avhenge av seg selv.",
    },
    "already_depends": {
        "en": "{dependant} already depends on {supplier}; change or remove that dependency "
        "instead.",
        "nb": "{dependant} avhenger allerede av {supplier}; endre eller fjern den avhengigheten "
        "i stedet.",
    },
    "no_delivery": {"en": "there is no delivery {code}.", "nb": "ukjent leveranse {code}."},
    "not_delivery_of": {
        "en": "is not a delivery of {supplier}.",
        "nb": "er ikke en leveranse fra {supplier}.",
    },
    # deliveries and risks
    "item_of_other_initiative": {
        "en": "{code} is already a {what} of another initiative.",
        "nb": "{code} er allerede en {what} i et annet tiltak.",
    },
    "noun.delivery": {"en": "delivery", "nb": "leveranse"},
    "noun.risk": {"en": "risk", "nb": "risiko"},
    "delivered_date_when_delivered": {
        "en": "may be given only when the status is DELIVERED.",
        "nb": "kan bare fylles ut når status er DELIVERED.",
    },
    "baseline_office_only": {
        "en": "only the portfolio office can move a baseline; report the new date as forecastDate.",
        "nb": "bare porteføljekontoret kan flytte en baseline; rapporter den nye datoen som "
        "forecastDate.",
    },
    # reporting rounds and status reports
    "period_exists": {
        "en": "a reporting period {code} already exists.",
        "nb": "rapporteringsrunden {code} finnes allerede.",
    },
    "period_already_closed": {
        "en": "«{name}» is already closed.",
        "nb": "«{name}» er allerede lukket.",
    },
    "no_period_exists": {
        "en": "is required: no reporting period exists.",
        "nb": "må fylles ut: det finnes ingen rapporteringsrunde.",
    },
    "initiative_not_reporting": {
        "en": "{code} is {state}; only ACTIVE or PAUSED initiatives report.",
        "nb": "{code} er {state}; bare tiltak som er ACTIVE eller PAUSED rapporterer.",
    },
    "period_closed": {
        "en": "«{name}» is closed; its reports are read-only.",
        "nb": "«{name}» er lukket; rapportene i den kan bare leses.",
    },
    "period_not_open": {"en": "«{name}» opens on {opens}.", "nb": "«{name}» åpner {opens}."},
    # council decisions
    "new_state_admitted_only": {
        "en": "must be ACTIVE, PAUSED, COMPLETED or CANCELLED.",
        "nb": "må være ACTIVE, PAUSED, COMPLETED eller CANCELLED.",
    },
    "not_admitted_admit_first": {
        "en": "{code} is not admitted; admit it first.",
        "nb": "{code} er ikke tatt opp; ta det opp først.",
    },
    "state_admit_first": {
        "en": "{code} is {state}; admit it first.",
        "nb": "{code} er {state}; ta det opp først.",
    },
    # refusals: not found, denied, conflict, cycle
    "not_found": {"en": "There is no {what} {code}.", "nb": "Det finnes ingen {what} {code}."},
    "noun.initiative": {"en": "initiative", "nb": "tiltak"},
    "noun.reporting_period": {"en": "reporting period", "nb": "rapporteringsrunde"},
    "noun.initiative_or_solution": {
        "en": "initiative or solution",
        "nb": "tiltak eller nasjonal løsning",
    },
    "noun.dependency_of": {
        "en": "dependency of {dependant} on",
        "nb": "avhengighet for {dependant} av",
    },
    "sign_in_to_write": {
        "en": "Sign in with an API token to make changes.",
        "nb": "Logg inn med et API-token for å gjøre endringer.",
    },
    "reader_cannot_write": {
        "en": "A READER token can read but not change the portfolio.",
        "nb": "Et READER-token kan lese, men ikke endre porteføljen.",
    },
    "office_only": {
        "en": "Only the portfolio office (ADMIN) can {action}.",
        "nb": "Bare porteføljekontoret (ADMIN) kan {action}.",
    },
    "action.create_admitted": {
        "en": "create admitted initiatives",
        "nb": "opprette tiltak som er tatt opp",
    },
    "action.admit_proposals": {"en": "admit proposals", "nb": "ta opp innmeldinger"},
    "action.decline_proposals": {"en": "decline proposals", "nb": "avslå innmeldinger"},
    "action.change_fields": {"en": "change {fields}", "nb": "endre {fields}"},
    "action.open_periods": {"en": "open reporting periods", "nb": "åpne rapporteringsrunder"},
    "action.grant_roles": {"en": "grant roles", "nb": "tildele roller"},
    "grant.subject_or_org_number": {
        "en": "give either subject or orgNumber, not both and not neither.",
        "nb": "oppgi enten subject eller orgNumber, ikke begge og ikke ingen.",
    },
    "grant.org_number_digits": {
        "en": "must be an organisation number: nine digits.",
        "nb": "må være et organisasjonsnummer: ni sifre.",
    },
    "action.close_periods": {"en": "close reporting periods", "nb": "lukke rapporteringsrunder"},
    "action.record_decisions": {
        "en": "record council decisions",
        "nb": "registrere vedtak i rådene",
    },
    "other_organisation": {
        "en": "{code} belongs to another organisation; a REPORTER token of {organisation} can "
        "change only its own organisation's initiatives.",
        "nb": "{code} tilhører en annen organisasjon; et REPORTER-token for {organisation} kan "
        "bare endre sin egen organisasjons tiltak.",
    },
    "propose_for_own_organisation": {
        "en": "A REPORTER token of {organisation} can propose initiatives only for its own "
        "organisation.",
        "nb": "Et REPORTER-token for {organisation} kan bare melde inn tiltak for sin egen "
        "organisasjon.",
    },
    "stale_version": {
        "en": "{code} is at version {current}, not {expected}: someone changed it since you "
        "read it. Read it again and reapply your change.",
        "nb": "{code} har versjon {current}, ikke {expected}: noen har endret det siden du leste "
        "det. Les det på nytt og gjør endringen igjen.",
    },
    "closes_cycle": {
        "en": "{subject} would close a cycle: {path}.",
        "nb": "{subject} ville lukke en syklus: {path}.",
    },
    "cycle.this_dependency": {"en": "This dependency", "nb": "Denne avhengigheten"},
    "cycle.developing": {"en": "Developing {solution}", "nb": "Å utvikle {solution}"},
    # errors of the GraphQL layer (extensions.code beside them never changes)
    "database_unavailable": {
        "en": "The portfolio database is unavailable right now; please try again shortly.",
        "nb": "Porteføljedatabasen er utilgjengelig akkurat nå; prøv igjen om litt.",
    },
    "rate_limited": {
        "en": "This query costs {cost:,} points and {remaining:,} are left of your budget; "
        "try again in {seconds} seconds.",
        "nb": "Denne spørringen koster {cost:,} poeng, og du har {remaining:,} igjen av "
        "budsjettet; prøv igjen om {seconds} sekunder.",
    },
    "query_too_complex": {
        "en": "This query would cost {points:,} points (limit {limit:,}) and return up to "
        "{nodes:,} nodes (limit {node_limit:,}). Ask for fewer items with `first`, or for "
        "fewer fields.",
        "nb": "Denne spørringen ville koste {points:,} poeng (grense {limit:,}) og gi opptil "
        "{nodes:,} noder (grense {node_limit:,}). Be om færre elementer med `first`, eller "
        "om færre felt.",
    },
    "unexpected_error": {
        "en": "Unexpected error (reference {reference}).",
        "nb": "Uventet feil (referanse {reference}).",
    },
    "bad_argument": {
        "en": "The argument «{argument}» has a value this API does not take.",
        "nb": "Argumentet «{argument}» har en verdi som API-et ikke tar imot.",
    },
    "oidc.invalid_token": {
        "en": "The bearer token is not valid here: its signature, issuer, audience or "
        "expiry does not check out.",
        "nb": "Tilgangstokenet er ikke gyldig her: signatur, utsteder, mottaker eller "
        "utløpstid stemmer ikke.",
    },
    "oidc.issuer_unavailable": {
        "en": "The identity provider cannot be reached to check the token; try again shortly.",
        "nb": "Identitetsleverandøren kan ikke nås for å sjekke tokenet; prøv igjen om litt.",
    },
    "sign_in.not_configured": {
        "en": "Sign-in with an identity provider is not set up on this service.",
        "nb": "Innlogging med identitetsleverandør er ikke satt opp for denne tjenesten.",
    },
    "sign_in.expired": {
        "en": "This sign-in has expired or was started elsewhere; start it again.",
        "nb": "Denne innloggingen er utløpt eller startet et annet sted; start på nytt.",
    },
    "sign_in.refused": {
        "en": "The identity provider did not sign you in.",
        "nb": "Identitetsleverandøren logget deg ikke inn.",
    },
    "sign_in.cross_site_content_type": {
        "en": "A request signed in by cookie must send JSON (Content-Type: application/json) "
        "or the {header} header.",
        "nb": "En forespørsel som er logget inn med informasjonskapsel, må sende JSON "
        "(Content-Type: application/json) eller headeren {header}.",
    },
    "sign_in.cross_site_origin": {
        "en": "A request signed in by cookie must come from this service's own pages, not "
        "from {origin}.",
        "nb": "En forespørsel som er logget inn med informasjonskapsel, må komme fra "
        "tjenestens egne sider, ikke fra {origin}.",
    },
    "unknown_token": {
        "en": "The API token is unknown, has expired or has been revoked.",
        "nb": "API-tokenet er ukjent, utløpt eller trukket tilbake.",
    },
    # the import (app.exchange): problems with rows of a file
    "import.reference_data_missing": {
        "en": "reference data is missing ({missing}); run «{command}» before importing.",
        "nb": "mangler referansedata ({missing}); kjør «{command}» før import.",
    },
    "noun.organisations": {"en": "organisations", "nb": "organisasjoner"},
    "noun.national_solutions": {"en": "national solutions", "nb": "nasjonale løsninger"},
    "noun.strategic_goals": {"en": "strategic goals", "nb": "strategimål"},
    "noun.sdgs": {"en": "sustainable development goals", "nb": "bærekraftsmål"},
    "noun.reporting_periods": {"en": "reporting periods", "nb": "rapporteringsrunder"},
    "import.code_in_row": {
        "en": "the code {code} is also in row {row}.",
        "nb": "koden {code} står også i rad {row}.",
    },
    "import.code_is_solution": {
        "en": "{code} is the code of a national solution.",
        "nb": "{code} er koden til en nasjonal løsning.",
    },
    "import.unknown_initiative": {
        "en": "unknown initiative {code}.",
        "nb": "ukjent tiltak {code}.",
    },
    "import.unknown_supplier": {
        "en": "unknown initiative or national solution {code}.",
        "nb": "ukjent tiltak eller nasjonal løsning {code}.",
    },
    "import.delivery_of_other_initiative": {
        "en": "the delivery belongs to another initiative.",
        "nb": "leveransen hører til et annet tiltak.",
    },
    "import.dependency_in_row": {
        "en": "{dependant} depends on {supplier} in row {row} as well.",
        "nb": "{dependant} avhenger av {supplier} også i rad {row}.",
    },
    "import.unknown_period": {
        "en": "unknown reporting period {code}.",
        "nb": "ukjent rapporteringsrunde {code}.",
    },
    "import.revision_positive": {"en": "must be 1 or more.", "nb": "må være 1 eller mer."},
    "import.closed_period_reported": {
        "en": "«{name}» is closed and already holds a report from {initiative}; a closed "
        "round takes no new revisions.",
        "nb": "«{name}» er lukket og har alt rapport fra {initiative}; en lukket runde får "
        "ikke nye revisjoner.",
    },
    "import.closes_cycle": {
        "en": "{subject} would close a cycle: {path}.",
        "nb": "{subject} ville lukke en syklus: {path}.",
    },
    "import.closes_cycle_with_rows": {
        "en": "{subject} would close a cycle: {path}; the cycle also uses {rows}.",
        "nb": "{subject} ville lukke en syklus: {path}; syklusen bruker også {rows}.",
    },
    "import.subject.dependency": {"en": "the dependency", "nb": "avhengigheten"},
    "import.subject.developing": {"en": "developing {solution}", "nb": "å utvikle {solution}"},
    "import.sheet_row": {"en": "{sheet} row {row}", "nb": "{sheet} rad {row}"},
    # the import: files, sheets and cells that cannot be read
    "import.not_a_workbook": {
        "en": "{path} is neither an xlsx workbook nor a zip of CSV files.",
        "nb": "{path} er verken en xlsx-arbeidsbok eller en zip med CSV-filer.",
    },
    "import.csv_not_utf8": {
        "en": "The CSV files in {path} are not UTF-8.",
        "nb": "CSV-filene i {path} er ikke UTF-8.",
    },
    "import.sheet_missing": {
        "en": "the sheet is missing from the file.",
        "nb": "arket mangler i filen.",
    },
    "import.unknown_sheet": {
        "en": "unknown sheet; allowed: {allowed}.",
        "nb": "ukjent ark; tillatt: {allowed}.",
    },
    "import.unknown_column": {"en": "unknown column.", "nb": "ukjent kolonne."},
    "import.column_missing": {"en": "the column is missing.", "nb": "kolonnen mangler."},
    "import.bad_value": {
        "en": "invalid value {value}; allowed: {allowed}.",
        "nb": "ugyldig verdi {value}; tillatt: {allowed}.",
    },
    "import.date_with_time": {
        "en": "invalid date {value}; expected a date only.",
        "nb": "ugyldig dato {value}; ventet bare dato.",
    },
    "import.bad_date": {
        "en": "invalid date {value}; use YYYY-MM-DD.",
        "nb": "ugyldig dato {value}; bruk ÅÅÅÅ-MM-DD.",
    },
    "import.bad_timestamp": {
        "en": "invalid timestamp {value}; use YYYY-MM-DDThh:mm:ss+00:00.",
        "nb": "ugyldig tidspunkt {value}; bruk ÅÅÅÅ-MM-DDTtt:mm:ss+00:00.",
    },
    "import.bad_integer": {"en": "invalid integer {value}.", "nb": "ugyldig heltall {value}."},
    "import.bad_boolean": {
        "en": "invalid truth value {value}; use true or false.",
        "nb": "ugyldig sannhetsverdi {value}; bruk true eller false.",
    },
    # webhooks (app.webhook_writes, app.webhook_security)
    "webhook.url_invalid": {
        "en": "is not a URL with a host.",
        "nb": "er ikke en URL med vertsnavn.",
    },
    "webhook.url_scheme": {
        "en": "must start with https://.",
        "nb": "må begynne med https://.",
    },
    "webhook.url_credentials": {
        "en": "must not hold a user name or password; sign with the secret instead.",
        "nb": "kan ikke inneholde brukernavn eller passord; signer med hemmeligheten i stedet.",
    },
    "webhook.url_unresolved": {
        "en": "names the host {host}, which does not resolve.",
        "nb": "peker på verten {host}, som ikke kan slås opp.",
    },
    "webhook.url_private": {
        "en": "resolves to {address}, which is not a public address; webhooks go only to "
        "public addresses.",
        "nb": "peker på {address}, som ikke er en offentlig adresse; webhooker sendes bare til "
        "offentlige adresser.",
    },
    "webhook.events_empty": {
        "en": "must name at least one event.",
        "nb": "må nevne minst én hendelse.",
    },
    "webhook.secret_length": {
        "en": "must be between {low} and {high} characters.",
        "nb": "må være mellom {low} og {high} tegn.",
    },
    "webhook.no_key": {
        "en": "cannot be stored: the service has no PORTFOLIO_WEBHOOK_KEY to encrypt it with.",
        "nb": "kan ikke lagres: tjenesten har ingen PORTFOLIO_WEBHOOK_KEY å kryptere den med.",
    },
    "webhook.other_organisation": {
        "en": "A REPORTER token of {organisation} can manage webhooks only for its own "
        "organisation.",
        "nb": "Et REPORTER-token for {organisation} kan bare forvalte webhooker for sin egen "
        "organisasjon.",
    },
    "webhook.read_denied": {
        "en": "Only the portfolio office (ADMIN) and REPORTER tokens can read webhooks.",
        "nb": "Bare porteføljekontoret (ADMIN) og REPORTER-token kan lese webhooker.",
    },
    "action.portfolio_webhooks": {
        "en": "manage webhooks for the whole portfolio",
        "nb": "forvalte webhooker for hele porteføljen",
    },
    "noun.webhook": {"en": "webhook", "nb": "webhook"},
    "noun.webhook_delivery": {"en": "webhook delivery", "nb": "webhook-levering"},
    "webhook.unknown_owner": {
        "en": "names no organisation: {code}.",
        "nb": "viser ikke til noen organisasjon: {code}.",
    },
}
CATALOGUE.update(REQUEST_MESSAGES)
CATALOGUE.update(REMINDER_MESSAGES)
CATALOGUE.update(CHANGES_MESSAGES)
CATALOGUE.update(SCENARIO_MESSAGES)

"""Messages about requests, by code, in English and bokmål (part of ``app.message_catalogue``).

What the GraphQL layer says of a bad argument, the HTTP layer of a request it cannot take
and the query limits of a document they refuse.
Parameters that quote the caller's text are passed with repr().
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.message_catalogue import Language

REQUEST_MESSAGES: dict[str, dict[Language, str]] = {
    # bad arguments (schema.errors.UserInputError; extensions.argument names the argument)
    "input.out_of_range": {
        "en": "{argument} must be between {low:,} and {high:,}; got {value:,}.",
        "nb": "{argument} må være mellom {low:,} og {high:,}; fikk {value:,}.",
    },
    "input.at_least": {
        "en": "{argument} must be at least {low:,}; got {value:,}.",
        "nb": "{argument} må være minst {low:,}; fikk {value:,}.",
    },
    "input.search_too_long": {
        "en": "search is limited to {limit} characters.",
        "nb": "Søketeksten kan være høyst {limit} tegn.",
    },
    "input.search_text_empty": {
        "en": "text must hold at least one word to search for.",
        "nb": "Søketeksten må inneholde minst ett ord.",
    },
    "input.search_text_too_long": {
        "en": "text is limited to {limit} characters.",
        "nb": "Søketeksten kan være høyst {limit} tegn.",
    },
    "input.bad_global_id": {
        "en": "{id} is not a valid global id.",
        "nb": "{id} er ikke en gyldig global id.",
    },
    "input.not_a_dependency_id": {
        "en": "{id} is not the id of a dependency.",
        "nb": "{id} er ikke id-en til en avhengighet.",
    },
    "input.dependency_id_or_ends": {
        "en": "give the dependency's id, or both dependant and supplier.",
        "nb": "oppgi avhengighetens id, eller både dependant og supplier.",
    },
    "input.bad_cursor": {
        "en": "{cursor} is not a valid cursor.",
        "nb": "{cursor} er ikke en gyldig markør (cursor).",
    },
    "input.no_period": {
        "en": "There is no reporting period {code}.",
        "nb": "Det finnes ingen rapporteringsrunde {code}.",
    },
    "input.nul_text": {
        "en": "Text must not contain the NUL character (U+0000).",
        "nb": "Tekst kan ikke inneholde NUL-tegnet (U+0000).",
    },
    "input.lone_surrogate": {
        "en": "Text must not contain a lone surrogate (U+D800 to U+DFFF): it is not a character "
        "and cannot be stored or sent back as UTF-8.",
        "nb": "Tekst kan ikke inneholde et enslig surrogat (U+D800 til U+DFFF): det er ikke et "
        "tegn og kan ikke lagres eller sendes tilbake som UTF-8.",
    },
    # typed errors of the analysis queries
    "not_scheduled": {
        "en": "{code} has no dates, so a slip cannot be scheduled.",
        "nb": "{code} har ingen datoer, så en forsinkelse kan ikke planlegges.",
    },
    "dependencies_cycle": {
        "en": "The dependencies contain a cycle: {path}",
        "nb": "Avhengighetene inneholder en syklus: {path}",
    },
    "action.read_audit_log": {"en": "read the audit log", "nb": "lese revisjonsloggen"},
    # the query limits (refused before the document runs)
    "limit.depth": {
        "en": "'{operation}' exceeds maximum operation depth of {limit}",
        "nb": "«{operation}» er nestet dypere enn grensen på {limit} nivåer",
    },
    "limit.aliases": {
        "en": "{count} aliases found. Allowed: {limit}",
        "nb": "Fant {count} aliaser. Tillatt: {limit}",
    },
    "limit.tokens": {
        "en": "Syntax Error: Document contains more than {limit} tokens. Parsing aborted.",
        "nb": "Syntaksfeil: Dokumentet inneholder mer enn {limit} symboler (tokens). Tolkingen "
        "ble avbrutt.",
    },
    # the HTTP layer's own answers (extensions.code beside them never changes)
    "http.not_acceptable": {
        "en": "Not acceptable: this endpoint answers {graphql} or {json}.",
        "nb": "Kan ikke svare i et format klienten tar imot: dette endepunktet svarer med "
        "{graphql} eller {json}.",
    },
    "http.charset": {
        "en": "The request body must be UTF-8 JSON; charset {charset} is not accepted.",
        "nb": "Forespørselen må være JSON i UTF-8; tegnsettet {charset} tas ikke imot.",
    },
    "http.not_utf8": {
        "en": "The request body is not valid UTF-8 (byte {position} cannot be decoded).",
        "nb": "Forespørselen er ikke gyldig UTF-8 (byte {position} kan ikke dekodes).",
    },
    "http.nested_too_deeply": {
        "en": "The JSON is nested too deeply.",
        "nb": "JSON-dokumentet er nestet for dypt.",
    },
    "http.not_json": {
        "en": "Unable to parse the request body as JSON.",
        "nb": "Forespørselen kan ikke leses som JSON.",
    },
    "http.not_an_object": {
        "en": "The request body must be a JSON object holding a query, not {kind}.",
        "nb": "Forespørselen må være et JSON-objekt med en spørring, ikke {kind}.",
    },
    "json.null": {"en": "null", "nb": "null"},
    "json.boolean": {"en": "a boolean", "nb": "en sannhetsverdi"},
    "json.string": {"en": "a string", "nb": "en tekststreng"},
    "json.number": {"en": "a number", "nb": "et tall"},
    "http.no_query": {
        "en": "No GraphQL query found in the request.",
        "nb": "Forespørselen inneholder ingen GraphQL-spørring.",
    },
    "http.query_not_string": {
        "en": "The GraphQL operation's `query` must be a string or null, if provided.",
        "nb": "`query` i GraphQL-operasjonen må være en tekststreng eller null.",
    },
    "http.variables_not_object": {
        "en": "The GraphQL operation's `variables` must be an object or null, if provided.",
        "nb": "`variables` i GraphQL-operasjonen må være et objekt eller null.",
    },
    "http.extensions_not_object": {
        "en": "The GraphQL operation's `extensions` must be an object or null, if provided.",
        "nb": "`extensions` i GraphQL-operasjonen må være et objekt eller null.",
    },
    "http.unsupported_content_type": {
        "en": "Unsupported content type.",
        "nb": "Innholdstypen støttes ikke; send application/json.",
    },
    "http.batching": {
        "en": "Batching is not enabled.",
        "nb": "Flere operasjoner i én forespørsel (batching) er ikke slått på.",
    },
    "http.bad_request": {
        "en": "{detail}",
        "nb": "Forespørselen kan ikke behandles: {detail}",
    },
    "http.mutation_over_get": {
        "en": "Mutations are only accepted over POST.",
        "nb": "Mutasjoner tas bare imot med POST.",
    },
    "http.get_and_post_only": {
        "en": "GraphQL is served over GET and POST only.",
        "nb": "GraphQL svarer bare på GET og POST.",
    },
    "http.not_found": {"en": "Not found.", "nb": "Finnes ikke."},
    "http.timeout": {
        "en": "The request took longer than {seconds} seconds.",
        "nb": "Forespørselen tok lengre tid enn {seconds} sekunder.",
    },
    "http.body_too_large": {
        "en": "The request body is larger than {limit} bytes.",
        "nb": "Forespørselen er større enn {limit} byte.",
    },
}

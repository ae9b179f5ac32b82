"""Full-text search words: Norwegian stemming for SQLite, and the snippets' marked matches.

PostgreSQL reads a search with ``websearch_to_tsquery('norwegian', …)``: words are
lower-cased, Norwegian stop words dropped, the rest reduced to their Snowball stem, and
the words must all match unless ``or`` stands between them; ``"…"`` asks for a phrase
and ``-word`` leaves out what holds the word. SQLite's FTS5 has no Norwegian stemmer, so
the service does the same reading in Python with the same Snowball algorithm and stop
words: :func:`index_text` gives the stems FTS5 indexes (the SQL function
``search_stems``, which the triggers of the full-text search migration call and every
SQLite connection of the service registers), and :func:`fts5_query` the stems a search
asks for. Both backends thus give the same answers for ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

SNIPPET_START = "\u27ea"
"""Opens a match inside a snippet as the database marks it (⟪)."""
SNIPPET_END = "\u27eb"
"""Closes a match inside a snippet as the database marks it (⟫)."""

# PostgreSQL's norwegian.stop (the Snowball project's list), so SQLite drops the same words.
NORWEGIAN_STOP_WORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "et",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "av",
        "ikke",
        "ikkje",
        "der",
        "så",
        "var",
        "meg",
        "seg",
        "men",
        "ett",
        "har",
        "om",
        "vi",
        "min",
        "mitt",
        "ha",
        "hadde",
        "hun",
        "nå",
        "over",
        "da",
        "ved",
        "fra",
        "du",
        "ut",
        "sin",
        "dem",
        "oss",
        "opp",
        "man",
        "kan",
        "hans",
        "hvor",
        "eller",
        "hva",
        "skal",
        "selv",
        "sjøl",
        "her",
        "alle",
        "vil",
        "bli",
        "ble",
        "blei",
        "blitt",
        "kunne",
        "inn",
        "når",
        "være",
        "kom",
        "noen",
        "noe",
        "ville",
        "dere",
        "deres",
        "kun",
        "ja",
        "etter",
        "ned",
        "skulle",
        "denne",
        "for",
        "deg",
        "si",
        "sine",
        "sitt",
        "mot",
        "å",
        "meget",
        "hvorfor",
        "dette",
        "disse",
        "uten",
        "hvordan",
        "ingen",
        "din",
        "ditt",
        "blir",
        "samme",
        "hvilken",
        "hvilke",
        "sånn",
        "inni",
        "mellom",
        "vår",
        "hver",
        "hvem",
        "vors",
        "hvis",
        "både",
        "bare",
        "enn",
        "fordi",
        "før",
        "mange",
        "også",
        "slik",
        "vært",
        "båe",
        "begge",
        "siden",
        "dykk",
        "dykkar",
        "dei",
        "deira",
        "deires",
        "deim",
        "di",
        "då",
        "eg",
        "ein",
        "eit",
        "eitt",
        "elles",
        "honom",
        "hjå",
        "ho",
        "hoe",
        "henne",
        "hennar",
        "hennes",
        "hoss",
        "hossen",
        "ingi",
        "inkje",
        "korleis",
        "korso",
        "kva",
        "kvar",
        "kvarhelst",
        "kven",
        "kvi",
        "kvifor",
        "me",
        "medan",
        "mi",
        "mine",
        "mykje",
        "no",
        "nokon",
        "noka",
        "nokor",
        "noko",
        "nokre",
        "sia",
        "sidan",
        "so",
        "somt",
        "somme",
        "um",
        "upp",
        "vere",
        "vore",
        "verte",
        "vort",
        "varte",
        "vart",
    ]
)

# A word as FTS5's unicode61 tokenizer cuts it: letters and digits, nothing else.
_WORD = re.compile(r"[^\W_]+")
# websearch syntax: a quoted phrase, or a run of characters without space or quote.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@cache
def _stemmer() -> Any:  # the package ships no type information
    return snowballstemmer.stemmer("norwegian")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word (a portfolio's texts share most words, so
    indexing thousands of texts stems each word once)."""
    found: str = _stemmer().stemWord(word)
    return found


def stems(text: str) -> list[str]:
    """The Snowball stems of ``text``'s words that are not stop words, in order."""
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in NORWEGIAN_STOP_WORDS]


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or digit, without which no search can match."""
    return _WORD.search(text) is not None


def index_text(text: str | None) -> str | None:
    """What SQLite's full-text index holds for ``text``: its stems, space-separated.

    >>> index_text("Radiologisvarene sendes til fastlegen")
    'radiologisvar send fast'
    """
    return None if text is None else " ".join(stems(text))


@dataclass(frozen=True, slots=True)
class _Term:
    """A word or phrase of a search (its stems), maybe negated."""

    stems: tuple[str, ...]
    negated: bool

    def fts5(self) -> str:
        return " + ".join(f'"{stem}"' for stem in self.stems)


def _clauses(text: str) -> list[list[_Term]]:
    """The search as alternatives (``or``) of terms that must all hold.

    As in ``websearch_to_tsquery``, ``or`` joins only a term before it to one after it;
    anywhere else it is the word «or».
    """
    clauses: list[list[_Term]] = [[]]
    tokens = list(_TOKEN.finditer(text))
    after_term = False
    for index, match in enumerate(tokens):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or" and after_term and index + 1 < len(tokens):
            clauses.append([])
            after_term = False
            continue
        negated = bool(minus) if phrase is not None else bare.startswith("-")
        words = phrase if phrase is not None else bare.lstrip("-")
        found = stems(words)
        if found:
            clauses[-1].append(_Term(tuple(found), negated))
        after_term = True
    return clauses


def fts5_query(text: str) -> str | None:
    """The FTS5 ``MATCH`` expression of a search, or None when it asks for no word.

    >>> fts5_query("radiologisvarene og prøvesvar")
    '("radiologisvar" AND "prøvesv")'
    >>> fts5_query('"deling av bilder" or -kjernejournal')
    '("deling" + "bild")'
    """
    alternatives = []
    for clause in _clauses(text):
        wanted = [term.fts5() for term in clause if not term.negated]
        if not wanted:  # FTS5 cannot ask for "everything without"; the clause finds nothing
            continue
        unwanted = "".join(f" NOT {term.fts5()}" for term in clause if term.negated)
        alternatives.append(f"({' AND '.join(wanted)}{unwanted})")
    return " OR ".join(alternatives) or None


def wanted_stems(text: str) -> frozenset[str]:
    """The stems a search asks for (not those it leaves out): what a snippet marks."""
    return frozenset(
        stem
        for clause in _clauses(text)
        for term in clause
        if not term.negated
        for stem in term.stems
    )


def mark_snippet(text: str, wanted: frozenset[str], *, words: int) -> str:
    """About ``words`` words of ``text`` around its first match, matches marked.

    The words whose stem the search asks for are put between :data:`SNIPPET_START` and
    :data:`SNIPPET_END`, as PostgreSQL's ``ts_headline`` marks them; an ellipsis shows
    where the text goes on.

    >>> text = "Gjøre laboratorie- og radiologisvar tilgjengelige"
    >>> mark_snippet(text, wanted_stems("radiologisvar"), words=3)
    '… og ⟪radiologisvar⟫ tilgjengelige'
    """
    found = list(_WORD.finditer(text))
    matched = [
        word.group().lower() not in NORWEGIAN_STOP_WORDS and stem(word.group().lower()) in wanted
        for word in found
    ]
    if not found:
        return text
    first = matched.index(True) if True in matched else 0
    start = max(0, min(first - words // 4, len(found) - words))
    end = min(len(found), start + words)
    pieces = ["… " if start > 0 else ""]
    position = found[start].start()
    for index in range(start, end):
        word = found[index]
        pieces.append(text[position : word.start()])
        pieces.append(
            f"{SNIPPET_START}{word.group()}{SNIPPET_END}" if matched[index] else word.group()
        )
        position = word.end()
    if end < len(found):
        pieces.append(text[position : found[end].start()].rstrip() + "…")
    else:
        pieces.append(text[position:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class SnippetPart:
    """A piece of a snippet, and whether it is a piece the search matched."""

    text: str
    match: bool


def snippet_parts(marked: str) -> list[SnippetPart]:
    """A snippet the database marked with :data:`SNIPPET_START` and :data:`SNIPPET_END`, cut
    into plain pieces; neighbouring matches (a phrase) become one piece.

    >>> [(part.text, part.match) for part in snippet_parts("Gjøre ⟪svar⟫ tilgjengelige")]
    [('Gjøre ', False), ('svar', True), (' tilgjengelige', False)]
    """
    parts: list[SnippetPart] = []
    inside = False
    for piece in re.split(f"([{SNIPPET_START}{SNIPPET_END}])", marked):
        if piece in {SNIPPET_START, SNIPPET_END}:
            inside = piece == SNIPPET_START
            continue
        if not piece:
            continue
        if parts and parts[-1].match == inside:
            parts[-1] = SnippetPart(parts[-1].text + piece, inside)
        elif inside and len(parts) >= 2 and parts[-2].match and not parts[-1].text.strip():
            joined = parts[-2].text + parts[-1].text + piece
            parts[-2:] = [SnippetPart(joined, True)]
        else:
            parts.append(SnippetPart(piece, inside))
    return parts

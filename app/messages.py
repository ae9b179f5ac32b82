"""The one message catalogue: every message the service says, in English and bokmål.

Rules and refusals never hold text. They hold a :class:`Message` — a code and its
parameters — and whoever shows it renders it in its reader's language: the API in the
language the request asked for (``Accept-Language``, English by default), the import in
bokmål, like the rest of the exchange. A code never changes with the language, and
neither does the field a problem is about.

The language of the running request is a context variable (:func:`speaking`), set once by
the HTTP layer, so a message rendered anywhere during the request speaks it without every
function passing it on.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from app.message_catalogue import CATALOGUE, Language

ENGLISH: Language = "en"
BOKMAL: Language = "nb"
LANGUAGES: tuple[Language, ...] = (ENGLISH, BOKMAL)

# Norwegian in any written form is answered in bokmål: the catalogue has no nynorsk yet.
_LANGUAGE_TAGS: dict[str, Language] = {"en": ENGLISH, "nb": BOKMAL, "nn": BOKMAL, "no": BOKMAL}


@dataclass(frozen=True, slots=True)
class Message:
    """A message by its code, with the parameters its templates name."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"no message {self.code!r} in the catalogue")

    def __hash__(self) -> int:
        return hash(
            (self.code, tuple(sorted((key, repr(value)) for key, value in self.params.items())))
        )

    def render(self, language: Language | None = None) -> str:
        """The message in ``language`` (by default, the running request's)."""
        return render(self, language)


def message(code: str, /, **params: Any) -> Message:
    """The message ``code`` with ``params``; values may be messages themselves."""
    return Message(code, params)


class _Number(int):
    """An integer that groups its thousands with spaces, as bokmål writes them."""

    def __format__(self, spec: str) -> str:
        return format(int(self), spec).replace(",", " ")


def _parameter(value: Any, language: Language) -> Any:
    if isinstance(value, Message):
        return render(value, language)
    if isinstance(value, list | tuple):
        return ", ".join(str(_parameter(item, language)) for item in value)
    if language == BOKMAL and isinstance(value, int) and not isinstance(value, bool):
        return _Number(value)
    return value


def render(text: Message, language: Language | None = None) -> str:
    """``text`` in ``language``, or in the running request's language when none is given."""
    language = language or _language.get()
    template = CATALOGUE[text.code][language]
    return template.format(
        **{key: _parameter(value, language) for key, value in text.params.items()}
    )


# --- the language of the running request ---------------------------------------------------

_language: ContextVar[Language] = ContextVar("message_language", default=ENGLISH)


def current_language() -> Language:
    """The language messages are rendered in now."""
    return _language.get()


@contextlib.contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Render messages in ``language`` until the block ends."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([^\s,;]*))?")


def accepted_language(header: str | None) -> Language:
    """The language an ``Accept-Language`` header asks for, of those the catalogue has.

    Ranges are weighed by their q-values (a missing q is 1, ``q=0`` means "not this one");
    among equal weights the first listed wins, and a range with a malformed q is ignored.
    ``nb``, ``nn`` and ``no`` (with any region) are answered in bokmål; anything else, or
    nothing acceptable, in English.

    >>> accepted_language("nn-NO, en;q=0.5")
    'nb'
    >>> accepted_language("en-GB, nb;q=0.9")
    'en'
    >>> accepted_language("nb;q=0, en")
    'en'
    """
    if not header:
        return ENGLISH
    best: tuple[float, int] | None = None
    chosen: Language = ENGLISH
    refused: set[Language] = set()
    for position, part in enumerate(header.split(",")):
        match = _RANGE.match(part)
        if match is None:
            continue
        tag, weight_text = match.group(1).lower(), match.group(2)
        try:
            weight = float(weight_text) if weight_text is not None else 1.0
        except ValueError:
            continue
        if not 0 <= weight <= 1:
            continue
        primary = tag.split("-")[0]
        language = ENGLISH if tag == "*" else _LANGUAGE_TAGS.get(primary)
        if language is None:
            continue
        if weight == 0:
            if primary in LANGUAGES:  # "nn;q=0" declines nynorsk, not bokmål
                refused.add(language)
            continue
        if best is None or (weight, -position) > best:
            best, chosen = (weight, -position), language
    if chosen in refused:
        return next((language for language in LANGUAGES if language not in refused), ENGLISH)
    return chosen

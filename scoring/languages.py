"""The languages of the participant path, read from ``locales/languages.yaml``.

Data, not code, so that a third language is added by adding files (see that file). Scoring
never sees a language: answers are canonical codes in every language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 primary tag: "en", "es"
    name: str  # in the language itself, for the switch: "Español"
    english_name: str  # for staff, who work in English: "Spanish"
    switch_label: str  # "Language" in the language itself, for the language switch: "Idioma"


@dataclass(frozen=True)
class Languages:
    source: str
    all: tuple[Language, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.all)

    @property
    def translations(self) -> tuple[str, ...]:
        """Every language but the source: those the questionnaire files must translate into."""
        return tuple(code for code in self.codes if code != self.source)

    def get(self, code: str) -> Language:
        for language in self.all:
            if language.code == code:
                return language
        raise KeyError(code)


@functools.cache
def languages() -> Languages:
    raw = yaml.safe_load((LOCALES_DIR / "languages.yaml").read_text(encoding="utf-8"))
    listed = tuple(
        Language(
            code=entry["code"],
            name=entry["name"],
            english_name=entry.get("english_name", entry["name"]),
            switch_label=entry["switch_label"],
        )
        for entry in raw["languages"]
    )
    if raw["source"] not in {language.code for language in listed}:
        raise ValueError(f"locales/languages.yaml: the source language {raw['source']!r} is not listed")
    return Languages(source=raw["source"], all=listed)


SOURCE = languages().source


class MissingTranslation(LookupError):
    """A participant text has no wording in the language asked for. Never answered with the
    English: tests/unit/test_translations.py finds every such text before it ships."""


@functools.cache
def _entries(code: str) -> dict[tuple[str | None, str], str]:
    """The translated (and not fuzzy) messages of ``locales/<code>/LC_MESSAGES/messages.po``,
    keyed by (context, English text)."""
    from babel.messages.pofile import read_po  # only where a translation is read

    path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        messages = read_po(handle, locale=code)
    return {
        (message.context, str(message.id)): str(message.string)
        for message in messages
        if message.id and message.string and not message.fuzzy
    }


def catalog(code: str) -> dict[str, str]:
    """English text -> its translation in ``code``, for messages without a context."""
    return {text: translated for (context, text), translated in _entries(code).items() if context is None}


def translate(text: str, code: str, context: str | None = None) -> str:
    """``text`` (English, the msgid) in language ``code``; ``context`` tells apart one English
    word that another language says two ways (the reasons' pronouns)."""
    if code == SOURCE:
        return text
    try:
        return _entries(code)[(context, text)]
    except KeyError:
        raise MissingTranslation(f"no {code} translation of {text!r}") from None

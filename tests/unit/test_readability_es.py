"""Plain Spanish: every Spanish text of our own reads at Fernández-Huerta 70 or above ("fairly
easy" and easier), as the English reads at grade 8 or below (tests/unit/test_readability.py).

Measured: the Spanish of every questionnaire text whose wording is our own (questions in both
wordings, help, answer options, titles and intros), and every message of the Spanish catalog
(locales/es/LC_MESSAGES/messages.po). Not measured: the published Spanish of validated
instruments (``wording: published``), which must stay word for word. Short texts are measured
together, as in the English test, because readability formulas are noise on one short line.

Fernández-Huerta is the Flesch reading ease refitted for Spanish (textstat ``fernandez_huerta``,
counting Spanish syllables); 70 is the issue's bar.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator

import pytest
import textstat

from scoring import load_questionnaire
from scoring.languages import catalog
from tests.unit.test_readability import PLACEHOLDERS, measure, plain
from ui.messages import messages

MIN_EASE = 70.0
LANG = "es"
# As in the English test: names a reader knows as a whole (medicines, services) count as one
# short word; these are their Spanish spellings.
NAMES_ES = (
    "Alcohólicos Anónimos",
    "Narcóticos Anónimos",
    "Línea Nacional contra la Violencia Doméstica",
    "benzodiacepinas",
    "barbitúricos",
    "buprenorfina",
    "metadona",
    "naloxona",
    "fentanilo",
    "oxicodona",
    "morfina",
    "fenobarbital",
    "metanfetamina",
    "anfetaminas",
    "cocaína",
    "opioides",
)
_NAMES_ES = re.compile("|".join(re.escape(n) for n in sorted(NAMES_ES, key=len, reverse=True)), re.I)
# Help wording quoted from a published Spanish version (the C-SSRS screener's own examples).
PUBLISHED_HELP_ES = {"cssrs.3", "cssrs.6"}


@contextlib.contextmanager
def spanish_syllables() -> Iterator[None]:
    """textstat's language is process-wide: set Spanish only while measuring, so the English
    grade test running in the same process still counts English syllables."""
    textstat.set_lang(LANG)
    try:
        yield
    finally:
        textstat.set_lang("en_US")


def plain_es(text: str) -> str:
    return _NAMES_ES.sub("Nombre", plain(text))


def ease(text: str) -> float:
    """Call inside ``spanish_syllables()``: switching textstat's language reloads its hyphenation
    dictionary and empties its caches, about a second each time."""
    return textstat.fernandez_huerta(plain_es(text))


def _fill(text: str) -> str:
    return (
        text.format(
            **PLACEHOLDERS,
            they="usted",
            their="su",
            them="usted",
            They="Usted",
            Their="Su",
            signs="",
            details="2 o 3 veces",
            finding="",
            name="PHQ-9",
            score="12",
        )
        if "{" in text
        else text
    )


def questionnaire_texts() -> list[tuple[str, str, str]]:
    found = []
    for section in load_questionnaire().sections:
        spanish = section.translations[LANG]
        for field in ("title", "title_loved_one"):
            found.append(("section title", f"{section.section}.{field}", getattr(spanish, field)))
        if spanish.intro_wording == "own":
            for field in ("intro", "intro_loved_one"):
                if getattr(spanish, field):
                    found.append(("section intro", f"{section.section}.{field}", getattr(spanish, field)))
        for item in section.items:
            texts = item.translations[LANG]
            fields = ["text_loved_one", "unknown_label"]
            if item.id not in PUBLISHED_HELP_ES:
                fields += ["help", "help_loved_one"]
            if texts.wording == "own":
                fields.insert(0, "text")
                for number, option in enumerate(texts.options or (), start=1):
                    for label in dict.fromkeys([option.label, option.label_loved_one or option.label]):
                        found.append(("answer option", f"{item.id} option {number}", label))
            for field in fields:
                if getattr(texts, field):
                    found.append(("question or help", f"{item.id}.{field}", getattr(texts, field)))
    return found


def catalog_texts() -> list[tuple[str, str, str]]:
    spanish = catalog(LANG)
    return [
        ("message", where, _fill(spanish[english])) for where, english in messages() if english in spanish
    ]


@functools.cache
def measured() -> list[tuple[str, float, str]]:
    with spanish_syllables():
        return measure(questionnaire_texts() + catalog_texts(), ease)


def test_spanish_syllables_are_counted_in_spanish_and_put_back() -> None:
    # "Poco interés o placer en hacer cosas": 13 syllables in Spanish; "make" is ma-ke there.
    with spanish_syllables():
        assert textstat.syllable_count("Poco interés o placer en hacer cosas") == 13
        assert textstat.syllable_count("make") == 2
    assert textstat.syllable_count("make") == 1  # English again afterwards


@pytest.mark.parametrize(("name", "level", "text"), [pytest.param(*row, id=row[0]) for row in measured()])
def test_reads_at_fernandez_huerta_70_or_above(name: str, level: float, text: str) -> None:
    assert level >= MIN_EASE, f"{name} reads at Fernández-Huerta {level:.1f}: {plain_es(text)}"


def test_table() -> None:
    """Prints every ease score, hardest first (see it with ``-s``)."""
    for name, level, text in sorted(measured(), key=lambda row: row[1]):
        print(f"{level:5.1f}  {name}: {plain_es(text)[:90]}")

"""Every participant-facing message that is not questionnaire data, for the gettext catalogs.

The English text is the message id: ``ui/texts.py`` and ``scoring/reason_text.py`` stay the one
source of the English, and ``locales/<code>/LC_MESSAGES/messages.po`` holds each other language
(questionnaire wording lives in the YAML instead, beside the English it translates).

``python -m ui.messages`` writes ``locales/messages.pot`` (the template translators update their
catalogs from: ``pybabel update -i locales/messages.pot -d locales``). The translation tests read
the same list, so a new English text without a translation fails before it ships.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from scoring import reason_text
from scoring.fhir import HEADERS, YES_NO_OPTIONS
from scoring.languages import LOCALES_DIR
from scoring.reason_text import PRONOUN_CONTEXT
from ui import texts
from ui.i18n import UNTRANSLATED


def strings_of(where: str, value: object) -> Iterator[tuple[str, str]]:
    """(where, text) for every string in ``value``, nested dicts, lists and tuples included,
    each named by its path ("NAV[next]")."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from strings_of(f"{where}[{key}]", inner)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from strings_of(f"{where}[{index}]", inner)


def messages() -> Iterator[tuple[str, str]]:
    """(where, English text) for every message a participant may read, in a stable order."""
    for name in sorted(vars(texts)):
        if name.isupper() and not name.startswith("_") and name not in UNTRANSLATED:
            yield from strings_of(f"ui/texts.py:{name}", getattr(texts, name))
    for name in ("INDICATORS", "TEMPLATES", "SIGNS", "DETAILS", "ALSO_NOTED", "SCORE_OF"):
        yield from strings_of(f"scoring/reason_text.py:{name}", getattr(reason_text, name))
    for _, label in YES_NO_OPTIONS:
        yield "scoring/fhir.py:YES_NO_OPTIONS", label
    # The FHIR Questionnaire's title and description, for a form renderer in another language.
    for respondent, header in HEADERS.items():
        for key in ("title", "description"):
            yield f"scoring/fhir.py:HEADERS[{respondent.value}][{key}]", header[key]


def pronouns() -> Iterator[tuple[str, str]]:
    """(context, English word) for the reason templates' pronouns, one per respondent and key:
    the same English word can need different words in another language."""
    for respondent, words in reason_text.PRONOUNS.items():
        for key, word in words.items():
            yield PRONOUN_CONTEXT.format(respondent=respondent.value, key=key), word


def write_template(path: Path = LOCALES_DIR / "messages.pot") -> int:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="iop-self-screen", fuzzy=False)
    for where, text in messages():
        file, _, name = where.partition(":")
        catalog.add(text, locations=[(file, 0)], auto_comments=[name])
    for context, word in pronouns():
        catalog.add(word, context=context)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=False, no_location=False, width=100)
    return len(catalog)


if __name__ == "__main__":
    count = write_template()
    print(f"locales/messages.pot: {count} messages", file=sys.stderr)

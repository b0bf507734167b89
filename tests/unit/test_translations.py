"""Translations as data (issue 14): every participant text exists in every language of
locales/languages.yaml, nothing falls back to English, and scoring never sees the language.

The questionnaire wording lives beside the English in the YAML (``es:`` blocks) and the loader
refuses a file whose translation is missing or whose options differ in number; everything else a
participant reads is in the gettext catalog, checked here message by message.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scoring import evaluate, load_questionnaire
from scoring.cli import main as cli_main
from scoring.fhir import TRANSLATION, build_questionnaire, intro_of, options_of, title_of, wording_of
from scoring.languages import LOCALES_DIR, MissingTranslation, catalog, languages, translate
from scoring.sample import random_screen
from scoring.vocab import Respondent
from tests.unit.test_questionnaire_files import copy, edit, item, refused  # noqa: F401  (fixture)
from ui.messages import messages, pronouns, write_template

OTHER_LANGUAGES = languages().translations
RESPONDENTS = (Respondent.SELF, Respondent.LOVED_ONE)
PLACEHOLDER = re.compile(r"\{\w+\}")
# Titles that are one word spelled the same in both languages: a translation, not a fallback.
SAME_IN_BOTH = {"Alcohol"}


def test_spanish_is_a_language_of_the_participant_path() -> None:
    assert "es" in OTHER_LANGUAGES
    assert languages().get("es").name == "Español"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_question_title_intro_and_option_has_its_own_wording(lang: str) -> None:
    """What the wizard shows in ``lang`` differs from the English wherever the English is words
    (a number such as "1 or 2" may read the same), and keeps every canonical value."""
    questionnaire = load_questionnaire()
    for section in questionnaire.sections:
        for respondent in RESPONDENTS:
            english_title = title_of(section, respondent)
            assert title_of(section, respondent, lang) != english_title or english_title in SAME_IN_BOTH
            assert (intro_of(section, respondent, lang) is None) == (intro_of(section, respondent) is None)
        for entry in section.items:
            for respondent in RESPONDENTS:
                text, help_text = wording_of(entry, respondent, lang)
                assert text and text != wording_of(entry, respondent)[0], entry.id
                assert (help_text is None) == (wording_of(entry, respondent)[1] is None), entry.id
                english, translated = options_of(entry, respondent), options_of(entry, respondent, lang)
                assert [value for value, _ in translated] == [value for value, _ in english], entry.id
                assert all(label for _, label in translated), entry.id


def test_scoring_sees_only_canonical_values_whatever_the_language() -> None:
    """The answer a widget stores is the option's value; every language offers the same values
    for every item and respondent, so a Spanish screen scores exactly as the English one."""
    for entry in load_questionnaire().items.values():
        for respondent in RESPONDENTS:
            values = {lang: [v for v, _ in options_of(entry, respondent, lang)] for lang in languages().codes}
            assert len({tuple(map(repr, v)) for v in values.values()}) == 1, entry.id


def test_a_file_without_an_item_in_spanish_is_refused(copy) -> None:  # noqa: F811
    edit(copy, "mood.yaml", lambda d: item(d, "phq9.3").pop("es"))
    assert refused(copy) == "mood.yaml: item phq9.3: no Spanish (es:) wording"


def test_a_spanish_item_with_an_option_too_few_is_refused(copy) -> None:  # noqa: F811
    def drop_option(data: dict) -> None:
        spanish = item(data, "auditc.2")["es"]
        spanish["options"] = list(spanish["options"])[:-1]

    edit(copy, "alcohol.yaml", drop_option)
    assert (
        refused(copy) == "alcohol.yaml: item auditc.2: the Spanish (es:) wording has 4 options, the English 5"
    )


def test_a_spanish_item_without_the_help_the_english_has_is_refused(copy) -> None:  # noqa: F811
    edit(copy, "alcohol.yaml", lambda d: item(d, "auditc.2")["es"].pop("help"))
    assert (
        refused(copy)
        == "alcohol.yaml: item auditc.2: the Spanish (es:) wording has no help (the English has one)"
    )


def test_a_section_without_its_spanish_title_is_refused(copy) -> None:  # noqa: F811
    edit(copy, "home.yaml", lambda d: d.pop("es"))
    assert refused(copy) == "home.yaml: no Spanish (es:) title and intro for the section"


def test_published_spanish_wording_must_name_its_source(copy) -> None:  # noqa: F811
    edit(copy, "mood.yaml", lambda d: d["es"].pop("source"))
    message = refused(copy)
    assert message.startswith("mood.yaml: section's Spanish (es:) block needs a source: phq9.1, phq9.2"), (
        message
    )


def test_a_language_block_the_registry_does_not_list_is_refused(copy) -> None:  # noqa: F811
    edit(copy, "mood.yaml", lambda d: item(d, "phq9.1").update(fr={"text": "Peu d'intérêt"}))
    assert "item phq9.1: fr: Extra inputs are not permitted" in refused(copy)


def test_the_validated_instruments_quote_their_published_spanish() -> None:
    """PHQ-9, GAD-7, C-SSRS and AUDIT-C have published Spanish versions (docs/i18n-sources.md);
    the instruments with none found are our own translation, and say so."""
    questionnaire = load_questionnaire()
    published = {
        i.instrument for i in questionnaire.items.values() if i.translations["es"].wording == "published"
    }
    assert {"phq9", "gad7", "auditc"} <= published
    assert not published & {"bam", "mspss", "pcptsd5", "taps1", None}
    phq9 = questionnaire.items["phq9.1"].translations["es"]
    assert phq9.text == "Poco interés o placer en hacer cosas"
    assert [o.label for o in phq9.options or ()] == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_the_fhir_questionnaires_carry_spanish_through_the_translation_extension(respondent) -> None:
    resource = build_questionnaire(respondent=respondent)
    assert resource["language"] == "en"
    questionnaire = load_questionnaire()
    groups = {group["linkId"]: group for group in resource["item"]}
    for section in questionnaire.sections:
        group = groups[section.section]
        assert _spanish(group["_text"]) == title_of(section, respondent, "es")
        shown = {entry["linkId"]: entry for entry in group["item"]}
        for entry in section.items:
            exported = shown[entry.id]
            assert _spanish(exported["_text"]) == wording_of(entry, respondent, "es")[0]
            labels = [_spanish(option["valueCoding"]["_display"]) for option in exported["answerOption"]]
            assert labels == [label for _, label in options_of(entry, respondent, "es")], entry.id


def _spanish(element: dict) -> str:
    (extension,) = [e for e in element["extension"] if e["url"] == TRANSLATION]
    parts = {part["url"]: part for part in extension["extension"]}
    assert parts["lang"]["valueCode"] == "es"
    return parts["content"]["valueString"]


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_participant_message_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    """ui/texts.py, the reasons and the yes/no labels: no message without its translation, and
    none that drops or invents a {placeholder} (it would fail or read wrong when filled in)."""
    translated = catalog(lang)
    missing = [f"{where}: {english[:60]!r}" for where, english in messages() if english not in translated]
    assert not missing, f"{len(missing)} messages have no {lang} translation:\n" + "\n".join(missing)
    for where, english in messages():
        assert set(PLACEHOLDER.findall(translated[english])) == set(PLACEHOLDER.findall(english)), where


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_the_reason_pronouns_are_translated_for_each_respondent(lang: str) -> None:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle)
    for context, english in pronouns():
        message = po.get(english, context=context)
        assert message is not None and message.string and not message.fuzzy, context


def test_a_message_without_a_translation_is_never_shown_in_english() -> None:
    with pytest.raises(
        MissingTranslation, match=re.escape("no es translation of 'A sentence nobody wrote.'")
    ):
        translate("A sentence nobody wrote.", "es")
    assert translate("A sentence nobody wrote.", "en") == "A sentence nobody wrote."


def test_the_template_lists_every_message(tmp_path: Path) -> None:
    """locales/messages.pot is what ``python -m ui.messages`` writes from the code today."""
    fresh = tmp_path / "messages.pot"
    write_template(fresh)
    with fresh.open("rb") as new, (LOCALES_DIR / "messages.pot").open("rb") as kept:
        assert [m.id for m in read_po(new)] == [m.id for m in read_po(kept)], "run: python -m ui.messages"


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_a_spanish_questionnaire_has_spanish_text_and_carries_the_english_as_its_translation(respondent):
    """For renderers that ignore the translation extension (LHC-Forms 40.1 shows ``text`` and
    ``display`` as they are): ``--lang es`` makes the Spanish the resource's own words."""
    english, spanish = (
        build_questionnaire(respondent=respondent),
        build_questionnaire(respondent=respondent, lang="es"),
    )
    assert spanish["language"] == "es" and spanish["title"] == translate(english["title"], "es")
    assert _translated(spanish["_title"], "en") == english["title"]
    for english_group, spanish_group in zip(english["item"], spanish["item"], strict=True):
        assert spanish_group["text"] == _translated(english_group["_text"], "es")
        assert _translated(spanish_group["_text"], "en") == english_group["text"]
        for english_item, spanish_item in zip(english_group["item"], spanish_group["item"], strict=True):
            assert spanish_item["linkId"] == english_item["linkId"]
            assert spanish_item["text"] == _translated(english_item["_text"], "es")
            codes = [o["valueCoding"]["code"] for o in spanish_item.get("answerOption", [])]
            assert codes == [o["valueCoding"]["code"] for o in english_item.get("answerOption", [])]
            for option in spanish_item.get("answerOption", []):
                assert _translated(option["valueCoding"]["_display"], "en")


def test_the_command_line_prints_the_spanish_questionnaire_and_refuses_an_unknown_language(capsys):
    assert cli_main(["fhir-questionnaire", "--lang", "es"]) == 0
    assert json.loads(capsys.readouterr().out) == build_questionnaire(lang="es")
    with pytest.raises(SystemExit) as refused:
        cli_main(["fhir-questionnaire", "--lang", "fr"])
    assert refused.value.code == 2 and "--lang" in capsys.readouterr().err


def _translated(element: dict, lang: str) -> str:
    (content,) = [
        part["valueString"]
        for extension in element["extension"]
        if extension["url"] == TRANSLATION
        for part in extension["extension"]
        if part["url"] == "content" and {"url": "lang", "valueCode": lang} in extension["extension"]
    ]
    return content


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_the_same_answers_give_the_same_result_in_every_language_but_the_reasons_words(lang: str) -> None:
    rng = random.Random(14)
    for _ in range(200):
        screen = random_screen(rng)
        english, other = evaluate(screen), evaluate(screen, lang=lang)
        assert {k: v for k, v in other.items() if k != "reasons"} == {
            k: v for k, v in english.items() if k != "reasons"
        }
        assert [(r["rule"], r["evidence"]) for r in other["reasons"]] == [
            (r["rule"], r["evidence"]) for r in english["reasons"]
        ]
        assert all(o["text"] != e["text"] for o, e in zip(other["reasons"], english["reasons"], strict=True))

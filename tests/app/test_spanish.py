"""The participant path in Spanish (issue 14), in AppTest: choosing the language, keeping it in
the address, every step and the result in Spanish, and the same stored screen as in English.

Browser-only parts (Accept-Language from a real browser, <html lang>, screenshots, axe) are in
tests/e2e/test_spanish.py.
"""

from __future__ import annotations

import re

import pytest

from scoring import load_questionnaire
from scoring.fhir import intro_of, title_of, wording_of
from scoring.languages import translate
from tests.support.wizard_driver import (
    block,
    click,
    new_session,
    page_text,
    resume,
    save_code,
    set_answer,
    stage,
    start,
    to_result,
    visible_items,
    wizard,
)
from ui import texts
from ui.i18n import LANG_PARAM, SWITCH_KEY, from_accept_language

SPANISH = {LANG_PARAM: "es"}


def address_language(at) -> str | None:
    """``?lang=`` as the page address now has it (AppTest keeps a list once the script sets it)."""
    value = at.query_params.get(LANG_PARAM)
    return value[-1] if isinstance(value, list) else value


def es(text: str) -> str:
    return translate(text, "es")


def test_the_address_picks_spanish_and_the_welcome_page_speaks_it() -> None:
    at = new_session(SPANISH)
    assert [t.value for t in at.title] == [es(texts.WELCOME_TITLE)]
    assert at.button(key="nav-start").label == es(texts.START_BUTTON)
    assert at.radio(key="respondent").label == es(texts.RESPONDENT_QUESTION)
    assert address_language(at) == "es"
    assert es("Welcome") != "Welcome"


def test_english_is_the_first_language_and_is_written_into_the_address() -> None:
    at = new_session()
    assert [t.value for t in at.title] == [texts.WELCOME_TITLE]
    assert address_language(at) == "en"


def test_an_unknown_language_in_the_address_falls_to_the_browser_choice_not_an_error() -> None:
    at = new_session({LANG_PARAM: "xx"})
    assert not at.exception
    assert [t.value for t in at.title] == [texts.WELCOME_TITLE]
    assert address_language(at) == "en"


def test_the_switch_changes_the_language_and_keeps_it_in_the_address() -> None:
    at = new_session()
    switch = next(b for b in at.button_group if b.key == SWITCH_KEY)
    switch.set_value("es").run()
    assert [t.value for t in at.title] == [es(texts.WELCOME_TITLE)]
    assert address_language(at) == "es"


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("es-US,es;q=0.9,en;q=0.8", "es"),
        ("es-MX", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.5", "es"),
        ("en;q=0.2,es;q=0.9", "es"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
        ("es;q=abc", "en"),
        ("fr-FR, es;q=0", "en"),  # q=0: not Spanish
    ],
)
def test_accept_language_picks_the_first_language_the_screen_speaks(header, chosen) -> None:
    assert from_accept_language(header) == chosen


@pytest.mark.parametrize("respondent", ["self", "loved_one"])
def test_every_step_is_in_spanish_and_answers_survive_a_language_switch(respondent) -> None:
    at = start(respondent, SPANISH)
    questionnaire = load_questionnaire()
    first = wizard(at).step
    section = questionnaire.sections[first]
    assert [t.value for t in at.title] == [title_of(section, respondent, "es")]
    shown_intro = intro_of(section, respondent, "es")
    assert shown_intro is None or shown_intro in page_text(at)
    for item_id in visible_items(at):
        assert at.radio(key=item_id).label == wording_of(questionnaire.items[item_id], respondent, "es")[0]
    answered = visible_items(at)[0]
    value = questionnaire.items[answered].options[-1].value
    set_answer(at, answered, value)
    # Switching to English on the same step: same step, same answer, English words.
    next(b for b in at.button_group if b.key == SWITCH_KEY).set_value("en").run()
    assert at.radio(key=answered).value == value
    assert at.radio(key=answered).label == wording_of(questionnaire.items[answered], respondent)[0]


@pytest.mark.parametrize("respondent", ["self", "loved_one"])
def test_a_spanish_screen_reaches_a_spanish_result(respondent) -> None:
    at = to_result(start(respondent, SPANISH), {"auditc.1": 3, "auditc.2": 2, "phq9.1": 2})
    result = wizard(at)
    assert stage(at) == "result"
    headline = block(at, "result-headline")
    assert headline is not None
    shown = page_text(at)
    assert es(texts.RESULT_REASONS_TITLE) in shown
    assert texts.RESULT_REASONS_TITLE not in shown
    # Own translations (BAM, MSPSS, ...) are named as not validated in Spanish.
    note = block(at, "translation-not-validated")
    assert note is not None, "no note on the unvalidated Spanish wording"
    assert result.respondent == respondent


def test_the_crisis_stop_speaks_spanish() -> None:
    at = start("self", SPANISH)
    from tests.support.wizard_driver import go_to_section

    go_to_section(at, "safety")
    set_answer(at, "cssrs.1", True)
    set_answer(at, "cssrs.2", True)
    set_answer(at, "cssrs.4", True)
    assert stage(at) == "crisis"
    text = page_text(at)
    assert "988" in text and "911" in text
    assert es(texts.CRISIS_TITLE["self"]) in text


def test_an_unanswered_next_says_what_is_missing_in_spanish() -> None:
    at = start("self", SPANISH)
    click(at, "nav-next")
    assert es(texts.UNANSWERED_SUMMARY) in page_text(at)
    assert texts.UNANSWERED_SUMMARY not in page_text(at)


def test_a_resume_code_brings_back_the_spanish_screen_in_a_new_browser() -> None:
    at = start("self", SPANISH)
    first = visible_items(at)[0]
    set_answer(at, first, load_questionnaire().items[first].options[0].value)
    code = save_code(at)
    # The notice and its date are Spanish ("3 de mayo de 2027"), not "May 3, 2027".
    saved = " ".join(s.value for s in at.success)
    assert re.search(r"\b\d{1,2} de [a-z]+ de \d{4}\b", saved), saved
    # A new browser whose address has no language yet (an English Accept-Language too).
    other = resume(code)
    assert address_language(other) == "es"
    assert at.radio(key=first).label == other.radio(key=first).label
    assert other.radio(key=first).value == load_questionnaire().items[first].options[0].value

"""The participant path in Spanish in real Chromium (issue 14): a browser set to Spanish gets it,
<html lang> follows, the whole screen for oneself and for a loved one reaches a Spanish result and
is sent, axe finds nothing serious on any Spanish page, and the keyboard alone still does it all.
Screenshots of the Spanish pages go to docs/screenshots/es-*.png (with REFRESH_SCREENSHOTS=1).

What AppTest already proves (each text's Spanish, the switch, the address) is not repeated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scoring import load_questionnaire
from scoring.languages import translate
from tests.e2e.make_screenshots import SHOWCASE_ANSWERS, full_page
from tests.e2e.test_accessibility import Audit, Keyboard
from tests.support.browser_driver import CALM_ANSWERS, REFERENCE_PATTERN, Participant, full_answers, key_class
from ui import texts

pytestmark = pytest.mark.e2e


def es(text: str) -> str:
    return translate(text, "es")


def html_lang(page: Page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def test_a_browser_set_to_spanish_gets_the_spanish_screen_and_html_lang(new_context, server_url) -> None:
    context = new_context(locale="es-US")  # Chromium then sends Accept-Language: es-US
    person = Participant(context.new_page(), server_url, lang="es")
    person.open()
    page = person.page
    expect(page.get_by_role("heading", level=1)).to_have_text(es(texts.WELCOME_TITLE))
    page.wait_for_function("() => document.documentElement.lang === 'es'")
    assert "lang=es" in page.url
    # The switch back to English changes the words and <html lang> together.
    person.click(page.locator(key_class("language-switch")).get_by_text("English", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(texts.WELCOME_TITLE)
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "lang=en" in page.url


@pytest.mark.parametrize("respondent", ["self", "loved_one"])
def test_the_whole_screen_in_spanish_is_sent_and_axe_clean(
    respondent: str, new_context, server_url, stored_screen, screenshot_dir: Path
) -> None:
    person = Participant(new_context().new_page(), server_url, respondent, lang="es")
    person.open("/?lang=es")
    audit = Audit(person.page)
    shots = respondent == "self"
    audit("welcome")
    if shots:
        full_page(person, screenshot_dir / "es-01-welcome.png")
    person.start()
    sections = load_questionnaire().sections
    number = 1
    while not person.on_review():
        audit(f"step {number}")
        # The showcase answers open every step, so step N is section N (as in make_screenshots).
        path = screenshot_dir / f"es-{number + 1:02d}-step-{sections[number - 1].section}.png"
        person.finish_step(
            SHOWCASE_ANSWERS, before_next=(lambda p=path: full_page(person, p)) if shots else None
        )
        number += 1
    audit("review")
    if shots:
        full_page(person, screenshot_dir / f"es-{number + 1:02d}-review.png")
    person.see_result()
    audit("result")
    if shots:
        full_page(person, screenshot_dir / "es-15-result.png")
    expect(person.page.locator(key_class("translation-not-validated"))).to_be_visible()
    reference = person.send()
    audit("result, sent")
    audit.assert_clean()
    stored = stored_screen(reference)
    assert stored["language"] == "es"
    assert stored["respondent"] == respondent
    assert stored["answers"] == full_answers(SHOWCASE_ANSWERS)


def test_the_spanish_screen_can_be_done_with_the_keyboard_alone(
    new_context, server_url, stored_screen
) -> None:
    person = Participant(new_context().new_page(), server_url, lang="es")
    person.open("/?lang=es")
    keyboard = Keyboard(person, CALM_ANSWERS)
    keyboard.start()
    keyboard.finish()
    page = person.page
    expect(page.locator(key_class("result-headline"))).to_have_text(
        es(texts.DISPOSITION_HEADLINE["outpatient"]["self"])
    )
    keyboard.tab_to("nav-submit")
    keyboard.press("Enter")
    sent = page.get_by_text(REFERENCE_PATTERN)
    expect(sent).to_be_visible()
    reference = REFERENCE_PATTERN.search(sent.inner_text()).group(0)
    stored = stored_screen(reference)
    assert stored["answers"] == full_answers(CALM_ANSWERS)
    assert stored["language"] == "es"


def test_the_spanish_crisis_page_in_the_browser(new_context, server_url, screenshot_dir: Path) -> None:
    person = Participant(new_context().new_page(), server_url, lang="es")
    person.open("/?lang=es")
    person.start()
    person.walk_to_step(8, CALM_ANSWERS)
    person.answer("safety.harm_others", True)
    expect(person.page.locator(key_class("crisis-page"))).to_be_visible()
    audit = Audit(person.page)
    audit("crisis page")
    audit.assert_clean()
    full_page(person, screenshot_dir / "es-16-crisis.png")
    assert html_lang(person.page) == "es"

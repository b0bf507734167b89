"""Accessibility in real Chromium: axe-core on every participant page and the staff sign-in, the
whole screen done with the keyboard alone, focus after a failed Next, the crisis banner announced
to screen readers, and the layout on a 360-pixel-wide phone.

axe-core comes from the ``axe-playwright-python`` package (its bundled ``axe.min.js``), injected
into the page and run with its default rules; serious and critical violations fail the test, and
so does a page without exactly one h1 or with a heading level skipped.
No selector is excluded: Streamlit's own markup passes once our theme gives captions enough
contrast (``.streamlit/config.toml``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect

from scoring import load_questionnaire
from tests.support.browser_driver import (
    CALM_ANSWERS,
    REFERENCE_PATTERN,
    Participant,
    full_answers,
    key_class,
    value_for,
)
from ui import texts
from ui.widgets import labels

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}
# Moderate in axe, but a screen reader's outline of the page rests on them: one h1 per page,
# and no level skipped under it.
OUTLINE = {"page-has-heading-one", "heading-order"}
MOOD_STEP = 5  # PHQ-9: item 9 above 0 raises safety to "elevated" (the 988 banner)
SAFETY_STEP = 8  # the C-SSRS screener: an intent answer stops the screen at the crisis page
PHONE = {"width": 360, "height": 740}
# The banner shows from the mood step on; nothing urgent, so the walk reaches the result.
# In recovery, so every step is shown (the relapse step is asked only of someone who drinks,
# uses or has had a problem) and axe checks them all.
ELEVATED_ANSWERS = {**CALM_ANSWERS, "phq9.9": 1, "recovery.history": True}
URGENT_CLICKS = (("cssrs.1", True), ("cssrs.2", True), ("cssrs.4", True))


def axe_violations(page: Page) -> list[dict]:
    """The serious and critical axe-core violations on the page as it is now, and the outline's."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in results["violations"] if v["impact"] in BLOCKING or v["id"] in OUTLINE]
    h1s = page.locator("h1").all_inner_texts()
    if len(h1s) != 1:  # axe passes a page with two h1s; a reader then cannot tell which is the page
        found.append({"id": "one-h1", "impact": "outline", "help": f"{len(h1s)} h1s: {h1s}", "nodes": []})
    return found


def report(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}) {v['help']}")
            lines += [f"    {node['target']} {node['html'][:160]}" for node in v["nodes"][:5]]
    return "\n".join(lines)


class Audit:
    """Runs axe on each page state it is shown and keeps what it found, by page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked: list[str] = []
        self.found: dict[str, list[dict]] = {}

    def __call__(self, where: str) -> None:
        self.checked.append(where)
        violations = axe_violations(self.page)
        if violations:
            self.found[where] = violations

    def assert_clean(self) -> None:
        assert not self.found, "axe found serious or critical violations:\n" + report(self.found)


def test_axe_finds_no_serious_violations_on_participant_pages(participant: Participant) -> None:
    """Welcome, levels of care, for families, the staff sign-in, each wizard step (as it opens,
    answered, and with its "please answer" marks), the saved-code notice, the review, the result
    (with the 988 banner and notices) and the sent confirmation."""
    page = participant.page
    audit = Audit(page)
    audit("welcome")
    for path in ("/levels_of_care", "/families", "/staff_signin"):
        participant.open(path)
        audit(path)
    participant.open("/")
    participant.click(participant.button("nav-start"))  # nothing chosen: both problems shown
    audit("welcome, start refused")
    participant.click(participant.option("respondent", texts.RESPONDENT_OPTIONS["loved_one"]))
    audit("welcome, answering for someone else")
    participant.click(participant.option("respondent", texts.RESPONDENT_OPTIONS["self"]))
    participant.click(page.locator(key_class("consent")).get_by_text(texts.CONSENT_LABEL))
    participant.click(participant.button("nav-start"))
    participant.expect_step(1)
    participant.next()  # nothing answered: every question marked
    expect(page.get_by_text(texts.UNANSWERED_SUMMARY)).to_be_visible()
    audit("step 1, failed Next")
    total = len(participant.questionnaire.sections)
    for number in range(1, total + 1):
        participant.expect_step(number)
        audit(f"step {number}")
        participant.answer_step(ELEVATED_ANSWERS)
        audit(f"step {number}, answered")
        if number == MOOD_STEP:
            expect(page.locator(key_class("crisis-banner"))).to_be_visible()
            participant.save()
            audit(f"step {number}, saved with a code")
        participant.finish_step(ELEVATED_ANSWERS)
    assert participant.on_review()
    audit("review")
    page.locator('[data-testid="stExpander"] summary').first.press("Enter")
    audit("review, a section open")
    participant.see_result()
    audit("result")
    participant.click(page.locator(key_class("contact-wanted")).get_by_text(texts.CONTACT_WANTED))
    audit("result, contact form open")
    participant.click(page.locator(key_class("contact-wanted")).get_by_text(texts.CONTACT_WANTED))
    participant.send()
    audit("result, sent")
    audit.assert_clean()
    assert len(audit.checked) >= 2 * total + 10


def test_axe_finds_no_serious_violations_on_the_crisis_page(participant: Participant) -> None:
    participant.start()
    participant.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    for item_id, value in URGENT_CLICKS:
        participant.answer(item_id, value)
    expect(participant.page.locator(key_class("crisis-page"))).to_be_visible()
    audit = Audit(participant.page)
    audit("crisis page")
    participant.send()
    audit("crisis page, sent")
    audit.assert_clean()


# --- keyboard only ---------------------------------------------------------------------------

# Where keyboard focus is: the key of the nearest keyed Streamlit element, what kind of control
# it is, whether its question already has an answer, and which of its choices has focus.
_FOCUS_JS = """() => {
  const el = document.activeElement;
  const box = el && el.closest('[class*="st-key-"]');
  const key = box ? [...box.classList].find((c) => c.startsWith('st-key-')).slice(7) : null;
  const radios = box ? [...box.querySelectorAll('input[type="radio"]')] : [];
  return {
    key,
    tag: el ? el.tagName : null,
    type: el ? el.getAttribute('type') : null,
    checked: !!(el && el.checked),
    answered: radios.some((r) => r.checked)
      || !!(box && box.querySelector('button[aria-pressed="true"]')),
    index: radios.indexOf(el),
  };
}"""
MAX_KEYS = 3000


class Keyboard:
    """A person who uses only Tab, Shift+Tab, Space, Enter and the arrow keys."""

    def __init__(self, person: Participant, answers: dict) -> None:
        self.person = person
        self.page = person.page
        self.answers = answers
        self.item_of_key = {item_id.replace(".", "-"): item_id for item_id in person.item_ids}
        self.presses = 0

    def focus(self) -> dict:
        return self.page.evaluate(_FOCUS_JS)

    def press(self, key: str, *, reruns: bool = True) -> None:
        self.presses += 1
        assert self.presses < MAX_KEYS, f"still not done after {MAX_KEYS} key presses"
        since = self.person.runs_finished
        self.page.keyboard.press(key)
        if reruns:
            self.person.wait_runs(since, f"pressing {key}")

    def tab(self) -> None:
        self.press("Tab", reruns=False)

    def tab_to(self, key: str) -> dict:
        for _ in range(200):
            where = self.focus()
            if where["key"] == key:
                return where
            self.tab()
        raise AssertionError(f"Tab never reached {key}")

    def choose(self, item_id: str, where: dict) -> None:
        """On a question's first choice, none chosen yet: pick the planned answer. In a radio
        group the arrow keys move and choose at once, and wrap around at either end."""
        item = self.person.questionnaire.items[item_id]
        options = list(labels(item, self.person.respondent))
        if where["tag"] == "BUTTON":  # the pills of a choose-all-that-apply question
            self.press("Space")
            return
        assert where["index"] == 0, f"Tab entered {item_id} at choice {where['index']}"
        target, count = options.index(value_for(item_id, self.answers)), len(options)
        if target == 0:
            self.press("Space")
        elif target <= count - target:
            for _ in range(target):
                self.press("ArrowDown")
        else:
            for _ in range(count - target):
                self.press("ArrowUp")

    def start(self) -> None:
        where = self.tab_to("respondent")
        assert where["index"] == 0 and not where["answered"]
        self.press("Space")  # the first choice: "For myself"
        self.tab_to("consent")
        self.press("Space")
        assert self.focus()["checked"]
        self.tab_to("nav-start")
        self.press("Enter")
        self.person.expect_step(1)

    def finish(self) -> None:
        """Answer every step and the review with the keyboard, until the result shows."""
        headline = self.page.locator(key_class("result-headline"))
        while headline.count() == 0:
            where = self.focus()
            item_id = self.item_of_key.get(where["key"] or "")
            if item_id and not where["answered"]:
                self.choose(item_id, where)
            elif where["key"] == "nav-next" and not self.person.unanswered():
                self.press("Enter")
            else:
                self.tab()


def test_the_whole_screen_can_be_done_with_the_keyboard_alone(
    participant: Participant, stored_screen
) -> None:
    keyboard = Keyboard(participant, CALM_ANSWERS)
    keyboard.start()
    keyboard.finish()
    page = participant.page
    expect(page.locator(key_class("result-headline"))).to_have_text(
        texts.DISPOSITION_HEADLINE["outpatient"]["self"]
    )
    keyboard.tab_to("nav-submit")
    keyboard.press("Enter")
    sent = page.get_by_text(REFERENCE_PATTERN)
    expect(sent).to_be_visible()
    # Every answer chosen with the keys is the one planned (arrow keys wrap around correctly).
    reference = REFERENCE_PATTERN.search(sent.inner_text()).group(0)
    assert stored_screen(reference)["answers"] == full_answers(CALM_ANSWERS)


# --- focus after a failed Next ---------------------------------------------------------------


def focused_in(page: Page, item_id: str) -> bool:
    return page.evaluate(
        "(selector) => !!document.activeElement && !!document.activeElement.closest(selector)",
        key_class(item_id),
    )


def test_failed_next_moves_focus_to_the_first_unanswered_question(participant: Participant) -> None:
    participant.start()
    page = participant.page
    keyboard = Keyboard(participant, CALM_ANSWERS)
    keyboard.tab_to("nav-next")
    keyboard.press("Enter")  # nothing answered
    expect(page.get_by_text(texts.UNANSWERED_SUMMARY)).to_be_visible()
    page.wait_for_function(
        "(s) => !!document.activeElement.closest(s)", arg=key_class("about.age_band"), timeout=5_000
    )
    assert page.evaluate("() => document.activeElement.type") == "radio"

    # Answering there moves on by keyboard, and later runs leave focus where the person is.
    keyboard.press("Space")
    keyboard.tab()
    assert focused_in(page, "about.sex_at_birth")
    keyboard.tab_to("nav-next")
    keyboard.press("Enter")  # the second question is still open: focus goes to it
    page.wait_for_function(
        "(s) => !!document.activeElement.closest(s)", arg=key_class("about.sex_at_birth"), timeout=5_000
    )
    keyboard.press("ArrowDown")  # "Male": a run that must not move focus again
    assert focused_in(page, "about.sex_at_birth")
    participant.expect_step(1)


def test_failed_next_on_a_later_step_focuses_a_follow_up(participant: Participant) -> None:
    """The first unanswered question need not be the first on the step."""
    participant.start()
    participant.walk_to_step(2, CALM_ANSWERS)
    participant.answer("auditc.1", 2)  # calls for auditc.2 and auditc.3
    participant.next()
    page = participant.page
    page.wait_for_function(
        "(s) => !!document.activeElement.closest(s)", arg=key_class("auditc.2"), timeout=5_000
    )


# --- the crisis banner is announced ----------------------------------------------------------


def test_crisis_banner_and_crisis_page_are_alerts_for_screen_readers(participant: Participant) -> None:
    participant.start()
    participant.walk_to_step(MOOD_STEP, CALM_ANSWERS)
    page = participant.page
    banner = page.locator(key_class("crisis-banner"))
    expect(banner).to_have_count(0)
    participant.answer("phq9.9", 1)
    # role="alert" is an assertive live region: read out as soon as it appears.
    alert = banner.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("988")
    assert "alert" in banner.aria_snapshot()

    participant.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    for item_id, value in URGENT_CLICKS:
        participant.answer(item_id, value)
    crisis = page.locator(key_class("crisis-page"))
    expect(crisis.get_by_role("alert")).to_contain_text(texts.CRISIS_TITLE["self"])


# --- a 360-pixel phone -----------------------------------------------------------------------

# Horizontal overflow of the page and of Streamlit's main scroll container (the page itself
# does not scroll; stMain does).
_WIDTHS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    document: document.scrollingElement.scrollWidth,
    main: main.scrollWidth,
    main_client: main.clientWidth,
    viewport: window.innerWidth,
  };
}"""


def fits_the_phone(page: Page, where: str, shots: Path) -> None:
    page.screenshot(path=shots / f"phone-{where}.png")
    widths = page.evaluate(_WIDTHS_JS)
    assert widths["viewport"] == PHONE["width"]
    assert widths["document"] <= PHONE["width"], f"{where} scrolls sideways: {widths}"
    assert widths["main"] <= widths["main_client"] <= PHONE["width"], f"{where} scrolls sideways: {widths}"


def button_fits(page: Page, key: str, where: str, shots: Path) -> None:
    button = page.locator(f"{key_class(key)} button")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{key} on {where}: {box}"
    page.screenshot(path=shots / f"phone-{where}-{key}.png")


def test_phone_layout_has_no_sideways_scrolling(new_context, server_url: str, tmp_path: Path) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    person = Participant(page, server_url)
    person.open()
    fits_the_phone(page, "welcome", tmp_path)
    button_fits(page, "nav-start", "welcome", tmp_path)
    person.start()
    fits_the_phone(page, "step-1", tmp_path)
    button_fits(page, "nav-next", "step-1", tmp_path)
    # The home step has the longest answer labels.
    home = 1 + [s.section for s in load_questionnaire().sections].index("home")
    person.walk_to_step(home, CALM_ANSWERS)
    person.answer_step(CALM_ANSWERS)
    fits_the_phone(page, f"step-{home}", tmp_path)
    button_fits(page, "nav-next", f"step-{home}", tmp_path)
    person.walk_to_review(CALM_ANSWERS)
    fits_the_phone(page, "review", tmp_path)
    person.see_result()
    fits_the_phone(page, "result", tmp_path)
    button_fits(page, "nav-submit", "result", tmp_path)

    crisis = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    other = Participant(crisis, server_url)
    other.open()
    other.start()
    other.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    for item_id, value in URGENT_CLICKS:
        other.answer(item_id, value)
    expect(crisis.locator(key_class("crisis-page"))).to_be_visible()
    fits_the_phone(crisis, "crisis", tmp_path)
    button_fits(crisis, "nav-submit", "crisis", tmp_path)
    print(f"\nphone screenshots: {tmp_path}")

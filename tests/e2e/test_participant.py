"""A participant's journeys through the real app in Chromium: the self screen, the loved-one
screen, the crisis stop, saving and resuming, a reload, two people at once, the 988 banner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scoring import evaluate
from tests.support.browser_driver import (
    CALM_ANSWERS,
    CODE_PATTERN,
    REFERENCE_PATTERN,
    Participant,
    full_answers,
    key_class,
)
from ui import texts

pytestmark = pytest.mark.e2e

SAFETY_STEP = 8  # "Your safety": the C-SSRS screener and safety.harm_others

# Alcohol use and mental health both moderate, nothing urgent, a stable and supportive home.
IOP_ANSWERS = {
    **CALM_ANSWERS,
    "about.sex_at_birth": "male",
    "auditc.1": 2,
    "auditc.2": 2,
    "auditc.3": 1,
    **{f"phq9.{n}": 2 for n in range(1, 6)},  # PHQ-9 = 10
    "mh.diagnosis": True,
    "prior_care.most_intensive_12m": "none",
    **{f"mspss.{n}": 6 for n in range(1, 13)},
    "home.housing": "stable",
    "home.safe": True,
    "practical.attend_hours": "yes",
    "practical.transport": "yes",
    "practical.telehealth_ok": True,
}


def headline(page: Page):
    return page.locator(key_class("result-headline"))


def expect_reasons_shown(page: Page, result: dict) -> None:
    """Every reason the rules give is on the page, word for word."""
    assert result["reasons"]
    for reason in result["reasons"]:
        expect(page.get_by_text(reason["text"], exact=True)).to_be_visible()


def open_sections_of(person: Participant, item_ids: list[str]) -> None:
    """On the review page: open the sections (expanders) that hold these questions."""
    questionnaire = person.questionnaire
    for name in dict.fromkeys(questionnaire.section_of[item_id] for item_id in item_ids):
        section = questionnaire.section(name)
        title = section.title_loved_one if person.respondent == "loved_one" else section.title
        expander = person.page.locator('[data-testid="stExpander"]').filter(
            has=person.page.locator("summary", has_text=title)
        )
        expander.locator("summary").click()
        expect(expander.locator('[data-testid="stExpanderDetails"]')).to_be_visible()


def test_self_screen_suggests_iop_and_sends_without_contact(participant: Participant, stored_screen) -> None:
    answers = full_answers(IOP_ANSWERS)
    result = evaluate({"respondent": "self", "answers": answers})
    assert result["disposition"] == "iop"

    participant.start()
    participant.walk_to_review(IOP_ANSWERS)
    participant.see_result()
    page = participant.page

    expect(headline(page)).to_have_text(texts.DISPOSITION_HEADLINE["iop"]["self"])
    expect(page.get_by_text(re.compile(r"alcohol or drug use and mental health"))).to_be_visible()
    expect_reasons_shown(page, result)
    expect(page.get_by_text(texts.RESULT_DISCLAIMER)).to_be_visible()
    with page.expect_download() as download:
        participant.button("download-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    reference = participant.send()
    assert REFERENCE_PATTERN.fullmatch(reference)
    expect(page.get_by_text(texts.WHAT_HAPPENS_NEXT["routine"])).to_be_visible()
    expect(participant.button("nav-submit")).to_have_count(0)

    stored = stored_screen(reference)
    assert stored["respondent"] == "self"
    assert stored["answers"] == answers
    assert stored["disposition"] == "iop"
    assert not stored["has_contact"]


def test_loved_one_screen_speaks_of_them(participant: Participant, stored_screen) -> None:
    participant.respondent = "loved_one"
    answers = full_answers(IOP_ANSWERS)
    result = evaluate({"respondent": "loved_one", "answers": answers})
    assert result["disposition"] == "iop"
    assert "collateral_report" in result["flags"]

    participant.start()  # checks the note about answering for someone else
    page = participant.page
    expect(page.get_by_role("heading", name="About the person you care about")).to_be_visible()
    expect(participant.item("about.age_band")).to_contain_text("How old are they?")
    expect(participant.item("about.sex_at_birth")).to_contain_text("What sex were they assigned at birth?")
    expect(page.get_by_text("How old are you?")).to_have_count(0)
    participant.finish_step(IOP_ANSWERS)
    participant.answer("auditc.1", IOP_ANSWERS["auditc.1"])
    expect(participant.item("auditc.2")).to_contain_text(re.compile(r"\bdo they have\b"))

    participant.walk_to_review(IOP_ANSWERS)
    participant.see_result()
    expect(headline(page)).to_have_text(texts.DISPOSITION_HEADLINE["iop"]["loved_one"])
    expect(headline(page)).to_contain_text("them")
    expect(page.get_by_text(texts.FLAG_MESSAGES["collateral_report"])).to_be_visible()
    expect_reasons_shown(page, result)
    expect(page.get_by_text(re.compile(r"^Their answers show both"))).to_be_visible()

    reference = participant.send()
    stored = stored_screen(reference)
    assert stored["respondent"] == "loved_one"
    assert stored["answers"] == answers


@pytest.mark.parametrize(
    "urgent_clicks",
    [
        pytest.param([("safety.harm_others", True)], id="harm-others"),
        pytest.param([("cssrs.2", True), ("cssrs.4", True)], id="cssrs-intent"),
    ],
)
def test_urgent_answer_stops_the_screen_with_988(
    participant: Participant, stored_screen, urgent_clicks: list[tuple[str, bool]]
) -> None:
    participant.start()
    participant.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    page = participant.page
    crisis = page.locator(key_class("crisis-page"))

    *before, (last_item, last_value) = urgent_clicks
    for item_id, value in before:
        participant.answer(item_id, value)
        expect(crisis).to_have_count(0)
        expect(page.locator(key_class("crisis-banner"))).to_be_visible()
    participant.answer(last_item, last_value)  # no Next: the answer alone stops the wizard

    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text(texts.CRISIS_TITLE["self"])
    for number in ("988", "911", "1-800-662-4357"):
        expect(crisis.get_by_text(number).first).to_be_visible()
    expect(participant.button("nav-next")).to_have_count(0)
    expect(participant.item("cssrs.1")).to_have_count(0)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0)
    expect(page.get_by_text(texts.CRISIS_SEND)).to_be_visible()

    participant.reload()  # the stop survives a reload: the draft is saved at the crisis stage
    expect(crisis).to_be_visible()
    expect(participant.button("nav-next")).to_have_count(0)

    reference = participant.send()
    expect(page.get_by_text(texts.WHAT_HAPPENS_NEXT["urgent"])).to_be_visible()
    expect(crisis).to_be_visible()  # the crisis help stays on screen after sending
    stored = stored_screen(reference)
    assert stored["disposition"] == "urgent"
    assert stored["partial"]
    assert stored["answers"][last_item] is last_value


def test_saved_draft_resumes_by_code_in_a_new_browser(
    participant: Participant, new_context, server_url: str
) -> None:
    first_step = {"about.age_band": "18_25", "about.sex_at_birth": "female", "about.pregnant": "no"}
    second_step = {"auditc.1": 1, "auditc.2": 1, "auditc.3": 1}
    participant.start()
    participant.finish_step(first_step)
    participant.expect_step(2)
    participant.answer_step(second_step)
    code = participant.save()
    page = participant.page
    assert CODE_PATTERN.fullmatch(code), code
    expect(page.get_by_text(re.compile(r"^Saved\. Your resume code is below"))).to_be_visible()

    other = Participant(new_context().new_page(), server_url)
    other.open()
    other.resume(code.lower())  # typed as a person might; the app normalises it
    other.expect_step(2)
    for item_id, value in second_step.items():
        assert other.checked_label(item_id) == other.label_of(item_id, value)
    other.back()
    other.expect_step(1)
    for item_id, value in first_step.items():
        assert other.checked_label(item_id) == other.label_of(item_id, value)


def test_reload_keeps_the_answers(participant: Participant) -> None:
    first_step = {"about.age_band": "65_plus", "about.sex_at_birth": "intersex", "about.pregnant": "not_sure"}
    participant.start()
    participant.finish_step(first_step)
    participant.expect_step(2)
    expect(participant.page).to_have_url(re.compile(r"[?&]resume=[2-9A-HJ-NP-Z-]{14}\b"))

    participant.reload()
    participant.expect_step(2)
    expect(participant.item("auditc.1")).to_be_visible()
    participant.back()
    participant.expect_step(1)
    for item_id, value in first_step.items():
        assert participant.checked_label(item_id) == participant.label_of(item_id, value)


def test_two_people_at_once_never_see_each_other(new_context, server_url: str, stored_screen) -> None:
    mine = {**IOP_ANSWERS, "about.age_band": "18_25", "about.sex_at_birth": "female", "about.pregnant": "no"}
    # In recovery, so both people get every step (the relapse step is asked of them both).
    theirs = {
        **CALM_ANSWERS,
        "about.age_band": "65_plus",
        "about.sex_at_birth": "male",
        "recovery.history": True,
        "readiness.ruler": 2,
    }
    mine["readiness.ruler"] = 9
    people = [
        (Participant(new_context().new_page(), server_url, "self"), mine),
        (Participant(new_context().new_page(), server_url, "loved_one"), theirs),
    ]
    for person, _ in people:
        person.open()
    for person, _ in people:
        person.start()
    # One step each in turn, so both sessions are open and half-way at the same time.
    for _ in range(len(people[0][0].questionnaire.sections)):
        for person, answers in people:
            person.finish_step(answers)
    for person, _ in people:
        expect(person.page.get_by_role("heading", name=texts.REVIEW_TITLE)).to_be_visible()

    for (person, answers), (_, other_answers) in zip(people, people[::-1], strict=True):
        shown = ["about.age_band", "about.sex_at_birth", "readiness.ruler"]
        open_sections_of(person, shown)
        main = person.page.locator('[data-testid="stMain"]')
        for item_id in shown:
            expect(main).to_contain_text(person.label_of(item_id, answers[item_id]))
            expect(main).not_to_contain_text(person.label_of(item_id, other_answers[item_id]))

    for person, answers in people:
        person.see_result()
        disposition = evaluate({"respondent": person.respondent, "answers": full_answers(answers)})[
            "disposition"
        ]
        expect(headline(person.page)).to_have_text(texts.DISPOSITION_HEADLINE[disposition][person.respondent])
        stored = stored_screen(person.send())
        assert stored["respondent"] == person.respondent
        assert stored["answers"] == full_answers(answers)


def test_elevated_answer_shows_988_banner_on_later_steps(participant: Participant) -> None:
    participant.start()
    participant.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    page = participant.page
    banner = page.locator(key_class("crisis-banner"))
    expect(banner).to_have_count(0)

    participant.answer("cssrs.1", True)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("988")
    expect(banner).to_contain_text(texts.ELEVATED_BANNER["self"].split(".")[0])
    expect(page.locator(key_class("crisis-page"))).to_have_count(0)
    expect(participant.button("nav-next")).to_be_visible()

    elevated = {**CALM_ANSWERS, "cssrs.1": True}
    for step in range(SAFETY_STEP + 1, SAFETY_STEP + 3):
        participant.finish_step(elevated)
        participant.expect_step(step)
        expect(banner).to_be_visible()
    participant.reload()  # a new session, rebuilt from the saved draft
    participant.expect_step(SAFETY_STEP + 2)
    expect(banner).to_be_visible()
    participant.walk_to_review(elevated)
    expect(banner).to_be_visible()
    participant.see_result()
    expect(page.get_by_text(texts.FLAG_MESSAGES["crisis_resources"])).to_be_visible()

"""The participant wizard end to end in AppTest: what a person sees, clicks and gets back.

Runs on a fresh SQLite database for this module (DATABASE_URL); tests that count everything in
the database (exported lines, wrong resume codes) get one of their own; one submit runs on
PostgreSQL. Tests named after a bug they show fail until the app is fixed (see each docstring).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from intake.db import read_session
from intake.models import Screen
from intake.review import get_screen
from scoring import evaluate, load_questionnaire
from scoring.fhir import options_of
from tests.support import wizard_driver as d
from ui import texts
from ui.participant.result_view import reason_groups, worded

ROOT = Path(d.APP).parent
REFERENCE = re.compile(r"IOP-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
Q = load_questionnaire()


@pytest.fixture(scope="module", autouse=True)
def wizard_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory):
    with d.sqlite_copy(sqlite_template, tmp_path_factory.mktemp("wizard")) as url:
        yield url


@pytest.fixture
def fresh_db(sqlite_template: Path, tmp_path: Path):
    """A migrated, empty database of this test's own."""
    with d.sqlite_copy(sqlite_template, tmp_path) as url:
        yield url


@pytest.fixture
def one_client(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every session below comes from one address. AppTest's stand-in runtime gives each run a new
    mock for ``st.context.ip_address``, so without this each resume try is a new client."""
    import ui.client

    address = "203.0.113.7"
    monkeypatch.setattr(ui.client, "client_key", lambda: address)
    return address


# --- helpers ---------------------------------------------------------------------------------


def screen_count() -> int:
    with read_session() as session:
        return session.scalar(select(func.count()).select_from(Screen))


def stored(reference: str):
    with read_session() as session:
        return get_screen(session, reference)


def expected_result(at: AppTest, respondent: str = "self") -> dict:
    """What the rules make of the answers this test gave (minus follow-ups no longer asked)."""
    return evaluate({"respondent": respondent, "answers": Q.prune(d.given(at))})


def headline(at: AppTest) -> str:
    block = d.block(at, "result-headline")
    assert block is not None, "no result headline"
    return block.title[0].value


def sent_reference(at: AppTest) -> str:
    sent = [s.value for s in at.success if "reference number" in s.value]
    assert sent, f"no reference shown; errors: {d.errors(at)}"
    match = REFERENCE.search(sent[0])
    assert match, sent[0]
    return match.group(0)


def item_errors(at: AppTest, item_id: str) -> list[str]:
    block = d.block(at, f"q-{item_id}")
    assert block is not None, f"{item_id} is not on the page"
    return [e.value for e in block.error]


def button_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button]


def in_order(at: AppTest) -> list:
    """Every element of the page, in the order a reader meets them."""
    out, pending = [], list(at.main.children.values())
    while pending:
        node = pending.pop(0)
        children = getattr(node, "children", None)
        if children:
            pending[:0] = list(children.values())
        else:
            out.append(node)
    return out


def click_from(at: AppTest, page, key: str) -> AppTest:
    """A click on button ``key`` of an earlier page (``page``: its widget states), as a browser
    sends it when the person clicks before the new page has arrived: the page's values, and the
    one trigger. (AppTest's own click sends every button's trigger, which no browser does.)"""
    message = WidgetStates()
    for widget in page.widgets:
        trigger = widget.WhichOneof("value") == "trigger_value"
        if trigger and not widget.id.endswith(f"-{key}"):
            continue
        copied = message.widgets.add()
        copied.CopyFrom(widget)
        if trigger:
            copied.trigger_value = True
    at._run(message)
    assert not at.exception, at.exception
    return at


def fill_contact(at: AppTest, *, name: str, phone: str = "", email: str = "", **choices) -> AppTest:
    at.checkbox(key="contact-wanted").check().run()
    at.text_input(key="contact-name").input(name)
    at.text_input(key="contact-phone").input(phone)
    at.text_input(key="contact-email").input(email)
    if "best_time" in choices:
        at.radio(key="contact-best-time").set_value(choices["best_time"])
    if "voicemail_ok" in choices:
        at.radio(key="contact-voicemail").set_value(choices["voicemail_ok"])
    return at


# Answers that lead elsewhere than the calm defaults (which suggest outpatient care).
HEAVY_ALCOHOL = {
    "auditc.1": 4,
    "auditc.2": 3,
    "auditc.3": 4,
    "withdrawal.daily_alcohol": True,
    "withdrawal.history_complicated": True,
    "withdrawal.current_symptoms": "mild",
}
STRUGGLING = {
    "auditc.1": 3,
    "auditc.2": 2,
    "auditc.3": 3,
    "withdrawal.daily_alcohol": False,
    **{f"phq9.{n}": 2 for n in range(1, 9)},
    **{f"gad7.{n}": 2 for n in range(1, 8)},
    "relapse.recent_return": "yes",
    "bam.4": 3,
    "prior_care.most_intensive_12m": "residential",
    "prior_care.status": "discharged_30d",
    "prior_care.completed": "completed",
    "prior_care.outpatient_not_enough": "yes",
}


# --- starting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("respondent", "consent", "problems"),
    [(None, False, ["respondent", "consent"]), ("self", False, ["consent"]), (None, True, ["respondent"])],
)
def test_start_needs_who_and_consent(respondent, consent, problems) -> None:
    at = d.new_session()
    if respondent:
        at.radio(key="respondent").set_value(respondent)
    if consent:
        at.checkbox(key="consent").check()
    d.click(at, "nav-start")

    assert d.errors(at) == [texts.START_PROBLEMS[p] for p in problems]
    assert d.wizard(at) is None
    assert [t.value for t in at.title] == [texts.WELCOME_TITLE], "left the welcome page"
    assert d.visible_items(at) == []


def test_start_as_self_opens_step_one() -> None:
    at = d.start("self")
    first = Q.sections[0]
    assert [t.value for t in at.title] == [first.title], "the step's title is the page's one h1"
    assert d.visible_items(at) == ["about.age_band", "about.sex_at_birth"]
    assert all(d.shown_value(at, i) is None for i in d.visible_items(at)), "an answer was pre-selected"
    assert "nav-back" in button_keys(at) and at.button(key="nav-back").disabled


# --- whole paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers", [{}, HEAVY_ALCOHOL, STRUGGLING], ids=["calm", "heavy_alcohol", "struggling"]
)
def test_self_path_reaches_review_then_result(answers: dict) -> None:
    at = d.start("self")
    d.to_review(at, answers)
    assert [t.value for t in at.title] == [texts.REVIEW_TITLE]
    # The review lists every answer given, in the words of its option.
    review = d.page_text(at)
    for item_id, value in Q.prune(d.given(at)).items():
        item = Q.items[item_id]
        shown = dict(options_of(item))
        label = ", ".join(shown[v] for v in value) if isinstance(value, list) else shown[value]
        assert f"{item.text}  \n**{label}**" in review, f"review lacks {item_id} = {label}"

    before = screen_count()
    d.click(at, "nav-next")  # See my result
    assert d.stage(at) == "result"
    expected = expected_result(at)
    assert headline(at) == texts.DISPOSITION_HEADLINE[expected["disposition"]]["self"]
    markdown = [m.value for m in at.markdown]
    assert expected["reasons"], "the rules gave no reason"
    reasons, also_noted = reason_groups(expected)  # also-noted findings sit under their own heading
    for reason in reasons + also_noted:
        assert f"- {reason}" in markdown
    for next_step in texts.NEXT_STEPS[expected["disposition"]]:
        assert f"- {worded(next_step, 'self')}" in markdown
    # The chart has its words beside it: every charted domain, with the level the chart shows.
    in_words = d.block_text(d.block(at, "domain-chart-in-words"))
    charted = [n for n in texts.DOMAIN_LABELS if n in expected["domains"]]
    assert charted, "nothing charted"
    for name in charted:
        level = texts.LEVEL_WORDS[expected["domains"][name]["level"]]
        assert f"{texts.DOMAIN_LABELS[name]}: {level}" in in_words, f"{name} missing from {in_words!r}"
    pdf = [b for b in at.get("download_button") if b.key == "download-pdf"]
    assert pdf and pdf[0].label == texts.PDF_BUTTON
    assert "nav-submit" in button_keys(at)
    assert screen_count() == before, "something was sent before the person chose to send it"


def test_loved_one_path_uses_their_wording() -> None:
    at = d.start("loved_one")
    d.go_to_section(at, "alcohol")
    item = Q.items["auditc.1"]
    assert at.radio(key="auditc.1").label == item.text_loved_one
    assert at.radio(key="auditc.1").label != item.text
    assert [t.value for t in at.title] == [Q.section("alcohol").title_loved_one]

    d.to_result(at)
    expected = expected_result(at, "loved_one")
    shown = headline(at)
    assert shown == texts.DISPOSITION_HEADLINE[expected["disposition"]]["loved_one"]
    assert re.search(r"\bthem\b", shown), shown
    assert texts.FLAG_MESSAGES["collateral_report"] in [i.value for i in at.info]

    d.click(at, "nav-submit")
    assert stored(sent_reference(at)).respondent == "loved_one"


# --- answering -------------------------------------------------------------------------------


def test_next_marks_each_unanswered_question_and_stays() -> None:
    at = d.start()
    d.go_to_section(at, "mood")
    answered = {"phq9.1": 1, "phq9.2": 0, "phq9.3": 2}
    d.answer_step(at, answered, defaults=False)
    d.next_step(at)

    assert d.section(at) == "mood", "Next moved on with questions unanswered"
    assert texts.UNANSWERED_SUMMARY in [w.value for w in at.warning]
    unanswered = [i for i in d.visible_items(at) if i not in answered]
    assert unanswered == [f"phq9.{n}" for n in range(4, 10)] + ["mh.diagnosis"]
    for item_id in unanswered:
        assert item_errors(at, item_id) == [texts.UNANSWERED], item_id
    for item_id in answered:
        assert item_errors(at, item_id) == [], item_id
        assert d.shown_value(at, item_id) == answered[item_id], "an answer was lost"

    d.answer_step(at)
    assert d.errors(at) == [] and texts.UNANSWERED_SUMMARY not in [w.value for w in at.warning]
    d.next_step(at)
    assert d.section(at) == "anxiety"


def focus_targets(at) -> list[str]:
    """The questions a focus script on this run sends keyboard focus to (ui/participant/focus.py)."""
    bodies = "".join(e.proto.body for e in at.get("html"))
    return re.findall(r'const selector = "\.st-key-([^"]+)"', bodies)


def test_a_failed_next_moves_focus_to_the_first_unanswered_question_once() -> None:
    at = d.start()
    d.go_to_section(at, "mood")
    d.answer_step(at, {"phq9.1": 1, "phq9.2": 0}, defaults=False)
    assert focus_targets(at) == []
    d.next_step(at)
    assert focus_targets(at) == ["phq9-3"]
    d.set_answer(at, "phq9.3", 0)  # a later run leaves focus where the person put it
    assert focus_targets(at) == []
    d.next_step(at)  # still not done: focus moves again, to the next one left
    assert focus_targets(at) == ["phq9-4"]


def test_follow_ups_follow_their_condition_at_once() -> None:
    at = d.start()
    d.go_to_section(at, "alcohol")
    assert d.visible_items(at) == ["auditc.1"]
    d.set_answer(at, "auditc.1", 2)
    assert d.visible_items(at) == ["auditc.1", "auditc.2", "auditc.3"]
    d.set_answer(at, "auditc.2", 3)
    d.set_answer(at, "auditc.3", 2)

    d.set_answer(at, "auditc.1", 0)
    assert d.visible_items(at) == ["auditc.1"]
    d.next_step(at)
    assert d.section(at) == "drugs"

    d.to_result(at)
    assert "withdrawal.daily_alcohol" not in d.given(at)
    d.click(at, "nav-submit")
    answers = stored(sent_reference(at)).answers
    assert answers["auditc.1"] == 0
    assert "auditc.2" not in answers and "auditc.3" not in answers


def test_back_keeps_answers() -> None:
    at = d.start()
    about = {"about.age_band": "18_25", "about.sex_at_birth": "female", "about.pregnant": "not_sure"}
    alcohol = {"auditc.1": 3, "auditc.2": 1, "auditc.3": 2}
    d.answer_step(at, about)
    d.next_step(at)
    d.answer_step(at, alcohol)
    d.back(at)  # straight back, without Next: the answers on this step are kept too

    assert d.section(at) == "about"
    assert {i: d.shown_value(at, i) for i in d.visible_items(at)} == about
    d.next_step(at)
    assert d.section(at) == "alcohol"
    assert {i: d.shown_value(at, i) for i in d.visible_items(at)} == alcohol
    d.next_step(at)
    d.answer_step(at, {"taps1.tobacco": 4})
    d.next_step(at)
    d.back(at)
    d.back(at)
    assert {i: d.shown_value(at, i) for i in d.visible_items(at)} == alcohol


# --- review ----------------------------------------------------------------------------------


def test_review_change_section_and_come_back() -> None:
    at = d.start()
    d.to_review(at, {"auditc.1": 1})
    d.click(at, "edit-alcohol")
    assert d.section(at) == "alcohol"
    assert d.shown_value(at, "auditc.1") == 1
    d.set_answer(at, "auditc.2", 2)
    d.next_step(at)

    assert d.stage(at) == "review", "Next after a change did not return to the review"
    label = dict(options_of(Q.items["auditc.2"]))[2]
    assert f"{Q.items['auditc.2'].text}  \n**{label}**" in d.page_text(at)


def test_review_change_that_asks_new_follow_ups() -> None:
    at = d.start()
    d.to_review(at, {"taps1.drugs": 0, "taps1.rx": 0})
    d.click(at, "edit-drugs")
    assert "drugs.substances" not in d.visible_items(at)
    d.set_answer(at, "taps1.drugs", 1)
    assert "drugs.substances" in d.visible_items(at)

    d.next_step(at)
    assert d.section(at) == "drugs"
    assert item_errors(at, "drugs.substances") == [texts.UNANSWERED]
    d.set_answer(at, "drugs.substances", ["cocaine", "cannabis"])
    d.next_step(at)

    # The new answer calls for follow-ups in later sections: those come before the review.
    assert d.section(at) == "withdrawal"
    for item_id in ("withdrawal.moud", "withdrawal.daily_opioids", "safety.overdose_90d"):
        assert item_errors(at, item_id) == [texts.UNANSWERED], item_id
    d.answer_step(at, {"withdrawal.daily_opioids": False, "safety.overdose_90d": False})
    d.next_step(at)
    # Any drug use now calls for the relapse questions, skipped until then.
    assert d.section(at) == "relapse"
    assert item_errors(at, "bam.1") == [texts.UNANSWERED]
    d.answer_step(at)
    d.next_step(at)
    assert d.stage(at) == "review"

    d.click(at, "nav-next")
    assert d.stage(at) == "result"
    d.click(at, "nav-submit")
    answers = stored(sent_reference(at)).answers
    assert sorted(answers["drugs.substances"]) == ["cannabis", "cocaine"]
    assert answers["withdrawal.daily_opioids"] is False and answers["safety.overdose_90d"] is False


def test_multi_choice_answer_is_stored_in_option_order() -> None:
    # ui/widgets.py: "Keep the options' order so the stored answer does not depend on click order."
    at = d.start()
    d.go_to_section(at, "drugs")
    d.answer_step(at, {"taps1.drugs": 2, "drugs.substances": ["heroin_fentanyl", "cannabis"]})
    d.next_step(at)
    d.to_result(at)
    d.click(at, "nav-submit")
    assert stored(sent_reference(at)).answers["drugs.substances"] == ["cannabis", "heroin_fentanyl"]


# --- safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "item_id", "value"), [("safety", "cssrs.1", True), ("mood", "phq9.9", 1)]
)
def test_elevated_answer_shows_988_banner_that_stays(section: str, item_id: str, value: object) -> None:
    at = d.start()
    d.go_to_section(at, section)
    assert d.block(at, "crisis-banner") is None
    d.set_answer(at, item_id, value)

    assert d.stage(at) == "step" and d.section(at) == section
    banner = d.block(at, "crisis-banner")
    assert banner is not None, "no banner after an elevated answer"
    assert "988" in d.block_text(banner) and "911" in d.block_text(banner)

    d.answer_step(at)
    d.next_step(at)
    assert d.section(at) != section
    assert d.block(at, "crisis-banner") is not None, "the banner went away on the next step"
    d.to_review(at)
    assert d.block(at, "crisis-banner") is not None, "the banner went away on the review"


URGENT = {
    "harm_others": ("safety", [("safety.harm_others", True)]),
    "intent": ("safety", [("cssrs.2", True), ("cssrs.4", True)]),
    "severe_withdrawal": (
        "withdrawal",
        [("withdrawal.daily_sedatives", True), ("withdrawal.current_symptoms", "severe")],
    ),
    # A recent attempt: cssrs.6 alone is not urgent, so only its follow-up is cleared.
    "recent_attempt": ("safety", [("cssrs.6", True), ("cssrs.6_recent", True)]),
}


def reach_crisis(trigger: str, respondent: str = "self") -> AppTest:
    section, answers = URGENT[trigger]
    at = d.start(respondent)
    d.go_to_section(at, section)
    for item_id, value in answers[:-1]:
        d.set_answer(at, item_id, value)
        assert d.stage(at) == "step", f"{item_id} alone stopped the screen"
    d.set_answer(at, *answers[-1])
    return at


@pytest.mark.parametrize("trigger", list(URGENT))
def test_urgent_answer_stops_at_crisis_page_and_can_be_sent(trigger: str) -> None:
    at = reach_crisis(trigger)

    assert d.stage(at) == "crisis", "an urgent answer did not stop the screen"
    page = d.block(at, "crisis-page")
    assert page is not None
    shown = d.block_text(page)
    for number in ("988", "911", "1-800-662-4357"):
        assert number in shown, number
    assert "nav-next" not in button_keys(at)
    assert d.visible_items(at) == [], "questions still shown on the crisis page"
    assert "crisis-back" in button_keys(at)

    before = screen_count()
    d.click(at, "nav-submit")
    reference = sent_reference(at)
    assert texts.WHAT_HAPPENS_NEXT["urgent"] in [m.value for m in at.markdown]
    assert screen_count() == before + 1
    screen = stored(reference)
    assert screen.result["disposition"] == "urgent"
    assert screen.disposition == "urgent" and screen.partial
    item_id, value = URGENT[trigger][1][-1]
    assert screen.answers[item_id] == value


@pytest.mark.parametrize(
    ("trigger", "first"),
    [("severe_withdrawal", "911"), ("harm_others", "988"), ("intent", "988"), ("recent_attempt", "988")],
)
def test_crisis_page_leads_with_the_help_that_fits(trigger: str, first: str) -> None:
    """Severe withdrawal is a medical emergency: 911 or an emergency room comes first. For
    thoughts of suicide or of harming others, 988 comes first, with 911 for danger."""
    at = reach_crisis(trigger)
    assert d.stage(at) == "crisis"
    body = "\n".join(m.value for m in d.block(at, "crisis-page").markdown)
    numbers = sorted(("911", "988"), key=body.index)
    assert numbers[0] == first, f"{trigger}: the page leads with {numbers[0]}: {body[:300]!r}"
    if first == "911":
        assert "emergency room" in body[: body.index("988")]


def test_crisis_page_speaks_of_them_for_a_loved_one() -> None:
    at = reach_crisis("harm_others", "loved_one")
    assert d.stage(at) == "crisis"
    shown = d.block_text(d.block(at, "crisis-page"))
    assert texts.CRISIS_TITLE["loved_one"] in shown
    for number in ("988", "911", "1-800-662-4357"):
        assert number in shown, number


@pytest.mark.parametrize("trigger", list(URGENT))
def test_chose_by_mistake_goes_back_with_the_urgent_answer_cleared(trigger: str) -> None:
    at = reach_crisis(trigger)
    section, answers = URGENT[trigger]
    d.click(at, "crisis-back")

    assert d.stage(at) == "step" and d.section(at) == section
    item_id, _ = answers[-1]
    assert d.shown_value(at, item_id) is None, "the urgent answer is still selected"
    for earlier, value in answers[:-1]:
        assert d.shown_value(at, earlier) == value, "an answer that was not urgent was cleared"

    d.set_answer(at, item_id, False if isinstance(answers[-1][1], bool) else "mild")
    assert d.stage(at) == "step"
    d.answer_step(at)
    d.next_step(at)
    assert d.stage(at) == "step" and d.section(at) != section


# --- save and resume -------------------------------------------------------------------------


def test_save_gives_a_code_that_restores_everything_in_a_new_session() -> None:
    at = d.start()
    d.go_to_section(at, "mood", {"auditc.1": 2, "taps1.tobacco": 3, "about.sex_at_birth": "female"})
    d.set_answer(at, "phq9.1", 2)
    d.set_answer(at, "phq9.2", 1)
    code = d.save_code(at)
    assert any(s.value.startswith("Saved.") for s in at.success)
    assert at.query_params.get("resume") == code, "the address does not carry the code for a reload"
    expected = Q.prune(d.given(at))

    other = d.resume(code)
    assert d.stage(other) == "step" and d.section(other) == "mood"
    assert d.shown_value(other, "phq9.1") == 2 and d.shown_value(other, "phq9.2") == 1
    assert d.shown_value(other, "phq9.3") is None
    # Every earlier step shows what was chosen.
    seen: dict = {}
    while True:
        for item_id in d.visible_items(other):
            seen[item_id] = d.shown_value(other, item_id)
            assert seen[item_id] == expected.get(item_id), item_id
        if d.step(other) == 0:
            break
        d.back(other)
    assert {k: v for k, v in seen.items() if v is not None} == expected


def test_wrong_code_is_refused_clearly() -> None:
    at = d.resume("ABCD-EFGH-JKLM")
    assert any("No saved screen matches this code" in e for e in d.errors(at)), d.errors(at)
    assert d.wizard(at) is None


def test_five_wrong_codes_block_even_the_right_one(fresh_db: str, one_client: str) -> None:
    at = d.start()
    d.answer_step(at)
    code = d.save_code(at)
    for wrong in ("ABCD-EFGH-JKLM", "BCDE-FGHJ-KLMN", "CDEF-GHJK-LMNP", "DEFG-HJKL-MNPQ", "EFGH-JKLM-NPQR"):
        assert wrong != code
        tried = d.resume(wrong)
        assert any("No saved screen matches" in e for e in d.errors(tried)), d.errors(tried)

    blocked = d.resume(code)
    assert any("Too many wrong resume codes" in e for e in d.errors(blocked)), d.errors(blocked)
    assert d.wizard(blocked) is None


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("ABCD-EFGH-JKLO", "'O'"),
        ("ABCD-1FGH-JKLM", "'1'"),
        ("ABCD-EFGH", "this one has 8"),
        ("ABCD-EFGH-JKLM-N", "this one has 13"),
    ],
)
def test_malformed_code_message_names_the_problem(typed: str, named: str) -> None:
    at = d.resume(typed)
    problems = d.errors(at)
    assert len(problems) == 1 and named in problems[0], problems
    assert d.wizard(at) is None


def test_malformed_codes_do_not_count_and_typing_is_forgiving(fresh_db: str, one_client: str) -> None:
    at = d.start()
    d.answer_step(at)
    code = d.save_code(at)
    for typed in ("OOOO-OOOO-OOOO", "1111", "ABCD-EFGH", "ABCD-EFGH-JKL0", "IIII-IIII-IIII", "X"):
        assert d.errors(d.resume(typed))
    again = d.resume(f"  {code.lower().replace('-', ' ')} ")
    assert d.errors(again) == []
    assert d.stage(again) == "step" and d.section(again) == "about"


def reload_on_screen_page(code: str) -> AppTest:
    """A browser reload of /screen?resume=<code>: a new session whose first page is the screen."""
    at = AppTest.from_file(d.APP, default_timeout=d.TIMEOUT).run()
    at.query_params["resume"] = code
    at.switch_page("pages/screen.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["welcome", "screen"])
def test_reload_with_code_in_address_restores_the_step(page: str) -> None:
    at = d.start()
    d.go_to_section(at, "drugs", {"auditc.1": 1})
    code = at.query_params.get("resume")
    assert code and d.CODE.fullmatch(code), f"no resume code in the address: {at.query_params}"

    if page == "welcome":
        reloaded = d.new_session({"resume": code})
        assert texts.WELCOME_BACK in [i.value for i in reloaded.info]
        d.click(reloaded, "nav-continue")
    else:
        reloaded = reload_on_screen_page(code)
    assert d.stage(reloaded) == "step" and d.section(reloaded) == "drugs"
    d.back(reloaded)
    assert d.shown_value(reloaded, "auditc.1") == 1


@pytest.mark.parametrize("how", ["typed_code", "continue_after_reload"])
def test_address_keeps_the_code_after_resuming(how: str) -> None:
    # A reload must find the draft again (ui/participant/state.py: "The draft's resume code rides in
    # the page's query string so a reload finds it again"), also right after resuming.
    at = d.start()
    d.go_to_section(at, "drugs", {"auditc.1": 1})
    code = at.query_params["resume"]
    if how == "typed_code":
        resumed = d.resume(code)
    else:
        resumed = d.new_session({"resume": code})
        d.click(resumed, "nav-continue")
    assert d.section(resumed) == "drugs"
    assert resumed.query_params.get("resume") == code, f"address after resuming: {resumed.query_params}"

    reloaded = reload_on_screen_page(resumed.query_params.get("resume", ""))
    assert d.section(reloaded) == "drugs", "a reload right after resuming lost the screen"


def test_banner_still_shown_on_review_after_a_reload() -> None:
    at = d.start()
    d.to_review(at, {"cssrs.1": True})
    assert d.block(at, "crisis-banner") is not None
    code = d.save_code(at)

    reloaded = reload_on_screen_page(code)
    assert d.stage(reloaded) == "review"
    assert d.block(reloaded, "crisis-banner") is not None, "the 988 banner is gone after a reload"


# --- sending ---------------------------------------------------------------------------------


def test_invalid_phone_is_named_and_nothing_is_stored() -> None:
    at = d.start()
    d.to_result(at)
    before = screen_count()
    fill_contact(at, name="Sam", phone="12")
    d.click(at, "nav-submit")

    assert screen_count() == before
    assert not [s for s in at.success if "reference number" in s.value]
    elements = in_order(at)
    phone_at = next(i for i, e in enumerate(elements) if e.type == "text_input" and e.key == "contact-phone")
    after_phone = elements[phone_at + 1]
    assert after_phone.type == "error", "no message beside the phone field"
    assert "digits" in after_phone.value
    assert len(d.errors(at)) == 1, d.errors(at)
    assert at.text_input(key="contact-phone").value == "12", "the typed phone was lost"

    at.text_input(key="contact-phone").input("555-010-0199")
    d.click(at, "nav-submit")
    sent_reference(at)
    assert screen_count() == before + 1


def submit_with_contact_twice(at: AppTest) -> str:
    fill_contact(
        at,
        name="Zelda",
        phone="+1 (555) 867-5309",
        email="zelda.q@example.org",
        best_time="evening",
        voicemail_ok=False,
    )
    page = at._tree.get_widget_states()
    # A double click: the second click comes from the same page, before "Sent" has arrived.
    click_from(at, page, "nav-submit")
    click_from(at, page, "nav-submit")
    return sent_reference(at)


def test_contact_submit_stores_one_screen_encrypted(wizard_db: str) -> None:
    at = d.start()
    d.to_result(at)
    before = screen_count()
    reference = submit_with_contact_twice(at)

    assert screen_count() == before + 1
    assert "nav-submit" not in button_keys(at)
    assert "resume" not in at.query_params, "the address still names the draft after sending"
    screen = stored(reference)
    assert screen.has_contact and screen.respondent == "self"
    assert screen.answers == Q.prune(d.given(at))
    assert screen.disposition == expected_result(at)["disposition"]
    assert screen.consent_version == texts.CONSENT_VERSION

    path = Path(wizard_db.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert reference.encode() in raw, "reading the raw file works (the screen is there)"
    for secret in (b"Zelda", b"5558675309", b"867-5309", b"zelda.q@example.org", b"zelda.q"):
        assert secret not in raw, f"{secret!r} readable in the database file"


@pytest.mark.postgres
def test_contact_submit_stores_one_screen_on_postgresql(pg_database_factory) -> None:
    with d.database(pg_database_factory()):
        at = d.start()
        d.to_result(at)
        reference = submit_with_contact_twice(at)
        assert screen_count() == 1
        screen = stored(reference)
        assert screen.has_contact and screen.disposition == expected_result(at)["disposition"]
        with read_session() as session:
            row = session.execute(text("SELECT name, phone, email FROM contacts")).one()
        assert all(value and "Zelda" not in value and "5309" not in value for value in row)


def test_sent_screen_leaves_no_draft_to_resume() -> None:
    at = d.start()
    d.to_review(at)
    code = d.save_code(at)
    d.click(at, "nav-next")
    d.click(at, "nav-submit")
    sent_reference(at)
    assert "resume" not in at.query_params
    again = d.resume(code)
    assert any("No saved screen matches" in e for e in d.errors(again)), d.errors(again)
    assert d.wizard(again) is None


def test_back_clicked_just_after_send_does_not_reopen_the_sent_screen() -> None:
    at = d.start()
    d.to_result(at)
    result_page = at._tree.get_widget_states()
    d.click(at, "nav-submit")
    sent_reference(at)
    before = screen_count()

    # "Back" on the result page, clicked before the "Sent" page arrived.
    click_from(at, result_page, "nav-back")
    assert "resume" not in at.query_params, "the sent answers were saved again as a draft"
    reloaded = d.new_session(dict(at.query_params))
    assert d.wizard(reloaded) is None, "a reload offers the sent screen again, to send twice"
    assert screen_count() == before


def test_export_jsonl_has_the_screen_and_contact_only_on_request(fresh_db: str) -> None:
    at = d.start()
    d.to_result(at, STRUGGLING)
    fill_contact(at, name="Zelda", phone="555 867 5309")
    d.click(at, "nav-submit")
    reference = sent_reference(at)

    def export(*extra: str) -> list[dict]:
        done = subprocess.run(
            [sys.executable, "-m", "intake", "export", "--format", "jsonl", *extra],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return [json.loads(line) for line in done.stdout.splitlines()]

    records = export()
    assert len(records) == 1
    record = records[0]
    assert record["reference"] == reference
    assert record["respondent"] == "self"
    assert record["consent_version"] == texts.CONSENT_VERSION
    assert record["answers"] == Q.prune(d.given(at))
    assert record["result"]["disposition"] == expected_result(at)["disposition"]
    for stamp in ("consented_at", "created_at", "submitted_at"):
        assert datetime.fromisoformat(record[stamp]).tzinfo is not None, stamp
    assert "contact" not in record
    assert "Zelda" not in json.dumps(record)

    with_contact = export("--with-contact")
    assert len(with_contact) == 1
    assert with_contact[0]["contact"]["name"] == "Zelda"
    assert with_contact[0]["contact"]["phone"] == "5558675309"


# --- the anonymous funnel --------------------------------------------------------------------


def funnel_now() -> dict[str, int]:
    from intake.funnel import funnel_totals

    with read_session() as session:
        return funnel_totals(session, datetime(2000, 1, 1).date())


def test_one_walk_through_counts_each_step_once(fresh_db: str) -> None:
    """The insights funnel counts one person once per step, however often they click Back and
    Next; the counts ride in the draft saves, and none is lost or doubled."""
    at = d.start()
    assert funnel_now() == {"start": 1, "section:about": 1}, "starting is counted before any save"
    d.answer_step(at)
    d.next_step(at)
    d.back(at)
    d.next_step(at)
    d.to_result(at)
    # The calm answers neither drink nor use nor had a problem: the relapse step never came.
    sections = {f"section:{s.section}": 1 for s in Q.sections if s.section != "relapse"}
    # Written with each click's draft save, not held back until the screen is sent.
    assert funnel_now() == {"start": 1, **sections, "review": 1, "result": 1}

    sent_reference(d.click(at, "nav-submit"))
    assert funnel_now() == {"start": 1, **sections, "review": 1, "result": 1, "submit": 1}


# --- revision 2: who is asked what ------------------------------------------------------------

UNKNOWN_LABEL = "I don't know"
# Neither drinks nor uses nor has had a problem: the relapse questions are not for them.
USES_NOTHING = {"auditc.1": 0, "taps1.drugs": 0, "taps1.rx": 0, "recovery.history": False}


def notices(at: AppTest) -> list[str]:
    """The result's notices ("Good to know"), as shown."""
    body = d.block(at, "result-body")
    assert body is not None, "no result body"
    return [i.value for i in body.info]


def flag_notice(flag: str, respondent: str) -> str:
    """The notice ui/texts.py gives a flag, in the respondent's words."""
    message = texts.FLAG_MESSAGES[flag]
    return message if isinstance(message, str) else message[respondent]


def option_labels(at: AppTest, item_id: str) -> list[str]:
    return list(at.radio(key=item_id).options)


def test_a_family_member_may_answer_i_dont_know_and_is_told_how_to_ask() -> None:
    at = d.start("loved_one")
    d.go_to_section(at, "safety")
    intro = d.block_text(d.block(at, "step-intro"))
    assert intro == Q.section("safety").intro_loved_one and "988" in intro
    for item_id in ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"):
        assert option_labels(at, item_id) == ["Yes", "No", UNKNOWN_LABEL], item_id

    d.set_answer(at, "cssrs.1", False)
    d.set_answer(at, "cssrs.2", "unknown")
    # "I don't know" is never a yes: the follow-ups of cssrs.2 stay closed.
    assert [i for i in d.visible_items(at) if i in ("cssrs.3", "cssrs.4", "cssrs.5")] == []
    note = d.block(at, "q-cssrs.2").info
    assert [n.value for n in note] == [texts.UNKNOWN_NOTES["cssrs.2"]]
    assert "killing" in note[0].value and "988" in note[0].value
    assert not d.block(at, "q-cssrs.1").info, "a note under an answer that is not unknown"
    assert d.block(at, "crisis-banner") is not None, "an unknown on suicide raises safety"
    # A second "I don't know" on suicide does not repeat the same note: it is said once a step.
    d.set_answer(at, "cssrs.6", "unknown")
    assert not d.block(at, "q-cssrs.6").info, "the suicide note repeated under cssrs.6"
    d.set_answer(at, "safety.harm_others", "unknown")
    harm_note = [n.value for n in d.block(at, "q-safety.harm_others").info]
    assert harm_note == [texts.UNKNOWN_NOTES["safety.harm_others"]] and "hurting" in harm_note[0]

    d.to_review(at)
    label = f"{Q.items['cssrs.2'].text_loved_one}  \n**{UNKNOWN_LABEL}**"
    assert label in d.page_text(at), "the review does not show the answer as given"
    d.click(at, "nav-next")
    assert d.stage(at) == "result"
    assert "ask_directly" in expected_result(at, "loved_one")["flags"]
    shown = notices(at)
    ask = flag_notice("ask_directly", "loved_one")
    assert ask in shown, shown
    assert "988" in ask and "ask" in ask.lower()

    d.click(at, "nav-submit")
    answers = stored(sent_reference(at)).answers
    assert answers["cssrs.2"] == "unknown"
    assert not {"cssrs.3", "cssrs.4", "cssrs.5"} & set(answers)


def test_every_safety_question_a_family_member_may_not_know_has_its_note() -> None:
    # The notes are wording only; which answers raise safety when unknown is scoring's list.
    from scoring.domains import SAFETY_UNKNOWN_ITEMS

    assert set(texts.UNKNOWN_NOTES) == set(SAFETY_UNKNOWN_ITEMS)
    assert all(Q.items[i].unknown_label == UNKNOWN_LABEL for i in SAFETY_UNKNOWN_ITEMS)


def test_a_person_answering_for_themselves_is_never_offered_i_dont_know() -> None:
    at = d.start("self")
    d.go_to_section(at, "withdrawal", {"taps1.drugs": 2, "drugs.substances": ["cannabis"]})
    assert option_labels(at, "safety.overdose_90d") == ["Yes", "No"]
    d.answer_step(at)
    d.next_step(at)
    d.go_to_section(at, "safety")
    assert d.block_text(d.block(at, "step-intro")) == Q.section("safety").intro
    for item_id in ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"):
        assert option_labels(at, item_id) == ["Yes", "No"], item_id
    assert UNKNOWN_LABEL not in d.page_text(at)


def test_a_family_member_may_not_know_about_an_overdose() -> None:
    at = d.start("loved_one")
    d.go_to_section(at, "withdrawal", {"taps1.drugs": 2, "drugs.substances": ["heroin_fentanyl"]})
    assert option_labels(at, "safety.overdose_90d") == ["Yes", "No", UNKNOWN_LABEL]
    d.answer_step(at, {"safety.overdose_90d": "unknown"})
    d.next_step(at)
    assert d.section(at) != "withdrawal", "I don't know was not taken as an answer"


@pytest.mark.parametrize(
    "answers",
    [
        {"recovery.history": True, "withdrawal.moud": True},
        {
            "taps1.drugs": 1,
            "drugs.substances": ["cannabis"],
            "withdrawal.moud": True,
            "withdrawal.daily_opioids": False,
        },
    ],
    ids=["in_recovery", "uses_a_little"],
)
def test_a_person_on_methadone_is_told_to_keep_taking_it_and_not_warned_of_withdrawal(answers: dict) -> None:
    at = d.start("self")
    d.go_to_section(at, "withdrawal", answers)
    assert "withdrawal.moud" in d.visible_items(at)
    d.answer_step(at, answers)
    # On methadone or buprenorphine, the overdose question is asked too.
    assert "safety.overdose_90d" in d.visible_items(at)
    d.to_result(at, answers)

    flags = expected_result(at)["flags"]
    assert "moud_continuity" in flags and "withdrawal_caution" not in flags
    shown = notices(at)
    keep = flag_notice("moud_continuity", "self")
    assert keep in shown, shown
    assert "keep taking" in keep.lower()
    assert flag_notice("withdrawal_caution", "self") not in shown


def test_a_person_who_uses_nothing_is_never_asked_the_relapse_questions() -> None:
    at = d.start("self")
    relapse = [item.id for item in Q.section("relapse").items]
    sections_shown, totals = [], set()
    while d.stage(at) == "step":
        sections_shown.append(d.section(at))
        assert d.step(at) == len(sections_shown) - 1, "steps are not numbered one by one"
        d.answer_step(at, USES_NOTHING)
        assert not [i for i in d.visible_items(at) if i in relapse], d.section(at)
        assert not [i for i in d.visible_items(at) if i.startswith("bam.")]
        totals.add(d.step_total(at))
        if d.section(at) == "prior_care":
            d.back(at)  # Back skips the relapse step too
            assert d.section(at) == "safety"
            d.next_step(at)
            assert d.section(at) == "prior_care"
        d.next_step(at)
    assert d.stage(at) == "review"
    assert "relapse" not in sections_shown
    assert sections_shown == [s.section for s in Q.sections if s.section != "relapse"]
    assert totals == {len(Q.sections) - 1}, f"the step count includes the skipped step: {totals}"

    # The review lists only the steps this person had.
    assert "edit-relapse" not in button_keys(at)
    assert [e.label for e in at.expander] == [s.title for s in Q.sections if s.section != "relapse"]

    d.to_result(at)
    assert "bam" not in expected_result(at)["instruments"]
    d.click(at, "nav-submit")
    assert not [i for i in stored(sent_reference(at)).answers if i in relapse]


def test_none_in_the_past_3_months_stands_alone() -> None:
    at = d.start("self")
    d.go_to_section(at, "drugs")
    d.answer_step(at, {"taps1.drugs": 1}, defaults=False)
    d.set_answer(at, "drugs.substances", ["cocaine", "cannabis"])
    assert d.shown_value(at, "drugs.substances") == ["cocaine", "cannabis"]

    d.set_answer(at, "drugs.substances", ["cocaine", "cannabis", "none_3m"])
    assert d.shown_value(at, "drugs.substances") == ["none_3m"], "the others were not cleared"
    d.set_answer(at, "drugs.substances", ["none_3m", "heroin_fentanyl"])
    assert d.shown_value(at, "drugs.substances") == ["heroin_fentanyl"], "none_3m was not cleared"
    d.set_answer(at, "drugs.substances", ["heroin_fentanyl", "none_3m"])
    assert d.shown_value(at, "drugs.substances") == ["none_3m"]

    d.to_result(at)
    label = dict(options_of(Q.items["drugs.substances"]))["none_3m"]
    d.click(at, "nav-submit")
    assert stored(sent_reference(at)).answers["drugs.substances"] == ["none_3m"]
    assert label == "None of these in the past 3 months"


# --- revision 2: drafts saved under revision 1 ------------------------------------------------


def revision_1_answers(**changes: object) -> dict:
    """A whole screen as revision 1 stored it: no recovery.history or withdrawal.moud, and the
    relapse questions answered by everyone."""
    answers = {
        "about.age_band": "26_64",
        "about.sex_at_birth": "male",
        "auditc.1": 0,
        "taps1.tobacco": 0,
        "taps1.drugs": 0,
        "taps1.rx": 0,
        "withdrawal.daily_sedatives": False,
        "medical.unstable": False,
        **{f"phq9.{n}": 1 for n in range(1, 10)},
        "mh.diagnosis": False,
        **{f"gad7.{n}": 1 for n in range(1, 8)},
        "pcptsd5.exposure": False,
        "cssrs.1": False,
        "cssrs.2": False,
        "cssrs.6": False,
        "safety.harm_others": False,
        **{f"bam.{n}": 1 for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15, 16, 17)},
        "bam.14": 4,
        "relapse.recent_return": "not_applicable",
        "prior_care.most_intensive_12m": "none",
        "prior_care.outpatient_not_enough": "not_tried",
        "prior_care.episodes_lifetime": "0",
        **{f"mspss.{n}": 5 for n in range(1, 13)},
        "home.housing": "stable",
        "home.safe": True,
        "home.others_using": "no",
        "practical.attend_hours": "yes",
        "practical.transport": "yes",
        "practical.preferred_time": "evening",
        "practical.telehealth_ok": True,
        "readiness.ruler": 7,
    }
    answers.update(changes)
    return answers


def saved_under_revision_1(answers: dict, step: str) -> str:
    """Write a draft as revision 1 left it, straight into the database; returns its code."""
    from datetime import UTC

    from intake.db import write_session
    from intake.drafts import save_draft

    with write_session() as session:
        return save_draft(
            session,
            respondent="self",
            answers=answers,
            step=step,
            consent_version=texts.CONSENT_VERSION,
            consented_at=datetime.now(UTC),
        )


def new_questions_notice(at: AppTest) -> bool:
    block = d.block(at, "new-questions-notice")
    return block is not None and texts.NEW_QUESTIONS in d.block_text(block)


def unanswered(at: AppTest) -> list[str]:
    return [i for i in d.visible_items(at) if d.shown_value(at, i) is None]


@pytest.mark.parametrize("step", ["review", "result"])
def test_a_revision_1_draft_asks_only_the_new_question_then_returns_to_the_review(step: str) -> None:
    old = revision_1_answers()
    at = d.resume(saved_under_revision_1(old, step))

    assert d.stage(at) == "step" and d.section(at) == "drugs"
    assert new_questions_notice(at)
    assert unanswered(at) == ["recovery.history"], "asked more than the new question"
    assert d.errors(at) == [], "a new question is marked as an error before any Next"
    assert {i: d.shown_value(at, i) for i in ("taps1.tobacco", "taps1.drugs", "taps1.rx")} == {
        "taps1.tobacco": 0,
        "taps1.drugs": 0,
        "taps1.rx": 0,
    }
    d.set_answer(at, "recovery.history", False)
    d.next_step(at)

    assert d.stage(at) == "review", "not taken back to where they were"
    assert d.block(at, "new-questions-notice") is None
    d.click(at, "nav-next")
    d.click(at, "nav-submit")
    answers = stored(sent_reference(at)).answers
    # Nothing valid lost; the relapse answers no longer asked of this person are gone.
    expected = {k: v for k, v in old.items() if not k.startswith("bam.") and k != "relapse.recent_return"}
    assert answers == {**expected, "recovery.history": False}


def test_a_revision_1_draft_mid_way_visits_each_step_with_new_questions_then_goes_on() -> None:
    uses = {"taps1.drugs": 2, "drugs.substances": ["cannabis"], "withdrawal.daily_opioids": False}
    whole = revision_1_answers(**uses, **{"safety.overdose_90d": False})
    # Saved on the anxiety step (index 5): the steps before it answered, none after.
    answered = {s.section for s in Q.sections[:5]}
    old = {k: v for k, v in whole.items() if Q.section_of[k] in answered}
    at = d.resume(saved_under_revision_1(old, "step:5"))

    assert d.section(at) == "drugs" and new_questions_notice(at)
    assert unanswered(at) == ["recovery.history"]
    d.set_answer(at, "recovery.history", True)
    d.next_step(at)
    assert d.section(at) == "withdrawal" and new_questions_notice(at)
    assert unanswered(at) == ["withdrawal.moud"]
    d.set_answer(at, "withdrawal.moud", False)
    d.next_step(at)

    assert d.section(at) == "anxiety", "not taken back to the step they were on"
    assert d.block(at, "new-questions-notice") is None
    assert unanswered(at) == [f"gad7.{n}" for n in range(1, 8)], "the anxiety answers were never given"
    d.back(at)
    assert d.section(at) == "mood"
    assert all(d.shown_value(at, f"phq9.{n}") == 1 for n in range(1, 10)), "an earlier answer was lost"


def test_a_revision_1_draft_keeps_relapse_answers_that_a_new_yes_asks_again() -> None:
    old = revision_1_answers()
    at = d.resume(saved_under_revision_1(old, "review"))
    assert d.section(at) == "drugs"
    d.set_answer(at, "recovery.history", True)
    d.next_step(at)
    # A history of a problem asks about methadone or buprenorphine: a new question too.
    assert d.section(at) == "withdrawal" and unanswered(at) == ["withdrawal.moud"]
    d.set_answer(at, "withdrawal.moud", False)
    d.next_step(at)

    # The relapse questions apply again, and their earlier answers were kept: not asked twice.
    assert d.stage(at) == "review"
    review = d.page_text(at)
    for item_id in ("bam.1", "bam.14", "relapse.recent_return"):
        item = Q.items[item_id]
        assert f"{item.text}  \n**{dict(options_of(item))[old[item_id]]}**" in review, item_id

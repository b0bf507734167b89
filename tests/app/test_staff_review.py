"""The screen review page: answers as the respondent saw them, scores and levels, contact details
only on request (audited), status changes, notes and assignment (audited), and the FHIR export."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from staff_support import freeze, make_staff, signed_in, texts_of

from intake.audit import browse
from intake.db import read_session, write_session
from intake.notes import notes
from intake.review import get_screen
from intake.submission import submit_screen
from scoring import RULES_VERSION, evaluate, load_questionnaire
from scoring.contract import UNKNOWN
from scoring.fhir import wording_of
from scoring.flags import FLAG_RULES
from scoring.sample import random_screen
from tests.support.factories import CONTACT, T0
from tests.support.factories import result as factory_result
from tests.support.screen_builder import screen as build_screen
from ui import labels as staff_labels
from ui.markup import plain
from ui.staff import text as staff_text
from ui.widgets import labels, wording

REVIEW = "pages/staff_review.py"


@pytest.fixture
def moving(database_env, monkeypatch):
    return freeze(monkeypatch, T0 + timedelta(minutes=20))


@pytest.fixture
def screen(moving):
    """A real screen answered by a family member, scored by the rules, with contact details."""
    answers = random_screen(random.Random(3))["answers"]
    screen = {"respondent": "loved_one", "answers": answers}
    result = evaluate(screen)
    with write_session() as session:
        reference = submit_screen(
            session,
            submission_key="review-test",
            respondent="loved_one",
            answers=answers,
            result=result,
            consent_version="2026-11-26.1",
            consented_at=T0 - timedelta(minutes=15),
            contact=CONTACT,
            submitted_at=T0,
            now=T0,
        )
    return reference, answers, result


@pytest.fixture
def nurse(moving):
    return make_staff()[0]


def open_review(staff, reference):
    return signed_in(staff, REVIEW, {"staff-review-ref": reference})


def audit(action: str) -> list:
    with read_session() as session:
        return browse(session, {"action": action}).rows


def table_text(at) -> str:
    return "\n".join(table.value.to_csv(index=False) for table in at.table)


def tables_of(at) -> list[dict]:
    """Every row of every table on the page, as {column: value}."""
    return [row for table in at.table for row in table.value.to_dict("records")]


def test_review_shows_answers_as_worded_for_the_respondent_with_scores(screen, nurse):
    reference, answers, result = screen
    at = open_review(nurse, reference)
    assert not at.exception
    assert f"Screen {reference}" in [t.value for t in at.title]
    tables = table_text(at)
    questionnaire = load_questionnaire()
    for item_id in ("about.age_band", "auditc.1", "drugs.substances"):
        item = questionnaire.items[item_id]
        question, _ = wording(item, "loved_one")
        assert question in tables and question != item.text  # the family member's wording
        shown = labels(item, "loved_one")
        values = answers[item_id] if isinstance(answers[item_id], list) else [answers[item_id]]
        assert "; ".join(shown[v] for v in values) in tables
    assert "Depression (PHQ-9)" in tables and f"{result['instruments']['phq9']['score']} (" in tables
    assert "Relapse risk" in tables and result["domains"]["relapse_risk"]["level"] in tables
    page = texts_of(at)
    assert result["reasons"][0]["text"] in page
    assert f"Consent version {plain('2026-11-26.1')}" in page  # data is escaped Markdown
    assert "Answered by a family member or friend" in page  # the collateral_report flag
    assert CONTACT["name"] not in page and CONTACT["phone"] not in page


def test_viewing_is_audited_once_per_opening(screen, nurse):
    reference, _, _ = screen
    at = open_review(nurse, reference)
    at.run()  # a rerun on the page (a click) is not another opening
    views = audit("screen_view")
    assert [(v.actor, v.target) for v in views] == [(str(nurse.id), reference)]
    at.switch_page("pages/staff_queue.py").run()
    at.switch_page(REVIEW).run()  # back to the same screen: a new look
    assert len(audit("screen_view")) == 2


def test_contact_details_show_only_on_request_and_each_look_is_audited(screen, nurse):
    reference, _, _ = screen
    at = open_review(nurse, reference)
    assert CONTACT["name"] not in texts_of(at)
    assert audit("contact_view") == []
    at.button(key="review-show-contact").click().run()
    page = texts_of(at)
    assert f"Name: {CONTACT['name']}" in page and "Phone: 5558675309" in page
    assert [(v.actor, v.target) for v in audit("contact_view")] == [(str(nurse.id), reference)]
    at.run()  # any other click hides them again
    assert CONTACT["name"] not in texts_of(at)
    assert len(audit("contact_view")) == 1


def test_status_changes_notes_and_assignment_are_recorded_and_audited(screen, nurse, moving):
    reference, _, _ = screen
    at = open_review(nurse, reference)
    assert "Not contacted yet: waiting 20 min" in texts_of(at)

    at.selectbox(key="review-status").set_value("in_review")
    at.button(key="review-status-submit").click().run()
    assert not at.exception
    assert "Status changed to In review." in [s.value for s in at.success]
    moving.advance(minutes=25)
    at.selectbox(key="review-status").set_value("contacted")
    at.button(key="review-status-submit").click().run()
    assert "First contact after 45 min" in texts_of(at)
    changes = audit("status_change")
    assert [(c.detail["from"], c.detail["to"]) for c in reversed(changes)] == [
        ("new", "in_review"),
        ("in_review", "contacted"),
    ]
    assert {c.actor for c in changes} == {str(nurse.id)}

    at.text_area(key="review-note").input("Left a voicemail; call back after 5 pm.")
    at.button(key="review-note-submit").click().run()
    assert "Left a voicemail; call back after 5 pm." in texts_of(at)
    with read_session() as session:
        assert [n.text for n in notes(session, reference)] == ["Left a voicemail; call back after 5 pm."]
    (added,) = audit("note_added")
    assert added.target == reference and "voicemail" not in repr(added.detail)

    at.button(key="review-assign-me").click().run()
    with read_session() as session:
        assert get_screen(session, reference).assigned_email == nurse.email
    assert audit("assign")[0].detail == {"assignee": nurse.id}


def test_fhir_export_is_offered_as_a_download_and_audited(screen, nurse):
    reference, _, _ = screen
    at = open_review(nurse, reference)
    assert not at.get("download_button")
    at.button(key="review-fhir").click().run()
    assert not at.exception
    (download,) = at.get("download_button")
    assert download.label == "Download QuestionnaireResponse"
    (export,) = audit("export")
    assert (export.actor, export.target) == (str(nurse.id), reference)
    assert export.detail == {"format": "fhir_questionnaire_response"}


def test_unknown_reference_says_so(database_env, nurse):
    at = open_review(nurse, "IOP-2222-2222")
    assert any("no screen with the reference IOP-2222-2222" in e.value for e in at.error)
    assert not at.table


# --- revision 2: flags, also noted, "I don't know", the rules version ------------------------------


_keys = itertools.count()


def store(result: dict, answers: dict, respondent: str = "self") -> str:
    with write_session() as session:
        return submit_screen(
            session,
            submission_key=f"review-rev2-{next(_keys)}",
            respondent=respondent,
            answers=answers,
            result=result,
            consent_version="2026-11-26.1",
            consented_at=T0 - timedelta(minutes=15),
            contact=None,
            submitted_at=T0,
            now=T0,
        )


def store_scored(respondent: str = "self", **changes: object) -> tuple[str, dict]:
    built = build_screen(respondent, **changes)
    result = evaluate(built)
    return store(result, built["answers"], respondent), result


def test_every_flag_the_rules_raise_has_a_label_and_an_action():
    """A new flag in scoring fails here until staff get words for it."""
    for flag in FLAG_RULES:
        assert flag in staff_labels.FLAGS and staff_labels.FLAGS[flag] != flag, f"no staff label for {flag}"
        assert staff_text.FLAG_ACTIONS.get(flag), f"no staff notice line for {flag}"


def test_each_flag_shows_its_label_and_what_intake_should_do(moving, nurse):
    reference, result = store_scored(
        recovery__history=True, withdrawal__moud=True, home__safe=False, home__housing="unstable"
    )
    wanted = ("home_safety", "housing_need", "moud_continuity", "overdose_risk")
    assert set(wanted) <= set(result["flags"])
    page = texts_of(open_review(nurse, reference))
    for flag in result["flags"]:
        assert f"**{staff_labels.FLAGS[flag]}**: {staff_text.FLAG_ACTIONS[flag]}" in page
    assert "1-800-799-7233" in page and "START to 88788" in page  # the hotline the person was given
    assert "211" in page and "taper" in page
    assert "Overdose in the last 90 days" not in page  # overdose_risk no longer means an overdose


def test_also_noted_findings_are_listed_apart_with_their_rule(moving, nurse):
    reference, result = store_scored(taps1__drugs=1, safety__overdose_90d=True)
    assert result["disposition"] == "outpatient"
    lines = [m.value for m in open_review(nurse, reference).markdown]
    reason = next(r for r in result["reasons"] if not r.get("also_noted"))
    also = next(r for r in result["reasons"] if r.get("also_noted"))
    heading = next(i for i, line in enumerate(lines) if line.startswith("**Also noted**"))
    assert lines.index(f"- {reason['text']} `{reason['rule']}`") < heading
    assert lines.index(f"- {also['text']} `recent_overdose`") > heading


def test_a_family_members_i_dont_know_is_shown_in_their_words(moving, nurse):
    reference, result = store_scored("loved_one", cssrs__1=UNKNOWN, safety__harm_others=UNKNOWN)
    assert "ask_directly" in result["flags"]
    at = open_review(nurse, reference)
    item = load_questionnaire().items["cssrs.1"]
    rows = [row for row in tables_of(at) if row.get("Item") == "cssrs.1"]
    assert rows and rows[0]["Answer"] == item.unknown_label == "I don't know"
    assert rows[0]["Code"] == "unknown"
    assert f"**{staff_labels.FLAGS['ask_directly']}**" in texts_of(at)


def test_a_screen_scored_by_older_rules_says_so_and_keeps_its_result(moving, nurse):
    old = factory_result("iop", ("collateral_report",))
    old["rules_version"] = "1.0.0"
    reference = store(old, {"phq9.1": 2, "cssrs.1": False}, "loved_one")
    page = texts_of(open_review(nurse, reference))
    assert f"Scored with rules 1.0.0; current rules are {RULES_VERSION}. Not re-scored." in page
    assert "**Suggestion:** IOP" in page and old["reasons"][0]["text"] in page


def test_a_screen_scored_by_the_current_rules_has_no_version_note(screen, nurse):
    reference, _, result = screen
    assert result["rules_version"] == RULES_VERSION
    assert "Not re-scored" not in texts_of(open_review(nurse, reference))


def test_a_spanish_screen_shows_each_question_in_english_and_as_the_person_saw_it(moving, nurse):
    built = build_screen("self")
    with write_session() as session:
        reference = submit_screen(
            session,
            submission_key="review-spanish",
            respondent="self",
            answers=built["answers"],
            result=evaluate(built),
            consent_version="2026-11-26.1",
            consented_at=T0 - timedelta(minutes=15),
            submitted_at=T0,
            now=T0,
            language="es",
        )
    at = open_review(nurse, reference)
    assert not at.exception
    assert "Answered in Spanish." in texts_of(at)
    item = load_questionnaire().items["phq9.1"]
    row = next(r for r in tables_of(at) if r.get("Item") == "phq9.1")
    assert row["Question"] == wording(item, "self")[0]
    assert row["Question as shown (Spanish)"] == wording_of(item, "self", "es")[0]
    assert row["Answer as shown (Spanish)"] == labels(item, "self", "es")[built["answers"]["phq9.1"]]
    assert row["Answer"] == labels(item, "self")[built["answers"]["phq9.1"]]


def test_an_english_screen_has_no_language_columns(screen, nurse):
    reference, _, _ = screen
    at = open_review(nurse, reference)
    assert "Answered in" not in texts_of(at)
    assert all("Question as shown (Spanish)" not in row for row in tables_of(at))

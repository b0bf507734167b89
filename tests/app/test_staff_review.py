"""The screen review page: answers as the respondent saw them, scores and levels, contact details
only on request (audited), status changes, notes and assignment (audited), and the FHIR export."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from staff_support import freeze, make_staff, signed_in, texts_of
from storage.factories import CONTACT, T0

from intake.audit import browse
from intake.db import read_session, write_session
from intake.screens import get_screen, notes, submit_screen
from scoring import evaluate, load_questionnaire
from scoring.sample import random_screen
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
    return "\n".join(t.value.to_csv(index=False) for t in at.table)


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
    assert "Consent version 2026-11-26.1" in page
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

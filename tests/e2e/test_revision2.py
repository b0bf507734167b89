"""Revision 2 of the screening spec in a real browser: the family member who does not know, the
person on methadone, the person who uses nothing, and a resume code saved under revision 1.

AppTest already proves each rule; these walk the same paths through a served app in Chromium, so
the widgets, the notices and the saved draft hold together as a person meets them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Page, expect

from scoring import evaluate, load_questionnaire
from tests.support.browser_driver import CALM_ANSWERS, ROOT, Participant, full_answers, key_class, run_app

pytestmark = pytest.mark.e2e

BAM_WIDGETS = '[class*="st-key-bam-"], [class*="st-key-relapse-recent_return"]'


def walk_checking_no_bam(person: Participant, answers: dict) -> None:
    """Walk to the review, checking at every step that no BAM question is on screen."""
    for _ in range(len(person.questionnaire.sections) + 2):
        if person.on_review():
            return
        assert person.page.locator(BAM_WIDGETS).count() == 0, f"a BAM question on step {person.step_number()}"
        person.finish_step(answers)
    expect(person.page.get_by_role("heading", name=re.compile("Check"))).to_be_visible()


def notice(page: Page, flag: str):
    return page.locator(key_class(f"flag-{flag}"))


def test_family_member_who_does_not_know_is_shown_how_to_ask(participant: Participant, stored_screen) -> None:
    participant.respondent = "loved_one"
    answers = {**CALM_ANSWERS, "cssrs.1": "unknown", "cssrs.2": "unknown", "safety.harm_others": "unknown"}
    expected = full_answers(answers)
    result = evaluate({"respondent": "loved_one", "answers": expected})
    assert {"ask_directly", "crisis_resources"} <= set(result["flags"])
    assert not any(item_id.startswith("bam.") for item_id in expected)

    participant.start()
    walk_checking_no_bam(participant, answers)
    participant.see_result()
    page = participant.page
    expect(notice(page, "ask_directly")).to_be_visible()
    expect(notice(page, "ask_directly")).to_contain_text("988")
    expect(notice(page, "crisis_resources")).to_be_visible()

    stored = stored_screen(participant.send())
    assert stored["answers"] == expected
    assert "cssrs.3" not in stored["answers"]  # "I don't know" opens no follow-up


def test_person_on_methadone_is_told_to_keep_taking_it(participant: Participant, stored_screen) -> None:
    answers = {
        **CALM_ANSWERS,
        "recovery.history": True,
        "withdrawal.moud": True,
        "safety.overdose_90d": False,
    }
    expected = full_answers(answers)
    result = evaluate({"respondent": "self", "answers": expected})
    assert "moud_continuity" in result["flags"] and "withdrawal_caution" not in result["flags"]

    participant.start()
    participant.walk_to_review(answers)
    participant.see_result()
    page = participant.page
    expect(notice(page, "moud_continuity")).to_be_visible()
    expect(notice(page, "overdose_risk")).to_be_visible()
    expect(notice(page, "withdrawal_caution")).to_have_count(0)
    assert stored_screen(participant.send())["answers"] == expected


# A screen saved under revision 1 at the prior-care step: it has no recovery.history (revision 2
# asks it of everyone) and BAM answers, still asked of this drinker.
REVISION_1_ANSWERS = {
    key: value
    for key, value in full_answers({**CALM_ANSWERS, "auditc.1": 2, "auditc.2": 1, "auditc.3": 0}).items()
    if load_questionnaire().section_of[key] in {s.section for s in load_questionnaire().sections[:9]}
    and key != "recovery.history"
}
WRITE_DRAFT = """
import json, sys
from datetime import UTC, datetime
from intake import drafts
from intake.db import write_session
with write_session() as session:
    code = drafts.save_draft(session, respondent="self", answers=json.loads(sys.argv[1]), step="step:9",
                             consent_version="2026-11-26.1", consented_at=datetime.now(UTC))
print(code)
"""


@pytest.fixture
def revision_1_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A served app whose database holds a draft saved as revision 1 left it; yields (url, code)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rev1.db'}",
        "IOP_ENV": "development",
        "IOP_FIELD_KEY": Fernet.generate_key().decode(),
    }
    code = subprocess.run(
        [sys.executable, "-c", WRITE_DRAFT, json.dumps(REVISION_1_ANSWERS)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with run_app(env, tmp_path / "server.log") as url:
        yield url, code


def test_revision_1_draft_resumes_and_asks_only_the_new_question(
    page: Page, revision_1_server: tuple[str, str]
) -> None:
    url, code = revision_1_server
    person = Participant(page, url)
    person.open()
    person.resume(code)
    # Taken to the step with the new question, which is the only one left to answer there.
    expect(person.item("recovery.history")).to_be_visible()
    assert person.unanswered() == ["recovery.history"]
    person.answer("recovery.history", False)
    person.next()
    # Then on to where the person had got to, not back through the sections already answered.
    expect(page.get_by_role("heading", name="Care you have had before")).to_be_visible()
    person.walk_to_review(CALM_ANSWERS)
    person.see_result()
    expect(page.locator(key_class("result-headline"))).to_be_visible()

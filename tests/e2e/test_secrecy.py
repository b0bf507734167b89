"""Secrets and logs on a real ``streamlit run app.py`` server, driven in Chromium.

- In production (IOP_ENV=production) without STREAMLIT_SERVER_COOKIE_SECRET or IOP_FIELD_KEY, the
  server shows a refusal naming the variable, logs it, and serves no screen and no sign-in form.
- With the server logging at debug level, a whole screen with contact details leaves none of
  the person's identifiers (name, phone, email, resume code, reference) nor any answer in the
  server's output.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from scoring import load_questionnaire
from tests.support.browser_driver import (
    CALM_ANSWERS,
    Participant,
    full_answers,
    key_class,
    run_app,
    streamlit_server,
    unseal,
)
from ui import texts

pytestmark = pytest.mark.e2e

NAME, PHONE, EMAIL = "Zebulon Quartzfield", "(555) 010-7788", "zq-7788@example.org"
# Answers away from the calm defaults, so their values are distinctive in a log.
ANSWERS = {
    **CALM_ANSWERS,
    "about.age_band": "18_25",
    "auditc.1": 3,
    "auditc.2": 2,
    "auditc.3": 1,
    "withdrawal.daily_alcohol": False,
    "phq9.1": 2,
    "phq9.2": 2,
    "gad7.1": 3,
    "prior_care.most_intensive_12m": "outpatient",
    "readiness.ruler": 9,
}


@contextmanager
def production_server(log_path: Path, database_url: str, **secrets: str) -> Iterator[str]:
    """``streamlit run app.py`` with IOP_ENV=production and only the given secrets set."""
    env = {**os.environ, "DATABASE_URL": database_url, "IOP_ENV": "production", **secrets}
    for name in ("IOP_FIELD_KEY", "STREAMLIT_SERVER_COOKIE_SECRET"):
        if name not in secrets:
            env.pop(name, None)
    with run_app(env, log_path) as base_url:
        yield base_url


@pytest.mark.parametrize(
    ("missing", "secrets"),
    [
        ("IOP_FIELD_KEY", {"STREAMLIT_SERVER_COOKIE_SECRET": "c" * 40}),
        ("STREAMLIT_SERVER_COOKIE_SECRET", {"IOP_FIELD_KEY": Fernet.generate_key().decode()}),
    ],
)
def test_production_without_a_secret_refuses_naming_it(new_context, tmp_path: Path, missing, secrets):
    log_path = tmp_path / "server.log"
    with production_server(log_path, f"sqlite:///{tmp_path / 'iop.db'}", **secrets) as url:
        page = new_context().new_page()
        # The router, then a participant page and a staff page as a cold server serves them.
        for path in ("/", "/screen", "/staff_queue"):
            page.goto(url + path)
            refusal = page.locator('[data-testid="stAlertContentError"]')
            expect(refusal).to_contain_text(missing)
            expect(refusal).to_contain_text("not available right now")
            assert page.locator(key_class("nav-start")).count() == 0, f"{path} serves the screen"
            assert page.locator('[data-testid="stRadio"], [data-testid="stTextInput"]').count() == 0, path
    log = log_path.read_text(errors="replace")
    assert re.search(rf"configuration refused.*{missing}", log), log[-2000:]
    assert not (tmp_path / "iop.db").exists(), "a refused server must not touch the database"


def test_a_whole_screen_with_contact_leaves_no_identifier_or_answer_in_debug_logs(
    new_context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The same as --logger.level debug (streamlit_server passes the environment on).
    monkeypatch.setenv("STREAMLIT_LOGGER_LEVEL", "debug")
    log_path = tmp_path / "server.log"
    database = tmp_path / "iop.db"
    with streamlit_server(f"sqlite:///{database}", log_path) as url:
        person = Participant(new_context().new_page(), url)
        person.open()
        person.start()
        person.walk_to_review(ANSWERS)
        code = re.search(r"resume=([2-9A-Z-]+)", person.page.url)
        assert code, f"no resume code in {person.page.url}"
        person.see_result()
        page = person.page
        person.click(page.locator(key_class("contact-wanted")).get_by_text(texts.CONTACT_WANTED))
        for key, value in (("contact-name", NAME), ("contact-phone", PHONE), ("contact-email", EMAIL)):
            box = page.locator(f"{key_class(key)} input")
            box.fill(value)
            since = person.runs_finished
            box.press("Enter")
            person.wait_runs(since, f"typing into {key}")
        person.click(person.option("contact-best-time", texts.BEST_TIMES["evening"]))
        person.click(person.option("contact-voicemail", "No"))
        reference = person.send()
    with closing(sqlite3.connect(database)) as conn:
        stored = conn.execute(
            "SELECT answers FROM screens JOIN contacts ON contacts.screen_id = screens.id WHERE reference = ?",
            (reference,),
        ).fetchone()
    assert stored is not None, "the screen and its contact were not stored"
    answers = unseal(stored[0])
    assert answers == full_answers(ANSWERS)

    log = log_path.read_text(errors="replace")
    assert "Running script" in log, "the server did not log at debug level"
    for secret in (NAME, "Zebulon", "Quartzfield", PHONE, "5550107788", "010-7788", EMAIL, "zq-7788"):
        assert secret not in log, f"{secret!r} is in the server's output"
    assert code.group(1) not in log and code.group(1).replace("-", "") not in log, "the resume code is logged"
    assert reference not in log, "the screen's reference is logged"
    for item_id in load_questionnaire().items:
        assert item_id not in log, f"the answer to {item_id} (or its id) is in the server's output"
    assert json.dumps(answers)[:40] not in log

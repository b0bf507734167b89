"""Staff alerts end to end: a person's urgent screen, sent through the wizard in Chromium, reaches
the intake desk's inbox on a real SMTP server, and the escalation list's when nobody opens it in
time. The worker runs as intake IT runs it (``python -m intake alerts --once``); the escalation
then runs in-process, its clock moved past IOP_URGENT_WAIT_MINUTES."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intake.alerts.worker import run_once
from intake.db import dispose_engine, read_session
from intake.models import Screen
from scoring import load_questionnaire
from tests.support.browser_driver import (
    APP_ROOT,
    CALM_ANSWERS,
    Participant,
    free_port,
    key_class,
    server_env,
    streamlit_server,
    unseal,
)
from tests.support.mailbox import Mailbox, Received, running_mailbox
from ui import texts

pytestmark = pytest.mark.e2e

SAFETY_STEP = 8  # "Your safety": the C-SSRS screener
URGENT_DESK = "urgent-desk@clinic.example"
ESCALATION_LIST = "intake-lead@clinic.example"
NAME, PHONE, EMAIL = "Perpetua Vanterpool", "(555) 010-4242", "pv-4242@example.org"
# Words that would say what the screen was about. The reference and link are taken out of a
# message before it is searched, so their random letters and port digits cannot match by chance.
CLINICAL_WORDS = (
    "suicid",
    "kill",
    "harm",
    "hurt",
    "crisis",
    "988",
    "safety",
    "danger",
    "risk",
    "intent",
    "overdose",
    "alcohol",
    "drug",
    "substance",
    "mental",
    "depress",
    "anxi",
    "score",
    "flag",
    "answer",
    "cssrs",
    "c-ssrs",
)
CLI_TIMEOUT = 60


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    """This test's own server output: the conftest prints its tail beside the screenshots when
    the test fails."""
    return tmp_path / "server.log"


@dataclass(frozen=True)
class AlertServer:
    url: str  # also its IOP_PUBLIC_URL, the base of the links in alerts
    database: Path
    mailbox: Mailbox
    settings: dict[str, str]  # the alert settings: SMTP to the mailbox, IOP_PUBLIC_URL
    env: dict[str, str]  # the server's whole environment, for the CLI on its database


@pytest.fixture
def alert_server(tmp_path: Path, server_log: Path) -> Iterator[AlertServer]:
    """A server of its own on a fresh SQLite file, set to send email alerts to a real SMTP server
    started here. Asked for before ``new_context``, so it still serves while a failed test's
    pages are photographed."""
    database = tmp_path / "alerts.db"
    database_url = f"sqlite:///{database}"
    port = free_port()
    with running_mailbox() as mailbox:
        settings = mailbox.env(public_url=f"http://127.0.0.1:{port}")
        with streamlit_server(database_url, server_log, settings=settings, port=port) as url:
            assert url == settings["IOP_PUBLIC_URL"]
            yield AlertServer(url, database, mailbox, settings, server_env(database_url, settings))


def intake_cli(env: Mapping[str, str], *args: str) -> str:
    """``python -m intake ...`` against the server's database; its output, or fail the test."""
    done = subprocess.run(
        [sys.executable, "-m", "intake", *args],
        cwd=APP_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )
    assert done.returncode == 0, f"python -m intake {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


def give_contact(person: Participant) -> None:
    """Ask to be contacted and fill in made-up details, as a person types them."""
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


def stored_answers(database: Path, reference: str) -> dict:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT answers FROM screens WHERE reference = ?", (reference,)).fetchone()
    assert row is not None, f"no screen stored under {reference}"
    answers = unseal(row[0])
    assert isinstance(answers, dict)
    return answers


def expect_minimum_necessary(received: Received, *, reference: str, link: str, answers: dict) -> None:
    """The message names the screen and links to it, and says nothing else about it or the person."""
    subject = str(received.message["Subject"])
    body = received.message.get_content()
    assert reference in subject, subject
    assert link in body.split(), body
    said = f"{subject}\n{body}".replace(link, " ").replace(reference, " ")
    for word in CLINICAL_WORDS:
        assert word not in said.lower(), f"{word!r} is in the alert:\n{said}"
    for secret in (NAME, "Perpetua", "Vanterpool", PHONE, "010-4242", "5550104242", EMAIL, "pv-4242"):
        assert secret not in said, f"{secret!r} (contact details) is in the alert"
    questionnaire = load_questionnaire()
    for item_id in answers:
        assert item_id not in said, f"{item_id} is in the alert"
        assert questionnaire.items[item_id].text not in said, f"the question {item_id} is in the alert"


def test_urgent_screen_alerts_the_desk_then_escalates_when_nobody_opens_it(
    alert_server: AlertServer, new_context, settings_env
) -> None:
    # Intake IT turns alerts on: the urgent desk hears of urgent screens, the lead of late ones.
    env = alert_server.env
    intake_cli(env, "alerts", "route", "add", "--kind", "urgent", "--email", URGENT_DESK)
    intake_cli(env, "alerts", "route", "add", "--kind", "escalation", "--email", ESCALATION_LIST)

    person = Participant(new_context().new_page(), alert_server.url)
    person.open()
    person.start()
    person.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
    person.answer("cssrs.2", True)
    person.answer("cssrs.4", True)  # intent: the screen stops here, urgent
    expect(person.page.locator(key_class("crisis-page"))).to_be_visible()
    give_contact(person)
    reference = person.send()
    expect(person.page.get_by_text(texts.WHAT_HAPPENS_NEXT["urgent"])).to_be_visible()
    answers = stored_answers(alert_server.database, reference)
    assert answers["cssrs.4"] is True
    link = f"{alert_server.url}/staff_review?ref={reference}"

    mailbox = alert_server.mailbox
    out = intake_cli(env, "alerts", "--once")
    assert out.startswith("1 sent"), out
    [alert] = mailbox.wait_for(1)
    assert alert.envelope_to == [URGENT_DESK]
    assert alert.message["To"] == URGENT_DESK
    assert alert.message["From"] == env["IOP_ALERT_FROM"]
    assert alert.message["Message-ID"], "no Message-ID: a resend could not be told from a new alert"
    expect_minimum_necessary(alert, reference=reference, link=link, answers=answers)

    # Thirty-one minutes on, nobody has opened the screen: the escalation list hears of it.
    settings_env(**{name: env[name] for name in ("DATABASE_URL", "IOP_FIELD_KEY", *alert_server.settings)})
    try:
        with read_session() as session:
            submitted_at = session.scalar(select(Screen.submitted_at).where(Screen.reference == reference))
        assert submitted_at is not None
        report = run_once(now=submitted_at + timedelta(minutes=31))
    finally:
        dispose_engine(env["DATABASE_URL"])
    assert (report.escalated, report.sent, report.given_up) == (1, 1, 0)
    messages = mailbox.wait_for(2)
    assert len(messages) == 2, "the urgent alert was sent again"
    escalation = messages[1]
    assert escalation.envelope_to == [ESCALATION_LIST]
    assert escalation.message_id != alert.message_id
    expect_minimum_necessary(escalation, reference=reference, link=link, answers=answers)

"""Secrets and logs, in AppTest and the admin CLI.

- Production (IOP_ENV=production) without STREAMLIT_SERVER_COOKIE_SECRET or IOP_FIELD_KEY: every
  page, through the router or run cold, shows a refusal naming the variable, logs it, and serves
  no screen and no sign-in form (tests/storage/test_settings.py checks ``get_settings`` itself).
- Python logging at DEBUG through a whole wizard with contact details, then a CLI export and
  import: no identifier (name, phone, email, resume code, reference) and no answer is logged, and
  the CLI prints counts only.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from streamlit.testing.v1 import AppTest

from intake import cli
from scoring import load_questionnaire
from tests.support import wizard_driver as d

ROOT = Path(d.APP).parent
# What a served app is made of; not data/, bench/out/ (gigabytes after a queue benchmark) or .venv.
APP_PARTS = ("app.py", "pages", "ui", "intake", "scoring", "questionnaires", ".streamlit")


def copy_app(target: Path) -> None:
    target.mkdir()
    for part in APP_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)


PAGES = [
    "welcome",
    "screen",
    "levels_of_care",
    "families",
    "staff_signin",
    "staff_queue",
    "staff_review",
    "staff_insights",
    "staff_audit",
    "staff_accounts",
    "staff_alerts",
]
COOKIE = "c" * 40
NAME, PHONE, EMAIL = "Zebulon Quartzfield", "(555) 010-7788", "zq-7788@example.org"


@pytest.fixture(params=["IOP_FIELD_KEY", "STREAMLIT_SERVER_COOKIE_SECRET"])
def production_without(request: pytest.FixtureRequest, settings_env) -> str:
    """Production with one secret missing (the other one set); returns the missing one's name."""
    present = {"IOP_FIELD_KEY": Fernet.generate_key().decode(), "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE}
    present[request.param] = None
    settings_env(IOP_ENV="production", **present)
    return request.param


def check_refused(at: AppTest, missing: str, where: str) -> None:
    assert not at.exception, f"{where} raised: {[e.value for e in at.exception]}"
    errors = [str(e.value) for e in at.error]
    assert any(missing in e and "not available right now" in e for e in errors), f"{where}: {errors}"
    for kind in ("radio", "checkbox", "button", "text_input", "button_group"):
        assert not getattr(at, kind), f"{where} shows a {kind}: it must serve no screen and no form"


def test_the_router_refuses_in_production_without_a_secret(production_without: str, caplog):
    caplog.set_level(logging.ERROR)
    at = AppTest.from_file(d.APP, default_timeout=d.TIMEOUT).run()
    check_refused(at, production_without, "app.py")
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("configuration refused" in m and production_without in m for m in logged), logged


@pytest.mark.parametrize("page", PAGES)
def test_every_page_run_cold_refuses_in_production_without_a_secret(
    page: str, production_without: str, tmp_path: Path
):
    # A cold server serves pages/ by URL before app.py's router has run; a resume code in the
    # address must not reach the database either.
    copy_app(tmp_path / "app")
    at = AppTest.from_file(str(tmp_path / "app" / "pages" / f"{page}.py"), default_timeout=d.TIMEOUT)
    at.query_params["resume"] = "ABCD-EFGH-JKMN"
    check_refused(at.run(), production_without, f"pages/{page}.py")


def test_production_with_both_secrets_serves_the_welcome_page(settings_env):
    settings_env(
        IOP_ENV="production",
        IOP_FIELD_KEY=Fernet.generate_key().decode(),
        STREAMLIT_SERVER_COOKIE_SECRET=COOKIE,
    )
    at = AppTest.from_file(d.APP, default_timeout=d.TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.button(key="nav-start") is not None


# --- Logs ------------------------------------------------------------------------------------


@pytest.fixture
def fresh_db(sqlite_template: Path, tmp_path: Path):
    with d.sqlite_copy(sqlite_template, tmp_path) as url:
        yield url


def fill_contact(at: AppTest) -> None:
    at.checkbox(key="contact-wanted").check().run()
    at.text_input(key="contact-name").input(NAME)
    at.text_input(key="contact-phone").input(PHONE)
    at.text_input(key="contact-email").input(EMAIL)
    at.radio(key="contact-best-time").set_value("evening")
    at.radio(key="contact-voicemail").set_value(False)


def forbidden(code: str, reference: str) -> list[str]:
    return [
        NAME,
        "Zebulon",
        "Quartzfield",
        PHONE,
        "5550107788",
        "010-7788",
        EMAIL,
        "zq-7788",
        code,
        reference,
    ]


def assert_private(text: str, secrets: list[str], answers: dict, where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} is in {where}"
    for item_id in answers:
        assert item_id not in text, f"the answer to {item_id} (or its id) is in {where}"


def test_a_whole_screen_and_a_cli_export_and_import_log_no_identifier_or_answer(
    fresh_db: str, tmp_path: Path, caplog, capsys, settings_env
):
    caplog.set_level(logging.DEBUG)
    at = d.start()
    d.answer_step(at)
    d.next_step(at)
    code = at.query_params["resume"]
    code = code[0] if isinstance(code, list) else code
    d.to_result(at, {"auditc.1": 3, "auditc.2": 2, "auditc.3": 1, "phq9.1": 2, "readiness.ruler": 9})
    fill_contact(at)
    d.click(at, "nav-submit")
    reference = at.session_state["wizard"].reference
    assert reference, "the screen was not sent"
    answers = load_questionnaire().prune(d.given(at))

    export = tmp_path / "export.jsonl"
    assert cli.main(["export", "--format", "jsonl", "--with-contact", "--output", str(export)]) == cli.OK
    exported = [json.loads(line) for line in export.read_text().splitlines()]
    assert exported[0]["contact"]["name"] == NAME, "the export file itself holds the contact, as asked"
    assert cli.main(["export", "--format", "csv"]) == cli.OK  # to stdout, de-identified
    # Import into another database: the same screen, contact and all.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(Path(fresh_db.removeprefix("sqlite:///")), other / "iop.db")
    settings_env(DATABASE_URL=f"sqlite:///{other / 'iop.db'}")
    assert cli.main(["import", "--format", "jsonl", str(export)]) in (cli.OK, cli.REFUSED)
    printed = capsys.readouterr()

    secrets = forbidden(code, reference)
    logged = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert_private(logged, secrets, answers, "the Python log")
    # The CSV export goes to stdout by design (de-identified: no contact, but answers and the
    # reference); the counts the CLI prints go to stderr.
    assert_private(printed.err, secrets, answers, "the CLI's stderr")
    for secret in secrets[:-2]:
        assert secret not in printed.out, f"{secret!r} is in the de-identified CSV export"

"""The field key cannot go astray: the development key lives beside its SQLite database, PostgreSQL
needs IOP_FIELD_KEY, a key that cannot read the database is refused at start (app and CLI), and
one row written under a foreign key shows as "cannot be read with this key" instead of taking a
page down."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, delete, select, type_coerce, update
from streamlit.testing.v1 import AppTest

from intake import cli
from intake.auth import AuthFailed, authenticate, start_session
from intake.db import dispose_engine, get_engine, read_session, write_session
from intake.exchange import export_csv, export_jsonl
from intake.models import Contact, Staff
from intake.queue import queue_page
from intake.settings import ConfigError, get_settings
from intake.staff import add_staff, list_staff
from tests.support.factories import CONTACT, T0, submit

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lantern orchard velvet compass"
UNREADABLE = "cannot be read with this key"


def run_cli(
    url: str, *args: str, cwd: Path, key: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    """``python -m intake`` from ``cwd``, as a cron job or an administrator in another folder would."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env.pop("IOP_FIELD_KEY", None)
    if key is not None:
        env["IOP_FIELD_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "intake", *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd,
        timeout=60,
    )  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path):
    """An empty database of its own (the key tests restart engines under other keys)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db' / 'iop.db'}"
    else:
        url = request.getfixturevalue("pg_database_factory")()
    yield url
    dispose_engine(url)


def start(settings_env, url: str, key: str | None) -> None:
    """A new process's start: settings read afresh, then the engine's first use."""
    dispose_engine(url)
    settings_env(DATABASE_URL=url, IOP_FIELD_KEY=key)
    get_engine(url)


def add_member(email: str = "kim@example.org") -> None:
    with write_session() as session:
        add_staff(session, email, "intake", PASSWORD)


def new_key() -> str:
    return Fernet.generate_key().decode()


# --- Where the development key lives ------------------------------------------------------------


def test_a_cli_command_from_another_folder_uses_the_key_beside_the_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'iop.db'}"
    here, elsewhere = tmp_path / "here", tmp_path / "cron"
    here.mkdir(), elsewhere.mkdir()
    added = run_cli(url, "staff", "add", "kim@example.org", "--role", "admin", "--password-stdin",
                    cwd=here, stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run_cli(url, "staff", "list", cwd=elsewhere)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "kim@example.org\tadmin\tnot enrolled"
    assert (tmp_path / "db" / "field.key").is_file()
    assert not (here / "data").exists() and not (elsewhere / "data").exists()


@pytest.mark.postgres
def test_postgresql_without_a_field_key_refuses_by_name(pg_session_database, settings_env, tmp_path):
    settings_env(DATABASE_URL=pg_session_database, IOP_FIELD_KEY=None)
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY must be set"):
        get_settings().field_keys()
    page = AppTest.from_file(ROOT / "pages/welcome.py", default_timeout=30).run()
    assert not page.exception and "IOP_FIELD_KEY must be set" in " ".join(e.value for e in page.error)
    done = run_cli(pg_session_database, "staff", "list", cwd=tmp_path)
    assert done.returncode == 1 and "IOP_FIELD_KEY must be set" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()  # no key made anywhere


def test_no_new_development_key_while_the_database_holds_encrypted_data(settings_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'iop.db'}"
    start(settings_env, url, None)
    add_member()
    key_file = tmp_path / "db" / "field.key"
    key_file.unlink()  # lost, or the database copied without it
    start_again = pytest.raises(ConfigError, match=r"IOP_FIELD_KEY is not set and there is no key file")
    with start_again:
        start(settings_env, url, None)
    assert not key_file.exists()
    dispose_engine(url)


def test_a_development_key_is_made_for_a_database_without_encrypted_data(settings_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'iop.db'}"
    start(settings_env, url, None)
    (tmp_path / "db" / "field.key").unlink()
    start(settings_env, url, None)  # nothing to lose: a new key is fine
    add_member()
    assert (tmp_path / "db" / "field.key").is_file()
    dispose_engine(url)


# --- The recorded fingerprint -------------------------------------------------------------------


def test_a_second_key_is_refused_at_start_while_the_database_holds_encrypted_data(settings_env, fresh_url):
    first, second = new_key(), new_key()
    start(settings_env, fresh_url, first)
    add_member()
    with pytest.raises(ConfigError) as refused:
        start(settings_env, fresh_url, second)
    message = str(refused.value)
    assert "IOP_FIELD_KEY does not hold the key" in message and "python -m intake rekey" in message
    assert first not in message and second not in message
    start(settings_env, fresh_url, f"{second},{first}")  # a rotation in progress starts
    start(settings_env, fresh_url, first)


def test_the_cli_refuses_a_second_key_naming_the_variable_and_no_key(settings_env, fresh_url, tmp_path):
    first, second = new_key(), new_key()
    start(settings_env, fresh_url, first)
    add_member()
    done = run_cli(fresh_url, "staff", "list", cwd=tmp_path, key=second)
    assert done.returncode == 1
    assert done.stderr.startswith("Configuration error: IOP_FIELD_KEY does not hold the key")
    assert "Traceback" not in done.stderr and first not in done.stderr and second not in done.stderr
    assert done.stdout == ""
    ok = run_cli(fresh_url, "staff", "list", cwd=tmp_path, key=first)
    assert ok.returncode == 0 and ok.stdout.startswith("kim@example.org")


def test_the_staff_pages_refuse_a_second_key_with_the_reason(settings_env, fresh_url):
    first, second = new_key(), new_key()
    start(settings_env, fresh_url, first)
    add_member()
    dispose_engine(fresh_url)
    settings_env(IOP_FIELD_KEY=second)
    at = AppTest.from_file(ROOT / "pages/staff_signin.py", default_timeout=30).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "IOP_FIELD_KEY does not hold the key" in errors and second not in errors
    assert not at.text_input  # no sign-in form on a server that would write unreadable rows


def test_a_database_from_before_the_check_learns_its_key_from_its_data(settings_env, fresh_url):
    from intake.models import KeyCheck

    first, second = new_key(), new_key()
    start(settings_env, fresh_url, first)
    add_member()
    with write_session() as session:
        session.execute(delete(KeyCheck))  # as migration 0004 leaves a database it upgrades
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY does not hold the key"):
        start(settings_env, fresh_url, second)
    start(settings_env, fresh_url, first)
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY does not hold the key"):
        start(settings_env, fresh_url, second)  # now recorded


def test_the_database_records_a_fingerprint_never_the_key(settings_env, fresh_url):
    from intake.models import KeyCheck

    key = new_key()
    start(settings_env, fresh_url, key)
    with read_session() as session:
        (recorded,) = session.scalars(select(KeyCheck.fingerprint)).all()
    raw = base64.urlsafe_b64decode(key)
    assert len(recorded) == 64 and key not in recorded
    assert raw.hex() not in recorded and raw[:16].hex() not in recorded and raw[16:].hex() not in recorded


# --- One unreadable row does not take a page down ------------------------------------------------


def foreign_token(text: str) -> str:
    return Fernet(Fernet.generate_key()).encrypt(text.encode()).decode()


def write_under_a_foreign_key(table, column, where, text: str) -> str:
    token = foreign_token(text)
    with write_session() as session:
        session.execute(update(table).where(where).values({column.name: type_coerce(token, Text)}))
    return token


@pytest.fixture
def damaged(database_env):
    """An admin, a nurse whose TOTP secret and a screen whose contact name were written under a
    key IOP_FIELD_KEY does not hold (a second key made by a stray process)."""
    with write_session() as session:
        admin, _ = add_staff(session, "lead@example.org", "admin", PASSWORD)
        nurse, _ = add_staff(session, "nurse.kim@example.org", "intake", PASSWORD)
        reference = submit(session, "iop", contact=CONTACT)
        intact = submit(session, "iop", contact={**CONTACT, "name": "Xavier Yarrow"})
    tokens = [
        write_under_a_foreign_key(
            Staff.__table__, Staff.totp_secret, Staff.id == nurse.id, "JBSWY3DPEHPK3PXP"
        ),
        write_under_a_foreign_key(
            Contact.__table__, Contact.name, Contact.screen_id == _screen_id(reference), "Yolanda Example"
        ),
    ]
    return admin, nurse, reference, intact, tokens


def _screen_id(reference: str) -> str:
    from intake.models import Screen

    with read_session() as session:
        return session.scalar(select(Screen.id).where(Screen.reference == reference))


def test_staff_list_and_disable_survive_a_secret_under_a_foreign_key(damaged, capsys, caplog):
    _, nurse, _, _, tokens = damaged
    caplog.set_level(logging.WARNING)
    assert cli.main(["staff", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "lead@example.org\tadmin\tnot enrolled",
        f"nurse.kim@example.org\tintake\tnot enrolled, TOTP secret {UNREADABLE}",
    ]
    assert cli.main(["staff", "disable", "nurse.kim@example.org"]) == 0
    with read_session() as session:
        (member,) = [m for m in list_staff(session) if m.id == nurse.id]
    assert member.disabled and not member.secret_readable
    with read_session() as session:  # the secret is kept as it was, for a right key to read
        stored = session.scalar(select(type_coerce(Staff.totp_secret, Text)).where(Staff.id == nurse.id))
    assert stored == tokens[0]
    assert "cannot be decrypted" in caplog.text
    assert not any(t in caplog.text for t in tokens)


def test_a_member_whose_secret_cannot_be_read_is_refused_sign_in_cleanly(damaged):
    with pytest.raises(AuthFailed), write_session() as session:
        authenticate(session, "nurse.kim@example.org", PASSWORD, "123456")


def test_export_with_contact_survives_a_contact_under_a_foreign_key(damaged):
    _, _, reference, intact, tokens = damaged
    out = io.StringIO()
    assert export_jsonl(None, out, with_contact=True) == 2
    contacts = {r["reference"]: r["contact"] for r in map(json.loads, out.getvalue().splitlines())}
    assert contacts[reference]["name"] == UNREADABLE
    assert contacts[reference]["phone"] == "5558675309"  # its other fields are intact
    assert contacts[intact]["name"] == "Xavier Yarrow"
    csv_out = io.StringIO()
    assert export_csv(None, csv_out, with_contact=True) == 2
    assert UNREADABLE in csv_out.getvalue() and "Xavier Yarrow" in csv_out.getvalue()
    assert not any(t in out.getvalue() + csv_out.getvalue() for t in tokens)


def test_the_cli_export_with_contact_survives_it(damaged, capsys):
    assert cli.main(["export", "--format", "csv", "--with-contact"]) == 0
    assert UNREADABLE in capsys.readouterr().out


def signed_in(staff, page: str, state: dict | None = None) -> AppTest:
    with write_session() as session:
        token = start_session(session, staff)
    at = AppTest.from_file(ROOT / "app.py", default_timeout=30)
    at.session_state["staff-token"] = token
    for name, value in (state or {}).items():
        at.session_state[name] = value
    at.run()
    return at.switch_page(page).run()


def test_the_accounts_page_renders_and_says_which_secret_cannot_be_read(damaged):
    admin, _, _, _, _ = damaged
    at = signed_in(admin, "pages/staff_accounts.py")
    assert not at.exception
    table = at.dataframe[0].value
    second_factor = dict(zip(table["Email"], table["Second factor set up"], strict=True))
    assert second_factor == {"lead@example.org": "no", "nurse.kim@example.org": f"TOTP secret {UNREADABLE}"}


def test_the_review_page_renders_and_says_the_contact_cannot_be_read(damaged):
    admin, _, reference, _, tokens = damaged
    at = signed_in(admin, "pages/staff_review.py", {"staff-review-ref": reference})
    assert not at.exception
    at.button(key="review-show-contact").click().run()
    assert not at.exception
    texts = [e.value for e in at.text]
    assert f"Name: {UNREADABLE}" in texts and "Phone: 5558675309" in texts
    assert any(UNREADABLE in w.value for w in at.warning)
    assert not any(t in str(v) for t in tokens for v in texts)


@pytest.fixture
def sealed_damage(damaged):
    """Also a screen whose answers and result were written under a foreign key."""
    from intake.models import Screen

    admin = damaged[0]
    with write_session() as session:
        reference = submit(session, "iop")
    where = Screen.id == _screen_id(reference)
    tokens = [
        write_under_a_foreign_key(Screen.__table__, Screen.answers, where, '{"auditc.1":4}'),
        write_under_a_foreign_key(Screen.__table__, Screen.result, where, '{"disposition":"iop"}'),
    ]
    return admin, reference, tokens


def test_an_export_survives_a_screen_whose_answers_cannot_be_read(sealed_damage):
    _, reference, tokens = sealed_damage
    out = io.StringIO()
    assert export_jsonl(None, out) == 3
    records = {r["reference"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert (records[reference]["answers"], records[reference]["result"]) == (UNREADABLE, UNREADABLE)
    assert sum(r["answers"] == UNREADABLE for r in records.values()) == 1
    assert not any(t in out.getvalue() for t in tokens)


def test_the_review_page_renders_a_screen_whose_answers_cannot_be_read(sealed_damage):
    admin, reference, _ = sealed_damage
    at = signed_in(admin, "pages/staff_review.py", {"staff-review-ref": reference})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert f"The answers of this screen {UNREADABLE}" in warnings
    assert f"levels and scores of this screen {UNREADABLE}" in warnings


def test_a_draft_under_a_foreign_key_cannot_be_resumed_and_says_so(database_env):
    from intake.drafts import save_draft
    from intake.models import Draft
    from ui.participant.state import resume

    with write_session() as session:
        code = save_draft(session, respondent="self", answers={"auditc.1": 1}, step="alcohol",
                          consent_version="2026-01", consented_at=T0)  # fmt: skip
    write_under_a_foreign_key(Draft.__table__, Draft.answers, Draft.id.is_not(None), '{"auditc.1":1}')
    wizard, problem = resume(code, "client")
    assert wizard is None and problem == "This saved screen can no longer be opened. Please start a new one."


def test_the_stand_in_for_an_unreadable_value_is_never_stored_back():
    from intake.crypto import EncryptedJSON, EncryptedText, Unreadable

    for column_type in (EncryptedText(), EncryptedJSON()):
        with pytest.raises(ValueError, match=f"refusing to store a value that {UNREADABLE}"):
            column_type.process_bind_param(Unreadable(), None)


def test_processes_starting_at_once_on_a_new_database_record_one_fingerprint(settings_env, fresh_url):
    import threading

    from intake.crypto import check_key
    from intake.db import make_engine, migrate
    from intake.models import KeyCheck

    start(settings_env, fresh_url, new_key())
    with write_session() as session:
        session.execute(delete(KeyCheck))
    engines = [make_engine(fresh_url) for _ in range(4)]
    for engine in engines:
        migrate(engine)
    errors: list[BaseException] = []

    def check(engine):
        try:
            check_key(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=check, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    with read_session() as session:
        assert len(session.scalars(select(KeyCheck.fingerprint)).all()) == 1


def test_rescore_refuses_a_screen_whose_answers_cannot_be_read_and_goes_on(sealed_damage):
    from intake.rescore import NOT_RESCORED, RESCORED, rescore

    _, reference, _ = sealed_damage
    with read_session() as session:
        others = [r.reference for r in queue_page(session).rows if r.reference != reference]
    report = rescore(None, [reference, *others])
    outcomes = {o.reference: o for o in report.outcomes}
    assert outcomes[reference].status == NOT_RESCORED
    assert outcomes[reference].problem == f"its answers or result {UNREADABLE}"
    assert {outcomes[r].status for r in others} == {RESCORED}

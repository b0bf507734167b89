"""Answers and results are sealed at rest (issue 10, part 3): the database file, its WAL and a
``pg_dump`` hold no item id and no answer text, on SQLite and PostgreSQL; the queue, filters,
insights and the CSV export read only plain columns (they never decrypt); the review page, the
JSONL export and rescore read the sealed columns back whole; migration 0005 seals rows stored
before it (and its downgrade opens them again); the SQLite file is its owner's alone."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from glob import glob
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from cryptography.fernet import Fernet
from sqlalchemy import event, inspect, make_url

from intake import insights
from intake.crypto import fingerprint
from intake.db import (
    alembic_config,
    current_revision,
    dispose_engine,
    get_engine,
    make_engine,
    migrate,
    read_session,
    write_session,
)
from intake.exchange import export_csv, export_jsonl, import_jsonl
from intake.models import Screen, UTCDateTime
from intake.notes import add_note, notes
from intake.queue import QueueFilters, queue_page
from intake.rescore import RESCORED, rescore
from intake.results import result_history
from intake.review import get_screen
from intake.settings import ConfigError
from intake.staff import add_staff
from intake.submission import submit_screen
from intake.workflow import assign, set_status, status_history
from scoring import evaluate
from tests.support.factories import ANSWERS, T0

ROOT = Path(__file__).resolve().parents[2]
# Made up, and found nowhere else in the schema: if one shows up in the raw bytes, an answer leaked.
SECRET_TEXT = "Quokka marmalade 4417"
# Item ids of the suicide-risk, mood, alcohol and family-support questions (never in a plain column).
ITEM_IDS = ("cssrs.", "phq9.", "auditc.", "bam.", "mspss.", "home.safe", "recovery.history")
# Instrument scores that only the result holds.
RESULT_TEXT = ('"band"', "significant_other", "plain-language reason of the result")
LATER = T0 + timedelta(days=30)
UNSAFE_HOME = {**ANSWERS, "home.safe": False}
DISTINCT = {**ANSWERS, "phq9.1": 3, "cssrs.1": True}


def _scored(answers: dict, **changes) -> dict:
    made = evaluate({"respondent": "self", "answers": answers})
    made["reasons"] = [*made["reasons"], {"rule": "test", "text": "plain-language reason of the result"}]
    return {**made, **changes}


def _store(engine, answers: dict, stored: dict, key: str) -> str:
    with write_session(engine) as session:
        return submit_screen(
            session,
            submission_key=key,
            respondent="self",
            answers=answers,
            result=stored,
            consent_version="2026-01",
            consented_at=T0,
            submitted_at=T0,
            now=T0,
        )


def _store_every_way(engine) -> dict[str, str]:
    """A submitted screen holding made-up text, an imported one, and one re-scored (so its old
    result sits in screen_results)."""
    refs = {
        "submitted": _store(engine, {**DISTINCT, "practical.note": SECRET_TEXT}, _scored(DISTINCT), "s1"),
        "old": _store(engine, UNSAFE_HOME, _scored(ANSWERS, rules_version="1.0.0"), "s2"),
    }
    line = json.dumps({"respondent": "self", "answers": DISTINCT, "submission_key": "imp-1"})
    assert import_jsonl(engine, [line], now=T0).stored == 1
    with read_session(engine) as session:
        refs["imported"] = session.scalar(sa.select(Screen.reference).where(Screen.submission_key == "imp-1"))
    assert rescore(engine, [refs["old"]], now=LATER).count(RESCORED) == 1
    return refs


def _leaks(raw: bytes) -> list[str]:
    needles = (*ITEM_IDS, SECRET_TEXT, *RESULT_TEXT)
    return [n for n in needles if n.encode() in raw]


def _sqlite_bytes(url: str) -> bytes:
    path = make_url(url).database
    return b"".join(Path(p).read_bytes() for p in (path, f"{path}-wal") if Path(p).exists())


def _pg_dump(url: str) -> bytes:
    dumps = sorted(glob("/usr/lib/postgresql/*/bin/pg_dump"))
    if not dumps:
        pytest.skip("pg_dump is not installed")
    done = subprocess.run([dumps[-1], "--data-only", "--dbname", url], capture_output=True, check=True)
    assert b"COPY public.screens" in done.stdout  # the dump did reach the table
    return done.stdout


def _raw(url: str) -> bytes:
    return _pg_dump(url) if url.startswith("postgresql") else _sqlite_bytes(url)


def test_stored_screens_leave_no_item_id_or_answer_text_in_the_database(database_url):
    engine = get_engine(database_url)
    _store_every_way(engine)
    # While the app runs: SQLite's newest pages are in the WAL, not yet in the file.
    assert _leaks(_raw(database_url)) == []
    dispose_engine(database_url)  # SQLite: the WAL is checkpointed into the file
    assert _leaks(_raw(database_url)) == []


def test_review_jsonl_export_and_rescore_read_the_sealed_screens_back_whole(engine):
    refs = _store_every_way(engine)
    with read_session(engine) as session:
        review = get_screen(session, refs["submitted"], now=T0)
        history = result_history(session, refs["old"])
    assert review.answers == {**DISTINCT, "practical.note": SECRET_TEXT}
    assert review.result == _scored(DISTINCT)
    assert [h.result for h in history] == [_scored(ANSWERS, rules_version="1.0.0")]
    out = io.StringIO()
    assert export_jsonl(engine, out) == 3
    exported = {r["reference"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert exported[refs["submitted"]]["answers"]["practical.note"] == SECRET_TEXT
    assert exported[refs["old"]]["result"]["domains"]["home_support"]["level"] == "unsafe"


@contextmanager
def _statements(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


SEALED_COLUMN = re.compile(r"\b(screens\.answers|screens\.result|screen_results\.result)\b")


def test_the_queue_filters_insights_and_csv_export_never_read_a_sealed_column(engine):
    refs = _store_every_way(engine)
    day = T0.date()
    with _statements(engine) as seen:
        with read_session(engine) as session:
            everything = queue_page(session, now=LATER)
            flagged = queue_page(session, QueueFilters(flag="crisis_resources", status="new"), now=LATER)
            by_reference = queue_page(session, QueueFilters(reference=refs["old"]), now=LATER)
            levels = insights.domain_levels(session, day, day)
            weeks = insights.screens_per_week(session, day, day)
        csv_out = io.StringIO()
        assert export_csv(engine, csv_out) == 3
    read = [s for s in seen if SEALED_COLUMN.search(s)]
    assert read == [], "these statements read sealed columns (and so decrypt them): " + "; ".join(read)
    assert len(everything.rows) == 3 and [r.reference for r in by_reference.rows] == [refs["old"]]
    assert {r.reference for r in flagged.rows} == {refs["submitted"], refs["imported"]}
    assert sum(w.count for w in weeks) == 3
    # The re-scored screen counts with its new result's levels, not the one it replaced.
    assert levels["home_support"] == {"high": 2, "unsafe": 1}
    assert levels["dual_diagnosis"] == {"absent": 3}


def test_following_a_screen_up_leaves_its_answers_sealed(engine):
    refs = _store_every_way(engine)
    with write_session(engine) as session:
        member, _ = add_staff(session, "casey@clinic.example", "intake", secrets.token_urlsafe(24), now=T0)
    with _statements(engine) as seen, write_session(engine) as session:
        set_status(session, refs["submitted"], member, "in_review", now=LATER)
        assign(session, refs["submitted"], member, member, now=LATER)
        add_note(session, refs["submitted"], member, "Called back, no answer.", now=LATER)
        notes(session, refs["submitted"])
        status_history(session, refs["submitted"])
    read = [s for s in seen if SEALED_COLUMN.search(s)]
    assert read == [], "these statements read sealed columns (and so decrypt them): " + "; ".join(read)


def test_a_rescore_moves_the_domain_levels_insights_count(engine):
    home = _store(engine, UNSAFE_HOME, _scored(ANSWERS, rules_version="1.0.0"), "lvl")
    day = T0.date()
    with read_session(engine) as session:
        assert insights.domain_levels(session, day, day)["home_support"] == {"high": 1}
    assert rescore(engine, [home], now=LATER).count(RESCORED) == 1
    with read_session(engine) as session:
        assert insights.domain_levels(session, day, day)["home_support"] == {"unsafe": 1}


# --- migration 0005 -----------------------------------------------------------------------------

BEFORE_SEALING = "0004"
# Enough rows that the migration works through more than one batch.
FILLER = 1_100


def _fresh_url(backend: str, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return request.getfixturevalue("pg_database_factory")()


def _alembic(engine, step, target: str) -> None:
    with engine.connect() as conn, conn.begin():
        step(alembic_config(conn), target)


# The tables as revision 0004 left them: answers and results as plain JSON.
OLD_SCREENS = sa.table(
    "screens",
    *(sa.column(n) for n in ("id", "reference", "submission_key", "respondent", "disposition")),
    *(sa.column(n) for n in ("priority", "partial", "consent_version", "rules_version", "status")),
    sa.column("answers", sa.JSON()),
    sa.column("result", sa.JSON()),
    *(sa.column(n, UTCDateTime()) for n in ("consented_at", "created_at", "submitted_at")),
)
KEY_CHECK = sa.table(
    "key_check", sa.column("id"), sa.column("fingerprint"), sa.column("recorded_at", UTCDateTime())
)
CONTACTS = sa.table(
    "contacts",
    *(sa.column(n) for n in ("screen_id", "name", "best_time", "voicemail_ok")),
    sa.column("created_at", UTCDateTime()),
)
OLD_RESULTS = sa.table(
    "screen_results",
    sa.column("screen_id"),
    sa.column("rules_version"),
    sa.column("result", sa.JSON()),
    sa.column("replaced_at", UTCDateTime()),
    sa.column("replaced_by"),
)


def _old_row(n: int, answers: dict, stored: dict) -> dict:
    return dict(
        id=str(uuid.UUID(int=n)),
        reference=f"IOP-OLD{n:05d}",
        submission_key=f"old-{n}",
        respondent="self",
        disposition=stored["disposition"],
        priority=3,
        partial=False,
        consent_version="2025-06",
        rules_version=stored["rules_version"],
        status="new",
        answers=answers,
        result=stored,
        consented_at=T0,
        created_at=T0,
        submitted_at=T0 + timedelta(seconds=n),
    )


def _store_old(engine) -> tuple[list[dict], dict]:
    rows = [_old_row(0, {**DISTINCT, "practical.note": SECRET_TEXT}, _scored(DISTINCT))]
    rows.append(_old_row(1, UNSAFE_HOME, _scored(UNSAFE_HOME)))
    rows += [_old_row(n, {"filler": n}, {**_scored(ANSWERS), "reasons": []}) for n in range(2, FILLER)]
    earlier = dict(
        screen_id=rows[1]["id"],
        rules_version="1.0.0",
        result=_scored(ANSWERS, rules_version="1.0.0"),
        replaced_at=T0,
        replaced_by="cli",
    )
    with engine.begin() as conn:
        conn.execute(OLD_SCREENS.insert(), rows)
        conn.execute(OLD_RESULTS.insert(), [earlier])
    return rows, earlier


def _old_contents(engine) -> tuple[dict, list]:
    with engine.connect() as conn:
        screens = {
            r.id: (r.answers, r.result)
            for r in conn.execute(sa.select(OLD_SCREENS.c.id, OLD_SCREENS.c.answers, OLD_SCREENS.c.result))
        }
        results = [r.result for r in conn.execute(sa.select(OLD_RESULTS.c.result))]
    return screens, results


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_migration_seals_stored_screens_and_its_downgrade_opens_them_again(backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    engine = make_engine(url)
    try:
        _alembic(engine, command.upgrade, BEFORE_SEALING)
        rows, earlier = _store_old(engine)
        assert _leaks(_raw(url))  # the test's made-up answers are there to be found, in plain text

        migrate(engine)  # what the app and the CLI do on start: up to head
        assert _leaks(_raw(url)) == []
        with read_session(engine) as session:
            review = get_screen(session, rows[0]["reference"], now=T0)
            history = result_history(session, rows[1]["reference"])
            levels = insights.domain_levels(session, T0.date(), T0.date() + timedelta(days=1))
        assert (review.answers, review.result) == (rows[0]["answers"], rows[0]["result"])
        assert [h.result for h in history] == [earlier["result"]]
        assert levels["home_support"] == {"high": FILLER - 1, "unsafe": 1}
        assert levels["relapse_risk"] == {"not_applicable": FILLER}

        _alembic(engine, command.downgrade, BEFORE_SEALING)
        screens, results = _old_contents(engine)
        assert screens == {r["id"]: (r["answers"], r["result"]) for r in rows}
        assert results == [earlier["result"]]
        assert not any(c["name"].endswith("_level") for c in inspect(engine).get_columns("screens"))

        migrate(engine)  # and sealed again
        assert _leaks(_raw(url)) == []
        with read_session(engine) as session:
            assert get_screen(session, rows[1]["reference"], now=T0).answers == UNSAFE_HOME
    finally:
        engine.dispose()


def _known_key(engine, key: bytes, how: str, screen_id: str) -> None:
    """The database's key, as a recorded fingerprint, or only as a contact written under it."""
    with engine.begin() as conn:
        if how == "recorded":
            conn.execute(KEY_CHECK.insert(), [{"id": 1, "fingerprint": fingerprint(key), "recorded_at": T0}])
            return
        name = Fernet(key).encrypt(b"Zelda Quixote").decode()
        conn.execute(
            CONTACTS.insert(),
            [
                {
                    "screen_id": screen_id,
                    "name": name,
                    "best_time": "any",
                    "voicemail_ok": False,
                    "created_at": T0,
                }
            ],
        )


@pytest.mark.parametrize("how", ["recorded", "learned from the data"])
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_migration_refuses_a_key_other_than_the_databases_and_changes_nothing(
    backend, how, tmp_path, request, settings_env
):
    url = _fresh_url(backend, tmp_path, request)
    engine = make_engine(url)
    right, wrong = Fernet.generate_key(), Fernet.generate_key()
    try:
        _alembic(engine, command.upgrade, BEFORE_SEALING)
        rows, _ = _store_old(engine)
        _known_key(engine, right, how, rows[0]["id"])

        settings_env(IOP_FIELD_KEY=wrong.decode())
        with pytest.raises(ConfigError, match="IOP_FIELD_KEY"):
            migrate(engine)
        assert current_revision(engine) == BEFORE_SEALING
        screens, _ = _old_contents(engine)
        assert screens[rows[0]["id"]] == (rows[0]["answers"], rows[0]["result"])

        settings_env(IOP_FIELD_KEY=right.decode())
        migrate(engine)
        with read_session(engine) as session:
            assert get_screen(session, rows[0]["reference"], now=T0).answers == rows[0]["answers"]
    finally:
        engine.dispose()


# --- the SQLite file's permissions --------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    # The usual umask: without care, new files would be readable by every local user.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_wal_are_readable_by_their_owner_only(tmp_path, open_umask):
    path = tmp_path / "data" / "iop.db"
    url = f"sqlite:///{path}"
    try:
        _store(get_engine(url), ANSWERS, _scored(ANSWERS), "mode")
        with get_engine(url).connect():  # the WAL and shared-memory files exist while connected
            modes = {p.name: _mode(p) for p in path.parent.iterdir()}
    finally:
        dispose_engine(url)
    assert modes == {"iop.db": 0o600, "iop.db-wal": 0o600, "iop.db-shm": 0o600}
    assert _mode(path.parent) == 0o700


def test_a_sqlite_database_the_cli_creates_is_readable_by_its_owner_only(tmp_path, open_umask):
    path = tmp_path / "cron" / "iop.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    done = subprocess.run(
        [sys.executable, "-m", "intake", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700

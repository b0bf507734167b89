"""Connection behaviour: SQLite pragmas, no "database is locked" under concurrent writers, and
read sessions that cannot write."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from intake.db import get_engine, read_session, write_session
from intake.funnel import count_step
from intake.models import FunnelCount


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    with get_engine(f"sqlite:///{tmp_path / 'iop.db'}").connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_many_concurrent_writers_all_succeed(engine):
    errors: list[BaseException] = []

    def writer():
        try:
            for _ in range(15):
                with write_session(engine) as session:
                    # Read then write in one transaction: the pattern that deadlocks under deferred BEGIN.
                    session.execute(select(func.count()).select_from(FunnelCount)).scalar()
                    count_step(session, "started")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(engine) as session:
        assert session.scalar(select(FunnelCount.count)) == 8 * 15


def test_a_read_session_refuses_to_write(engine):
    with pytest.raises(DBAPIError), read_session(engine) as session:
        count_step(session, "started")
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FunnelCount)) == 0


def test_read_and_write_sessions_keep_their_modes_when_they_share_a_connection(engine):
    # One connection at a time, so the pool hands the same one back: the read-only setting a
    # read session leaves on it must not stick to the write after it, nor the other way round.
    for round_ in range(1, 4):
        with write_session(engine) as session:
            count_step(session, "started")
        with pytest.raises(DBAPIError), read_session(engine) as session:
            count_step(session, "started")
        with read_session(engine) as session:
            assert session.scalar(select(FunnelCount.count)) == round_


def test_a_write_session_rolls_back_on_error(engine):
    with pytest.raises(RuntimeError), write_session(engine) as session:
        count_step(session, "started")
        raise RuntimeError("boom")
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FunnelCount)) == 0

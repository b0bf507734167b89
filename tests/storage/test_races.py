"""The sign-in limits hold when the requests arrive at once, as from many browser tabs or a script.

Each attempt runs in its own thread, write session and database connection, and the threads are
released together by a barrier. On SQLite the write lock taken at BEGIN lines them up; on
PostgreSQL they truly overlap, which is where read-then-write counting used to lose updates.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.audit import browse
from intake.auth import (
    LOCK_AFTER_FAILURES,
    LOCK_FOR,
    SIGN_IN_FAILED,
    AuthFailed,
    authenticate,
    check_session,
    start_session,
)
from intake.db import read_session, write_session
from intake.drafts import TooManyAttempts, load_draft, new_code, save_draft
from intake.models import ResumeAttempt, Staff
from intake.staff import add_staff
from tests.support.factories import T0

PASSWORD = "lantern orchard velvet compass"
WRONG = "wrong horse battery staple"
EMAIL = "dana@example.org"
# At most the engine's pool (5 + 10 overflow), so every thread holds its own connection at once.
TABS = 12


def _at_once(engine, attempt: Callable[[Session], Any], n: int = TABS) -> list[Any]:
    """``attempt(session)`` in ``n`` threads released together; each one's result or exception."""
    barrier = threading.Barrier(n, timeout=60)

    def run() -> Any:
        try:
            with write_session(engine) as session:
                if engine.dialect.name == "postgresql":
                    # Connection and transaction ready before the start. Not on SQLite: its writer
                    # takes the database lock at BEGIN and would keep the others from the barrier.
                    session.connection()
                barrier.wait()
                return attempt(session)
        except Exception as exc:  # the outcome, whatever it is, is what the test looks at
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return [f.result() for f in [pool.submit(run) for _ in range(n)]]


def _kinds(outcomes: list[Any]) -> Counter:
    return Counter(type(o).__name__ for o in outcomes)


def _add(engine) -> str:
    with write_session(engine) as session:
        return add_staff(session, EMAIL, "intake", PASSWORD, now=T0)[1]


def _sign_in_reasons(engine) -> Counter:
    with read_session(engine) as session:
        rows = browse(session, page_size=500).rows
    return Counter(r.detail.get("reason", r.action) for r in rows if r.action != "staff_added")


def test_wrong_passwords_at_once_lock_the_account_after_exactly_five(engine):
    secret = _add(engine)
    code = pyotp.TOTP(secret).at(T0)
    outcomes = _at_once(engine, lambda s: authenticate(s, EMAIL, WRONG, code, now=T0))
    assert _kinds(outcomes) == {"AuthFailed": TABS}
    assert {str(o) for o in outcomes} == {SIGN_IN_FAILED}
    # Five count, the fifth locks, and every later one is refused as locked without counting.
    assert _sign_in_reasons(engine) == {
        "credentials": LOCK_AFTER_FAILURES,
        "account_locked": 1,
        "locked": TABS - LOCK_AFTER_FAILURES,
    }
    with read_session(engine) as session:
        assert session.scalar(select(Staff.locked_until)) == T0 + LOCK_FOR
    later = T0 + timedelta(minutes=1)
    with pytest.raises(AuthFailed), write_session(engine) as session:
        authenticate(session, EMAIL, PASSWORD, pyotp.TOTP(secret).at(later), now=later)


def test_one_code_sent_at_once_from_several_tabs_gives_one_session(engine):
    secret = _add(engine)
    code = pyotp.TOTP(secret).at(T0)
    tabs = LOCK_AFTER_FAILURES - 1  # the replays count as failures; stay short of the lock

    def sign_in(session: Session) -> str:
        return start_session(session, authenticate(session, EMAIL, PASSWORD, code, now=T0), now=T0)

    outcomes = _at_once(engine, sign_in, n=tabs)
    assert _kinds(outcomes) == {"str": 1, "AuthFailed": tabs - 1}
    token = next(o for o in outcomes if isinstance(o, str))
    with write_session(engine) as session:
        assert check_session(session, token, now=T0).email == EMAIL
    assert _sign_in_reasons(engine) == {"totp_enrolled": 1, "login": 1, "credentials": tabs - 1}
    # The code of the next time step still works: the replays did not lock the account.
    later = T0 + timedelta(seconds=60)
    with write_session(engine) as session:
        assert authenticate(session, EMAIL, PASSWORD, pyotp.TOTP(secret).at(later), now=later).email == EMAIL


def test_wrong_resume_codes_at_once_are_limited_to_exactly_five(engine):
    with write_session(engine) as session:
        code = save_draft(
            session,
            respondent="self",
            answers={},
            step="about",
            consent_version="v1",
            consented_at=T0,
            now=T0,
        )
    outcomes = _at_once(engine, lambda s: load_draft(s, new_code(), "tab-client", now=T0))
    assert _kinds(outcomes) == {"DraftNotFound": 5, "TooManyAttempts": TABS - 5}
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ResumeAttempt)) == 5
    # The right code waits too, and another client is not held up.
    with pytest.raises(TooManyAttempts), write_session(engine) as session:
        load_draft(session, code, "tab-client", now=T0)
    with write_session(engine) as session:
        assert load_draft(session, code, "other-client", now=T0).code == code

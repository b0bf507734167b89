"""Drafts and resume codes: the code's alphabet and entropy, typing mistakes, save and restore,
expiry, and the limit on wrong codes."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select

from intake.codes import ALPHABET
from intake.db import read_session, write_session
from intake.drafts import (
    DraftNotFound,
    TooManyAttempts,
    delete_draft,
    load_draft,
    new_code,
    normalize_code,
    save_draft,
)
from intake.models import Draft
from tests.support.factories import T0

CODE = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}){2}$")


def test_codes_use_32_unambiguous_symbols_for_60_bits():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("01IOL") & set(ALPHABET) or set(ALPHABET) & set("01IO") == set()
    codes = [new_code() for _ in range(2000)]
    assert all(CODE.match(c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert 12 * math.log2(len(ALPHABET)) == 60
    # Every symbol turns up about equally often (24,000 draws, 750 expected each).
    counts = Counter("".join(codes).replace("-", ""))
    assert set(counts) == set(ALPHABET)
    assert min(counts.values()) > 550 and max(counts.values()) < 950


def test_normalize_accepts_lower_case_spaces_and_dashes():
    assert normalize_code(" 7kq4 m2xd-ab9c ") == "7KQ4-M2XD-AB9C"
    assert normalize_code("7KQ4M2XDAB9C") == "7KQ4-M2XD-AB9C"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7KQ4-M2XD-AB9", "has 12 letters and digits; this one has 11"),
        ("7KQ4-M2XD-AB9CC", "this one has 13"),
        ("7KQ4-M2XD-AB0C", "cannot contain '0' (codes use no 0, 1, I or O)"),
        ("7KQ4-M2XD-AB9!", "cannot contain '!'"),
        ("", "this one has 0"),
    ],
)
def test_normalize_says_what_is_wrong(typed, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        normalize_code(typed)


def _save(session, code=None, *, answers=None, step="about", now=T0):
    return save_draft(
        session,
        code=code,
        respondent="self",
        answers=answers or {"about.age_band": "26_64"},
        step=step,
        consent_version="2026-01",
        consented_at=T0,
        now=now,
    )


def test_a_draft_is_restored_and_updated_under_the_same_code(engine):
    with write_session(engine) as session:
        code = _save(session)
    with write_session(engine) as session:
        again = _save(
            session, code.lower(), answers={"about.age_band": "26_64", "auditc.1": 2}, step="alcohol"
        )
    assert again == code
    with write_session(engine) as session:
        draft = load_draft(session, code.replace("-", " "), "client-a", now=T0 + timedelta(days=1))
    assert draft.answers == {"about.age_band": "26_64", "auditc.1": 2}
    assert (draft.step, draft.respondent, draft.consent_version) == ("alcohol", "self", "2026-01")
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 1


def test_a_draft_expires_after_the_ttl_from_its_last_save(engine):
    with write_session(engine) as session:
        code = _save(session)
        _save(session, code, now=T0 + timedelta(days=10))
    with write_session(engine) as session:
        assert load_draft(session, code, "c", now=T0 + timedelta(days=23)).code == code
    with pytest.raises(DraftNotFound), write_session(engine) as session:
        load_draft(session, code, "c", now=T0 + timedelta(days=24, seconds=1))


def test_a_deleted_draft_is_gone(engine):
    with write_session(engine) as session:
        code = _save(session)
        assert delete_draft(session, code)
    with pytest.raises(DraftNotFound), write_session(engine) as session:
        load_draft(session, code, "c", now=T0)


def test_wrong_codes_lock_out_a_client_even_for_the_right_code(engine):
    with write_session(engine) as session:
        code = _save(session)
    for i in range(5):
        with pytest.raises(DraftNotFound), write_session(engine) as session:
            load_draft(session, new_code(), "client-a", now=T0 + timedelta(minutes=i))
    with pytest.raises(TooManyAttempts) as refused, write_session(engine) as session:
        load_draft(session, code, "client-a", now=T0 + timedelta(minutes=5))
    assert refused.value.retry_at == T0 + timedelta(minutes=15)
    with write_session(engine) as session:
        # Another client is not affected, and the first may try again once the window has passed.
        assert load_draft(session, code, "client-b", now=T0 + timedelta(minutes=5)).code == code
        assert load_draft(session, code, "client-a", now=T0 + timedelta(minutes=15, seconds=1)).code == code


def test_a_malformed_code_is_not_counted_as_a_guess(engine):
    for _ in range(6):
        with pytest.raises(ValueError), write_session(engine) as session:
            load_draft(session, "nope", "client-a", now=T0)
    with write_session(engine) as session:
        code = _save(session)
        assert load_draft(session, code, "client-a", now=T0).code == code


def test_draft_answers_and_codes_are_not_stored_in_plain_text(engine, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file's bytes")
    with write_session(engine) as session:
        code = _save(session, answers={"home.housing": "unstable_couch_xyzzy"})
    # A later step's save (an UPDATE, not the first INSERT) is encrypted too.
    with write_session(engine) as session:
        _save(session, code, answers={"home.housing": "unstable_couch_plugh"}, step="home")
    with write_session(engine) as session:
        assert load_draft(session, code, "client-a", now=T0).answers == {
            "home.housing": "unstable_couch_plugh"
        }
    engine.dispose()
    raw = Path(make_url(database_url).database).read_bytes()
    assert b"xyzzy" not in raw and b"plugh" not in raw and b"home.housing" not in raw
    assert code.encode() not in raw and code.replace("-", "").encode() not in raw

"""Fuzzing the resume-code entry: whatever a person types becomes the canonical XXXX-XXXX-XXXX or a
ValueError saying what is wrong; through ``load_draft`` a malformed code writes nothing, a wrong
one is counted (one resume_attempts row, for rate limiting) and nothing else is ever written.

Inputs: any text, and near-codes built from the code alphabet, its look-alikes (0, 1, I, O, L),
lower case, separators and odd Unicode; the real code of a saved draft, typed loosely.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from junk import row_counts
from sqlalchemy import func, select

from intake.codes import ALPHABET
from intake.db import read_session, write_session
from intake.drafts import CODE_LENGTH, DraftNotFound, load_draft, normalize_code, save_draft
from intake.models import ResumeAttempt

pytestmark = pytest.mark.fuzz

CANONICAL = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
SYMBOLS = st.sampled_from(ALPHABET + ALPHABET.lower() + "01IOLilo" + " -\t_.\n" + "ßſıİﬁ２Ａ\u00a0\u200b")
NEAR_CODES = st.one_of(
    st.text(SYMBOLS, min_size=10, max_size=18),
    st.lists(
        st.text(st.sampled_from(ALPHABET + ALPHABET.lower()), min_size=4, max_size=4), min_size=3, max_size=3
    ).flatmap(lambda groups: st.sampled_from(["-", " ", "", " - ", "\t"]).map(lambda sep: sep.join(groups))),
)
TYPED = st.one_of(st.text(max_size=30), NEAR_CODES)


def check(text: str) -> str | None:
    """The code, or None after checking the refusal's message."""
    try:
        code = normalize_code(text)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith("A resume code ") and message.endswith("."), message
        return None
    assert CANONICAL.fullmatch(code), code
    assert normalize_code(code) == code, "normalizing twice changes nothing"
    return code


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(TYPED)
@example("abcd efgh jkmn")
@example("ABCD-EFGH-JKM0")  # a look-alike: the message says codes use no 0, 1, I or O
@example("ſſſſ-ſſſſ-ſſſſ")  # long s upper-cases to S
@example("ß" * 6)  # upper-cases to twelve letters
@example("")
def test_normalize_code_gives_the_canonical_code_or_says_what_is_wrong(text: str):
    code = check(text)
    event("accepted" if code else "refused")
    if code is not None:
        assert len(code.replace("-", "")) == CODE_LENGTH


@pytest.fixture(scope="module")
def saved(module_db: str) -> tuple[str, str]:
    """(database URL, the code of one live draft)."""
    with write_session(module_db) as session:
        code = save_draft(
            session,
            respondent="self",
            answers={"about.age_band": "26_64"},
            step="step:1",
            consent_version="2026-01",
            consented_at=datetime.now(UTC),
        )
    return module_db, code


def _attempts(url: str) -> int:
    with read_session(url) as session:
        return session.scalar(select(func.count()).select_from(ResumeAttempt))


def loosely(code: str) -> st.SearchStrategy:
    """The real code as a person might type it: any case, separators anywhere, or one symbol off."""
    symbols = code.replace("-", "")
    return st.one_of(
        st.builds(
            lambda flips, sep: sep.join(c.lower() if f else c for c, f in zip(symbols, flips, strict=True)),
            st.lists(st.booleans(), min_size=CODE_LENGTH, max_size=CODE_LENGTH),
            st.sampled_from(["", " ", "-", "\t"]),
        ),
        st.builds(
            lambda at, ch: symbols[:at] + ch + symbols[at + 1 :],
            st.integers(0, CODE_LENGTH - 1),
            st.sampled_from(ALPHABET),
        ),
    )


# A sample of 500: each example is a write transaction on SQLite plus two counts of every table.
@settings(max_examples=500, deadline=None, derandomize=True)
@given(data=st.data())
def test_load_draft_counts_wrong_codes_and_writes_nothing_else(saved: tuple[str, str], data):
    url, real = saved
    typed = data.draw(st.one_of(TYPED, loosely(real)), label="typed")
    client = uuid.uuid4().hex  # a new client each time: no rate-limit block in the way
    before = row_counts(url)
    outcome = None
    try:
        with write_session(url) as session:
            view = load_draft(session, typed, client)
    except DraftNotFound:
        outcome = "wrong code"
    except ValueError as exc:
        assert str(exc).startswith("A resume code "), exc
        outcome = "malformed"
    else:
        outcome = "resumed"
        assert view.code == real
    event(outcome)
    after = row_counts(url)
    counted = after.pop("resume_attempts") - before.pop("resume_attempts")
    assert counted == (1 if outcome == "wrong code" else 0), (outcome, counted)
    assert after == before, "nothing but the wrong try may be written"
    assert (check(typed) == real) == (outcome == "resumed")

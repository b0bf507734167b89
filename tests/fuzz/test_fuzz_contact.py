"""Fuzzing the contact form: any dict is either a valid contact request (with a name, a dialable
phone or an address, a known best time) or a set of messages each naming its field; and
``submit_screen`` with a refused contact stores nothing at all, while an accepted one stores the
screen with exactly what was validated.

Inputs: dicts of the form's fields (some left out) with plausible, borderline and junk values
(other scripts' digits, separators, blank strings, wrong types), plus unknown keys.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from junk import json_values, row_counts
from pydantic import ValidationError

from intake.contact import ContactRequest, contact_problems
from intake.db import read_session, write_session
from intake.models import BEST_TIMES, Contact, Screen
from intake.submission import submit_screen
from scoring import evaluate
from tests.support.spec_screens import baseline

pytestmark = pytest.mark.fuzz

FIELDS = ("name", "phone", "email", "best_time", "voicemail_ok")
DIALABLE = re.compile(r"^\+?[0-9]{10,15}$")
JUNK = json_values()
NAMES = st.one_of(
    st.text(max_size=90),
    st.sampled_from(["", "   ", "Zebulon Quartzfield", "Z", "x" * 80, "x" * 81, " \t x \n"]),
    JUNK,
)
# ASCII digits with the separators people type, other scripts' digits, superscripts and letters.
PHONE_CHARACTERS = "0123456789" * 3 + " -()+.x/" + "٠١٢٣٤٥٦٧٨٩" + "०१२" + "²³¹" + "０１２" + "Oo"
PHONES = st.one_of(
    st.text(st.sampled_from(PHONE_CHARACTERS), max_size=25),
    st.sampled_from(["(555) 010-7788", "+44 20 7946 0958", "555-0100", "1" * 15, "1" * 16, "", "  "]),
    st.text(max_size=25),
    JUNK,
)
EMAILS = st.one_of(
    st.builds(
        lambda local, domain, tld: f"{local}@{domain}.{tld}",
        st.text(max_size=12),
        st.text(max_size=10),
        st.text(max_size=5),
    ),
    st.sampled_from(
        ["zq-7788@example.org", "a@b", "a@@b.org", "@example.org", "a@example.", "a" * 250 + "@b.org", ""]
    ),
    st.text(max_size=30),
    JUNK,
)
BEST = st.one_of(st.sampled_from([*BEST_TIMES, "Morning", "night", ""]), JUNK)
VOICEMAIL = st.one_of(st.booleans(), st.sampled_from(["yes", "no", "true", "off", "1", 0, 1, 2, 0.0]), JUNK)
STRATEGIES = {"name": NAMES, "phone": PHONES, "email": EMAILS, "best_time": BEST, "voicemail_ok": VOICEMAIL}


@st.composite
def contact_dicts(draw) -> dict:
    data = {}
    for field in FIELDS:
        if draw(st.integers(0, 9), label=f"{field} given?") < 8:
            data[field] = draw(STRATEGIES[field], label=field)
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]), label="unknown keys")):
        data[draw(st.text(max_size=10), label="unknown key")] = draw(JUNK)
    return data


@st.composite
def plausible_contacts(draw) -> dict:
    """A contact as the form sends it, often valid: realistic values, then at most one field spoilt."""
    data = {
        "name": draw(
            st.one_of(
                st.sampled_from(["Zebulon Quartzfield", "Zq", " Ana "]), st.text(min_size=1, max_size=20)
            )
        ),
        "best_time": draw(st.sampled_from(BEST_TIMES)),
        "voicemail_ok": draw(st.booleans()),
    }
    if draw(st.booleans()):
        digits = draw(st.text(st.sampled_from("0123456789"), min_size=10, max_size=15))
        data["phone"] = draw(st.sampled_from(["", "+"])) + " ".join(
            digits[i : i + 3] for i in range(0, len(digits), 3)
        )
    if "phone" not in data or draw(st.booleans()):
        data["email"] = draw(st.sampled_from(["zq-7788@example.org", "a.b@c.example", "x@y.co"]))
    if draw(st.booleans()):
        spoilt = draw(st.sampled_from(FIELDS))
        data[spoilt] = draw(STRATEGIES[spoilt])
    return data


CONTACTS = st.one_of(contact_dicts(), plausible_contacts())


def validate(data: dict) -> ContactRequest | None:
    try:
        return ContactRequest.model_validate(data)
    except ValidationError:
        return None


def check(data: dict) -> ContactRequest | None:
    contact = validate(data)
    problems = contact_problems(data)
    if contact is not None:
        assert problems == {}
        assert contact.name == contact.name.strip() and 1 <= len(contact.name) <= 80
        assert contact.phone is not None or contact.email is not None
        assert contact.phone is None or DIALABLE.fullmatch(contact.phone), contact.phone
        assert contact.email is None or ("@" in contact.email and len(contact.email) <= 254)
        assert contact.best_time in BEST_TIMES and type(contact.voicemail_ok) is bool
        return contact
    assert problems, "a refused contact has at least one message"
    for field, message in problems.items():
        assert field in FIELDS or field in data, field
        assert isinstance(message, str) and message.strip()
        # The message names its field ("phone or email: ..." stands for the pair, under phone).
        assert message.startswith(f"{field}: ") or (
            field == "phone" and message.startswith("phone or email:")
        ), (
            field,
            message,
        )
    return None


# --- Regressions found by this fuzzing (each was accepted as typed before its fix) --------------
@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(CONTACTS)
@example({"name": "Zebulon", "phone": "٥٥٥٠١٠٧٧٨٨"})  # Arabic-Indic digits: now stored as 5550107788
@example({"name": "Zebulon", "phone": "²²²²²²²²²²"})  # superscripts are not digits one can dial
@example({"name": "\x1f", "email": "zq-7788@example.org"})  # a name that is only a separator
@example({"name": "Zebulon", "email": "zq-7788@example.org", "name:": 1})
def test_a_contact_is_valid_or_every_problem_names_its_field(data: dict):
    event("accepted" if check(data) is not None else "refused")


@pytest.fixture(scope="module")
def scored() -> tuple[dict, dict]:
    screen = baseline()
    return screen["answers"], evaluate(screen)


# A sample of 500: each example is a write transaction on SQLite plus two counts of every table.
@settings(max_examples=500, deadline=None, derandomize=True)
@given(data=CONTACTS)
@example(data={"name": "Zebulon Quartzfield", "phone": "12"})
@example(data={"name": "Zebulon Quartzfield", "phone": "(555) 010-7788", "email": "zq-7788@example.org"})
def test_submit_with_a_refused_contact_stores_nothing(module_db: str, scored: tuple[dict, dict], data: dict):
    answers, result = scored
    contact = check(data)
    now = datetime.now(UTC)
    before = row_counts(module_db)
    try:
        with write_session(module_db) as session:
            reference = submit_screen(
                session,
                submission_key=uuid.uuid4().hex,
                respondent="self",
                answers=answers,
                result=result,
                consent_version="2026-01",
                consented_at=now,
                contact=data,
            )
    except ValidationError:
        event("refused")
        assert contact is None, "a valid contact was refused"
        assert row_counts(module_db) == before, "a refused contact left rows behind"
        return
    event("stored")
    assert contact is not None, "an invalid contact was stored"
    after = row_counts(module_db)
    grew = {table: after[table] - before[table] for table in after if after[table] != before[table]}
    assert grew == {"screens": 1, "contacts": 1, "audit_log": 1, **_flags(result)}, grew
    with read_session(module_db) as session:
        screen_id = session.query(Screen.id).filter_by(reference=reference).scalar()
        stored = session.get(Contact, screen_id)
        assert (stored.name, stored.phone, stored.email, stored.best_time, stored.voicemail_ok) == (
            contact.name,
            contact.phone,
            contact.email,
            contact.best_time,
            contact.voicemail_ok,
        )


def _flags(result: dict) -> dict:
    return {"screen_flags": len(result["flags"])} if result["flags"] else {}

"""Text from data reaches the staff pages as text, never as Markdown: one test per field.

Captions, alerts, widget labels and st.table cells are Markdown in Streamlit, which fetches
images, makes links, colours ``:red[...]``, typesets ``$$...$$`` and draws ``:material/...:``
icons. Hostile values go in the way real ones do (an import, a staff account, a note, a status
change), the page runs, and the Markdown source of the element that shows the value is parsed
by a CommonMark parser: one paragraph, the value whole inside a code span (whose content nothing
looks into), no image, link, emphasis, heading or list, and none of Streamlit's own extras in the
text around it. The browser test tests/e2e/test_third_party.py shows such values as plain text
in Chromium.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import select
from staff_support import freeze, make_staff, signed_in

from intake.db import read_session, write_session
from intake.exchange import import_jsonl
from intake.models import Screen
from intake.notes import add_note
from intake.submission import submit_screen
from intake.workflow import assign, set_status
from scoring.sample import random_screen
from tests.support.factories import ANSWERS, T0
from tests.support.factories import result as factory_result
from ui.markup import plain

REVIEW = "pages/staff_review.py"
ACCOUNTS = "pages/staff_accounts.py"

# Each fits a consent version (32 characters) and, before "@t.example", an email address.
HOSTILE = [
    "![i](https://t.example/i.png)",
    "[link](https://t.example/)",
    "<img src=https://t.example/i>",
    ":red[RED] $$x^2$$ $y$",
    ":material/home: :smile:",
    "**b** _i_ `c` ~~s~~",
    "www.t.example",
    "# h",
    "- item",
    "1. item",
    "> quote",
    "a\\*b &amp; \\",
    "`a`![i](https://t.example/x)",
]
# An image, a link, colour and maths, icons, and a way out of a code span; as stored (lower case).
EMAILS = [f"{HOSTILE[n].replace(' ', '')}@t.example".lower() for n in (0, 1, 3, 4, 12)]
# Streamlit's own extras, found in the text a parser leaves (colour and other directives, maths),
# bare links and addresses (remark-gfm links them after parsing, escapes or not), and icons,
# which Streamlit rewrites in the raw source before parsing.
_EXTRAS = ("$", ":red", "www.", "://", "@", "[", "!", "<")
_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def assert_shown_as_text(source: str, value: str) -> None:
    """``source`` (Markdown) shows ``value`` as exactly its text: a CommonMark parser makes one
    paragraph of it, with ``value`` whole in a code span (whose content nothing looks into), no
    other markup, and none of Streamlit's extras in the text around it."""
    blocks = _PARSER.parse(source)
    assert [b.type for b in blocks] == ["paragraph_open", "inline", "paragraph_close"], (source, blocks)
    inline = blocks[1].children or []
    assert {t.type for t in inline} <= {"text", "code_inline"}, f"markup in {source!r}: {inline}"
    # Less the invisible word joiner that keeps Streamlit's icon rewrite off ":material/".
    codes = [t.content.lower().replace("\u2060", "") for t in inline if t.type == "code_inline"]
    assert any(value.lower() in code for code in codes), source
    around = "".join(t.content for t in inline if t.type == "text")
    assert not [sign for sign in _EXTRAS if sign in around], source
    assert ":material/" not in source, source


@pytest.mark.parametrize(
    "value",
    ["`", "``a`", "a```b`", "`` ``", "\\`x`\\", "line\n# heading\n- item", "tab\there", "x\u2028y", *HOSTILE],
)
def test_plain_keeps_any_value_whole_in_one_code_span(value):
    """The backtick fences, line breaks and control characters plain() has to get right."""
    shown = " ".join(value.replace("\t", " ").replace("\u2028", " ").split("\n"))
    assert_shown_as_text(f"Consent version {plain(value)} (given today)", shown)
    assert plain("") == plain(" \n ") == ""


@pytest.fixture
def nurse(database_env, monkeypatch):
    freeze(monkeypatch, T0 + timedelta(minutes=20))
    return make_staff()[0]


def stored(*, answers: dict | None = None, key: str = "markup") -> str:
    with write_session() as session:
        return submit_screen(
            session,
            submission_key=key,
            respondent="self",
            answers=answers if answers is not None else dict(ANSWERS),
            result=factory_result("iop"),
            consent_version="2026-01",
            consented_at=T0 - timedelta(minutes=10),
            submitted_at=T0,
            now=T0,
        )


def review(staff, reference):
    return signed_in(staff, REVIEW, {"staff-review-ref": reference})


def captions(at, containing: str) -> list[str]:
    return [c.value for c in at.caption if containing in c.value]


@pytest.mark.parametrize("value", HOSTILE)
def test_an_imported_consent_version_is_text_in_the_review_caption(nurse, value):
    line = {**random_screen(random.Random(4)), "consent_version": value, "submission_key": "m"}
    report = import_jsonl(None, [json.dumps(line)], now=T0)
    assert report.stored == 1, report.problems
    with read_session() as session:
        reference = session.scalar(select(Screen.reference).where(Screen.submission_key == "m"))
    at = review(nurse, reference)
    assert not at.exception
    (caption,) = captions(at, "Consent version")
    assert_shown_as_text(caption, value)


@pytest.mark.parametrize("email", EMAILS)
def test_a_staff_email_is_text_in_the_note_caption(nurse, email):
    writer, _ = make_staff(email)
    reference = stored()
    with write_session() as session:
        add_note(session, reference, writer, "Called, no answer.")
    at = review(nurse, reference)
    # "<who> · <when>" above the note (the summary line is the other caption with a "·")
    (caption,) = [c for c in captions(at, " · ") if not c.startswith("Submitted")]
    assert_shown_as_text(caption, email)


@pytest.mark.parametrize("email", EMAILS)
def test_a_staff_email_is_text_in_the_signed_in_line(database_env, monkeypatch, email):
    freeze(monkeypatch, T0 + timedelta(minutes=20))
    member, _ = make_staff(email)
    at = signed_in(member)
    (caption,) = captions(at, "Signed in as")
    assert_shown_as_text(caption, email)


@pytest.mark.parametrize("email", EMAILS)
def test_an_assigned_email_is_text_in_the_assignment_label(nurse, email):
    colleague, _ = make_staff(email)
    reference = stored()
    with write_session() as session:
        assign(session, reference, nurse, colleague)
    at = review(nurse, reference)
    assert_shown_as_text(at.selectbox(key="review-assignee").label, email)


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_is_text_in_the_assigned_message(database_env, monkeypatch, email):
    freeze(monkeypatch, T0 + timedelta(minutes=20))
    member, _ = make_staff(email)
    at = review(member, stored())
    at.button(key="review-assign-me").click().run()
    (message,) = [s.value for s in at.success if s.value.startswith("Assigned to")]
    assert_shown_as_text(message, email)


@pytest.mark.parametrize("email", EMAILS)
def test_a_staff_email_is_text_in_the_status_history(nurse, email):
    mover, _ = make_staff(email)
    reference = stored()
    with write_session() as session:
        set_status(session, reference, mover, "in_review")
    at = review(nurse, reference)
    history = next(t.value for t in at.table if "By" in t.value.columns)
    assert_shown_as_text(history["By"].iloc[0], email)


@pytest.mark.parametrize("value", HOSTILE)
def test_an_answer_to_a_question_no_longer_asked_is_text_in_its_table(nurse, value):
    reference = stored(answers={**ANSWERS, "retired.item": value, value: "yes"})
    at = review(nurse, reference)
    table = next(t.value for t in at.table if "Stored answer" in t.value.columns)
    rows = dict(zip(table["Item"], table["Stored answer"], strict=True))
    retired = next(key for key in rows if "retired.item" in key)
    assert_shown_as_text(retired, "retired.item")
    assert_shown_as_text(rows[retired], json.dumps(value))
    item = next(key for key in rows if key != retired)
    assert_shown_as_text(item, value)


# --- staff accounts (admin) ---------------------------------------------------------------------


@pytest.fixture
def admin(database_env, monkeypatch):
    freeze(monkeypatch, T0 + timedelta(minutes=20))
    return make_staff("lead@example.org", "admin")[0]


def _add(at, email: str):
    at.text_input(key="staff-add-email").input(email)
    at.text_input(key="staff-add-password").input("lantern orchard velvet compass meadow")
    return at.button(key="staff-add-submit").click().run()


@pytest.mark.parametrize("email", EMAILS)
def test_an_added_email_is_text_in_the_added_message(admin, email):
    at = _add(signed_in(admin, ACCOUNTS), email)
    (message,) = [s.value for s in at.success if s.value.startswith("Added")]
    assert_shown_as_text(message, email)


@pytest.mark.parametrize("value", HOSTILE)
def test_what_an_admin_typed_is_text_in_the_refusal(admin, value):
    at = _add(signed_in(admin, ACCOUNTS), value)  # no "@": not an email, and the error quotes it
    (error,) = [e.value for e in at.error]
    assert "not an email address" in error
    assert_shown_as_text(error, repr(value.strip().lower())[1:-1])


@pytest.mark.parametrize("email", EMAILS[:3])
def test_an_email_is_text_in_the_disabled_and_reset_messages(admin, email):
    make_staff(email)
    at = signed_in(admin, ACCOUNTS)
    at.selectbox(key="staff-disable-who").set_value(email)
    at.checkbox(key="staff-disable-ok").check()
    at.button(key="staff-disable-submit").click().run()
    (message,) = [s.value for s in at.success]
    assert message.startswith("Disabled")
    assert_shown_as_text(message, email)
    at.selectbox(key="staff-reset-who").set_value(email)
    at.text_input(key="staff-reset-password").input("harbour glacier saddle tundra quartz")
    at.button(key="staff-reset-submit").click().run()
    (message,) = [s.value for s in at.success]
    assert message.startswith("New password set for")
    assert_shown_as_text(message, email)

"""Export (JSONL, CSV) and import (JSONL) of screens, with real scoring."""

from __future__ import annotations

import csv
import io
import json
import random
import threading

import pytest
from sqlalchemy import func, select

from intake.audit import browse
from intake.db import read_session, write_session
from intake.exchange import escape_cell, export_csv, export_jsonl, import_jsonl
from intake.models import Screen
from intake.queue import queue_page
from intake.review import get_screen
from scoring import evaluate
from scoring.sample import random_screen
from tests.support.factories import CONTACT, T0, submit


@pytest.fixture
def two_screens(engine):
    with write_session(engine) as session:
        with_contact = submit(session, "urgent", ("same_day_contact",), contact=CONTACT)
        without = submit(session, "iop", respondent="loved_one", language="es")
    return with_contact, without


def _jsonl(engine, **kwargs):
    out = io.StringIO()
    count = export_jsonl(engine, out, **kwargs)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines)
    return lines


def test_jsonl_export_leaves_contact_out_unless_asked(engine, two_screens):
    plain = _jsonl(engine)
    assert [r["reference"] for r in plain] == list(two_screens)
    assert [r["language"] for r in plain] == ["en", "es"]
    assert set(plain[0]) == {
        "reference", "respondent", "language", "consent_version", "consented_at", "answers", "result", "status",
        "created_at", "submitted_at",
    }  # fmt: skip
    assert "Zelda" not in json.dumps(plain)
    full = _jsonl(engine, with_contact=True)
    assert full[0]["contact"]["name"] == "Zelda Quixote" and full[1]["contact"] is None
    with read_session(engine) as session:
        exports = browse(session, {"action": "export"}).rows
    assert [e.detail["with_contact"] for e in exports] == [True, False]


def _csv(engine, **kwargs):
    out = io.StringIO()
    export_csv(engine, out, **kwargs)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_csv_export_is_de_identified_by_default(engine, two_screens):
    rows = _csv(engine)
    assert [r["reference"] for r in rows] == list(two_screens)
    assert rows[0]["disposition"] == "urgent" and rows[0]["flags"] == "same_day_contact"
    assert [r["language"] for r in rows] == ["en", "es"]
    assert not {"name", "phone", "email"} & set(rows[0])
    assert _csv(engine, filters={"respondent": "loved_one"})[0]["reference"] == two_screens[1]


def test_csv_escapes_cells_a_spreadsheet_would_run(engine):
    evil = dict(CONTACT, name='=HYPERLINK("http://x")', phone="+1 555 867 5309", email="-2+3@example.org")
    with write_session(engine) as session:
        submit(session, "iop", contact=evil)
    row = _csv(engine, with_contact=True)[0]
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert row["phone"] == "+15558675309"  # "+" and digits only: a number, not a formula
    assert row["email"] == "'-2+3@example.org"
    assert row["best_time"] == "evening"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_escape_cell(start):
    assert escape_cell(start + "x") == "'" + start + "x"
    assert escape_cell("x" + start) == "x" + start and escape_cell(-1) == -1


# Each starts, to a spreadsheet, with a formula character once NFKC-normalised and read past
# blanks and invisible characters; or starts with a control or invisible character itself.
DISGUISED_FORMULAS = [
    "\uff1d1+1",  # fullwidth equals sign
    "\ufe661+1",  # small equals sign
    "\uff0bSUM(A1)",  # fullwidth plus
    "\uff20SUM(A1)",  # fullwidth commercial at
    "|cmd",  # a DDE call
    "\uff5ccmd",  # fullwidth vertical line
    "\u200b=1+1",  # zero-width space
    "\u200d\u2060=1+1",  # zero-width joiner, word joiner
    "\u202e=1+1",  # right-to-left override
    "\u2066@SUM(A1)",  # left-to-right isolate
    "\ufeff=1+1",  # byte order mark
    " =1+1",
    "\u3000=1+1",  # ideographic space
    "\x0b=1+1",
    "\n=1+1",
    "\x1bfoo",  # a control character alone
    "\tfoo",
    "\rfoo",
    "+1 555 867 5309",  # a "phone number" with more than digits: "+1-555..." is arithmetic
    "+1-555-867-5309",
    "++15558675309",
]


@pytest.mark.parametrize("value", DISGUISED_FORMULAS)
def test_escape_cell_judges_the_value_as_a_spreadsheet_reads_it(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["+15558675309", "5558675309", "Zelda Quixote", "O'Hara", "a=b", "x\u200b=", "", "IOP-7KQ4-M2XD"]
)
def test_escape_cell_leaves_plain_values_and_plain_phone_numbers_alone(value):
    assert escape_cell(value) == value


def test_csv_escapes_disguised_formulas_a_participant_can_leave(engine):
    """Every disguised formula contact validation lets through (it strips blanks around a name),
    stored, exported and read back by a CSV reader: each cell keeps its text and gains the quote."""
    names = [v for v in DISGUISED_FORMULAS if v == v.strip()]
    email = "\u200b=1+1@example.org"
    with write_session(engine) as session:
        for n, name in enumerate(names):
            submit(session, "iop", contact=dict(CONTACT, name=name, email=email), key=f"k{n}")
    rows = _csv(engine, with_contact=True)
    assert sorted(r["name"] for r in rows) == sorted("'" + v for v in names)
    assert {r["email"] for r in rows} == {"'" + email}


def test_csv_of_an_empty_queue_has_a_header(engine):
    assert _csv(engine) == []


def test_import_stores_good_lines_and_reports_bad_ones_by_line_and_item(engine):
    rng = random.Random(5)
    good = [random_screen(rng) for _ in range(3)]
    bad_value = random_screen(rng)
    bad_value["answers"]["phq9.1"] = 9
    missing = random_screen(rng)
    del missing["answers"]["gad7.2"]
    lines = [
        json.dumps(good[0]),
        json.dumps(bad_value),
        "",
        json.dumps({**good[1], "submitted_at": "2026-01-05T10:00:00Z", "contact": CONTACT}),
        "{not json",
        json.dumps({**good[2], "contact": {"name": "JD"}}),
        json.dumps(missing),
    ]
    report = import_jsonl(engine, lines, batch_size=2, now=T0)
    assert (report.stored, report.refused) == (2, 4)
    assert [(p.line, p.items) for p in report.problems] == [
        (2, ["phq9.1"]),
        (5, ["(line)"]),
        (6, ["contact.phone"]),
        (7, ["gad7.2"]),
    ]
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Screen)) == 2
        rows = queue_page(session, now=T0).rows
        stored = {r.submitted_at: get_screen(session, r.reference) for r in rows}
    dated = stored[T0.replace(year=2026, month=1, day=5, hour=10)]
    assert dated.has_contact and dated.result == evaluate(good[1]) and dated.status == "new"
    assert stored[T0].answers == good[0]["answers"]


def test_import_skips_a_submission_key_already_stored(engine):
    line = json.dumps({**random_screen(random.Random(1)), "submission_key": "legacy-17"})
    first = import_jsonl(engine, [line], now=T0)
    again = import_jsonl(engine, [line, line], now=T0)
    assert (first.stored, again.stored, again.duplicates) == (1, 0, 2)


# --- import: nothing half-stored, every run audited, concurrent runs agree (issue 10) ----------


def _import_audits(engine) -> list[dict]:
    with read_session(engine) as session:
        return [row.detail for row in browse(session, {"action": "import"}).rows]


def _lines(count: int, seed: int = 0, **extra) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps({**random_screen(rng), **extra}) for _ in range(count)]


def test_a_bad_line_after_a_full_batch_is_refused_and_the_run_still_audited(engine):
    # 2,000 lines went in a batch, then a 65-character key on line 2,001 crashed the run: the
    # first batch stayed stored with no summary and no audit entry. A batch of 5 shows the same.
    lines = _lines(5) + _lines(1, seed=1, submission_key="k" * 65) + _lines(1, seed=2)
    report = import_jsonl(engine, lines, batch_size=5, now=T0)
    assert (report.stored, report.refused) == (6, 1)
    assert [(p.line, p.items) for p in report.problems] == [(6, ["submission_key"])]
    assert _import_audits(engine) == [{"stored": 6, "refused": 1, "duplicates": 0}]


def test_lines_without_a_submission_key_are_stored_once_however_often_imported(engine):
    lines = _lines(3, seed=7, submitted_at="2026-01-05T10:00:00Z")
    first = import_jsonl(engine, lines, now=T0)
    again = import_jsonl(engine, lines + lines[:1], now=T0)
    assert (first.stored, first.duplicates) == (3, 0)
    assert (again.stored, again.duplicates) == (0, 4)
    # Content decides: the same screen sent at another time is another screen.
    later = import_jsonl(engine, [lines[0].replace("2026-01-05T10", "2026-01-05T11")], now=T0)
    assert later.stored == 1


def test_a_run_that_stops_part_way_says_where_and_is_audited(engine):
    # The file becomes unreadable after two lines (a network share gone): what came before is
    # stored, the report says where it stopped, and the audit log has the run.
    def lines():
        yield from _lines(2, seed=3)
        raise OSError(5, "Input/output error")

    report = import_jsonl(engine, lines(), now=T0)
    # The two lines were still in the first batch when the error came: nothing stored, and a
    # rerun starts from line 1.
    assert (report.stored, report.failed_at_line) == (0, 1)
    assert report.failure == "the file could not be read (Input/output error)"
    [entry] = _import_audits(engine)
    assert entry["failed"] == report.failure and entry["failed_at_line"] == 1


def test_concurrent_imports_of_one_file_each_store_or_find_every_line(engine):
    # PostgreSQL runs the imports side by side: 19 of 20 crashed with UniqueViolation. Every run
    # now ends with a report, and between them every line is stored exactly once.
    rng = random.Random(4)
    lines = [json.dumps({**random_screen(rng), "submission_key": f"legacy-{n}"}) for n in range(60)]
    barrier = threading.Barrier(RUNS)
    reports, crashes = [], []

    def run() -> None:
        barrier.wait()
        try:
            reports.append(import_jsonl(engine, lines, batch_size=10, now=T0))
        except Exception as exc:  # the failure this test is about
            crashes.append(type(exc).__name__)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashes == []
    assert sum(r.stored for r in reports) == len(lines)
    assert all(r.stored + r.duplicates == len(lines) and r.refused == 0 for r in reports)
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Screen)) == len(lines)
    assert len(_import_audits(engine)) == RUNS


RUNS = 20


def test_import_keeps_the_language_and_refuses_one_the_screen_does_not_speak(engine):
    rng = random.Random(11)
    spanish, unknown, older = (random_screen(rng) for _ in range(3))
    lines = [
        json.dumps({**spanish, "language": "es"}),
        json.dumps({**unknown, "language": "fr"}),
        json.dumps(older),  # a file from before screens had a language
    ]
    report = import_jsonl(engine, lines, now=T0)
    assert (report.stored, report.refused) == (2, 1)
    assert [(p.line, p.items) for p in report.problems] == [(2, ["language"])]
    assert [r["language"] for r in _jsonl(engine)] == ["es", "en"]

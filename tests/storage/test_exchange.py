"""Export (JSONL, CSV) and import (JSONL) of screens, with real scoring."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from sqlalchemy import func, select

from intake.audit import browse
from intake.db import read_session, write_session
from intake.exchange import escape_cell, export_csv, export_jsonl, import_jsonl
from intake.models import Screen
from intake.screens import get_screen, queue_page
from scoring import evaluate
from scoring.sample import random_screen
from storage.factories import CONTACT, T0, submit


@pytest.fixture
def two_screens(engine):
    with write_session(engine) as session:
        with_contact = submit(session, "urgent", ("same_day_contact",), contact=CONTACT)
        without = submit(session, "iop", respondent="loved_one")
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
    assert set(plain[0]) == {
        "reference", "respondent", "consent_version", "consented_at", "answers", "result", "status",
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
    assert not {"name", "phone", "email"} & set(rows[0])
    assert _csv(engine, filters={"respondent": "loved_one"})[0]["reference"] == two_screens[1]


def test_csv_escapes_cells_a_spreadsheet_would_run(engine):
    evil = dict(CONTACT, name='=HYPERLINK("http://x")', phone="+1 555 867 5309", email="-2+3@example.org")
    with write_session(engine) as session:
        submit(session, "iop", contact=evil)
    row = _csv(engine, with_contact=True)[0]
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert row["phone"] == "'+15558675309"
    assert row["email"] == "'-2+3@example.org"
    assert row["best_time"] == "evening"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_escape_cell(start):
    assert escape_cell(start + "x") == "'" + start + "x"
    assert escape_cell("x" + start) == "x" + start and escape_cell(-1) == -1


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

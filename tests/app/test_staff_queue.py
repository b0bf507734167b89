"""The priority queue page: order, each filter, paging, overdue urgent screens, opening a review,
and the CSV export (de-identified for intake users)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from staff_support import freeze, make_staff, signed_in, texts_of

from intake.audit import browse
from intake.db import read_session, write_session
from intake.queue import QueueFilters
from intake.workflow import assign, set_status
from tests.support.factories import CONTACT, T0, submit
from ui.staff import queue as staff_queue

NOW = T0 + timedelta(minutes=5)


@pytest.fixture
def moving(database_env, monkeypatch):
    return freeze(monkeypatch, NOW)


@pytest.fixture
def queue(moving):
    """Screens of every priority, submitted at different times; the expected queue order."""
    with write_session() as session:
        refs = {
            "outpatient": submit(session, "outpatient", at=T0 - timedelta(hours=10)),
            "supports": submit(session, "iop_with_supports", at=T0 - timedelta(minutes=50)),
            "iop_new": submit(session, "iop", at=T0 - timedelta(minutes=10)),
            "iop_old": submit(
                session, "iop", at=T0 - timedelta(minutes=40), respondent="loved_one", language="es"
            ),
            "higher": submit(session, "higher_level", at=T0 - timedelta(minutes=30)),
            "same_day": submit(session, "iop", ("same_day_contact",), at=T0 - timedelta(minutes=1)),
            "urgent_new": submit(session, "urgent", at=T0 - timedelta(minutes=5), contact=CONTACT),
            "urgent_old": submit(session, "urgent", at=T0 - timedelta(hours=2)),
        }
    order = ["urgent_old", "urgent_new", "same_day", "higher", "iop_old", "iop_new", "supports", "outpatient"]
    return refs, [refs[name] for name in order]


@pytest.fixture
def nurse(moving):
    return make_staff()[0]


def shown(at) -> list[str]:
    return list(at.dataframe[0].value["Reference"]) if at.dataframe else []


def test_queue_is_most_urgent_first_then_oldest_first(queue, nurse):
    refs, order = queue
    at = signed_in(nurse)
    assert not at.exception
    assert shown(at) == order
    table = at.dataframe[0].value
    assert list(table["Priority"][:4]) == ["Urgent", "Urgent", "Same-day contact", "Higher level of care"]
    # Urgent and waiting longer than IOP_URGENT_WAIT_MINUTES (30): highlighted and listed on top.
    assert list(table["Overdue"]) == [True] + [False] * 7
    assert refs["urgent_old"] in at.error[0].value and refs["urgent_new"] not in at.error[0].value


def test_each_filter_narrows_the_queue(queue, nurse):
    refs, order = queue
    with write_session() as session:
        set_status(session, refs["higher"], nurse, "in_review")
        set_status(session, refs["supports"], nurse, "contacted")
        set_status(session, refs["supports"], nurse, "referred_elsewhere")
        assign(session, refs["iop_new"], nurse, nurse)
    at = signed_in(nurse)
    assert refs["supports"] not in shown(at)  # closed screens are not in the default (open) view

    at.multiselect(key="queue-status").set_value(["in_review"]).run()
    assert shown(at) == [refs["higher"]]
    at.multiselect(key="queue-status").set_value([]).run()  # none chosen: every status
    assert shown(at) == order

    at.selectbox(key="queue-suggestion").set_value("iop").run()
    assert shown(at) == [refs["same_day"], refs["iop_old"], refs["iop_new"]]
    at.selectbox(key="queue-suggestion").set_value(None).run()

    at.selectbox(key="queue-flag").set_value("same_day_contact").run()
    assert shown(at) == [refs["same_day"]]
    at.selectbox(key="queue-flag").set_value(None).run()

    at.selectbox(key="queue-respondent").set_value("loved_one").run()
    assert shown(at) == [refs["iop_old"]]
    at.selectbox(key="queue-respondent").set_value(None).run()

    at.selectbox(key="queue-language").set_value("es").run()
    assert shown(at) == [refs["iop_old"]]
    assert list(at.dataframe[0].value["Language"]) == ["Spanish"]
    at.selectbox(key="queue-language").set_value("en").run()
    assert refs["iop_old"] not in shown(at) and len(shown(at)) == len(order) - 1
    at.selectbox(key="queue-language").set_value(None).run()

    # Dates are whole UTC days: everything but the outpatient screen, sent the evening before.
    at.date_input(key="queue-from").set_value(T0.date()).run()
    assert shown(at) == [r for r in order if r != refs["outpatient"]]
    at.date_input(key="queue-from").set_value(None)
    at.date_input(key="queue-until").set_value((T0 - timedelta(days=1)).date()).run()
    assert shown(at) == [refs["outpatient"]]
    at.date_input(key="queue-until").set_value((T0 - timedelta(days=2)).date()).run()
    assert shown(at) == [] and "No screens match" in texts_of(at)
    at.date_input(key="queue-until").set_value(None).run()

    at.text_input(key="queue-reference").input(refs["higher"][4:8].lower()).run()
    assert refs["higher"] in shown(at)
    at.text_input(key="queue-reference").input(refs["higher"]).run()
    assert shown(at) == [refs["higher"]]
    at.text_input(key="queue-reference").input("").run()

    at.checkbox(key="queue-mine").check().run()
    assert shown(at) == [refs["iop_new"]]


def test_pages_through_the_queue_with_keyset_cursors(queue, nurse, monkeypatch):
    _, order = queue
    monkeypatch.setattr(staff_queue, "PAGE_SIZE", 3)
    at = signed_in(nurse)
    assert shown(at) == order[:3]
    assert at.button(key="queue-previous").disabled
    at.button(key="queue-next").click().run()
    assert shown(at) == order[3:6]
    at.button(key="queue-next").click().run()
    assert shown(at) == order[6:]
    assert at.button(key="queue-next").disabled
    at.button(key="queue-previous").click().run()
    assert shown(at) == order[3:6]
    at.selectbox(key="queue-suggestion").set_value("urgent").run()  # new filters: back to page 1
    assert shown(at) == order[:2]


def test_entering_a_reference_opens_the_review(queue, nurse):
    refs, _ = queue
    at = signed_in(nurse)
    at.text_input(key="queue-open-ref").input(refs["higher"].lower().replace("-", " ")).run()
    at.button(key="queue-open").click().run()
    assert not at.exception
    assert f"Screen {refs['higher']}" in [t.value for t in at.title]
    at.switch_page("pages/staff_queue.py").run()
    at.text_input(key="queue-open-ref").input("IOP-12").run()
    at.button(key="queue-open").click().run()
    assert any("whole reference" in e.value for e in at.error)


def test_csv_export_is_de_identified_for_intake_users(queue, nurse):
    _, order = queue
    at = signed_in(nurse)
    assert not [c for c in at.checkbox if c.key == "queue-export-contact"]
    at.button(key="queue-export").click().run()
    assert not at.exception
    assert at.get("download_button")
    with read_session() as session:
        export = browse(session, {"action": "export"}).rows[0]
    assert export.actor == str(nurse.id)
    assert export.detail == {"format": "csv", "with_contact": False, "count": 8}

    # Asking for identifiers as an intake user still gives a de-identified file.
    data, count = staff_queue.queue_csv(nurse, QueueFilters(), with_contact=True, exported_at=NOW)
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert count == 8 and [r["reference"] for r in rows] == order
    assert "name" not in rows[0] and CONTACT["name"] not in data.decode()
    assert {r["exported_at"] for r in rows} == {NOW.isoformat()}


def test_admins_may_export_with_contact_details_and_each_file_differs(queue, nurse, moving):
    refs, _ = queue
    admin, _ = make_staff("lead@example.org", "admin")
    at = signed_in(admin)
    assert at.checkbox(key="queue-export-contact")
    filters = QueueFilters(disposition="urgent")
    first, _ = staff_queue.queue_csv(admin, filters, with_contact=True, exported_at=NOW)
    second, _ = staff_queue.queue_csv(
        admin, filters, with_contact=True, exported_at=moving.advance(seconds=1)
    )
    rows = list(csv.DictReader(io.StringIO(first.decode())))
    assert [(r["reference"], r["name"]) for r in rows] == [
        (refs["urgent_old"], ""),
        (refs["urgent_new"], CONTACT["name"]),
    ]
    assert first != second  # downloads are served by content hash: never the same file twice
    with read_session() as session:
        assert [e.detail["with_contact"] for e in browse(session, {"action": "export"}).rows] == [True, True]

"""Submitted screens: stored once, the queue's order, filters and paging, overdue urgent screens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from intake.db import read_session, write_session
from intake.models import Screen, ScreenFlag
from intake.queue import overdue_urgent, queue_page
from intake.review import get_screen
from intake.submission import submit_screen
from tests.support.factories import ANSWERS, CONTACT, T0, result, submit


def test_a_retried_submit_is_stored_once_with_the_first_reference(engine):
    kwargs = dict(
        submission_key="wizard-abc",
        respondent="self",
        answers={"phq9.1": 1},
        result=result("iop"),
        consent_version="2026-01",
        consented_at=T0,
    )
    with write_session(engine) as session:
        first = submit_screen(session, **kwargs)
    with write_session(engine) as session:
        second = submit_screen(session, **kwargs)
    assert first == second
    assert re.fullmatch(r"IOP-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}", first)
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Screen)) == 1


def test_a_stored_screen_reads_back_whole(engine):
    with write_session(engine) as session:
        ref = submit(
            session, "urgent", ("crisis_resources", "same_day_contact"), partial=True, contact=CONTACT
        )
    with read_session(engine) as session:
        screen = get_screen(session, ref, now=T0)
        assert get_screen(session, "IOP-2222-2222") is None
    assert screen.reference == ref
    assert screen.disposition == "urgent" and screen.priority == 0 and screen.partial
    assert screen.flags == ("crisis_resources", "same_day_contact")
    assert screen.answers == ANSWERS
    assert screen.result["rules_version"] == screen.rules_version == "test-1"
    assert screen.status == "new" and screen.submitted_at == T0 and screen.has_contact


@pytest.mark.parametrize(
    ("disposition", "flags", "priority"),
    [
        ("urgent", ("same_day_contact",), 0),
        ("higher_level", ("same_day_contact",), 1),
        ("higher_level", (), 2),
        ("iop", (), 3),
        ("iop_with_supports", (), 4),
        ("outpatient", ("collateral_report",), 5),
    ],
)
def test_priority_follows_disposition_and_same_day_flag(engine, disposition, flags, priority):
    with write_session(engine) as session:
        ref = submit(session, disposition, flags)
        assert get_screen(session, ref).priority == priority


def _refs(page):
    return [row.reference for row in page.rows]


@pytest.fixture
def mixed_queue(engine):
    """Nine screens; returns their references in the order the queue must show them."""
    spec = [
        ("outpatient", (), "self", 0),
        ("iop", ("collateral_report",), "loved_one", 5),
        ("urgent", ("crisis_resources", "same_day_contact"), "self", 30),
        ("iop", (), "self", 1),
        ("higher_level", ("same_day_contact", "withdrawal_caution"), "self", 2),
        ("higher_level", (), "loved_one", 3),
        ("urgent", ("same_day_contact",), "loved_one", 10),
        ("iop_with_supports", ("collateral_report",), "loved_one", 4),
        ("iop", ("collateral_report",), "loved_one", 6),
    ]
    refs = {}
    with write_session(engine) as session:
        for disposition, flags, respondent, minutes in spec:
            at = T0 + timedelta(minutes=minutes)
            refs[(disposition, minutes)] = submit(session, disposition, flags, respondent=respondent, at=at)
    order = [
        ("urgent", 10), ("urgent", 30), ("higher_level", 2), ("higher_level", 3),
        ("iop", 1), ("iop", 5), ("iop", 6), ("iop_with_supports", 4), ("outpatient", 0),
    ]  # fmt: skip
    return [refs[k] for k in order]


def test_queue_is_most_urgent_first_then_oldest_first(engine, mixed_queue):
    with read_session(engine) as session:
        page = queue_page(session, now=T0)
    assert _refs(page) == mixed_queue and not page.has_next


def test_queue_pages_by_keyset_without_gaps_or_repeats(engine, mixed_queue):
    seen, after = [], None
    with read_session(engine) as session:
        while True:
            page = queue_page(session, page_size=4, after=after, now=T0)
            seen.append(_refs(page))
            if not page.has_next:
                break
            after = page.next_after
    assert [len(p) for p in seen] == [4, 4, 1]
    assert [ref for page in seen for ref in page] == mixed_queue


def test_queue_pages_through_a_flag_filter(engine, mixed_queue):
    with read_session(engine) as session:
        first = queue_page(session, {"flag": "collateral_report"}, page_size=2, now=T0)
        second = queue_page(
            session, {"flag": "collateral_report"}, page_size=2, after=first.next_after, now=T0
        )
    assert _refs(first) + _refs(second) == [mixed_queue[5], mixed_queue[6], mixed_queue[7]]
    assert first.has_next and not second.has_next
    assert all("collateral_report" in row.flags for row in first.rows + second.rows)


@pytest.mark.parametrize(
    ("filters", "positions"),
    [
        ({"disposition": "iop"}, [4, 5, 6]),
        ({"flag": "same_day_contact"}, [0, 1, 2]),
        ({"respondent": "loved_one"}, [0, 3, 5, 6, 7]),
        ({"respondent": "loved_one", "disposition": "iop"}, [5, 6]),
        (
            {"submitted_from": T0 + timedelta(minutes=3), "submitted_until": T0 + timedelta(minutes=6)},
            [3, 5, 7],
        ),
        ({"submitted_from": T0.date(), "submitted_until": T0.date()}, list(range(9))),
        ({"submitted_from": T0.date() + timedelta(days=1)}, []),
        ({"status": "new"}, list(range(9))),
        ({"status": ["contacted", "scheduled"]}, []),
    ],
)
def test_each_queue_filter(engine, mixed_queue, filters, positions):
    with read_session(engine) as session:
        assert _refs(queue_page(session, filters, now=T0)) == [mixed_queue[i] for i in positions]


def test_reference_search_accepts_how_staff_type_it(engine, mixed_queue):
    wanted = mixed_queue[3]
    code = wanted.removeprefix("IOP-").replace("-", "")
    with read_session(engine) as session:
        for typed in (wanted, wanted.lower(), code, f"{code[:4]} {code[4:]}".lower()):
            assert _refs(queue_page(session, {"reference": typed}, now=T0)) == [wanted]
        prefix = queue_page(session, {"reference": code[:4]}, now=T0)
    assert wanted in _refs(prefix)
    assert all(r.startswith(f"IOP-{code[:4]}") for r in _refs(prefix))


def test_an_urgent_screen_waiting_too_long_is_overdue(engine):
    with write_session(engine) as session:
        late = submit(session, "urgent", ("same_day_contact",), at=T0)
        fresh = submit(session, "urgent", ("same_day_contact",), at=T0 + timedelta(minutes=20))
        submit(session, "higher_level", ("same_day_contact",), at=T0)
    now = T0 + timedelta(minutes=31)
    with read_session(engine) as session:
        rows = {row.reference: row.overdue for row in queue_page(session, now=now).rows}
        assert [row.reference for row in overdue_urgent(session, now=now)] == [late]
    assert rows[late] and not rows[fresh]
    assert sum(rows.values()) == 1


def test_flags_are_stored_one_row_each(engine):
    with write_session(engine) as session:
        submit(session, "iop", ("collateral_report", "adolescent"))
    with read_session(engine) as session:
        assert sorted(session.scalars(select(ScreenFlag.flag))) == ["adolescent", "collateral_report"]


def test_a_screen_needs_a_known_disposition(engine):
    with pytest.raises(ValueError, match="disposition"), write_session(engine) as session:
        submit(session, "php")

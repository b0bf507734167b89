"""Fuzzing the staff queue's filters: any ``QueueFilters`` (random statuses, suggestions, flags,
dates from year 1 to 9999 in any time zone, reference fragments with odd characters) gives a
page, or a ValueError saying what is wrong, never a database error. A page holds exactly the
screens a plain reading of the filters picks, in queue order, and paging on loses or repeats none.

Runs on a small SQLite database of 40 screens spread over two years, read through
``read_session`` as the staff page does (SQLite's query_only: nothing can be written).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from intake.codes import reference_bounds
from intake.db import read_session, write_session
from intake.models import RESPONDENTS, STATUSES, Screen, ScreenFlag, Staff
from intake.queue import QueueFilters, queue_page
from intake.submission import submit_screen
from intake.vocab import PRIORITY_OF_DISPOSITION as PRIORITY

pytestmark = pytest.mark.fuzz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=30)
FLAGS = ("adolescent", "collateral_report", "crisis_resources", "overdose_risk", "same_day_contact")
INSTRUMENTS = ("auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss")
ODD_TEXT = st.one_of(
    st.sampled_from(
        ["", " ", "NEW", "new ", "%", "_", "'; DROP TABLE screens; --", "\x00", "ünïcödé", "\U0001f600"]
    ),
    st.text(max_size=12),
)


@dataclass(frozen=True)
class Row:
    id: str
    reference: str
    status: str
    disposition: str
    respondent: str
    assigned_to: int | None
    priority: int
    submitted_at: datetime
    flags: frozenset[str]


def _seed(url: str) -> tuple[list[Row], list[int]]:
    rng = random.Random(20260302)
    with write_session(url) as session:
        staff = [
            Staff(
                email=f"fuzz{n}@example.org", role="intake", password_hash="-", totp_secret="-", created_at=T0
            )
            for n in range(2)
        ]
        session.add_all(staff)
        session.flush()
        staff_ids = [member.id for member in staff]
        for n in range(40):
            disposition = rng.choice(list(PRIORITY))
            # Some screens share a submission instant, so ties are broken by id.
            at = T0 - timedelta(days=rng.randint(0, 730), minutes=rng.choice([0, 0, 7, 600]))
            reference = submit_screen(
                session,
                submission_key=f"fuzz-{n}",
                respondent=rng.choice(RESPONDENTS),
                answers={},
                result={
                    "disposition": disposition,
                    "flags": rng.sample(FLAGS, rng.randint(0, 2)),
                    "instruments": {name: {} for name in INSTRUMENTS},
                    "rules_version": "fuzz",
                },
                consent_version="2026-01",
                consented_at=at,
                submitted_at=at,
                now=at,
            )
            session.execute(
                update(Screen)
                .where(Screen.reference == reference)
                .values(status=rng.choice(STATUSES), assigned_to=rng.choice([None, None, *staff_ids]))
            )
    with read_session(url) as session:
        flags: dict[str, set[str]] = {}
        for screen_id, flag in session.execute(select(ScreenFlag.screen_id, ScreenFlag.flag)):
            flags.setdefault(screen_id, set()).add(flag)
        rows = [
            Row(
                s.id,
                s.reference,
                s.status,
                s.disposition,
                s.respondent,
                s.assigned_to,
                s.priority,
                s.submitted_at,
                frozenset(flags.get(s.id, ())),
            )
            for s in session.scalars(select(Screen))
        ]
    return rows, staff_ids


class Queue(tuple):
    """(database URL, rows, staff ids), shown briefly in a failing example."""

    def __repr__(self) -> str:
        return f"<queue of {len(self[1])} screens>"


@pytest.fixture(scope="module")
def queue(module_db: str) -> Queue:
    rows, staff_ids = _seed(module_db)
    return Queue((module_db, rows, staff_ids))


# --- The filters read plainly, one screen at a time -------------------------------------------


def _lower(value: date | datetime) -> datetime | None:
    """The earliest instant a from-bound lets in (None: before every instant there is)."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=UTC)


def _upper(value: date | datetime) -> datetime | None:
    """The first instant an until-bound shuts out (None: after every instant there is)."""
    if isinstance(value, datetime):
        return value
    if value == date.max:
        return None
    return datetime.combine(value + timedelta(days=1), time.min, tzinfo=UTC)


def picks(f: QueueFilters, row: Row) -> bool:
    statuses = [f.status] if isinstance(f.status, str) else list(f.status or ())
    bounds = reference_bounds(f.reference) if f.reference else None
    upper = _upper(f.submitted_until) if f.submitted_until is not None else None
    return (
        (not statuses or row.status in statuses)
        and (f.disposition is None or row.disposition == f.disposition)
        and (f.flag is None or f.flag in row.flags)
        and (f.respondent is None or row.respondent == f.respondent)
        and (f.assigned_to is None or row.assigned_to == f.assigned_to)
        and (f.submitted_from is None or row.submitted_at >= _lower(f.submitted_from))
        and (upper is None or row.submitted_at < upper)
        and (bounds is None or bounds[0] <= row.reference <= bounds[1])
    )


def expected(f: QueueFilters, rows: list[Row]) -> list[str]:
    chosen = sorted((r for r in rows if picks(f, r)), key=lambda r: (r.priority, r.submitted_at, r.id))
    return [r.reference for r in chosen]


# --- Strategies -------------------------------------------------------------------------------

ZONES = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59)
)
NEAR = st.dates(min_value=(T0 - timedelta(days=800)).date(), max_value=(T0 + timedelta(days=5)).date())
DATES = st.one_of(
    NEAR,
    st.dates(),  # year 1 to 9999
    st.sampled_from([date.min, date.max, date(1970, 1, 1), date(2038, 1, 19)]),
)
DATETIMES = st.one_of(
    st.datetimes(timezones=ZONES),
    st.builds(
        lambda day, zone: datetime.combine(day, time.min, tzinfo=zone),
        st.sampled_from([date.min, date.max]),
        ZONES,
    ),
    st.datetimes(),  # naive: refused with a ValueError
)
BOUNDS = st.one_of(st.none(), DATES, DATETIMES)


def choice_of(values) -> st.SearchStrategy:
    return st.one_of(st.none(), st.sampled_from(list(values)), ODD_TEXT)


STATUS = st.one_of(
    st.none(),
    st.sampled_from(STATUSES),
    ODD_TEXT,
    st.lists(st.one_of(st.sampled_from(STATUSES), ODD_TEXT), max_size=5),  # duplicates too
    st.lists(st.sampled_from(STATUSES), max_size=4).map(tuple),
)


@st.composite
def references(draw, rows: list[Row]) -> str | None:
    kind = draw(st.sampled_from(["none", "none", "prefix", "odd"]))
    if kind == "none":
        return None
    if kind == "odd":
        return draw(ODD_TEXT)
    reference = draw(st.sampled_from(sorted(r.reference for r in rows)))
    typed = reference[: draw(st.integers(0, len(reference)))]
    if draw(st.booleans()):
        typed = typed.lower().replace("-", draw(st.sampled_from(["", " ", "  -"])))
    return typed + draw(st.sampled_from(["", "", " ", "\t", "?", "ß", "0"]))


@st.composite
def filters(draw, rows: list[Row], staff_ids: list[int]) -> QueueFilters:
    """Each filter set one time in four (one draw for all: draws are what examples cost), so that
    pages are often not empty."""
    strategies = {
        "status": STATUS,
        "disposition": choice_of(PRIORITY),
        "flag": choice_of(FLAGS),
        "respondent": choice_of(RESPONDENTS),
        "assigned_to": st.one_of(st.sampled_from(staff_ids), st.integers()),
        "submitted_from": st.one_of(NEAR, NEAR, BOUNDS),
        "submitted_until": st.one_of(NEAR, NEAR, BOUNDS),
        "reference": references(rows),
    }
    mask = draw(st.integers(0, 4 ** len(strategies) - 1), label="which filters")
    chosen = {}
    for n, (name, strategy) in enumerate(strategies.items()):
        if (mask >> (2 * n)) & 3 == 0:
            chosen[name] = draw(strategy, label=name)
    return QueueFilters(**chosen)


CURSORS = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda p, at, sid: f"{p}|{at}|{sid}",
        st.one_of(st.integers(-3, 8), st.integers()),
        st.one_of(st.datetimes(timezones=ZONES).map(datetime.isoformat), st.text(max_size=8)),
        st.one_of(st.uuids().map(str), st.text(max_size=8)),
    ),
)


def refusable(f: QueueFilters) -> bool:
    """Filters that deserve a ValueError: a naive datetime, or an id no staff member can have."""
    bounds = (f.submitted_from, f.submitted_until)
    return any(isinstance(v, datetime) and v.tzinfo is None for v in bounds) or (
        f.assigned_to is not None and not -(2**31) <= f.assigned_to < 2**31
    )


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(data=st.data())
@example(data=None)  # the regressions below, one after the other
def test_queue_page_gives_the_filtered_page_or_a_clear_value_error(queue, data):
    url, rows, staff_ids = queue
    if data is None:
        for f in REGRESSIONS:
            walk(url, rows, f, page_size=3)
        return
    f = data.draw(filters(rows, staff_ids), label="filters")
    page_size = data.draw(st.sampled_from([1, 3, 7, 50]), label="page_size")
    walk(url, rows, f, page_size)


def walk(url: str, rows: list[Row], f: QueueFilters, page_size: int) -> None:
    """One page (two for small pages, to check the paging): exactly the expected screens in
    queue order; or a clear ValueError."""
    got: list[str] = []
    after = None
    pages = 2 if page_size <= 3 else 1
    try:
        with read_session(url) as session:
            for _ in range(pages):
                page = queue_page(session, f, page_size=page_size, after=after, now=NOW)
                assert len(page.rows) <= page_size
                got += [r.reference for r in page.rows]
                if not page.has_next:
                    break
                after = page.next_after
    except SQLAlchemyError as exc:
        raise AssertionError(f"a database error for {f}: {exc}") from exc
    except ValueError as exc:
        event("refused")
        assert refusable(f), f"refused filters that have an answer: {f}: {exc}"
        assert "naive datetime" in str(exc) or "not a staff id" in str(exc), exc
        return
    assert not refusable(f), "a naive datetime is ambiguous, and an id past 32 bits no staff id"
    want = expected(f, rows)
    event("empty" if not want else "page")
    assert got == want[: len(got)], (f, got, want)
    assert len(got) == min(len(want), pages * page_size), "a page came back short"


# --- Regressions found by this fuzzing (each raised another error before its fix) --------------
REGRESSIONS = [
    QueueFilters(submitted_until=date.max),  # the day after 9999-12-31 does not exist
    QueueFilters(
        submitted_from=datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))
    ),  # before year 1 in UTC
    QueueFilters(
        submitted_until=datetime.max.replace(tzinfo=timezone(timedelta(hours=-1)))
    ),  # after 9999 in UTC
    QueueFilters(assigned_to=2**63),  # too large for SQLite's INTEGER: now a ValueError
    QueueFilters(status=["new", "new", "in_review"]),  # a status twice listed each screen twice
]


@settings(max_examples=1_000, deadline=None, derandomize=True)
@given(after=CURSORS)
@example(after=f"{2**63}|2026-03-02T09:00:00+00:00|{uuid.UUID(int=0)}")
@example(after="0|0001-01-01T00:00:00+01:00|x")
def test_a_cursor_that_is_not_ours_is_refused_clearly(queue, after: str):
    url, rows, _ = queue
    try:
        with read_session(url) as session:
            page = queue_page(session, None, page_size=5, after=after, now=NOW)
    except SQLAlchemyError as exc:
        raise AssertionError(f"a database error for cursor {after!r}: {exc}") from exc
    except ValueError as exc:
        event("refused")
        assert "not a queue cursor" in str(exc)
        return
    event("page")
    key = (int(after.split("|")[0]), datetime.fromisoformat(after.split("|")[1]), after.split("|")[2])
    ordered = sorted(rows, key=lambda r: (r.priority, r.submitted_at, r.id))
    want = [r.reference for r in ordered if (r.priority, r.submitted_at, r.id) > key][:5]
    assert [r.reference for r in page.rows] == want

"""intake.insights (SQL GROUP BY over all screens, on both backends) and the insights page."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from staff_support import freeze, make_staff, signed_in

from intake import funnel, insights
from intake.db import read_session, write_session
from intake.submission import submit_screen
from intake.workflow import set_status
from tests.support.factories import T0, result

MONDAY = T0.date()  # 2026-03-02
NEXT_MONDAY = MONDAY + timedelta(days=7)
LEVELS = {
    "relapse_risk": "high",
    "dual_diagnosis": "present",
    "prior_care": "some",
    "home_support": "low",
}


def _store(session, key, disposition, at, levels=None):
    stored = result(disposition)
    stored["domains"].update({name: {"level": level} for name, level in (levels or LEVELS).items()})
    return submit_screen(
        session,
        submission_key=key,
        respondent="self",
        answers={"phq9.1": 1},
        result=stored,
        consent_version="2026-01",
        consented_at=at,
        submitted_at=at,
        now=at,
    )


@pytest.fixture
def data(database_env, monkeypatch):
    moving = freeze(monkeypatch, T0 + timedelta(days=14))
    staff, _ = make_staff()
    with write_session() as session:
        urgent = _store(session, "u", "urgent", T0)
        iop = _store(session, "i1", "iop", T0 + timedelta(hours=2), {**LEVELS, "relapse_risk": "low"})
        # Sunday 23:30 UTC is still the week of 2 March; Monday 00:10 starts the next one.
        _store(session, "i2", "iop", T0 + timedelta(days=6, hours=14, minutes=30))
        _store(session, "o1", "outpatient", T0 + timedelta(days=6, hours=15, minutes=10))
        _store(session, "i3", "iop", T0 + timedelta(days=8))
        _store(session, "old", "urgent", T0 - timedelta(days=120))  # before any range used here
        set_status(session, urgent, staff, "contacted", now=T0 + timedelta(minutes=30))
        set_status(session, iop, staff, "contacted", now=T0 + timedelta(hours=5))
        for step, times in (("start", 10), ("section:about", 8), ("review", 5), ("result", 5), ("submit", 4)):
            for _ in range(times):
                funnel.count_step(session, step, now=T0)
        funnel.count_step(session, "crisis", now=T0)
    return staff, moving


def test_screens_per_week_by_suggestion(data):
    with read_session() as session:
        weeks = insights.screens_per_week(session, MONDAY, NEXT_MONDAY + timedelta(days=6))
    assert [(w.week, w.disposition, w.count) for w in weeks] == [
        (MONDAY, "iop", 2),
        (MONDAY, "urgent", 1),
        (NEXT_MONDAY, "iop", 1),
        (NEXT_MONDAY, "outpatient", 1),
    ]


def test_date_range_is_whole_days_at_both_ends(data):
    with read_session() as session:
        weeks = insights.screens_per_week(session, MONDAY, MONDAY)
    assert [(w.disposition, w.count) for w in weeks] == [("iop", 1), ("urgent", 1)]


def test_domain_levels_of_the_four_domains(data):
    with read_session() as session:
        levels = insights.domain_levels(session, MONDAY, NEXT_MONDAY + timedelta(days=6))
    assert levels == {
        "relapse_risk": {"high": 4, "low": 1},
        "dual_diagnosis": {"present": 5},
        "prior_care": {"some": 5},
        "home_support": {"low": 5},
    }


def test_time_to_first_contact(data):
    since, until = MONDAY, NEXT_MONDAY + timedelta(days=6)
    with read_session() as session:
        by_week = insights.first_contact_by_week(session, since, until)
        buckets = insights.first_contact_buckets(session, since, until)
    assert [(w.week, w.group, w.contacted, w.average_hours) for w in by_week] == [
        (MONDAY, "routine", 1, 3.0),
        (MONDAY, "urgent", 1, 0.5),
    ]
    assert [(b.group, b.bucket, b.count) for b in buckets] == [
        ("urgent", "within 1 hour", 1),
        ("routine", "1 to 4 hours", 1),
        ("routine", insights.NOT_CONTACTED, 3),
    ]


def test_insights_page_draws_every_chart(data):
    staff, _ = data
    at = signed_in(staff, "pages/staff_insights.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Screens submitted"] == "5"
        and metrics["Urgent"] == "1"
        and metrics["Share urgent"] == "20.0%"
    )
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"] for c in charts]
    assert titles == [
        "Screens per week, by suggestion",
        "Share of urgent screens per week (%)",
        "Domain levels across screens",
        "Time to first contact",
        "Average hours to first contact, by week submitted",
        "How far people get (anonymous counts)",
    ]
    funnel_chart = charts[-1]["data"][0]
    assert funnel_chart["x"][:2] == [10, 8] and funnel_chart["x"][-1] == 4


def test_empty_range_says_so(data):
    staff, _ = data
    at = signed_in(staff, "pages/staff_insights.py")
    at.date_input(key="insights-from").set_value(date(2025, 1, 1))
    at.date_input(key="insights-until").set_value(date(2025, 1, 31)).run()
    assert not at.get("plotly_chart")
    assert [i.value for i in at.info] == [
        "No screens were submitted in these dates.",
        "No one started a screen in these dates.",
    ]

"""Anonymous funnel counts, and purging what is past retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from intake.audit import browse
from intake.db import read_session, write_session
from intake.drafts import DraftNotFound, load_draft, save_draft
from intake.funnel import FunnelRow, count_step, funnel, funnel_totals
from intake.models import Contact, Draft, Note, Screen, ScreenFlag, StatusChange
from intake.notes import add_note
from intake.retention import purge
from intake.review import get_screen
from intake.staff import add_staff
from intake.workflow import set_status
from tests.support.factories import CONTACT, T0, submit


def test_funnel_counts_steps_per_day(engine):
    day2 = T0 + timedelta(days=1)
    with write_session(engine) as session:
        for step, when in [
            ("started", T0),
            ("started", T0),
            ("safety", T0),
            ("started", day2),
            ("submitted", day2),
        ]:
            count_step(session, step, now=when)
    with read_session(engine) as session:
        rows = funnel(session, T0.date())
        totals = funnel_totals(session, T0.date())
        only_day2 = funnel(session, day2.date(), day2.date())
    assert rows == [
        FunnelRow(T0.date(), "safety", 1),
        FunnelRow(T0.date(), "started", 2),
        FunnelRow(day2.date(), "started", 1),
        FunnelRow(day2.date(), "submitted", 1),
    ]
    assert totals == {"started": 3, "safety": 1, "submitted": 1}
    assert [r.step for r in only_day2] == ["started", "submitted"]
    with pytest.raises(ValueError, match="step"), write_session(engine) as session:
        count_step(session, "Name: Zelda")


def test_purge_removes_old_screens_with_everything_attached(engine):
    with write_session(engine) as session:
        member, _ = add_staff(session, "kim@example.org", "intake", "lantern orchard velvet compass", now=T0)
        old = submit(session, "iop", ("collateral_report",), contact=CONTACT, at=T0)
        add_note(session, old, member, "called", now=T0)
        set_status(session, old, member, "contacted", now=T0)
        kept = submit(session, "iop", ("collateral_report",), contact=CONTACT, at=T0 + timedelta(days=31))
    now = T0 + timedelta(days=60)
    with write_session(engine) as session:
        report = purge(session, older_than_days=30, actor="cli", now=now)
    assert report.screens == 1
    with read_session(engine) as session:
        assert get_screen(session, old) is None and get_screen(session, kept) is not None
        for table in (Screen, Contact, ScreenFlag):
            assert session.scalar(select(func.count()).select_from(table)) == 1
        for table in (Note, StatusChange):
            assert session.scalar(select(func.count()).select_from(table)) == 0
        entry = browse(session, {"action": "purge"}).rows[0]
    assert entry.actor == "cli" and entry.detail["screens"] == 1 and entry.detail["older_than_days"] == 30


def _draft(session, now):
    return save_draft(
        session, respondent="self", answers={"about.age_band": "18_25"}, step="about",
        consent_version="2026-01", consented_at=now, now=now,
    )  # fmt: skip


def test_purge_removes_expired_and_very_old_drafts(engine):
    with write_session(engine) as session:
        expired = _draft(session, T0)
        # Kept alive by saves for more than a year (its created_at moved back by hand).
        ancient = _draft(session, T0 + timedelta(days=10))
        session.scalar(select(Draft).order_by(Draft.id.desc())).created_at = T0 - timedelta(days=400)
        live = _draft(session, T0 + timedelta(days=10))
    with write_session(engine) as session:
        report = purge(session, now=T0 + timedelta(days=15))
    assert report.drafts == 2 and report.screens == 0
    with write_session(engine) as session:
        assert load_draft(session, live, "c", now=T0 + timedelta(days=15)).code == live
    for code in (expired, ancient):
        with pytest.raises(DraftNotFound), write_session(engine) as session:
            load_draft(session, code, "c", now=T0)

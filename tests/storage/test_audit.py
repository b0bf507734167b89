"""The audit log is append-only on both backends and holds no answers or identifiers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from intake import audit
from intake.db import read_session, write_session
from tests.support.factories import T0


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"],
)
def test_audit_rows_cannot_be_changed_or_deleted(engine, statement):
    with write_session(engine) as session:
        audit.record(session, "cli", "staff_added", "staff:1", at=T0, role="admin")
    with pytest.raises(DBAPIError, match="append-only"), write_session(engine) as session:
        session.execute(text(statement))
    with read_session(engine) as session:
        assert [(r.action, r.detail) for r in audit.browse(session).rows] == [
            ("staff_added", {"role": "admin"})
        ]


def test_detail_refuses_answers_and_identifiers(engine):
    with pytest.raises(ValueError, match="answers"), write_session(engine) as session:
        audit.record(session, "system", "screen_submitted", answers={"phq9.1": 3})
    with pytest.raises(ValueError, match="phone"), write_session(engine) as session:
        audit.record(session, "system", "contact_view", phone="5558675309")


def test_browse_filters_and_pages_newest_first(engine):
    with write_session(engine) as session:
        for i in range(7):
            audit.record(
                session, i % 2, "login" if i % 2 else "logout", f"staff:{i}", at=T0 + timedelta(minutes=i)
            )
    with read_session(engine) as session:
        first = audit.browse(session, page_size=3)
        second = audit.browse(session, page_size=3, before=first.next_before)
        logins = audit.browse(session, {"action": "login"})
        by_actor = audit.browse(session, audit.AuditFilters(actor="0", since=T0 + timedelta(minutes=3)))
    assert [r.target for r in first.rows] == ["staff:6", "staff:5", "staff:4"] and first.has_next
    assert [r.target for r in second.rows] == ["staff:3", "staff:2", "staff:1"] and second.has_next
    assert [r.target for r in logins.rows] == ["staff:5", "staff:3", "staff:1"]
    assert [r.target for r in by_actor.rows] == ["staff:6", "staff:4"]

"""Admin pages: the audit log (browse, filter, page) and staff accounts (add, disable, reset)."""

from __future__ import annotations

import pytest
from staff_support import PASSWORD, freeze, make_staff, qr_codes, signed_in, texts_of

from intake.audit import browse
from intake.db import read_session, write_session
from intake.staff import list_staff
from intake.workflow import set_status
from tests.support.factories import submit
from ui.markup import plain
from ui.staff import audit_log as staff_audit

AUDIT = "pages/staff_audit.py"
ACCOUNTS = "pages/staff_accounts.py"


@pytest.fixture
def people(database_env, monkeypatch):
    freeze(monkeypatch)
    admin, _ = make_staff("lead@example.org", "admin")
    nurse, _ = make_staff("nurse.kim@example.org", "intake")
    return admin, nurse


def test_audit_log_lists_newest_first_and_filters(people, monkeypatch):
    admin, nurse = people
    with write_session() as session:
        reference = submit(session, "iop")
        set_status(session, reference, nurse, "in_review")
    at = signed_in(admin, AUDIT)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Action"].iloc[0] == "status_change"
    assert (table["Who"].iloc[0], table["Target"].iloc[0]) == (nurse.email, reference)
    assert "from=new, to=in_review" in table["Details"].iloc[0]

    at.selectbox(key="audit-action").set_value("staff_added").run()
    assert list(at.dataframe[0].value["Target"]) == [f"staff:{nurse.id}", f"staff:{admin.id}"]
    at.selectbox(key="audit-action").set_value(None)
    at.selectbox(key="audit-actor").set_value(str(nurse.id)).run()
    assert set(at.dataframe[0].value["Action"]) == {"status_change"}
    at.selectbox(key="audit-actor").set_value(None)
    at.text_input(key="audit-target").input(reference).run()
    assert list(at.dataframe[0].value["Action"]) == ["status_change", "screen_submitted"]


def test_audit_log_pages_through_older_entries(people, monkeypatch):
    admin, _ = people
    monkeypatch.setattr(staff_audit, "PAGE_SIZE", 2)
    with write_session() as session:
        for _ in range(3):
            submit(session, "iop")
    with read_session() as session:
        newest_first = [r.id for r in browse(session, page_size=100).rows]
    at = signed_in(admin, AUDIT)
    assert list(at.dataframe[0].value["#"]) == newest_first[:2]
    assert at.button(key="audit-newer").disabled
    at.button(key="audit-older").click().run()
    assert list(at.dataframe[0].value["#"]) == newest_first[2:4]
    at.button(key="audit-newer").click().run()
    assert list(at.dataframe[0].value["#"]) == newest_first[:2]


def test_admin_adds_a_member_and_sees_the_secret_once(people):
    admin, _ = people
    at = signed_in(admin, ACCOUNTS)
    at.text_input(key="staff-add-email").input("New.Colleague@example.org")
    at.selectbox(key="staff-add-role").set_value("intake")
    at.text_input(key="staff-add-password").input(PASSWORD)
    at.button(key="staff-add-submit").click().run()
    assert not at.exception
    assert f"Added {plain('new.colleague@example.org')}." in [s.value for s in at.success]
    assert at.get("code") and qr_codes(at)
    assert "new.colleague@example.org" in list(at.dataframe[0].value["Email"])
    with read_session() as session:
        added = browse(session, {"action": "staff_added"}).rows[0]
    assert added.actor == str(admin.id)
    at.run()
    assert not at.get("code") and not qr_codes(at)  # shown once


def test_weak_password_or_duplicate_email_is_refused(people):
    admin, nurse = people
    at = signed_in(admin, ACCOUNTS)
    at.text_input(key="staff-add-email").input("someone@example.org")
    at.text_input(key="staff-add-password").input("short")
    at.button(key="staff-add-submit").click().run()
    assert any("at least 15 characters" in e.value for e in at.error)
    at.text_input(key="staff-add-email").input(nurse.email)
    at.text_input(key="staff-add-password").input(PASSWORD)
    at.button(key="staff-add-submit").click().run()
    assert any("already a staff member" in e.value for e in at.error)


def test_admin_disables_a_member_and_resets_a_password(people):
    admin, nurse = people
    at = signed_in(admin, ACCOUNTS)
    at.selectbox(key="staff-disable-who").set_value(nurse.email)
    at.checkbox(key="staff-disable-ok").check()
    at.button(key="staff-disable-submit").click().run()
    assert f"Disabled {plain(nurse.email)}." in [s.value for s in at.success]
    at.selectbox(key="staff-reset-who").set_value(admin.email)
    at.text_input(key="staff-reset-password").input("harbour meadow pencil thunder")
    at.button(key="staff-reset-submit").click().run()
    # Resetting ends every session of that member, this admin's own included.
    assert at.text_input(key="login-email")
    with read_session() as session:
        members = {m.email: m for m in list_staff(session)}
        actions = [r.action for r in browse(session).rows]
    assert members[nurse.email].disabled
    assert {"staff_disabled", "password_reset"} <= set(actions)
    assert "harbour" not in texts_of(at)

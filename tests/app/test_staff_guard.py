"""Every staff page guards itself: run cold (as a fresh server serves pages/ by URL, before
app.py's navigation ever ran) or through the app, a visitor without a valid staff session sees the
sign-in form and no screen data; an intake user cannot open the admin pages, and trying is audited."""

from __future__ import annotations

import pytest
from staff_support import STAFF_PAGES, app, cold, freeze, make_staff, shows_sign_in_only, signed_in, texts_of

from intake.audit import browse
from intake.db import read_session, write_session
from intake.staff import StaffView
from tests.support.factories import CONTACT, submit
from ui.navigation import STAFF_SECTION, pages_for_visitor, staff_entries

ADMIN_PAGES = ("pages/staff_audit.py", "pages/staff_accounts.py", "pages/staff_alerts.py")
# The guard does not depend on the backend (the storage tests cover sessions on both): cold runs
# use SQLite only, to keep this file fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def seeded(database_env, monkeypatch):
    freeze(monkeypatch)
    with write_session() as session:
        reference = submit(session, "urgent", ("same_day_contact",), contact=CONTACT)
    return reference


def _leaks(at, reference: str) -> bool:
    shown = texts_of(at)
    return reference in shown or CONTACT["name"] in shown


@SQLITE_ONLY
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_cold_page_shows_only_the_sign_in_form(seeded, page):
    at = cold(page)
    at.session_state["staff-review-ref"] = seeded  # even a page told which screen to show
    at.run()
    assert shows_sign_in_only(at), page
    assert not _leaks(at, seeded)


@SQLITE_ONLY
@pytest.mark.parametrize("page", ["pages/staff_queue.py", "pages/staff_review.py"])
def test_a_made_up_session_token_is_not_a_session(seeded, page):
    at = cold(page)
    at.session_state["staff-token"] = "made-up-token"
    at.session_state["staff-review-ref"] = seeded
    at.run()
    assert shows_sign_in_only(at)
    assert not _leaks(at, seeded)


def test_every_staff_page_in_the_app_asks_a_visitor_to_sign_in(seeded):
    at = app().run()
    for page in STAFF_PAGES:
        at.switch_page(page).run()
        assert shows_sign_in_only(at), page
        assert not _leaks(at, seeded)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_intake_user_is_refused_admin_pages_and_the_attempt_is_audited(seeded, page):
    member, _ = make_staff()
    at = signed_in(member, page)
    assert not at.exception
    assert any("administrators only" in e.value for e in at.error)
    assert not at.dataframe and not at.text_input
    assert at.button(key="staff-signout")
    with read_session() as session:
        refused = browse(session, {"action": "access_denied"}).rows
    assert [(r.actor, r.target) for r in refused] == [(str(member.id), f"page:{page[6:-3]}")]


def test_intake_user_is_refused_an_admin_page_run_cold(seeded):
    member, _ = make_staff()
    from intake.auth import start_session

    with write_session() as session:
        token = start_session(session, member)
    at = cold("pages/staff_accounts.py")
    at.session_state["staff-token"] = token
    at.run()
    assert any("administrators only" in e.value for e in at.error)
    assert not at.dataframe


def test_admin_opens_admin_pages(seeded):
    admin, _ = make_staff("lead@example.org", "admin")
    for page in ADMIN_PAGES:
        at = signed_in(admin, page)
        assert not at.exception and not at.error
        assert at.dataframe or at.metric, page  # a table, or (alerts, before any) the outbox's counts


def _member(role: str) -> StaffView:
    from datetime import UTC, datetime

    return StaffView(1, "x@example.org", role, True, False, None, datetime(2026, 1, 1, tzinfo=UTC))


def test_menu_lists_staff_pages_only_for_signed_in_staff_and_admin_pages_only_for_admins():
    def shown(staff):
        return [title for _path, title, _icon, _url, visible in staff_entries(staff) if visible]

    assert shown(None) == []  # participants see no staff entry; the welcome page links to sign-in
    assert shown(_member("intake")) == ["Queue", "Screen review", "Insights"]
    assert shown(_member("admin")) == [
        "Queue",
        "Screen review",
        "Insights",
        "Audit log",
        "Staff accounts",
        "Alerts",
    ]
    # Every staff page stays routable (hidden), so a link lands on the page's own guard.
    assert [e[0] for e in staff_entries(None)] == list(STAFF_PAGES)
    assert callable(pages_for_visitor) and STAFF_SECTION

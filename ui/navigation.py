"""Which pages a visitor sees: participants always; staff pages only once signed in.

Staff pages are registered for everyone but hidden from the menu unless the visitor may use them,
so a link to one still lands on that page's own guard (the sign-in form, or a refusal for a
non-admin) rather than on the welcome page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from intake.staff import StaffView
from intake.vocab import Role
from ui import texts
from ui.i18n import localize, visitor_language
from ui.staff.auth import current_staff
from ui.staff.state import StaffPage, staff_state

PARTICIPANT_PAGES = [
    ("pages/welcome.py", ":material/home:", "welcome"),
    ("pages/screen.py", ":material/checklist:", "screen"),
    ("pages/levels_of_care.py", ":material/stairs:", "levels_of_care"),
    ("pages/families.py", ":material/diversity_3:", "families"),
]
STAFF_SIGN_IN = ("pages/staff_signin.py", "Staff sign-in", ":material/login:", StaffPage.SIGNIN)
# (path, title, icon, url path, role needed); url paths match the file names Streamlit serves cold.
STAFF_PAGES = [
    ("pages/staff_queue.py", "Queue", ":material/inbox:", StaffPage.QUEUE, Role.INTAKE),
    ("pages/staff_review.py", "Screen review", ":material/assignment:", StaffPage.REVIEW, Role.INTAKE),
    ("pages/staff_insights.py", "Insights", ":material/monitoring:", StaffPage.INSIGHTS, Role.INTAKE),
    ("pages/staff_audit.py", "Audit log", ":material/policy:", StaffPage.AUDIT, Role.ADMIN),
    (
        "pages/staff_accounts.py",
        "Staff accounts",
        ":material/manage_accounts:",
        StaffPage.ACCOUNTS,
        Role.ADMIN,
    ),
    ("pages/staff_alerts.py", "Alerts", ":material/notifications:", StaffPage.ALERTS, Role.ADMIN),
]
STAFF_SECTION = "Intake staff"
STAFF_PATHS = {StaffPage(entry[3]): entry[0] for entry in (STAFF_SIGN_IN, *STAFF_PAGES)}
STAFF_URLS = {page.value for page in STAFF_PATHS}


def staff_entries(staff: StaffView | None) -> list[tuple[str, str, str, str, bool]]:
    """(path, title, icon, url path, shown in the menu) of every staff page, for this visitor."""
    # The sign-in page stays out of the menu: people answering the screen need no staff entry
    # in their way. Staff reach it by the link at the foot of the welcome page, or by its URL.
    path, title, icon, url = STAFF_SIGN_IN
    entries: list[tuple[str, str, str, str, bool]] = [(path, title, icon, url, False)]
    for path, title, icon, url, role in STAFF_PAGES:
        allowed = staff is not None and (role is not Role.ADMIN or staff.is_admin)
        entries.append((path, title, icon, url, allowed))
    return entries


def pages_for_visitor() -> dict[str, list]:
    titles = localize(texts.PAGE_TITLES, visitor_language())
    pages = [
        st.Page(path, title=titles[url], icon=icon, url_path=url, default=(url == "welcome"))
        for path, icon, url in PARTICIPANT_PAGES
    ]
    staff = [
        st.Page(path, title=title, icon=icon, url_path=url, visibility="visible" if shown else "hidden")
        for path, title, icon, url, shown in staff_entries(current_staff())
    ]
    return {"": pages, STAFF_SECTION: staff}


def land_after_sign_in(page: StreamlitPage) -> None:
    """After the clinic's sign-in, on to the queue (or to the sign-in form, which says why not):
    Streamlit's callback returns every sign-in to the site's root, the participants' welcome
    page, no place for staff to start. A sign-in that began on a staff page stays there."""
    landing = staff_state().take_landing()
    if landing is not None and page.url_path not in STAFF_URLS:
        st.switch_page(STAFF_PATHS[landing])

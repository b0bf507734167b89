"""The audit log for administrators: filters, newest first, keyset paging (intake.audit.browse)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from intake.audit import AuditFilters, browse
from intake.db import read_session
from intake.staff import list_staff
from ui import staff_text as t

PAGE_SIZE = 100
CURSORS = "audit-cursors"
ACTIONS = (
    "access_denied",
    "account_locked",
    "assign",
    "contact_view",
    "export",
    "import",
    "login",
    "login_failed",
    "logout",
    "note_added",
    "password_reset",
    "purge",
    "screen_submitted",
    "screen_view",
    "session_expired",
    "staff_added",
    "staff_disabled",
    "status_change",
    "totp_enrolled",
    "totp_enrolment_shown",
)


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=UTC)


def filters_form(emails: dict[str, str]) -> AuditFilters:
    cols = st.columns(5)
    actor = cols[0].selectbox(
        "Who",
        [None, "system", "cli", *emails],
        format_func=lambda v: "Anyone" if v is None else emails.get(v, v),
        key="audit-actor",
    )
    action = cols[1].selectbox(
        "Action",
        [None, *ACTIONS],
        format_func=lambda v: "Any" if v is None else v,
        key="audit-action",
        accept_new_options=True,
    )
    target = cols[2].text_input("Target", key="audit-target", placeholder="IOP-7KQ4-M2XD or staff:3")
    since = cols[3].date_input("From", value=None, key="audit-from", format="YYYY-MM-DD")
    until = cols[4].date_input("Until", value=None, key="audit-until", format="YYYY-MM-DD")
    return AuditFilters(
        actor=actor,
        action=action or None,
        target=target.strip() or None,
        since=_day_start(since),
        until=None if until is None else _day_start(until + timedelta(days=1)),
    )


def _who(actor: str, emails: dict[str, str]) -> str:
    return emails.get(actor, actor)


def audit_table() -> None:
    with read_session() as session:
        emails = {str(m.id): m.email for m in list_staff(session)}
    filters = filters_form(emails)
    state = st.session_state.get(CURSORS)
    if state is None or state["filters"] != filters:
        state = {"filters": filters, "stack": [None]}
        st.session_state[CURSORS] = state
    with read_session() as session:
        page = browse(session, filters, before=state["stack"][-1], page_size=PAGE_SIZE)
    if not page.rows:
        st.info("No entries match these filters.")
    else:
        frame = pd.DataFrame(
            [
                (
                    r.id,
                    t.when(r.at),
                    _who(r.actor, emails),
                    r.action,
                    r.target or "",
                    ", ".join(f"{k}={v}" for k, v in sorted(r.detail.items())),
                )
                for r in page.rows
            ],
            columns=["#", "When", "Who", "Action", "Target", "Details"],
        )
        st.dataframe(frame, hide_index=True, key="audit-table")
    cols = st.columns([1, 1, 4])
    if cols[0].button("Newer", key="audit-newer", disabled=len(state["stack"]) <= 1):
        state["stack"].pop()
        st.rerun()
    if cols[1].button("Older", key="audit-older", disabled=not page.has_next):
        state["stack"].append(page.next_before)
        st.rerun()
    cols[2].caption(f"Page {len(state['stack'])}, newest first, {PAGE_SIZE} a page.")

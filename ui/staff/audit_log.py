"""The audit log for administrators: filters, newest first, keyset paging; the filters and the
page shown live in the address (``ui.staff.paging``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from intake.audit import AuditFilters, AuditPage
from intake.usecases import audit_log
from intake.vocab import Actor, AuditAction
from ui.staff import text as t
from ui.staff.paging import Pager

PAGE_SIZE = 100
PAGER = Pager("audit-page", previous=("Newer", "audit-newer"), next=("Older", "audit-older"))
ACTIONS = tuple(AuditAction)


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=UTC)


def filters_form(emails: dict[str, str]) -> AuditFilters:
    cols = st.columns(5)
    actor = cols[0].selectbox(
        "Who",
        [None, Actor.SYSTEM, Actor.CLI, *emails],
        format_func=lambda v: "Anyone" if v is None else emails.get(v, v),
        key="audit-actor",
        **PAGER.filter_widget,
    )
    action = cols[1].selectbox(
        "Action",
        [None, *ACTIONS],
        format_func=lambda v: "Any" if v is None else v,
        key="audit-action",
        accept_new_options=True,
        **PAGER.filter_widget,
    )
    target = cols[2].text_input(
        "Target", key="audit-target", placeholder="IOP-7KQ4-M2XD or staff:3", **PAGER.filter_widget
    )
    since = cols[3].date_input(
        "From", value=None, key="audit-from", format="YYYY-MM-DD", **PAGER.filter_widget
    )
    until = cols[4].date_input(
        "Until", value=None, key="audit-until", format="YYYY-MM-DD", **PAGER.filter_widget
    )
    return AuditFilters(
        actor=actor,
        action=action or None,
        target=target.strip() or None,
        since=_day_start(since),
        until=None if until is None else _day_start(until + timedelta(days=1)),
    )


def _who(actor: str, emails: dict[str, str]) -> str:
    return emails.get(actor, actor)


def _page(filters: AuditFilters, cursor: str | None) -> AuditPage:
    # A cursor is an entry id; int() refuses one edited into nonsense (back to the first page).
    return audit_log.entries(filters, before=None if cursor is None else int(cursor), page_size=PAGE_SIZE)


def audit_table() -> None:
    emails = audit_log.actor_emails()
    filters = filters_form(emails)
    page = PAGER.load(lambda cursor: _page(filters, cursor))
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
    PAGER.controls(
        next_cursor=page.next_before, caption=f"Page {PAGER.number()}, newest first, {PAGE_SIZE} a page."
    )


def audit_page() -> None:
    st.title("Audit log")
    st.caption("Who did what to which record. Never answers, notes or contact details.")
    audit_table()

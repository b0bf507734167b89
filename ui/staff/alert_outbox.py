"""The Alerts page's outbox: every alert, newest first, a page at a time, with a state filter;
the filter and the page shown live in the address (``ui.staff.paging``). Selecting a row that
names a screen opens its review (which counts as opening it: its escalation stops)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from intake import Unavailable
from intake.usecases import alerts
from intake.usecases.alerts import AlertRow, AlertsPage
from intake.vocab import AlertState
from ui import labels
from ui.staff import text as t
from ui.staff.auth import DB_DOWN
from ui.staff.paging import Pager
from ui.staff.queue import open_review
from ui.staff.state import StaffState

PAGE_SIZE = 50
PAGER = Pager("alerts-page", previous=("Newer", "alerts-newer"), next=("Older", "alerts-older"))
COLUMNS = [
    "Queued at",
    "Kind",
    "Reference",
    "Channel",
    "To",
    "State",
    "Attempts",
    "Next try / sent at",
    "Last error",
]


def state_filter() -> AlertState | None:
    chosen = st.selectbox(
        "State",
        [None, *AlertState],
        format_func=lambda v: "Any" if v is None else labels.label(labels.ALERT_STATES, v),
        key="alerts-state",
        **PAGER.filter_widget,
    )
    return None if chosen is None else AlertState(chosen)


def _next_or_sent(row: AlertRow) -> str:
    if row.state is AlertState.SENT:
        return t.when(row.sent_at)
    if row.state is AlertState.GIVEN_UP:
        return ""
    return t.when(row.next_attempt_at)


def outbox_frame(rows: list[AlertRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                t.when(r.created_at),
                labels.label(labels.ALERT_KINDS, r.kind),
                r.reference or "",
                labels.label(labels.CHANNELS, r.channel),
                r.shown_target,
                labels.label(labels.ALERT_STATES, r.state),
                r.attempts,
                _next_or_sent(r),
                r.last_error or "",
            )
            for r in rows
        ],
        columns=COLUMNS,
    )


def _page(state: AlertState | None, cursor: str | None) -> AlertsPage:
    # A cursor is an alert id; int() refuses one edited into nonsense (back to the first page).
    return alerts.alerts(state=state, before=None if cursor is None else int(cursor), page_size=PAGE_SIZE)


def outbox(staff_state: StaffState) -> None:
    st.subheader("Outbox")
    wanted = state_filter()
    try:
        page = PAGER.load(lambda cursor: _page(wanted, cursor))
    except Unavailable:
        st.error(DB_DOWN)
        return
    chosen = None
    if not page.rows:
        st.info("No alerts yet." if wanted is None else "No alerts in this state.")
    else:
        selection = st.dataframe(
            outbox_frame(page.rows),
            key="alerts-outbox",
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
        )
        picked = selection.selection.rows
        if picked and picked[0] < len(page.rows):
            chosen = page.rows[picked[0]].reference
        st.caption("Select a row with a reference to open that screen.")
    PAGER.controls(
        next_cursor=page.next_before, caption=f"Page {PAGER.number()}, newest first, {PAGE_SIZE} a page."
    )
    if chosen:
        open_review(staff_state, chosen)

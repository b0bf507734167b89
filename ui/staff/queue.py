"""The priority queue: filters, one page of screens at a time (keyset paging), opening a review,
and the CSV export of the filtered queue."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from intake import clock
from intake.codes import reference_search_prefix
from intake.queue import QueueFilters, ScreenSummary
from intake.settings import get_settings
from intake.staff import StaffView
from intake.usecases import queue
from intake.vocab import OPEN, OVERDUE_SHOWN, REFERENCE_LENGTH, WAITING
from ui import labels
from ui.staff import text as t
from ui.staff.auth import StaffContext
from ui.staff.paging import Pager
from ui.staff.state import StaffState

PAGE_SIZE = 50
REVIEW_PAGE = "pages/staff_review.py"
# Filters and cursors live in the address: a view of the queue can be bookmarked and shared.
PAGER = Pager("queue-page", previous=("Previous page", "queue-previous"), next=("Next page", "queue-next"))


def open_review(state: StaffState, reference: str) -> None:
    """Show this screen on the review page (its viewing is audited there, once per opening)."""
    state.open_review(reference)
    st.switch_page(REVIEW_PAGE)


def filter_widgets(staff: StaffView) -> QueueFilters:
    cols = st.columns([3, 2, 2, 2, 2])
    status = cols[0].multiselect(
        "Status (none chosen: all)",
        list(labels.STATUSES),
        default=list(OPEN),
        format_func=labels.STATUSES.__getitem__,
        key="queue-status",
        **PAGER.filter_widget,
    )
    disposition = cols[1].selectbox(
        "Suggestion",
        [None, *labels.DISPOSITIONS],
        format_func=lambda v: "Any" if v is None else labels.DISPOSITIONS[v],
        key="queue-suggestion",
        **PAGER.filter_widget,
    )
    flag = cols[2].selectbox(
        "Flag",
        [None, *labels.ALL_FLAGS],
        format_func=lambda v: "Any" if v is None else labels.ALL_FLAGS[v],
        key="queue-flag",
        **PAGER.filter_widget,
    )
    respondent = cols[3].selectbox(
        "Answered by",
        [None, *labels.RESPONDENTS],
        format_func=lambda v: "Anyone" if v is None else labels.RESPONDENTS[v],
        key="queue-respondent",
        **PAGER.filter_widget,
    )
    language = cols[4].selectbox(
        "Language",
        [None, *labels.LANGUAGES],
        format_func=lambda v: "Any" if v is None else labels.LANGUAGES[v],
        key="queue-language",
        **PAGER.filter_widget,
    )
    cols = st.columns([2, 2, 3, 2])
    since = cols[0].date_input(
        "Submitted from", value=None, key="queue-from", format="YYYY-MM-DD", **PAGER.filter_widget
    )
    until = cols[1].date_input(
        "Submitted until", value=None, key="queue-until", format="YYYY-MM-DD", **PAGER.filter_widget
    )
    reference = cols[2].text_input(
        "Reference",
        key="queue-reference",
        placeholder="IOP-7KQ4-M2XD, or its start",
        max_chars=20,
        **PAGER.filter_widget,
    )
    cols[3].write("")
    mine = cols[3].checkbox(
        "Only mine", key="queue-mine", help="Screens assigned to you", **PAGER.filter_widget
    )
    return QueueFilters(
        status=status or None,
        disposition=disposition,
        flag=flag,
        respondent=respondent,
        language=language,
        assigned_to=staff.id if mine else None,
        submitted_from=since,
        submitted_until=until,
        reference=reference.strip() or None,
    )


def _waiting(row: ScreenSummary, now: datetime) -> str:
    if row.status in WAITING and row.first_contact_at is None:
        return t.duration(now - row.submitted_at)
    return ""


def queue_frame(rows: list[ScreenSummary], now: datetime) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Reference": [r.reference for r in rows],
            "Priority": [labels.priority(r.priority) for r in rows],
            "Overdue": [r.overdue for r in rows],
            "Suggestion": [labels.label(labels.DISPOSITIONS, r.disposition) for r in rows],
            "Flags": [", ".join(labels.label(labels.ALL_FLAGS, f) for f in r.flags) for r in rows],
            "Partial": [r.partial for r in rows],
            "Answered by": [labels.label(labels.RESPONDENTS, r.respondent) for r in rows],
            "Language": [labels.label(labels.LANGUAGES, r.language) for r in rows],
            "Status": [labels.label(labels.STATUSES, r.status) for r in rows],
            "Submitted": [t.when(r.submitted_at) for r in rows],
            "Waiting": [_waiting(r, now) for r in rows],
            "Assigned to": [r.assigned_email or "" for r in rows],
        },
        columns=[
            "Reference",
            "Priority",
            "Overdue",
            "Suggestion",
            "Flags",
            "Partial",
            "Answered by",
            "Language",
            "Status",
            "Submitted",
            "Waiting",
            "Assigned to",
        ],
    )


def _highlight(row: pd.Series) -> list[str]:
    style = "background-color: #f8d7da; color: #58151c; font-weight: 600" if row["Overdue"] else ""
    return [style] * len(row)


def overdue_banner(now: datetime) -> None:
    late = queue.overdue(now, limit=OVERDUE_SHOWN)
    if late:
        minutes = get_settings().iop_urgent_wait_minutes
        listed = ", ".join(r.reference for r in late)
        more = f" (showing the first {OVERDUE_SHOWN})" if len(late) == OVERDUE_SHOWN else ""
        with st.container(key="queue-overdue"):
            st.error(
                f"**{len(late)} urgent screen(s) waiting longer than {minutes} minutes{more}:** {listed}",
                icon=":material/alarm:",
            )


def queue_table(state: StaffState, filters: QueueFilters, now: datetime) -> None:
    page = PAGER.load(lambda after: queue.queue_page(filters, after=after, page_size=PAGE_SIZE, now=now))
    chosen = None
    if not page.rows:
        st.info("No screens match these filters.")
    else:
        frame = queue_frame(page.rows, now)
        selection = st.dataframe(
            frame.style.apply(_highlight, axis=1),
            key="queue-table",
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "Overdue": st.column_config.CheckboxColumn("Overdue", help="Urgent and waiting too long"),
                "Partial": st.column_config.CheckboxColumn(
                    "Partial", help="Stopped early at a safety answer"
                ),
            },
        )
        rows = selection.selection.rows
        if rows and rows[0] < len(page.rows):
            chosen = page.rows[rows[0]].reference
        st.caption("Select a row to open the screen.")
    PAGER.controls(
        next_cursor=page.next_after if page.has_next else None,
        caption=f"Page {PAGER.number()}, {len(page.rows)} screen(s), most urgent first, then oldest first.",
    )
    if chosen:
        open_review(state, chosen)


def open_by_reference(state: StaffState) -> None:
    cols = st.columns([3, 1], vertical_alignment="bottom")
    typed = cols[0].text_input("Open a screen by its reference", key="queue-open-ref", max_chars=20)
    if cols[1].button("Open review", key="queue-open"):
        wanted = reference_search_prefix(typed or "")
        if len(wanted) != REFERENCE_LENGTH:
            st.error("Enter the whole reference, like IOP-7KQ4-M2XD.")
        else:
            open_review(state, wanted)


def queue_csv(
    staff: StaffView, filters: QueueFilters, *, with_contact: bool, exported_at: datetime
) -> tuple[bytes, int]:
    """The filtered queue as CSV (audited); contact details only for an admin who asks."""
    return queue.export_csv(staff, filters, with_contact=with_contact, now=exported_at)


def export_section(staff: StaffView, filters: QueueFilters) -> None:
    with st.expander("Export the filtered queue (CSV)"):
        with_contact = False
        if staff.is_admin:
            with_contact = st.checkbox(
                "Include contact details (names, phones, emails)",
                key="queue-export-contact",
                help="Only administrators can. The export is recorded in the audit log.",
            )
        else:
            st.caption("The export is de-identified: no names, phones or emails.")
        if st.button("Prepare CSV", key="queue-export", icon=":material/download:"):
            exported_at = clock.utcnow()
            data, count = queue_csv(staff, filters, with_contact=with_contact, exported_at=exported_at)
            kind = "identified" if with_contact else "deidentified"
            st.download_button(
                f"Download {count} screen(s)",
                data=data,
                file_name=f"iop-queue-{kind}-{t.stamp(exported_at)}.csv",
                mime="text/csv",
                key="queue-download",
                on_click="ignore",
                type="primary",
            )


def render_queue(ctx: StaffContext) -> None:
    now = clock.utcnow()
    st.title("Intake queue")
    overdue_banner(now)
    open_by_reference(ctx.state)
    filters = filter_widgets(ctx.member)
    queue_table(ctx.state, filters, now)
    export_section(ctx.member, filters)

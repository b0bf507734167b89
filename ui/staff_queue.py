"""The priority queue: filters, one page of screens at a time (keyset paging), opening a review,
and the CSV export of the filtered queue."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd
import streamlit as st

from intake import clock, exchange
from intake.codes import reference_search_prefix
from intake.db import read_session
from intake.screens import WAITING, QueueFilters, ScreenSummary, overdue_urgent, queue_page
from intake.settings import get_settings
from intake.staff import StaffView
from ui import staff_auth
from ui import staff_text as t

PAGE_SIZE = 50
REVIEW_PAGE = "pages/staff_review.py"
REVIEW_REF = "staff-review-ref"
REVIEW_VIEWED = staff_auth.REVIEW_VIEWED
CURSORS = "queue-cursors"
OPEN_STATUSES = ["new", "in_review", "contacted", "scheduled"]
REFERENCE_LENGTH = len("IOP-XXXX-XXXX")


def open_review(reference: str) -> None:
    """Show this screen on the review page (its viewing is audited there, once per opening)."""
    st.session_state[REVIEW_REF] = reference
    st.session_state.pop(REVIEW_VIEWED, None)
    st.switch_page(REVIEW_PAGE)


def filter_widgets(staff: StaffView) -> QueueFilters:
    cols = st.columns([3, 2, 2, 2])
    status = cols[0].multiselect(
        "Status (none chosen: all)",
        list(t.STATUSES),
        default=OPEN_STATUSES,
        format_func=t.STATUSES.__getitem__,
        key="queue-status",
    )
    disposition = cols[1].selectbox(
        "Suggestion",
        [None, *t.DISPOSITIONS],
        format_func=lambda v: "Any" if v is None else t.DISPOSITIONS[v],
        key="queue-suggestion",
    )
    flag = cols[2].selectbox(
        "Flag",
        [None, *t.ALL_FLAGS],
        format_func=lambda v: "Any" if v is None else t.ALL_FLAGS[v],
        key="queue-flag",
    )
    respondent = cols[3].selectbox(
        "Answered by",
        [None, *t.RESPONDENTS],
        format_func=lambda v: "Anyone" if v is None else t.RESPONDENTS[v],
        key="queue-respondent",
    )
    cols = st.columns([2, 2, 3, 2])
    since = cols[0].date_input("Submitted from", value=None, key="queue-from", format="YYYY-MM-DD")
    until = cols[1].date_input("Submitted until", value=None, key="queue-until", format="YYYY-MM-DD")
    reference = cols[2].text_input(
        "Reference", key="queue-reference", placeholder="IOP-7KQ4-M2XD, or its start", max_chars=20
    )
    cols[3].write("")
    mine = cols[3].checkbox("Only mine", key="queue-mine", help="Screens assigned to you")
    return QueueFilters(
        status=status or None,
        disposition=disposition,
        flag=flag,
        respondent=respondent,
        assigned_to=staff.id if mine else None,
        submitted_from=since,
        submitted_until=until,
        reference=reference.strip() or None,
    )


def _cursor(filters: QueueFilters) -> str | None:
    """The keyset cursor of the page shown; back to the first page whenever the filters change."""
    state = st.session_state.get(CURSORS)
    if state is None or state["filters"] != filters:
        state = {"filters": filters, "stack": [None]}
        st.session_state[CURSORS] = state
    return state["stack"][-1]


def _next_page(after: str) -> None:
    st.session_state[CURSORS]["stack"].append(after)


def _previous_page() -> None:
    stack = st.session_state[CURSORS]["stack"]
    if len(stack) > 1:
        stack.pop()


def _waiting(row: ScreenSummary, now: datetime) -> str:
    if row.status in WAITING and row.first_contact_at is None:
        return t.duration(now - row.submitted_at)
    return ""


def queue_frame(rows: list[ScreenSummary], now: datetime) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Reference": [r.reference for r in rows],
            "Priority": [t.PRIORITIES.get(r.priority, str(r.priority)) for r in rows],
            "Overdue": [r.overdue for r in rows],
            "Suggestion": [t.DISPOSITIONS.get(r.disposition, r.disposition) for r in rows],
            "Flags": [", ".join(t.ALL_FLAGS.get(f, f) for f in r.flags) for r in rows],
            "Partial": [r.partial for r in rows],
            "Answered by": [t.RESPONDENTS.get(r.respondent, r.respondent) for r in rows],
            "Status": [t.STATUSES.get(r.status, r.status) for r in rows],
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
            "Status",
            "Submitted",
            "Waiting",
            "Assigned to",
        ],
    )


def _highlight(row: pd.Series) -> list[str]:
    style = "background-color: #f8d7da; color: #58151c; font-weight: 600" if row["Overdue"] else ""
    return [style] * len(row)


def _on_select(references: list[str]) -> None:
    selection = st.session_state.get("queue-table")
    rows = selection.selection.rows if selection is not None else []
    if rows and rows[0] < len(references):
        st.session_state["queue-open-selected"] = references[rows[0]]


def overdue_banner(now: datetime) -> None:
    with read_session() as session:
        late = overdue_urgent(session, now=now, limit=20)
    if late:
        minutes = get_settings().iop_urgent_wait_minutes
        listed = ", ".join(r.reference for r in late)
        more = " (showing the first 20)" if len(late) == 20 else ""
        with st.container(key="queue-overdue"):
            st.error(
                f"**{len(late)} urgent screen(s) waiting longer than {minutes} minutes{more}:** {listed}",
                icon=":material/alarm:",
            )


def queue_table(filters: QueueFilters, now: datetime) -> None:
    after = _cursor(filters)
    with read_session() as session:
        page = queue_page(session, filters, page_size=PAGE_SIZE, after=after, now=now)
    references = [r.reference for r in page.rows]
    if not page.rows:
        st.info("No screens match these filters.")
    else:
        frame = queue_frame(page.rows, now)
        st.dataframe(
            frame.style.apply(_highlight, axis=1),
            key="queue-table",
            hide_index=True,
            on_select=lambda: _on_select(references),
            selection_mode="single-row",
            column_config={
                "Overdue": st.column_config.CheckboxColumn("Overdue", help="Urgent and waiting too long"),
                "Partial": st.column_config.CheckboxColumn(
                    "Partial", help="Stopped early at a safety answer"
                ),
            },
        )
        st.caption("Select a row to open the screen.")
    stack = st.session_state[CURSORS]["stack"]
    cols = st.columns([1, 1, 4])
    cols[0].button("Previous page", key="queue-previous", on_click=_previous_page, disabled=len(stack) <= 1)
    cols[1].button(
        "Next page",
        key="queue-next",
        on_click=_next_page,
        args=(page.next_after,),
        disabled=not page.has_next,
    )
    cols[2].caption(f"Page {len(stack)}, {len(page.rows)} screen(s), most urgent first, then oldest first.")
    chosen = st.session_state.pop("queue-open-selected", None)
    if chosen:
        open_review(chosen)


def open_by_reference() -> None:
    cols = st.columns([3, 1], vertical_alignment="bottom")
    typed = cols[0].text_input("Open a screen by its reference", key="queue-open-ref", max_chars=20)
    if cols[1].button("Open review", key="queue-open"):
        wanted = reference_search_prefix(typed or "")
        if len(wanted) != REFERENCE_LENGTH:
            st.error("Enter the whole reference, like IOP-7KQ4-M2XD.")
        else:
            open_review(wanted)


def _with_export_time(text: str, exported_at: datetime) -> str:
    """Add an exported_at column, so each download is a different file (Streamlit serves downloads
    by content hash, without a session check)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(csv.reader(io.StringIO(text))):
        writer.writerow([*row, "exported_at" if number == 0 else exported_at.isoformat()])
    return out.getvalue()


def queue_csv(
    staff: StaffView, filters: QueueFilters, *, with_contact: bool, exported_at: datetime
) -> tuple[bytes, int]:
    """The filtered queue as CSV (audited by ``exchange``); contact details only for an admin who asks."""
    out = io.StringIO()
    count = exchange.export_csv(
        None, out, with_contact=with_contact and staff.is_admin, filters=filters, actor=staff
    )
    return _with_export_time(out.getvalue(), exported_at).encode("utf-8"), count


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

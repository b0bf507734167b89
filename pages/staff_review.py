"""Intake staff: one screen in full, its contact details on request, and its follow-up."""

import streamlit as st

from intake import clock
from intake.codes import reference_search_prefix
from intake.db import read_session, write_session
from intake.screens import get_screen
from ui.staff_auth import require_staff, staff_page_setup
from ui.staff_queue import REVIEW_REF, REVIEW_VIEWED
from ui.staff_review import (
    render_answers,
    render_assignment,
    render_contact,
    render_fhir_export,
    render_notes,
    render_result,
    render_status,
    render_summary,
    show_flash,
)


def _on_open() -> None:
    typed = st.session_state.get("review-open-ref") or ""
    if typed.strip():
        st.session_state[REVIEW_REF] = reference_search_prefix(typed)
        st.session_state.pop(REVIEW_VIEWED, None)


def main() -> None:
    staff_page_setup("Screen review")
    staff = require_staff()
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Reference", key="review-open-ref", max_chars=20, placeholder="IOP-7KQ4-M2XD")
        st.button("Open", key="review-open", on_click=_on_open)
    reference = st.session_state.get(REVIEW_REF)
    if not reference:
        st.info("Choose a screen in the queue, or enter its reference above.")
        return
    now = clock.utcnow()
    # Each opening of a screen is audited once (screen_view), not every rerun on the page.
    first_look = st.session_state.get(REVIEW_VIEWED) != reference
    if first_look:
        with write_session() as session:
            detail = get_screen(session, reference, viewer=staff, now=now)
    else:
        with read_session() as session:
            detail = get_screen(session, reference, now=now)
    if detail is None:
        st.error(f"There is no screen with the reference {reference}.")
        return
    st.session_state[REVIEW_VIEWED] = reference
    show_flash()
    render_summary(detail, now)
    main_col, side_col = st.columns([3, 2], gap="large")
    with side_col:
        render_contact(staff, detail)
        render_status(staff, detail)
        render_assignment(staff, detail)
        render_notes(staff, detail)
        render_fhir_export(staff, detail)
    with main_col:
        render_result(detail)
        render_answers(detail)


main()

"""Intake staff: the priority queue of submitted screens (most urgent first, then oldest)."""

import streamlit as st

from intake import clock
from ui.staff_auth import require_staff, staff_page_setup
from ui.staff_queue import export_section, filter_widgets, open_by_reference, overdue_banner, queue_table


def main() -> None:
    staff_page_setup("Queue")
    staff = require_staff()
    now = clock.utcnow()
    st.title("Intake queue")
    overdue_banner(now)
    open_by_reference()
    filters = filter_widgets(staff)
    queue_table(filters, now)
    export_section(staff, filters)


main()

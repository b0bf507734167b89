"""Staff sign-in: the form, then on to the queue."""

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.staff.auth import current_staff, sign_in_form, staff_header, staff_page_setup

QUEUE = "pages/staff_queue.py"


def main() -> None:
    staff_page_setup("Staff sign-in")
    staff = current_staff()
    if staff is None:
        sign_in_form()
        return
    try:
        st.switch_page(QUEUE)
    except StreamlitAPIException:  # run on its own, without the app's pages
        staff_header(staff)
        st.success("You are signed in.")


main()

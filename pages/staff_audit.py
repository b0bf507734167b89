"""Administrators: browse the append-only audit log, newest first, with filters."""

import streamlit as st

from ui.staff_audit import audit_table
from ui.staff_auth import require_staff, staff_page_setup


def main() -> None:
    staff_page_setup("Audit log")
    require_staff(role="admin")
    st.title("Audit log")
    st.caption("Who did what to which record. Never answers, notes or contact details.")
    audit_table()


main()

"""Administrators: staff accounts (list, add, disable, reset password) through intake.staff."""

import pandas as pd
import pyotp
import segno
import streamlit as st

from intake.crypto import UNREADABLE_TEXT
from intake.db import read_session, write_session
from intake.staff import (
    ISSUER,
    StaffNotFound,
    StaffView,
    add_staff,
    disable_staff,
    list_staff,
    reset_password,
)
from ui import staff_text as t
from ui.markup import plain
from ui.staff_auth import require_staff, staff_page_setup

FLASH = "staff-accounts-flash"


def _flash(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def second_factor(member: StaffView) -> str:
    # A secret written under another key is one broken account, not a broken page: say so here.
    if not member.secret_readable:
        return f"TOTP secret {UNREADABLE_TEXT}"
    return "yes" if member.totp_enrolled else "no"


def staff_table(members: list[StaffView]) -> None:
    frame = pd.DataFrame(
        [
            (
                m.email,
                t.ROLES.get(m.role, m.role),
                second_factor(m),
                m.disabled,
                t.when(m.locked_until),
                t.when(m.created_at),
            )
            for m in members
        ],
        columns=["Email", "Role", "Second factor set up", "Disabled", "Locked until", "Added"],
    )
    st.dataframe(frame, hide_index=True, key="staff-table")


def show_new_secret(email: str, secret: str) -> None:
    """Shown once, right after adding: the new member can also set up at first sign-in."""
    st.success(f"Added {plain(email)}.")  # alerts are Markdown: the address is shown as text
    with st.container(border=True, key="staff-new-secret"):
        st.markdown(
            "**Their authenticator key, shown this once.** Give it to them privately, or let them scan "
            "the QR code they get at their first sign-in."
        )
        st.code(" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), language=None)
        uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
        svg = segno.make(uri, error="m").svg_inline(scale=4, light="#ffffff")
        st.image(svg, width=180, alt="Authenticator QR code")


def add_form(admin: StaffView) -> None:
    st.subheader("Add a staff member")
    with st.form("staff-add-form", clear_on_submit=True):
        email = st.text_input("Work email", key="staff-add-email", max_chars=254)
        role = st.selectbox("Role", list(t.ROLES), format_func=t.ROLES.__getitem__, key="staff-add-role")
        password = st.text_input(
            "First password",
            type="password",
            key="staff-add-password",
            help="At least 15 characters; a few unrelated words work well.",
        )
        submitted = st.form_submit_button("Add", key="staff-add-submit", type="primary")
    if not submitted:
        return
    try:
        with write_session() as session:
            member, secret = add_staff(session, email, role, password, actor=admin)
    except ValueError as exc:  # not an email, already a member, or a weak password
        st.error(plain(exc))  # it quotes what was typed
        return
    show_new_secret(member.email, secret)


def disable_form(admin: StaffView, members: list[StaffView]) -> None:
    st.subheader("Disable an account")
    active = [m.email for m in members if not m.disabled and m.id != admin.id]
    with st.form("staff-disable-form"):
        who = st.selectbox("Staff member", active, index=None, key="staff-disable-who")
        sure = st.checkbox("They can no longer sign in; their open sessions end now.", key="staff-disable-ok")
        submitted = st.form_submit_button("Disable", key="staff-disable-submit")
    if not submitted:
        return
    if who is None or not sure:
        st.error("Choose a staff member and tick the box.")
        return
    try:
        with write_session() as session:
            disable_staff(session, who, actor=admin)
    except StaffNotFound as exc:
        st.error(plain(exc))  # it quotes what was typed
        return
    _flash(f"Disabled {plain(who)}.")


def reset_form(admin: StaffView, members: list[StaffView]) -> None:
    st.subheader("Reset a password")
    with st.form("staff-reset-form", clear_on_submit=True):
        who = st.selectbox("Staff member", [m.email for m in members], index=None, key="staff-reset-who")
        password = st.text_input("New password", type="password", key="staff-reset-password")
        submitted = st.form_submit_button("Reset password", key="staff-reset-submit")
    if not submitted:
        return
    if who is None:
        st.error("Choose a staff member.")
        return
    try:
        with write_session() as session:
            reset_password(session, who, password, actor=admin)
    except (ValueError, StaffNotFound) as exc:
        st.error(plain(exc))  # it quotes what was typed
        return
    _flash(f"New password set for {plain(who)}; any lock-out is lifted and their sessions ended.")


def main() -> None:
    staff_page_setup("Staff accounts")
    admin = require_staff(role="admin")
    st.title("Staff accounts")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    add_form(admin)
    with read_session() as session:
        members = list_staff(session)
    staff_table(members)
    left, right = st.columns(2)
    with left:
        disable_form(admin, members)
    with right:
        reset_form(admin, members)


main()

"""Administrators' staff accounts page: the list, adding a member (their key shown once),
disabling an account and resetting a password, through ``intake.usecases.accounts``."""

from __future__ import annotations

import pandas as pd
import pyotp
import segno
import streamlit as st

from intake import clock
from intake.crypto import UNREADABLE_TEXT
from intake.staff import ISSUER, StaffNotFound, StaffView
from intake.usecases import accounts
from intake.vocab import EMAIL_MAX_CHARS
from ui import labels
from ui.markup import plain
from ui.staff import text as t
from ui.staff.auth import StaffContext


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
                labels.ROLES.get(m.role, m.role),
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
        email = st.text_input("Work email", key="staff-add-email", max_chars=EMAIL_MAX_CHARS)
        role = st.selectbox(
            "Role", list(labels.ROLES), format_func=labels.ROLES.__getitem__, key="staff-add-role"
        )
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
        member, secret = accounts.add(email, role, password, admin=admin, now=clock.utcnow())
    except ValueError as exc:  # not an email, already a member, or a weak password
        st.error(plain(exc))  # it quotes what was typed
        return
    show_new_secret(member.email, secret)


def disable_form(ctx: StaffContext, members: list[StaffView]) -> None:
    st.subheader("Disable an account")
    active = [m.email for m in members if not m.disabled and m.id != ctx.member.id]
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
        accounts.disable(who, admin=ctx.member, now=clock.utcnow())
    except StaffNotFound as exc:
        st.error(plain(exc))  # it quotes what was typed
        return
    ctx.state.flash(f"Disabled {plain(who)}.")


def reset_form(ctx: StaffContext, members: list[StaffView]) -> None:
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
        accounts.reset(who, password, admin=ctx.member, now=clock.utcnow())
    except (ValueError, StaffNotFound) as exc:
        st.error(plain(exc))  # it quotes what was typed
        return
    ctx.state.flash(f"New password set for {plain(who)}; any lock-out is lifted and their sessions ended.")


def accounts_page(ctx: StaffContext) -> None:
    st.title("Staff accounts")
    ctx.state.show_flash()
    add_form(ctx.member)
    members = accounts.accounts_page()
    staff_table(members)
    left, right = st.columns(2)
    with left:
        disable_form(ctx, members)
    with right:
        reset_form(ctx, members)

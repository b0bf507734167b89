"""The one guard every staff page calls first, the sign-in form it shows, and sign-out.

The session token lives only in ``st.session_state`` (server side); ``intake.auth.check_session``
decides on every run whether it is still good (30 idle minutes, 12 hours in all). A staff page
that Streamlit serves straight from pages/ on a cold server runs this guard too, so a visitor who
is not signed in sees the sign-in form and nothing else.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import segno
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from intake import audit, clock
from intake.auth import AuthFailed, authenticate, check_session, end_session, start_session
from intake.db import write_session
from intake.staff import StaffView, staff_for_email
from intake.staff_views import Enrolment, pending_enrolment
from ui import staff_text
from ui.markup import plain
from ui.setup import STAFF_FAVICON, check_settings, no_referrer

log = logging.getLogger(__name__)

TOKEN = "staff-token"  # noqa: S105  # nosec B105  # a session_state key, not a secret
VIA = "staff-via"
ENROLMENT = "staff-enrolment"
LOGIN_ERROR = "staff-login-error"
NOTICE = "staff-notice"
OIDC_DONE = "staff-oidc-done"
OIDC_LOGOUT = "staff-oidc-logout"
# Widget keys are a public contract (browser tests and automation use them).
EMAIL_KEY, PASSWORD_KEY, TOTP_KEY, SUBMIT_KEY = "login-email", "login-password", "login-totp", "login-submit"
SIGNOUT_KEY = "staff-signout"
REVIEW_VIEWED = "staff-review-viewed"
# An OpenID Connect identity older than this is not turned into a staff session without a fresh
# st.login(): Streamlit's identity cookie lasts 30 days, our sessions 12 hours at most.
OIDC_FRESH = timedelta(minutes=10)
# Page state that must not outlive a sign-out (another person may sign in next in this browser tab).
STAFF_STATE = (
    "staff-review-ref",
    REVIEW_VIEWED,
    "staff-review-flash",
    "queue-cursors",
    "audit-cursors",
    ENROLMENT,
)
DB_DOWN = "The staff database cannot be reached just now. Please try again in a moment."


def staff_page_setup(title: str) -> None:
    st.set_page_config(
        page_title=f"{title} · IOP intake",
        page_icon=STAFF_FAVICON,
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    no_referrer()
    check_settings(footer=False, database=True)


def oidc_configured() -> bool:
    """True when secrets have an ``[auth]`` section for st.login (OpenID Connect)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_provider() -> str | None:
    """None for a single provider configured directly in ``[auth]``; else the first named one."""
    try:
        section = st.secrets["auth"]
        if "client_id" in section:
            return None
        named = [name for name, value in section.items() if isinstance(value, Mapping)]
    except Exception:
        return None
    return named[0] if named else None


def current_staff() -> StaffView | None:
    """The signed-in staff member, checked against the server-side session, else None."""
    token = st.session_state.get(TOKEN)
    if not token:
        return _from_oidc()
    try:
        with write_session() as session:
            staff = check_session(session, token)
    except SQLAlchemyError:
        log.warning("staff session check failed")
        return None
    if staff is None:
        _forget(notice="Your session has ended. Please sign in again.")
    return staff


def _forget(*, notice: str) -> None:
    st.session_state.pop(TOKEN, None)
    if st.session_state.pop(VIA, None) == "oidc":
        # Clear the identity cookie too, so a reload does not sign the next person straight in.
        st.session_state[OIDC_DONE] = True
        st.session_state[OIDC_LOGOUT] = True
    for key in STAFF_STATE:
        st.session_state.pop(key, None)
    st.session_state[NOTICE] = notice


def _from_oidc() -> StaffView | None:
    """Map a fresh OpenID Connect sign-in to an active staff account by email, once per session."""
    if not oidc_configured() or st.session_state.get(OIDC_DONE):
        return None
    if not getattr(st.user, "is_logged_in", False):
        return None
    claims = st.user.to_dict()
    issued = claims.get("iat")
    now = clock.utcnow()
    if isinstance(issued, int | float) and now.timestamp() - issued > OIDC_FRESH.total_seconds():
        return None  # an old cookie: the sign-in form offers the clinic button again
    st.session_state[OIDC_DONE] = True
    email = claims.get("email")
    verified = claims.get("email_verified", True) not in (False, "false")
    try:
        with write_session() as session:
            member = staff_for_email(session, email) if isinstance(email, str) and verified else None
            if member is None:
                audit.record(session, "system", "login_failed", None, at=now, reason="oidc_no_staff_account")
            else:
                token = start_session(session, member, now=now)
                audit.record(session, member.id, "login", f"staff:{member.id}", at=now, method="oidc")
    except SQLAlchemyError:
        log.warning("staff sign-in (OpenID Connect) failed")
        st.session_state[LOGIN_ERROR] = DB_DOWN
        return None
    if member is None:
        st.session_state[LOGIN_ERROR] = (
            "Your clinic account is not linked to an active intake staff account. Ask an administrator."
        )
        st.session_state[OIDC_LOGOUT] = True
        return None
    st.session_state[TOKEN], st.session_state[VIA] = token, "oidc"
    return member


def _on_sign_in() -> None:
    """Form callback: runs before the page, so the page then draws for the signed-in member."""
    email = (st.session_state.get(EMAIL_KEY) or "").strip()
    password = st.session_state.get(PASSWORD_KEY) or ""
    code = "".join((st.session_state.get(TOTP_KEY) or "").split())
    st.session_state.pop(LOGIN_ERROR, None)
    enrolment = st.session_state.get(ENROLMENT)
    if enrolment is not None and enrolment.email != email.lower():
        st.session_state.pop(ENROLMENT, None)
    if not email or not password:
        st.session_state[LOGIN_ERROR] = "Enter your email and password."
        return
    try:
        with write_session() as session:
            if not code:
                enrolment = pending_enrolment(session, email, password)
                if enrolment is not None:
                    st.session_state[ENROLMENT] = enrolment
                    return
            staff = authenticate(session, email, password, code)
            token = start_session(session, staff)
    except AuthFailed as failed:
        st.session_state[LOGIN_ERROR] = str(failed)
        st.session_state[PASSWORD_KEY] = ""
        st.session_state[TOTP_KEY] = ""
        return
    except SQLAlchemyError:
        log.warning("staff sign-in failed")
        st.session_state[LOGIN_ERROR] = DB_DOWN
        return
    st.session_state[TOKEN], st.session_state[VIA] = token, "password"
    for key in (ENROLMENT, NOTICE):
        st.session_state.pop(key, None)
    st.session_state[PASSWORD_KEY] = ""
    st.session_state[TOTP_KEY] = ""


def _show_enrolment(enrolment: Enrolment) -> None:
    with st.container(border=True, key="totp-enrolment"):
        st.markdown("**Set up your second factor** (first sign-in only)")
        st.write(
            "Scan this QR code with an authenticator app on your phone (for example Google "
            "Authenticator, Microsoft Authenticator, FreeOTP or 1Password), or type in the key below. "
            "Then enter the 6-digit code the app shows and sign in again."
        )
        # An inline SVG data URI: the secret never becomes a /media/ file (those have no session check).
        svg = segno.make(enrolment.uri, error="m").svg_inline(scale=5, light="#ffffff")
        st.image(svg, width=220, alt="QR code for your authenticator app")
        secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
        st.caption("Key for typing in by hand (time-based, 6 digits, 30 seconds):")
        st.code(secret, language=None)


def sign_in_form() -> None:
    """The whole page a visitor without a valid staff session sees."""
    if st.session_state.pop(OIDC_LOGOUT, False):
        st.logout()
    st.title("Staff sign-in")
    st.caption("For the program's intake staff. Looking for the self-screen? Go to the Welcome page.")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice)
    error = st.session_state.get(LOGIN_ERROR)
    if error:
        st.error(error)
    enrolment = st.session_state.get(ENROLMENT)
    if enrolment is not None:
        _show_enrolment(enrolment)
    with st.form("staff-login-form", border=True):
        st.text_input("Work email", key=EMAIL_KEY, autocomplete="username", max_chars=254)
        st.text_input(
            "Password", key=PASSWORD_KEY, type="password", autocomplete="current-password", max_chars=1024
        )
        st.text_input(
            "6-digit code from your authenticator app",
            key=TOTP_KEY,
            autocomplete="one-time-code",
            max_chars=10,
            help="First sign-in? Leave this empty: you will get a QR code to set up your app.",
        )
        st.form_submit_button("Sign in", key=SUBMIT_KEY, type="primary", on_click=_on_sign_in)
    if oidc_configured():
        st.divider()
        if st.button("Sign in with your clinic account", key="login-oidc"):
            st.session_state.pop(OIDC_DONE, None)
            st.session_state.pop(LOGIN_ERROR, None)
            st.login(_oidc_provider())


def _on_sign_out() -> None:
    token = st.session_state.get(TOKEN)
    if token:
        try:
            with write_session() as session:
                end_session(session, token)
        except SQLAlchemyError:
            log.warning("staff sign-out could not end the session row")
    _forget(notice="You are signed out.")


def staff_header(staff: StaffView) -> None:
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(f"Signed in as {plain(staff.email)} ({staff_text.ROLES.get(staff.role, staff.role)})")
    right.button("Sign out", key=SIGNOUT_KEY, on_click=_on_sign_out, icon=":material/logout:")


def _calling_page() -> str:
    # The staff page file that called require_staff: the first frame above this module from one.
    for depth in (1, 2, 3):
        name = Path(sys._getframe(depth).f_code.co_filename).stem
        if name.startswith("staff_") and name != "staff_auth":
            return name
    return "unknown"


def require_staff(role: str | None = None) -> StaffView:
    """The signed-in member; otherwise show the sign-in form and stop the page. ``role="admin"``
    refuses (and audits) anyone else."""
    staff = current_staff()
    if staff is None:
        sign_in_form()
        st.stop()
    staff_header(staff)
    page = _calling_page()
    if page != "staff_review":
        # Leaving the review: opening a screen again is a new view, audited again.
        st.session_state.pop(REVIEW_VIEWED, None)
    if role == "admin" and not staff.is_admin:
        try:
            with write_session() as session:
                audit.record(session, staff, "access_denied", f"page:{page}", role=staff.role)
        except SQLAlchemyError:
            log.warning("could not audit a refused page")
        st.error("This page is for administrators only. The attempt has been recorded.")
        st.stop()
    return staff

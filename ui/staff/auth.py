"""The one guard every staff page calls first, the sign-in form it shows, and sign-out.

The session token lives only in the server-side staff state (``ui.staff.state``);
``intake.usecases.signin.check`` decides on every run whether it is still good (30 idle minutes,
12 hours in all, however the member signed in). A staff page that Streamlit serves straight from
pages/ on a cold server runs this guard too, so a visitor who is not signed in sees the sign-in
form and nothing else.

Single sign-on (``[auth]`` in secrets): a fresh identity from the clinic's provider, with an
email the provider verified, becomes a session of the active account with that email; the
provider's own sign-in (its MFA) stands in for our TOTP. Sign-out ends every session of the
member and Streamlit's identity cookie. With ``IOP_REQUIRE_SSO`` the clinic button is all the form offers.

``require_staff(page)`` hands the page its ``StaffContext``: the signed-in member and the state,
as FastAPI's dependencies hand a route its current user.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import segno
import streamlit as st

from intake import Unavailable, clock
from intake.auth import AuthFailed, PasswordSignInOff
from intake.enrolment import Enrolment
from intake.settings import get_settings
from intake.staff import StaffView
from intake.usecases import signin
from intake.vocab import EMAIL_MAX_CHARS, Role
from ui import labels
from ui.markup import plain
from ui.setup import STAFF_FAVICON, check_settings, no_referrer
from ui.sso import oidc_configured
from ui.staff.my_alerts import email_alerts_toggle
from ui.staff.state import StaffPage, StaffState, Via, staff_state

log = logging.getLogger(__name__)

# Widget keys are a public contract (browser tests and automation use them).
EMAIL_KEY, PASSWORD_KEY, TOTP_KEY, SUBMIT_KEY = "login-email", "login-password", "login-totp", "login-submit"
SIGNOUT_KEY = "staff-signout"
OIDC_BUTTON_KEY, OIDC_SIGNOUT_KEY = "login-oidc", "login-oidc-signout"
# An OpenID Connect identity older than this is not turned into a staff session without a fresh
# st.login(): Streamlit's identity cookie lasts 30 days, our sessions 12 hours at most, so only
# the sign-in that just happened may open one (an identity without an issue time never does).
OIDC_FRESH = timedelta(minutes=10)
# The provider's clock may run a little ahead of ours.
OIDC_CLOCK_SKEW = timedelta(minutes=2)
NOT_LINKED = "This clinic account is not linked to an active intake staff member. Ask an administrator."
NOT_VERIFIED = (
    "Your clinic account did not confirm that this email address is yours, so it cannot sign in "
    "here. Ask an administrator."
)
DB_DOWN = "The staff database cannot be reached just now. Please try again in a moment."
PASSWORD_MAX_CHARS = 1024
CODE_MAX_CHARS = 10


@dataclass(frozen=True)
class StaffContext:
    """What a staff page works with once the guard let it draw."""

    member: StaffView
    state: StaffState


def staff_page_setup(title: str) -> None:
    st.set_page_config(
        page_title=f"{title} · IOP intake",
        page_icon=STAFF_FAVICON,
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    no_referrer()
    check_settings(footer=False, database=True)


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
    state = staff_state()
    token = state.token
    if token is None:
        return _from_oidc(state)
    try:
        staff = signin.check(token, now=clock.utcnow())
    except Unavailable:
        log.warning("staff session check failed")
        return None
    if staff is None:
        state.forget(notice="Your session has ended. Please sign in again.")
    return staff


def oidc_fresh(claims: Mapping[str, object], now: datetime) -> bool:
    """Whether this identity (ID token claims) was issued by a sign-in that just happened."""
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        return False
    age = now.timestamp() - issued
    return -OIDC_CLOCK_SKEW.total_seconds() <= age <= OIDC_FRESH.total_seconds()


def _from_oidc(state: StaffState) -> StaffView | None:
    """Map a fresh OpenID Connect sign-in to an active staff account by email, once per session."""
    if not oidc_configured() or state.oidc_done:
        return None
    if not getattr(st.user, "is_logged_in", False):
        return None
    claims = st.user.to_dict()
    now = clock.utcnow()
    if not oidc_fresh(claims, now):
        return None  # an old cookie: the sign-in form offers the clinic button again
    state.oidc_done = True
    try:
        outcome = signin.sign_in_oidc(claims, now=now)
    except Unavailable:
        log.warning("staff sign-in (OpenID Connect) failed")
        state.login_error = DB_DOWN
        return None
    if isinstance(outcome, signin.OidcRefusal):
        # Said on the page, with a button to sign out of the clinic account: st.logout() at once
        # would leave for the provider before anyone could read why.
        state.login_error = NOT_VERIFIED if outcome is signin.OidcRefusal.UNVERIFIED else NOT_LINKED
        state.oidc_refused = True
        state.land_on(StaffPage.SIGNIN)
        return None
    state.signed_in(outcome.token, Via.OIDC)
    state.oidc_refused = False
    state.login_error = None
    state.land_on(StaffPage.QUEUE)
    return outcome.member


def _on_sign_in() -> None:
    """Form callback: runs before the page, so the page then draws for the signed-in member."""
    state = staff_state()
    email, password, code = state.form_values(EMAIL_KEY, PASSWORD_KEY, TOTP_KEY)
    email, code = email.strip(), "".join(code.split())
    state.login_error = None
    if state.enrolment is not None and state.enrolment.email != email.lower():
        state.enrolment = None
    if not email or not password:
        state.login_error = "Enter your email and password."
        return
    try:
        outcome = signin.sign_in(email, password, code, now=clock.utcnow())
    except (AuthFailed, PasswordSignInOff) as failed:
        state.login_error = str(failed)
        state.clear_fields((PASSWORD_KEY, TOTP_KEY))
        return
    except Unavailable:
        log.warning("staff sign-in failed")
        state.login_error = DB_DOWN
        return
    if isinstance(outcome, Enrolment):
        state.enrolment = outcome
        return
    state.signed_in(outcome.token, Via.PASSWORD)
    state.enrolment = None
    state.clear_notice()
    state.clear_fields((PASSWORD_KEY, TOTP_KEY))


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
    state = staff_state()
    if state.take_oidc_logout():
        st.logout()
    st.title("Staff sign-in")
    st.caption("For the program's intake staff. Looking for the self-screen? Go to the Welcome page.")
    notice = state.take_notice()
    if notice:
        st.info(notice)
    if state.login_error:
        st.error(state.login_error)
    if state.oidc_refused and st.button("Sign out of your clinic account", key=OIDC_SIGNOUT_KEY):
        state.oidc_refused = False
        state.login_error = None
        st.logout()
    password_allowed = not get_settings().iop_require_sso
    if password_allowed:
        _password_form(state)
    if oidc_configured():
        if password_allowed:
            st.divider()
        button_type: Literal["primary", "secondary"] = "secondary" if password_allowed else "primary"
        if st.button("Sign in with your clinic account", key=OIDC_BUTTON_KEY, type=button_type):
            state.oidc_done = False
            state.oidc_refused = False
            state.login_error = None
            st.login(_oidc_provider())


def _password_form(state: StaffState) -> None:
    if state.enrolment is not None:
        _show_enrolment(state.enrolment)
    with st.form("staff-login-form", border=True):
        st.text_input("Work email", key=EMAIL_KEY, autocomplete="username", max_chars=EMAIL_MAX_CHARS)
        st.text_input(
            "Password",
            key=PASSWORD_KEY,
            type="password",
            autocomplete="current-password",
            max_chars=PASSWORD_MAX_CHARS,
        )
        st.text_input(
            "6-digit code from your authenticator app",
            key=TOTP_KEY,
            autocomplete="one-time-code",
            max_chars=CODE_MAX_CHARS,
            help="First sign-in? Leave this empty: you will get a QR code to set up your app.",
        )
        st.form_submit_button("Sign in", key=SUBMIT_KEY, type="primary", on_click=_on_sign_in)


def _on_sign_out() -> None:
    """End this session and the member's others (other tabs, other replicas: each sees at its next
    rerun that its row ended); an OpenID Connect session also clears the identity cookie."""
    state = staff_state()
    token = state.token
    if token:
        try:
            signin.sign_out(token, now=clock.utcnow())
        except Unavailable:
            log.warning("staff sign-out could not end the session row")
    state.forget(notice="You are signed out.")


def staff_header(staff: StaffView) -> None:
    """Who is signed in, their own alerts switch, and sign-out: the member's own corner."""
    left, middle, right = st.columns([4, 1.2, 1], vertical_alignment="center")
    left.caption(f"Signed in as {plain(staff.email)} ({labels.ROLES.get(staff.role, staff.role)})")
    with middle:
        email_alerts_toggle(staff)
    right.button("Sign out", key=SIGNOUT_KEY, on_click=_on_sign_out, icon=":material/logout:")


def require_staff(page: StaffPage, role: Role | None = None) -> StaffContext:
    """The signed-in member and the staff state; otherwise show the sign-in form and stop the
    page. ``role=Role.ADMIN`` refuses (and audits, as ``page:<page>``) anyone else."""
    staff = current_staff()
    if staff is None:
        sign_in_form()
        st.stop()
    staff_header(staff)
    state = staff_state()
    if page is not StaffPage.REVIEW:
        # Leaving the review: opening a screen again is a new view, audited again.
        state.review_viewed = None
    if role is Role.ADMIN and not staff.is_admin:
        try:
            signin.deny_access(staff, page, now=clock.utcnow())
        except Unavailable:
            log.warning("could not audit a refused page")
        st.error("This page is for administrators only. The attempt has been recorded.")
        st.stop()
    return StaffContext(staff, state)

"""The staff side's state for this browser session, in one typed object: the staff side's only
door to ``st.session_state`` (as ``ui.participant.state.Wizard`` is the participant's).

The key strings are a contract: tests and tools set ``staff-token`` and ``staff-review-ref``.
Nothing here touches the database; ``ui.staff.auth`` decides what the token is worth.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from intake.enrolment import Enrolment


class StaffPage(StrEnum):
    """Each staff page's identity: its file stem in pages/, and its url path."""

    SIGNIN = "staff_signin"
    QUEUE = "staff_queue"
    REVIEW = "staff_review"
    INSIGHTS = "staff_insights"
    AUDIT = "staff_audit"
    ACCOUNTS = "staff_accounts"
    ALERTS = "staff_alerts"


class Via(StrEnum):
    """How this session signed in (an OpenID Connect sign-out also clears the identity cookie)."""

    PASSWORD = "password"  # noqa: S105  # nosec B105  # a sign-in method, not a password
    OIDC = "oidc"


TOKEN = "staff-token"  # noqa: S105  # nosec B105  # a session_state key, not a secret
VIA = "staff-via"
ENROLMENT = "staff-enrolment"
LOGIN_ERROR = "staff-login-error"
NOTICE = "staff-notice"
OIDC_DONE = "staff-oidc-done"
OIDC_LOGOUT = "staff-oidc-logout"
OIDC_REFUSED = "staff-oidc-refused"
LANDING = "staff-landing"
REVIEW_REF = "staff-review-ref"
REVIEW_VIEWED = "staff-review-viewed"
FLASH = "staff-flash"
# The signed-in member's own "Email me alerts" toggle (ui.staff.my_alerts): the next person to
# sign in here reads their own switch from the database.
EMAIL_ALERTS = "staff-email-alerts"
# Page state that must not outlive a sign-out (another person may sign in next in this browser tab).
FORGOTTEN_ON_SIGN_OUT = (TOKEN, VIA, REVIEW_REF, REVIEW_VIEWED, FLASH, ENROLMENT, EMAIL_ALERTS)


class StaffState:
    """Typed access to the staff keys of ``st.session_state``. Cheap to create: it holds nothing
    itself, so every instance in a run sees the same values."""

    @property
    def token(self) -> str | None:
        token = st.session_state.get(TOKEN)
        return token if isinstance(token, str) and token else None

    @property
    def via(self) -> Via | None:
        via = st.session_state.get(VIA)
        return Via(via) if via in tuple(Via) else None

    def signed_in(self, token: str, via: Via) -> None:
        st.session_state[TOKEN], st.session_state[VIA] = token, via

    def forget(self, *, notice: str) -> None:
        """Sign-out or an ended session: drop everything the next person must not see, and leave
        ``notice`` for the sign-in form."""
        if st.session_state.get(VIA) == Via.OIDC:
            # Clear the identity cookie too, so a reload does not sign the next person straight in.
            self.oidc_done = True
            st.session_state[OIDC_LOGOUT] = True
        for key in FORGOTTEN_ON_SIGN_OUT:
            st.session_state.pop(key, None)
        _drop_query_params()
        st.session_state[NOTICE] = notice

    # --- The sign-in form ---------------------------------------------------------------------

    @property
    def enrolment(self) -> Enrolment | None:
        enrolment = st.session_state.get(ENROLMENT)
        return enrolment if isinstance(enrolment, Enrolment) else None

    @enrolment.setter
    def enrolment(self, enrolment: Enrolment | None) -> None:
        _put(ENROLMENT, enrolment)

    @property
    def login_error(self) -> str | None:
        return st.session_state.get(LOGIN_ERROR)

    @login_error.setter
    def login_error(self, message: str | None) -> None:
        _put(LOGIN_ERROR, message)

    def take_notice(self) -> str | None:
        """The notice for the sign-in form ("You are signed out."), shown once."""
        return st.session_state.pop(NOTICE, None)

    def clear_notice(self) -> None:
        st.session_state.pop(NOTICE, None)

    @property
    def oidc_done(self) -> bool:
        """True once this session has tried to turn an OpenID Connect identity into a session."""
        return bool(st.session_state.get(OIDC_DONE))

    @oidc_done.setter
    def oidc_done(self, done: bool) -> None:
        _put(OIDC_DONE, True if done else None)

    @property
    def oidc_refused(self) -> bool:
        """True after a clinic identity was refused: the form offers to sign out of it."""
        return bool(st.session_state.get(OIDC_REFUSED))

    @oidc_refused.setter
    def oidc_refused(self, refused: bool) -> None:
        _put(OIDC_REFUSED, True if refused else None)

    def land_on(self, page: StaffPage) -> None:
        """Set when the clinic's sign-in just ended here: its callback returns to the site's root
        (the welcome page), and the router sends the visitor on to ``page`` (the queue, or the
        sign-in form saying why not)."""
        st.session_state[LANDING] = page.value

    def take_landing(self) -> StaffPage | None:
        page = st.session_state.pop(LANDING, None)
        return StaffPage(page) if page in tuple(StaffPage) else None

    def take_oidc_logout(self) -> bool:
        """True once after a sign-out that must also clear the identity cookie."""
        return bool(st.session_state.pop(OIDC_LOGOUT, False))

    def form_values(self, *keys: str) -> list[str]:
        """The text widgets' values, inside their form's callback (before the page draws)."""
        return [st.session_state.get(key) or "" for key in keys]

    def clear_fields(self, keys: Iterable[str]) -> None:
        """Empty these text widgets (a callback may; the page then draws them empty)."""
        for key in keys:
            st.session_state[key] = ""

    # --- The pages ----------------------------------------------------------------------------

    @property
    def review_ref(self) -> str | None:
        """The screen the review page shows (set by the queue, a typed reference or ``?ref=``)."""
        return st.session_state.get(REVIEW_REF)

    def open_review(self, reference: str) -> None:
        """Show this screen on the review page; opening it is audited again, once."""
        st.session_state[REVIEW_REF] = reference
        st.session_state.pop(REVIEW_VIEWED, None)

    @property
    def review_viewed(self) -> str | None:
        """The screen whose opening was last audited (screen_view), so a rerun is not another."""
        return st.session_state.get(REVIEW_VIEWED)

    @review_viewed.setter
    def review_viewed(self, reference: str | None) -> None:
        _put(REVIEW_VIEWED, reference)

    def flash(self, message: str) -> None:
        """Say ``message`` once after the rerun this starts (an action done, the page redrawn)."""
        st.session_state[FLASH] = message
        st.rerun()

    def show_flash(self) -> None:
        message = st.session_state.pop(FLASH, None)
        if message:
            st.success(message, icon=":material/check_circle:")

    # --- Widgets read outside their own return value --------------------------------------------

    def widget_value(self, key: str) -> Any:
        """A widget's current value by key, for a callback that runs before the widget draws."""
        return st.session_state.get(key)

    def clear_widget(self, key: str) -> None:
        """Reset a widget to its default on the next run (e.g. after its action succeeded)."""
        st.session_state.pop(key, None)

    def remember(self, key: str, value: Any) -> None:
        """Carry a value from a callback to the run it starts (e.g. a table row chosen)."""
        st.session_state[key] = value

    def take(self, key: str) -> Any:
        """The value ``remember`` left, once."""
        return st.session_state.pop(key, None)


def staff_state() -> StaffState:
    return StaffState()


def _put(key: str, value: object) -> None:
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


def _drop_query_params() -> None:
    # Paging cursors and a shared review's ?ref= name what the last person looked at. Filter
    # widgets bound to the address refuse deletion while bound; they reset when next drawn.
    for key in list(st.query_params):
        try:
            del st.query_params[key]
        except (KeyError, StreamlitAPIException):  # an embedding parameter, or a bound filter
            continue

"""Is this server ready to take a screen? The answer a load balancer or an orchestrator gets.

``/_stcore/health`` is Streamlit's liveness check: it answers ``ok`` as soon as the web server
runs, whatever the app would say. Readiness is ``/_stcore/script-health-check``
(``server.scriptHealthCheckEnabled`` in .streamlit/config.toml): Streamlit runs app.py as for a
new visitor and answers 200 ``ok`` only if that run ends without an error, else 503 ``error``.
The router calls ``check_ready`` before any page, so a refusal there (settings, single sign-on
required without ``[auth]``, questionnaire files, database, field key) is both the notice a
visitor sees and the 503 the probe gets.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.errors import FragmentHandledException

from intake.settings import ConfigError, get_settings
from intake.usecases.health import database_problem
from scoring import QuestionnaireError, load_questionnaire
from ui.i18n import texts
from ui.setup import crisis_footer
from ui.sso import sso_problem

log = logging.getLogger(__name__)

# Set once a session has passed: its later reruns (every click) skip the database round trip.
# The probe's run is always a new session, so it always checks.
READY_KEY = "iop-ready"


class NotReady(FragmentHandledException):
    """Ends the script run as failed, with the refusal already on the page. Streamlit's runner
    counts a FragmentHandledException ("handled, and shown") as an error, so the readiness probe
    answers 503, yet draws no traceback box under the notice, as it would for any other error."""


def check_ready() -> None:
    """Refuse to serve, naming what to fix, unless this server can take and keep a screen."""
    if st.session_state.get(READY_KEY):
        return
    problem = readiness_problem()
    if problem is not None:
        st.error(f"{texts.UNAVAILABLE}\n\nFor the people running this site: {problem}")
        crisis_footer()
        raise NotReady(problem)
    st.session_state[READY_KEY] = True


def readiness_problem() -> str | None:
    """What stops this server taking a screen, for the people running it, or None."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        log.error("configuration refused, serving no page: %s", exc)
        return str(exc)
    sso = sso_problem(settings)
    if sso is not None:
        log.error("configuration refused, serving no page: %s", sso)
        return sso
    try:
        load_questionnaire()
    except QuestionnaireError as exc:
        log.error("questionnaire data is broken: %s", exc)
        return str(exc)
    return database_problem()

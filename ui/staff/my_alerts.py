"""Each staff member's own switch, beside "Sign out" on every staff page: "Email me alerts".

Off, the alert routes that send to this member's address skip it (``intake.alerts.outbox``);
shared team addresses and webhooks are not affected. The switch is read from the database once
per browser session (then the toggle holds it) and every change is audited (``alerts_switched``).
Widget key: ``staff-email-alerts`` (``ui.staff.state.EMAIL_ALERTS``).
"""

from __future__ import annotations

import logging

import streamlit as st

from intake import Unavailable, clock
from intake.staff import StaffView
from intake.usecases import alerts
from ui.staff.state import EMAIL_ALERTS, staff_state

log = logging.getLogger(__name__)

SAVE_FAILED = "Your email alerts switch could not be saved just now. Please try again in a moment."
_FAILED = "staff-email-alerts-failed"


def _on_switch(member: StaffView) -> None:
    state = staff_state()
    on = bool(state.widget_value(EMAIL_ALERTS))
    try:
        alerts.set_my_email_alerts(member, on, now=clock.utcnow())
    except Unavailable:
        log.warning("could not save a staff member's email alerts switch")
        state.clear_widget(EMAIL_ALERTS)  # the next run shows what is stored
        state.remember(_FAILED, True)


def email_alerts_toggle(member: StaffView) -> None:
    state = staff_state()
    if state.take(_FAILED):
        st.error(SAVE_FAILED)
    on = state.widget_value(EMAIL_ALERTS)
    if on is None:
        try:
            on = alerts.my_email_alerts(member)
        except Unavailable:
            log.warning("could not read a staff member's email alerts switch")
            return
    st.toggle(
        "Email me alerts",
        value=bool(on),
        key=EMAIL_ALERTS,
        on_change=_on_switch,
        args=(member,),
        help=(
            "Alerts that an alert route sends to your own address. Off: they skip you. "
            "Team addresses and webhooks are not affected."
        ),
    )

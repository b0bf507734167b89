"""The Alerts page's policy form: quiet hours for the kinds that may wait (same-day contact,
every new screen) and the hour by which an unopened same-day screen escalates, in whole hours
of the clinic's clock (IOP_CLINIC_TIMEZONE). Widget keys are listed in ``ui.staff.alerts``."""

from __future__ import annotations

import streamlit as st

from intake import Unavailable, clock
from intake.alerts.policy import Policy
from intake.settings import get_settings
from intake.usecases import alerts
from ui.markup import plain
from ui.staff.auth import DB_DOWN, StaffContext

HOURS = tuple(range(24))
# Offered when quiet hours are switched on for the first time: a clinic's night.
QUIET_FROM, QUIET_UNTIL = 20, 7


def _hour(hour: int) -> str:
    return f"{hour:02d}:00"


def policy_form(ctx: StaffContext, policy: Policy) -> None:
    settings = get_settings()
    st.subheader("When alerts go")
    with st.form("alerts-policy-form"):
        quiet = st.toggle(
            "Quiet hours: hold same-day and every-screen alerts overnight",
            value=policy.has_quiet_hours,
            key="alerts-quiet",
        )
        left, right = st.columns(2)
        start = left.selectbox(
            "Quiet from",
            HOURS,
            index=QUIET_FROM if policy.quiet_from_hour is None else policy.quiet_from_hour,
            format_func=_hour,
            key="alerts-quiet-from",
        )
        end = right.selectbox(
            "Until",
            HOURS,
            index=QUIET_UNTIL if policy.quiet_until_hour is None else policy.quiet_until_hour,
            format_func=_hour,
            key="alerts-quiet-until",
        )
        escalate = st.selectbox(
            "A same-day screen not opened by this hour alerts the escalation list",
            HOURS,
            index=policy.same_day_escalate_hour,
            format_func=_hour,
            key="alerts-escalate-hour",
        )
        submitted = st.form_submit_button("Save", key="alerts-policy-save")
    st.caption(
        f"Hours on the clinic's clock ({plain(settings.iop_clinic_timezone)}). Urgent alerts and "
        "escalations are never held. An urgent screen not opened within "
        f"{settings.iop_urgent_wait_minutes} minutes alerts the escalation list "
        "(IOP_URGENT_WAIT_MINUTES)."
    )
    if not submitted:
        return
    try:
        chosen = Policy(start if quiet else None, end if quiet else None, escalate)
        alerts.save_policy(chosen, admin=ctx.member, now=clock.utcnow())
    except ValueError as exc:  # quiet hours that start and end at the same hour
        st.error(plain(exc))
        return
    except Unavailable:
        st.error(DB_DOWN)
        return
    ctx.state.flash("Saved when alerts go.")

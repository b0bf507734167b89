"""Administrators' Alerts page: who hears of new screens, and what happened to every alert.

From the top: what keeps alerts from going out (setup warnings, a worker that is not running)
and the outbox's counts; the routes (list, add, remove) and a test alert to every route; the
policy (quiet hours, the same-day escalation hour: ``ui.staff.alert_policy``); then the outbox
itself (``ui.staff.alert_outbox``). Everything goes through ``intake.usecases.alerts``, which audits
every change. A webhook URL works like a password, so only its host is ever shown.

Widget keys (a contract for tests and automation):

- ``alerts-routes``: the routes table.
- ``alerts-route-kind``, ``alerts-route-channel``, ``alerts-route-target``,
  ``alerts-route-add``: adding a route (form ``alerts-route-form``).
- ``alerts-remove-which``, ``alerts-remove-ok``, ``alerts-remove-submit``: removing one
  (form ``alerts-remove-form``).
- ``alerts-test``: "Send a test alert".
- ``alerts-quiet``, ``alerts-quiet-from``, ``alerts-quiet-until``, ``alerts-escalate-hour``,
  ``alerts-policy-save``: the policy (form ``alerts-policy-form``).
- ``alerts-state``, ``alerts-outbox``, ``alerts-newer``, ``alerts-older``: the outbox's state
  filter, table and paging buttons (query parameters ``alerts-state`` and ``alerts-page``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from intake import Unavailable, clock
from intake.alerts.routes import RouteNotFound, RouteView
from intake.usecases import alerts
from intake.usecases.alerts import AlertsOverview
from intake.vocab import ROUTE_KINDS, AlertState, Channel
from ui import labels
from ui.markup import plain
from ui.staff.alert_outbox import outbox
from ui.staff.alert_policy import policy_form
from ui.staff.auth import DB_DOWN, StaffContext

TARGET_KEY = "alerts-route-target"
WORKER_LATE = (
    "Alerts are waiting: the alert worker does not seem to be running. Start it with "
    "`python -m intake alerts --watch` (scripts/run.sh starts it with the app)."
)


def summary(view: AlertsOverview) -> None:
    for warning in view.warnings:
        st.warning(warning, icon=":material/info:")
    if view.worker_late:
        st.warning(WORKER_LATE, icon=":material/schedule:")
    for column, state in zip(st.columns(len(AlertState)), AlertState, strict=True):
        column.metric(labels.ALERT_STATES[state], view.counts.get(state, 0))


def _route_text(route: RouteView) -> str:
    kind = labels.label(labels.ALERT_KINDS, route.kind)
    return f"{kind} · {labels.label(labels.CHANNELS, route.channel)} · {route.shown_target}"


def _route_words(route: RouteView) -> str:
    """The route in a message (Markdown): the address or host shown as typed text."""
    kind = labels.label(labels.ALERT_KINDS, route.kind)
    return f"{kind}, by {labels.label(labels.CHANNELS, route.channel).lower()} to {plain(route.shown_target)}"


def routes_table(view: AlertsOverview) -> None:
    if not view.routes:
        st.info("No routes yet. Add one below.")
        return
    frame = pd.DataFrame(
        [
            (
                labels.label(labels.ALERT_KINDS, r.kind),
                labels.label(labels.CHANNELS, r.channel),
                r.shown_target,
                "Email alerts switched off by this staff member" if r.target in view.muted else "",
            )
            for r in view.routes
        ],
        columns=["Alerts about", "Channel", "To", "Note"],
    )
    st.dataframe(frame, hide_index=True, key="alerts-routes")


def add_route_form(ctx: StaffContext) -> None:
    st.markdown("**Add a route**")
    with st.form("alerts-route-form"):
        kind = st.selectbox(
            "Alerts about", ROUTE_KINDS, format_func=labels.ALERT_KINDS.__getitem__, key="alerts-route-kind"
        )
        channel = (
            st.radio(
                "Send by",
                tuple(Channel),
                format_func=labels.CHANNELS.__getitem__,
                horizontal=True,
                key="alerts-route-channel",
            )
            or Channel.EMAIL  # a radio with a first option chosen is never empty; for the type
        )
        target = st.text_input(
            "Email address or webhook URL",
            key=TARGET_KEY,
            placeholder="intake-team@clinic.example or https://hooks.example.org/…",
            help="A webhook URL must start with https://. Once added only its host is shown: "
            "anyone holding the whole URL can post to that channel.",
        )
        submitted = st.form_submit_button("Add route", key="alerts-route-add", type="primary")
    if not submitted:
        return
    try:
        route = alerts.add_route(kind, channel, target, admin=ctx.member, now=clock.utcnow())
    except ValueError as exc:  # not an address, not https, or already there; what was typed stays
        st.error(plain(exc))
        return
    except Unavailable:
        st.error(DB_DOWN)
        return
    ctx.state.clear_widget(TARGET_KEY)
    ctx.state.flash(f"Added a route: {_route_words(route)}.")


def remove_route_form(ctx: StaffContext, routes: list[RouteView]) -> None:
    st.markdown("**Remove a route**")
    by_id = {r.id: r for r in routes}
    with st.form("alerts-remove-form"):
        chosen = st.selectbox(
            "Route",
            list(by_id),
            index=None,
            format_func=lambda route_id: _route_text(by_id[route_id]) if route_id in by_id else str(route_id),
            key="alerts-remove-which",
        )
        sure = st.checkbox(
            "It gets no more alerts (any already queued for it still go).", key="alerts-remove-ok"
        )
        submitted = st.form_submit_button("Remove", key="alerts-remove-submit")
    if not submitted:
        return
    if chosen is None or not sure:
        st.error("Choose a route and tick the box.")
        return
    try:
        alerts.remove_route(chosen, admin=ctx.member, now=clock.utcnow())
    except RouteNotFound:
        st.error("That route was already removed.")
        return
    except Unavailable:
        st.error(DB_DOWN)
        return
    for key in ("alerts-remove-which", "alerts-remove-ok"):
        ctx.state.clear_widget(key)
    ctx.state.flash(f"Removed the route: {_route_words(by_id[chosen])}.")


def test_button(ctx: StaffContext, routes: list[RouteView]) -> None:
    clicked = st.button(
        "Send a test alert",
        key="alerts-test",
        icon=":material/send:",
        disabled=not routes,
        help="One test alert to every address and webhook above. It names no screen.",
    )
    if not clicked:
        return
    try:
        queued = alerts.send_test(admin=ctx.member, now=clock.utcnow())
    except Unavailable:
        st.error(DB_DOWN)
        return
    ctx.state.flash(
        f"Queued {queued} test alert{'' if queued == 1 else 's'}, one for each address and webhook. "
        "The outbox below shows when each is sent."
    )


def alerts_page(ctx: StaffContext) -> None:
    st.title("Alerts")
    st.caption("Who hears of new screens, by email or webhook, and what happened to every alert.")
    ctx.state.show_flash()
    try:
        view = alerts.overview(now=clock.utcnow())
    except Unavailable:
        st.error(DB_DOWN)
        return
    summary(view)
    st.subheader("Routes")
    routes_table(view)
    test_button(ctx, view.routes)
    left, right = st.columns(2)
    with left:
        add_route_form(ctx)
    with right:
        remove_route_form(ctx, view.routes)
    policy_form(ctx, view.policy)
    outbox(ctx.state)

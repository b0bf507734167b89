"""The Alerts admin page (routes, policy, a test alert, the outbox) and each staff member's own
"Email me alerts" switch, on SQLite and PostgreSQL. Deliveries go to a real SMTP server on this
machine (tests/support/mailbox.py); every change an admin makes is checked in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from staff_support import freeze, make_staff, signed_in, texts_of

from intake import clock
from intake.alerts import policy as alert_policy
from intake.alerts.worker import run_once
from intake.audit import browse
from intake.auth import start_session
from intake.db import read_session, write_session
from intake.settings import get_settings
from intake.usecases import alerts
from intake.vocab import Channel
from tests.support.factories import submit
from tests.support.mailbox import running_mailbox
from ui.staff.alerts import WORKER_LATE

PAGE = "pages/staff_alerts.py"
QUEUE = "pages/staff_queue.py"
TEAM = "intake-team@clinic.example"
# A made-up incoming-webhook URL: everything after the host works like a password.
HOOK_SECRET_PART = "T0MADEUP/B0MADEUP/notARealToken42"
HOOK = f"https://hooks.chat.example/services/{HOOK_SECRET_PART}"


@pytest.fixture
def people(database_env, monkeypatch):
    freeze(monkeypatch)
    admin, _ = make_staff("lead@example.org", "admin")
    nurse, _ = make_staff("nurse.kim@example.org", "intake")
    return admin, nurse


def audited(action: str) -> list:
    with read_session() as session:
        return browse(session, {"action": action}).rows


def route(admin, kind: str, channel: Channel, target: str) -> None:
    alerts.add_route(kind, channel, target, admin=admin, now=clock.utcnow())


def add_on_page(at, kind: str, channel: str, target: str):
    at.selectbox(key="alerts-route-kind").set_value(kind)
    at.radio(key="alerts-route-channel").set_value(channel)
    at.text_input(key="alerts-route-target").input(target)
    return at.button(key="alerts-route-add").click().run()


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def shown(at) -> str:
    """Every text and every table cell on the page."""
    tables = [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join([texts_of(at), *[str(s.value) for s in at.success], *tables])


# AppTest's tables carry no widget key: each is known by a column only it has.
ROUTES, OUTBOX = "Alerts about", "Last error"


def table(at, column: str):
    (frame,) = [f.value for f in at.dataframe if column in f.value.columns]
    return frame


def has_table(at, column: str) -> bool:
    return any(column in f.value.columns for f in at.dataframe)


def test_an_intake_member_is_refused(people):
    _, nurse = people
    at = signed_in(nurse, PAGE)
    assert any("administrators only" in e for e in errors(at))
    assert not at.dataframe and not at.text_input
    assert [r.target for r in audited("access_denied")] == ["page:staff_alerts"]


def test_admin_adds_an_email_and_a_webhook_route_and_the_webhook_is_masked(people):
    admin, _ = people
    at = signed_in(admin, PAGE)
    assert any("No alert routes yet" in w for w in warnings(at))
    add_on_page(at, "urgent", "email", "Intake-Team@Clinic.example")
    assert not at.exception and not errors(at)
    assert any(s.startswith("Added a route: Urgent screens, by email") for s in successes(at))
    assert at.text_input(key="alerts-route-target").value == ""  # ready for the next one
    add_on_page(at, "escalation", "webhook", HOOK)
    routes = table(at, ROUTES)
    assert list(zip(routes["Alerts about"], routes["Channel"], routes["To"], strict=True)) == [
        ("Escalation (not opened in time)", "Webhook", "https://hooks.chat.example/…"),
        ("Urgent screens", "Email", TEAM),
    ]
    assert HOOK_SECRET_PART not in shown(at)
    assert [(r.detail["kind"], r.detail["channel"]) for r in audited("alert_route_added")] == [
        ("escalation", "webhook"),
        ("urgent", "email"),
    ]


def test_a_bad_address_is_refused_with_a_message_and_the_typed_text_kept(people):
    admin, _ = people
    at = add_on_page(signed_in(admin, PAGE), "same_day", "email", "intake team at the clinic")
    assert any("email: enter an address like" in e for e in errors(at))
    assert at.text_input(key="alerts-route-target").value == "intake team at the clinic"
    assert at.selectbox(key="alerts-route-kind").value == "same_day"
    add_on_page(at, "same_day", "webhook", "http://hooks.chat.example/services/x")
    assert any("must start with https://" in e for e in errors(at))
    assert at.text_input(key="alerts-route-target").value == "http://hooks.chat.example/services/x"
    assert not has_table(at, ROUTES)
    assert audited("alert_route_added") == []


def test_admin_removes_a_route_after_confirming(people):
    admin, _ = people
    route(admin, "all", Channel.EMAIL, TEAM)
    at = signed_in(admin, PAGE)
    (listed,) = at.selectbox(key="alerts-remove-which").options
    assert listed == f"Every new screen · Email · {TEAM}"
    at.selectbox(key="alerts-remove-which").select_index(0)
    at.button(key="alerts-remove-submit").click().run()
    assert "Choose a route and tick the box." in errors(at)  # not without the tick
    at.checkbox(key="alerts-remove-ok").check()
    at.button(key="alerts-remove-submit").click().run()
    assert any(s.startswith("Removed the route: Every new screen, by email") for s in successes(at))
    assert not has_table(at, ROUTES)
    assert len(audited("alert_route_removed")) == 1


def test_admin_saves_quiet_hours_and_the_escalation_hour(people):
    admin, _ = people
    at = signed_in(admin, PAGE)
    assert "Urgent alerts and escalations are never held." in texts_of(at)
    assert f"within {get_settings().iop_urgent_wait_minutes} minutes" in texts_of(at)
    at.toggle(key="alerts-quiet").set_value(True)
    at.selectbox(key="alerts-quiet-from").set_value(21)
    at.selectbox(key="alerts-quiet-until").set_value(6)
    at.selectbox(key="alerts-escalate-hour").set_value(15)
    at.button(key="alerts-policy-save").click().run()
    assert "Saved when alerts go." in successes(at)
    with read_session() as session:
        assert alert_policy.load(session) == alert_policy.Policy(21, 6, 15)
    again = signed_in(admin, PAGE)  # a new visit shows what is stored
    assert again.toggle(key="alerts-quiet").value
    chosen = [again.selectbox(key=k).value for k in ("alerts-quiet-from", "alerts-quiet-until")]
    assert chosen == [21, 6]
    (saved,) = audited("alert_settings_changed")
    assert (saved.actor, saved.detail["quiet_from_hour"], saved.detail["quiet_until_hour"]) == (
        str(admin.id),
        21,
        6,
    )


def test_quiet_hours_that_start_and_end_at_the_same_hour_are_refused(people):
    admin, _ = people
    at = signed_in(admin, PAGE)
    at.toggle(key="alerts-quiet").set_value(True)
    at.selectbox(key="alerts-quiet-from").set_value(8)
    at.selectbox(key="alerts-quiet-until").set_value(8)
    at.button(key="alerts-policy-save").click().run()
    assert any("start and end at different hours" in e for e in errors(at))
    assert at.selectbox(key="alerts-quiet-from").value == 8  # what was chosen stays
    with read_session() as session:
        assert not alert_policy.load(session).has_quiet_hours
    assert audited("alert_settings_changed") == []


def test_a_test_alert_is_queued_for_every_route_and_shown_in_the_outbox(people):
    admin, _ = people
    route(admin, "urgent", Channel.EMAIL, TEAM)
    route(admin, "escalation", Channel.WEBHOOK, HOOK)
    at = signed_in(admin, PAGE)
    assert at.info and not has_table(at, OUTBOX)
    at.button(key="alerts-test").click().run()
    assert any(s.startswith("Queued 2 test alerts") for s in successes(at))
    outbox = table(at, OUTBOX)
    assert sorted(zip(outbox["Kind"], outbox["To"], outbox["State"], outbox["Reference"], strict=True)) == [
        ("Test alert", "https://hooks.chat.example/…", "Queued", ""),
        ("Test alert", TEAM, "Queued", ""),
    ]
    assert {m.label: m.value for m in at.metric}["Queued"] == "2"
    assert WORKER_LATE not in warnings(at)  # due this minute: nothing is late yet
    assert HOOK_SECRET_PART not in shown(at)
    (queued,) = audited("alert_test_queued")
    assert (queued.actor, queued.detail["alerts"]) == (str(admin.id), 2)


def test_a_given_up_alert_shows_its_last_error(people, settings_env):
    admin, _ = people
    with running_mailbox() as box:
        settings_env(**box.env())
        route(admin, "urgent", Channel.EMAIL, TEAM)
        with write_session() as session:
            reference = submit(session, "urgent", at=clock.utcnow())
        box.refuse_next(550, text="5.1.1 no such mailbox here")
        assert run_once(now=clock.utcnow()).given_up == 1
    at = signed_in(admin, PAGE)
    assert not at.exception
    outbox = table(at, OUTBOX)
    row = outbox.iloc[0]
    assert (row["Reference"], row["State"], row["Attempts"]) == (reference, "Given up", 1)
    assert "550" in row["Last error"] and "no such mailbox here" in row["Last error"]
    assert {m.label: m.value for m in at.metric}["Given up"] == "1"
    at.selectbox(key="alerts-state").set_value("sent").run()
    assert not has_table(at, OUTBOX)
    assert "No alerts in this state." in [i.value for i in at.info]
    at.selectbox(key="alerts-state").set_value("given_up").run()
    assert list(table(at, OUTBOX)["Reference"]) == [reference]
    assert len(audited("alert_given_up")) == 1


def test_the_worker_late_warning_shows_when_an_alert_is_overdue(people):
    admin, _ = people
    route(admin, "urgent", Channel.EMAIL, TEAM)
    alerts.send_test(admin=admin, now=clock.utcnow() - timedelta(hours=1))  # due an hour ago, unsent
    at = signed_in(admin, PAGE)
    assert WORKER_LATE in warnings(at)


def test_a_member_switches_their_email_alerts_off_and_it_sticks(people):
    admin, nurse = people
    at = signed_in(nurse, QUEUE)
    assert at.toggle(key="staff-email-alerts").value  # on unless switched off
    at.toggle(key="staff-email-alerts").set_value(False).run()
    assert not at.exception
    at.run()
    assert not at.toggle(key="staff-email-alerts").value
    assert not alerts.my_email_alerts(nurse)
    assert not signed_in(nurse, QUEUE).toggle(key="staff-email-alerts").value  # a new visit too
    # Signed out, the next person to sign in at this browser sees their own switch, not hers.
    at.button(key="staff-signout").click().run()
    with write_session() as session:
        at.session_state["staff-token"] = start_session(session, admin)
    at.switch_page(QUEUE).run()
    assert at.toggle(key="staff-email-alerts").value
    (switched,) = audited("alerts_switched")
    assert (switched.actor, switched.target, switched.detail["on"]) == (
        str(nurse.id),
        f"staff:{nurse.id}",
        False,
    )
    # The admin sees why a route to that address stays quiet.
    route(admin, "urgent", Channel.EMAIL, nurse.email)
    routes = table(signed_in(admin, PAGE), ROUTES)
    assert list(routes["Note"]) == ["Email alerts switched off by this staff member"]

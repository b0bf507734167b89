"""Escalation: an urgent screen nobody opens within IOP_URGENT_WAIT_MINUTES, or a same-day screen
nobody opens by the policy's hour, alerts the escalation list once (audited). Opening the review
page in time stops it."""

from __future__ import annotations

from datetime import timedelta

from intake.alerts import policy
from intake.alerts.worker import run_once
from intake.db import write_session
from intake.review import get_screen
from intake.staff import add_staff
from intake.vocab import Actor, AuditAction
from tests.support.factories import T0

from .alert_support import SAME_DAY, add_route, addressed, audited, store

URGENT_DESK = "urgent-desk@clinic.example"
SAME_DAY_DESK = "same-day-desk@clinic.example"
ESCALATION_LIST = "intake-lead@clinic.example"
PASSWORD = "lantern orchard velvet compass"


def escalation(reference: str) -> tuple[str, str]:
    return (ESCALATION_LIST, f"IOP intake: a screen still needs you ({reference})")


def test_an_urgent_screen_nobody_opens_in_time_alerts_the_escalation_list_once(engine, alert_env, mailbox):
    add_route(engine, "urgent", URGENT_DESK)
    add_route(engine, "escalation", ESCALATION_LIST)
    reference = store(engine, "urgent", at=T0)

    assert run_once(engine, now=T0 + timedelta(minutes=1)).sent == 1
    assert run_once(engine, now=T0 + timedelta(minutes=30) - timedelta(seconds=1)).escalated == 0
    report = run_once(engine, now=T0 + timedelta(minutes=31))  # IOP_URGENT_WAIT_MINUTES is 30

    assert (report.escalated, report.sent) == (1, 1)
    received = mailbox.wait_for(2)
    assert addressed(received[1:]) == [escalation(reference)]
    assert "nobody has opened it yet" in received[1].message.get_content()
    [escalated] = audited(engine, AuditAction.ALERT_ESCALATED)
    assert (escalated.target, escalated.actor) == (reference, "alerts")
    assert escalated.detail["waited_minutes"] == 31
    # Once: later runs do not escalate it again.
    assert run_once(engine, now=T0 + timedelta(hours=3)).escalated == 0
    assert len(mailbox.messages) == 2


def test_opening_the_review_page_in_time_stops_the_escalation(engine, alert_env, mailbox):
    add_route(engine, "urgent", URGENT_DESK)
    add_route(engine, "escalation", ESCALATION_LIST)
    with write_session(engine) as session:
        nurse, _ = add_staff(session, "nurse.kim@clinic.example", "intake", PASSWORD, now=T0)
    opened = store(engine, "urgent", at=T0)
    unopened = store(engine, "urgent", at=T0)
    run_once(engine, now=T0 + timedelta(minutes=1))

    with write_session(engine) as session:
        assert get_screen(session, opened, viewer=nurse, now=T0 + timedelta(minutes=20)) is not None

    report = run_once(engine, now=T0 + timedelta(minutes=31))
    assert report.escalated == 1
    assert addressed(mailbox.wait_for(3)[2:]) == [escalation(unopened)]
    assert [e.target for e in audited(engine, AuditAction.ALERT_ESCALATED)] == [unopened]


def test_a_same_day_screen_escalates_at_the_policys_hour(engine, alert_env, mailbox):
    with write_session(engine) as session:
        policy.save(session, policy.Policy(same_day_escalate_hour=13), Actor.CLI, now=T0)
    add_route(engine, "same_day", SAME_DAY_DESK)
    add_route(engine, "escalation", ESCALATION_LIST)
    morning = store(engine, "outpatient", SAME_DAY, at=T0)  # 09:00

    assert run_once(engine, now=T0 + timedelta(minutes=1)).sent == 1
    assert run_once(engine, now=T0.replace(hour=12, minute=59)).escalated == 0
    assert run_once(engine, now=T0.replace(hour=13)).escalated == 1
    assert addressed(mailbox.wait_for(2)[1:]) == [escalation(morning)]

    afternoon = store(engine, "outpatient", SAME_DAY, at=T0.replace(hour=14))  # after the hour
    assert run_once(engine, now=T0.replace(hour=14, minute=1)).escalated == 0

    # One that came in after the hour escalates at the hour the next day.
    next_day = T0.replace(hour=13) + timedelta(days=1)
    assert run_once(engine, now=next_day - timedelta(seconds=1)).escalated == 0
    assert run_once(engine, now=next_day).escalated == 1
    assert addressed(mailbox.wait_for(4)[3:]) == [escalation(afternoon)]

"""Who hears of which screen: urgent screens reach the urgent and every-screen lists, same-day
screens the same-day and every-screen lists, others the every-screen list only; each address or
webhook once; each alert says its screen's own priority, whichever list brought it; nobody who
switched their email alerts off; and quiet hours hold back all but urgent screens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from intake.alerts import policy
from intake.alerts.worker import run_once
from intake.db import write_session
from intake.staff import add_staff
from intake.usecases.alerts import my_email_alerts, set_my_email_alerts
from intake.vocab import Actor, AlertState, AuditAction, Channel
from tests.support.factories import T0

from .alert_support import SAME_DAY, add_route, addressed, audited, outbox, store

URGENT_DESK = "urgent-desk@clinic.example"
SAME_DAY_DESK = "same-day-desk@clinic.example"
LEAD = "intake-lead@clinic.example"
EVERYONE = "intake-team@clinic.example"
PASSWORD = "lantern orchard velvet compass"


def subject(priority: str, reference: str) -> str:
    return f"IOP intake: a screen needs you ({priority}, {reference})"


def test_each_screen_reaches_the_lists_of_its_priority_once_per_address(engine, alert_env, mailbox, webhook):
    add_route(engine, "urgent", URGENT_DESK)
    add_route(engine, "urgent", LEAD)
    add_route(engine, "same_day", SAME_DAY_DESK)
    add_route(engine, "same_day", LEAD)
    add_route(engine, "all", EVERYONE)
    add_route(engine, "all", URGENT_DESK)  # on two lists: hears of an urgent screen once, as urgent
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    add_route(engine, "all", webhook.url, Channel.WEBHOOK)
    urgent = store(engine, "urgent", SAME_DAY)  # urgent screens carry same-day contact too
    same_day = store(engine, "outpatient", SAME_DAY)
    routine = store(engine, "iop")

    report = run_once(engine, now=T0 + timedelta(minutes=1))

    assert (report.sent, report.retrying, report.given_up) == (12, 0, 0)
    assert addressed(mailbox.wait_for(9)) == sorted(
        [
            (URGENT_DESK, subject("urgent", urgent)),
            (LEAD, subject("urgent", urgent)),
            (EVERYONE, subject("urgent", urgent)),
            (SAME_DAY_DESK, subject("same-day contact", same_day)),
            (LEAD, subject("same-day contact", same_day)),
            (EVERYONE, subject("same-day contact", same_day)),
            (URGENT_DESK, subject("same-day contact", same_day)),
            (EVERYONE, subject("new screen", routine)),
            (URGENT_DESK, subject("new screen", routine)),
        ]
    )
    posted = sorted((body["reference"], body["priority"]) for body in map(json.loads, bodies(webhook)))
    assert posted == sorted([(urgent, "urgent"), (same_day, "same-day contact"), (routine, "new screen")])


def bodies(webhook) -> list[bytes]:
    return [delivery.body for delivery in webhook.deliveries]


def test_a_staff_member_who_switched_email_alerts_off_gets_none_until_back_on(engine, alert_env, mailbox):
    with write_session(engine) as session:
        kim, _ = add_staff(session, "nurse.kim@clinic.example", "intake", PASSWORD, now=T0)
        add_staff(session, "nurse.lee@clinic.example", "intake", PASSWORD, now=T0)
    add_route(engine, "urgent", "nurse.kim@clinic.example")
    add_route(engine, "urgent", "nurse.lee@clinic.example")

    set_my_email_alerts(kim, False, now=T0)
    assert my_email_alerts(kim) is False
    [switched] = audited(engine, AuditAction.ALERTS_SWITCHED)
    assert switched.detail == {"on": False}
    first = store(engine, "urgent", at=T0)
    run_once(engine, now=T0 + timedelta(minutes=1))
    assert addressed(mailbox.wait_for(1)) == [("nurse.lee@clinic.example", subject("urgent", first))]

    set_my_email_alerts(kim, True, now=T0 + timedelta(minutes=2))
    second = store(engine, "urgent", at=T0 + timedelta(minutes=3))
    report = run_once(engine, now=T0 + timedelta(minutes=4))
    assert report.sent == 2
    assert addressed(mailbox.wait_for(3)[1:]) == [
        ("nurse.kim@clinic.example", subject("urgent", second)),
        ("nurse.lee@clinic.example", subject("urgent", second)),
    ]
    # Switching back on does not bring back what was skipped while off.
    assert [a.target for a in outbox(engine, first)] == ["nurse.lee@clinic.example"]


def test_quiet_hours_hold_same_day_and_every_screen_alerts_but_never_urgent_ones(
    engine, alert_env, mailbox, settings_env
):
    settings_env(IOP_CLINIC_TIMEZONE="America/Chicago")  # the hours are the clinic's (UTC-6 in March)
    with write_session(engine) as session:
        policy.save(session, policy.Policy(quiet_from_hour=20, quiet_until_hour=7), Actor.CLI, now=T0)
    add_route(engine, "urgent", URGENT_DESK)
    add_route(engine, "same_day", SAME_DAY_DESK)
    add_route(engine, "all", EVERYONE)
    evening = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)  # 21:00 on March 2 at the clinic
    morning = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)  # 07:00 at the clinic: quiet hours end
    urgent = store(engine, "urgent", at=evening)
    same_day = store(engine, "outpatient", SAME_DAY, at=evening)
    routine = store(engine, "iop", at=evening)

    # The urgent screen goes at once to both lists it is on, the every-screen one included.
    assert run_once(engine, now=evening + timedelta(minutes=1)).sent == 2
    assert addressed(mailbox.wait_for(2)) == sorted(
        [(URGENT_DESK, subject("urgent", urgent)), (EVERYONE, subject("urgent", urgent))]
    )
    held = [a for a in outbox(engine) if a.state == AlertState.QUEUED]
    assert sorted((a.target, a.reference) for a in held) == sorted(
        [(SAME_DAY_DESK, same_day), (EVERYONE, same_day), (EVERYONE, routine)]
    )
    assert {a.next_attempt_at for a in held} == {morning}

    assert run_once(engine, now=morning - timedelta(seconds=1)).sent == 0
    assert run_once(engine, now=morning).sent == 3
    assert addressed(mailbox.wait_for(5)[2:]) == sorted(
        [
            (SAME_DAY_DESK, subject("same-day contact", same_day)),
            (EVERYONE, subject("same-day contact", same_day)),
            (EVERYONE, subject("new screen", routine)),
        ]
    )

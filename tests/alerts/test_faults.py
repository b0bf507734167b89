"""When sending fails: a server that is down or answers 4xx is tried again later (with the error
shown), a 5xx or a refusing webhook is given up at once, shown on the admin page and audited; and
``python -m intake alerts --once`` tells intake IT, by its exit status, that an alert was given up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake import cli
from intake.alerts import transport
from intake.alerts.worker import run_once
from intake.usecases.alerts import alerts
from intake.vocab import AlertState, AuditAction, Channel
from tests.support.factories import T0
from tests.support.mailbox import Mailbox, free_port, running_mailbox

from .alert_support import add_route, audited, message_id, store, the_alert

URGENT_DESK = "urgent-desk@clinic.example"
SOON = T0 + timedelta(minutes=1)


def shown(reference: str):
    """The alert's row as the admin page shows it."""
    [row] = [row for row in alerts().rows if row.reference == reference]
    return row


def test_an_alert_waits_out_a_mail_server_that_is_down_and_goes_when_it_is_back(
    engine, database_env, settings_env
):
    port = free_port()  # nothing listens here yet
    settings_env(**Mailbox(port).env())
    add_route(engine, "urgent", URGENT_DESK)
    reference = store(engine, "urgent")

    report = run_once(engine, now=SOON)

    assert (report.sent, report.retrying, report.given_up) == (0, 1, 0)
    row = shown(reference)
    assert (row.state, row.attempts) == (AlertState.RETRYING, 1)
    assert "SMTP" in row.last_error and "Connection" in row.last_error
    assert row.next_attempt_at > SOON
    [failed] = audited(engine, AuditAction.ALERT_FAILED)
    assert failed.target == reference

    with running_mailbox(port) as mailbox:
        assert run_once(engine, now=SOON).sent == 0  # not before its next attempt
        assert run_once(engine, now=row.next_attempt_at).sent == 1
        [received] = mailbox.wait_for(1)
    assert received.message["Message-ID"] == message_id(the_alert(engine, reference))
    row = shown(reference)
    assert (row.state, row.attempts, row.last_error) == (AlertState.SENT, 2, None)


def test_a_4xx_is_retried_and_a_5xx_given_up_and_shown(engine, alert_env, mailbox):
    add_route(engine, "urgent", URGENT_DESK)
    reference = store(engine, "urgent")

    mailbox.refuse_next(451, text="mailbox busy")
    assert run_once(engine, now=SOON).retrying == 1
    row = shown(reference)
    assert row.state == AlertState.RETRYING
    assert "451" in row.last_error and "mailbox busy" in row.last_error

    mailbox.refuse_next(550, text="no such mailbox")
    report = run_once(engine, now=row.next_attempt_at)

    assert (report.sent, report.retrying, report.given_up) == (0, 0, 1)
    row = shown(reference)
    assert (row.state, row.attempts) == (AlertState.GIVEN_UP, 2)
    assert "550" in row.last_error and "no such mailbox" in row.last_error
    assert [r.reference for r in alerts(state=AlertState.GIVEN_UP).rows] == [reference]
    [given_up] = audited(engine, AuditAction.ALERT_GIVEN_UP)
    assert (given_up.target, given_up.detail["attempt"]) == (reference, 2)
    assert mailbox.messages == []
    # Given up is final: no later run tries it again.
    assert run_once(engine, now=T0 + timedelta(days=2)).given_up == 0
    assert shown(reference).attempts == 2


def test_an_alert_is_given_up_once_out_of_attempts(engine, alert_env, mailbox, settings_env):
    settings_env(IOP_ALERT_MAX_ATTEMPTS="2")
    add_route(engine, "urgent", URGENT_DESK)
    reference = store(engine, "urgent")
    mailbox.refuse_next(421, count=2)

    assert run_once(engine, now=SOON).retrying == 1
    assert run_once(engine, now=shown(reference).next_attempt_at).given_up == 1
    row = shown(reference)
    assert (row.state, row.attempts) == (AlertState.GIVEN_UP, 2)
    assert "421" in row.last_error


def test_alerts_once_exits_1_only_when_it_gave_an_alert_up(engine, alert_env, mailbox, capsys):
    add_route(engine, "all", URGENT_DESK)

    store(engine, "iop")
    mailbox.refuse_next(451)
    assert cli.main(["alerts", "--once"]) == 0  # to be retried: not given up
    assert capsys.readouterr().out == "0 sent, 1 to retry, 0 given up, 0 escalated\n"

    store(engine, "iop")
    mailbox.refuse_next(550)
    assert cli.main(["alerts", "--once"]) == 1
    assert capsys.readouterr().out == "0 sent, 0 to retry, 1 given up, 0 escalated\n"

    assert cli.main(["alerts", "--once"]) == 0  # nothing given up in this run
    assert capsys.readouterr().out == "0 sent, 0 to retry, 0 given up, 0 escalated\n"

    store(engine, "iop")
    assert cli.main(["alerts", "--once"]) == 0
    assert capsys.readouterr().out == "1 sent, 0 to retry, 0 given up, 0 escalated\n"


def test_a_webhook_that_times_out_is_retried_under_the_same_key(engine, alert_env, webhook, monkeypatch):
    # A short timeout keeps the test quick; the receiver stalls past it.
    monkeypatch.setattr(transport, "SEND_TIMEOUT_SECONDS", 0.5)
    webhook.stall_seconds = 2.0
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    reference = store(engine, "urgent")

    assert run_once(engine, now=SOON).retrying == 1
    row = shown(reference)
    assert row.state == AlertState.RETRYING
    assert "timed out" in row.last_error

    webhook.stall_seconds = 0.0
    assert run_once(engine, now=row.next_attempt_at).sent == 1
    assert shown(reference).state == AlertState.SENT
    # The stalled POST may also have been taken in the end: each copy carries the one key.
    key = the_alert(engine, reference).idempotency_key
    assert webhook.deliveries
    assert {d.headers["Idempotency-Key"] for d in webhook.deliveries} == {key}


@pytest.mark.parametrize("status", [400, 404])
def test_a_webhook_that_refuses_the_request_is_given_up_at_once(engine, alert_env, webhook, status):
    webhook.statuses.append(status)
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    reference = store(engine, "urgent")

    assert run_once(engine, now=SOON).given_up == 1
    row = shown(reference)
    assert (row.state, row.attempts) == (AlertState.GIVEN_UP, 1)
    assert f"HTTP {status}" in row.last_error
    assert [e.target for e in audited(engine, AuditAction.ALERT_GIVEN_UP)] == [reference]


def test_a_webhook_answering_503_is_retried(engine, alert_env, webhook):
    webhook.statuses.append(503)
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    reference = store(engine, "urgent")

    assert run_once(engine, now=SOON).retrying == 1
    assert run_once(engine, now=shown(reference).next_attempt_at).sent == 1
    [delivery] = webhook.deliveries
    assert delivery.signature_ok

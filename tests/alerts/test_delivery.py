"""What arrives: an email with the right sender, recipient, subject, a Message-ID that is the
alert's idempotency key and a link to the review page; a webhook POST signed with HMAC-SHA256
and carrying the same key in its Idempotency-Key header."""

from __future__ import annotations

import json
from datetime import timedelta

from intake.alerts.worker import run_once
from intake.vocab import AlertState, AuditAction, Channel
from tests.support.factories import T0

from .alert_support import PUBLIC_URL, add_route, audited, message_id, store, the_alert

URGENT_DESK = "urgent-desk@clinic.example"


def test_an_email_alert_arrives_with_its_headers_and_a_link_to_the_review_page(engine, alert_env, mailbox):
    add_route(engine, "urgent", URGENT_DESK)
    reference = store(engine, "urgent")

    report = run_once(engine, now=T0 + timedelta(minutes=1))

    assert (report.sent, report.retrying, report.given_up) == (1, 0, 0)
    [received] = mailbox.wait_for(1)
    alert = the_alert(engine, reference)
    message = received.message
    assert received.envelope_to == [URGENT_DESK]
    assert message["From"] == alert_env["IOP_ALERT_FROM"]
    assert message["To"] == URGENT_DESK
    assert message["Subject"] == f"IOP intake: a screen needs you (urgent, {reference})"
    assert message["Message-ID"] == message_id(alert)
    body = message.get_content()
    assert f"{PUBLIC_URL}/staff_review?ref={reference}" in body.split()
    assert "Submitted: 2026-03-02 09:00 UTC" in body
    assert (alert.state, alert.attempts, alert.sent_at, alert.last_error) == (
        AlertState.SENT,
        1,
        T0 + timedelta(minutes=1),
        None,
    )
    [sent] = audited(engine, AuditAction.ALERT_SENT)
    assert (sent.target, sent.actor) == (reference, "alerts")

    # Nothing is sent twice: the next run finds nothing due.
    assert run_once(engine, now=T0 + timedelta(minutes=2)).sent == 0
    assert len(mailbox.messages) == 1


def test_a_webhook_alert_is_signed_and_carries_its_idempotency_key(engine, alert_env, webhook):
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    reference = store(engine, "urgent")

    assert run_once(engine, now=T0 + timedelta(minutes=1)).sent == 1

    [delivery] = webhook.deliveries
    alert = the_alert(engine, reference)
    assert delivery.signature_ok, "the receiver could not verify the HMAC-SHA256 signature"
    assert delivery.headers["Idempotency-Key"] == alert.idempotency_key
    assert delivery.headers["Content-Type"] == "application/json"
    body = json.loads(delivery.body)
    assert body["reference"] == reference
    assert body["priority"] == "urgent"
    assert body["link"] == f"{PUBLIC_URL}/staff_review?ref={reference}"
    assert body["idempotency_key"] == alert.idempotency_key
    assert alert.state == AlertState.SENT


def test_a_webhook_signed_with_another_secret_does_not_verify(engine, alert_env, webhook, settings_env):
    # The check above means something only if a wrong secret fails it.
    settings_env(IOP_ALERT_WEBHOOK_SECRET="some-other-made-up-secret")
    add_route(engine, "urgent", webhook.url, Channel.WEBHOOK)
    store(engine, "urgent")

    assert run_once(engine, now=T0 + timedelta(minutes=1)).sent == 1
    [delivery] = webhook.deliveries
    assert not delivery.signature_ok

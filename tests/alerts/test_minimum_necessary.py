"""Minimum necessary (42 CFR Part 2, HIPAA): every message that leaves the system, whatever its
kind and channel, holds the screen's reference and nothing of the person or of what they
answered: no name, phone or email, no answer, no disposition, flag, domain level or reason.

The screens are scored by the real rules, so their results hold every kind of word a leak could
carry. Each message is checked against the details of every screen, not only its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from intake.alerts.worker import run_once
from intake.db import write_session
from intake.staff import add_staff
from intake.submission import submit_screen
from intake.usecases.alerts import send_test
from intake.vocab import AlertKind, AlertState, Channel
from scoring import evaluate
from tests.support.factories import CONTACT, T0
from tests.support.mailbox import Mailbox, WebhookReceiver
from tests.support.screen_builder import screen

from .alert_support import PUBLIC_URL, add_route, outbox

OTHER_CONTACT = {
    "name": "Ignatius Fenwick-Oduya",
    "phone": "555-201-7788",
    "email": "ifenwick.77@example.net",
    "best_time": "morning",
    "voicemail_ok": False,
}
SITUATIONS = {
    "urgent": ({"cssrs__2": True, "cssrs__4": True}, CONTACT),  # intent: urgent
    "same_day": ({"cssrs__2": True, "cssrs__3": True}, OTHER_CONTACT),  # outpatient, same-day contact
    "routine": ({"home__safe": False}, CONTACT),  # outpatient, a home-safety flag
}
# The one word an alert may share with a result: the priority it names, which is the whole
# point of the alert (an urgent screen's disposition and safety level are "urgent" too).
PRIORITY_WORD = "urgent"
MIN_CHARS = 3  # shorter strings ("no", "ok") would match ordinary words by chance


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (dict values, list items), recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner)


def contact_secrets(contact: dict) -> set[str]:
    """The person's details, as typed and in the forms a leak might take (searched in any case)."""
    phone_digits = "".join(ch for ch in contact["phone"] if ch.isdigit())
    return {
        contact["name"],
        *contact["name"].split(),
        contact["phone"],
        phone_digits,
        phone_digits[-7:],
        contact["email"],
        contact["email"].split("@")[0],
        contact["best_time"],
    }


def screen_secrets(answers: dict, result: dict) -> set[str]:
    """What the person answered and what the rules made of it (searched as stored: the rules'
    words are lower case, and an alert's own "IOP intake" is not the disposition "iop")."""
    found = {
        *answers,  # item ids say what was asked
        *strings(answers),
        *strings(result),  # disposition, domain levels and triggers, flags, reasons (rule and text)
        *result["domains"],
        *result["flags"],
        result["disposition"],
        *(reason["text"] for reason in result["reasons"]),
    }
    return {s for s in found if len(s) >= MIN_CHARS and s != PRIORITY_WORD}


def store_scored(engine, changes: dict, contact: dict, key: str) -> tuple[set[str], set[str]]:
    """Score a made-up screen with the real rules and submit it; its contact and screen secrets."""
    taken = screen(**changes)
    result = json.loads(json.dumps(evaluate(taken)))  # as the app stores it
    with write_session(engine) as session:
        reference = submit_screen(
            session,
            submission_key=key,
            respondent=taken["respondent"],
            answers=taken["answers"],
            result=result,
            consent_version="2026-01",
            consented_at=T0 - timedelta(minutes=10),
            contact=contact,
            submitted_at=T0,
            now=T0,
        )
    assert reference
    return contact_secrets(contact), screen_secrets(taken["answers"], result)


def outgoing(mailbox: Mailbox, webhook: WebhookReceiver) -> Iterator[tuple[str, str]]:
    """(idempotency key, everything that left: headers and body) of each message and POST."""
    for received in mailbox.messages:
        message = received.message
        headers = "".join(f"{name}: {value}\n" for name, value in message.items())
        key = str(message["Message-ID"]).strip("<>").split("@")[0]
        yield key, headers + "\n" + message.get_content() + " ".join(received.envelope_to)
    for delivery in webhook.deliveries:
        headers = "".join(f"{name}: {value}\n" for name, value in delivery.headers.items())
        yield delivery.headers["Idempotency-Key"], headers + "\n" + delivery.body.decode()


def test_no_alert_holds_anything_of_the_person_or_their_answers(engine, alert_env, mailbox, webhook):
    for kind in ("urgent", "same_day", "all", "escalation"):
        add_route(engine, kind, f"{kind.replace('_', '-')}-list@clinic.example")
        add_route(engine, kind, f"{webhook.url}?list={kind}", Channel.WEBHOOK)
    stored = {
        name: store_scored(engine, changes, contact, key=f"minimum-{name}")
        for name, (changes, contact) in SITUATIONS.items()
    }
    personal = {s.lower() for contact, _ in stored.values() for s in contact}
    clinical = set().union(*(secrets for _, secrets in stored.values()))
    assert {"zelda", "quixote", "8675309", "zelda.quixote@example.org"} <= personal
    assert {
        "crisis_resources",
        "same_day_contact",
        "home_safety",
        "outpatient",
        "female",
        "26_64",
    } <= clinical

    # New-screen alerts, the urgent escalation 31 minutes on, the same-day one at 16:00 (the
    # default hour), and a test alert from the admin page.
    assert run_once(engine, now=T0 + timedelta(minutes=1)).sent == 10
    assert run_once(engine, now=T0 + timedelta(minutes=31)).escalated == 1
    assert run_once(engine, now=T0.replace(hour=16)).escalated == 1
    with write_session(engine) as session:
        admin, _ = add_staff(
            session, "lead@clinic.example", "admin", "lantern orchard velvet compass", now=T0
        )
    send_test(admin=admin, now=T0.replace(hour=17))
    assert run_once(engine, now=T0.replace(hour=17)).sent == 8

    alerts = {a.idempotency_key: a for a in outbox(engine)}
    assert {a.state for a in alerts.values()} == {AlertState.SENT}
    assert sum(a.kind == AlertKind.ESCALATION for a in alerts.values()) == 4
    messages = list(outgoing(mailbox, webhook))
    assert sorted(key for key, _ in messages) == sorted(alerts), "every alert left once, by one channel"
    for key, said in messages:
        alert = alerts[key]
        if alert.kind != AlertKind.TEST:
            assert alert.reference in said
            assert f"{PUBLIC_URL}/staff_review?ref={alert.reference}" in said
        # Taken out before searching: the reference and key are random letters and digits that
        # could spell a short answer by chance; they say nothing of the person.
        rest = said.replace(alert.idempotency_key, " ")
        if alert.reference is not None:
            rest = rest.replace(alert.reference, " ")
        leaked = sorted(s for s in personal if s in rest.lower()) + sorted(s for s in clinical if s in rest)
        assert not leaked, f"a {alert.kind} {alert.channel} alert holds {leaked}:\n{said}"

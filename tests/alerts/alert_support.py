"""What the alert tests share: the made-up set-up, routes added as an admin adds them, screens
stored as the app stores them (alerts queued in the same transaction), and what the outbox, the
audit log and the mailbox hold afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from intake.alerts import routes
from intake.db import read_session, write_session
from intake.models import Alert, AuditEntry
from intake.vocab import Actor, AuditAction, Channel
from tests.support.factories import T0, submit
from tests.support.mailbox import Received

PUBLIC_URL = "https://intake.clinic.example"
WEBHOOK_SECRET = "made-up-webhook-secret-0417"
SAME_DAY = ("same_day_contact",)  # the flag that makes a screen same-day contact


def add_route(engine: Engine, kind: str, target: str, channel: Channel = Channel.EMAIL) -> int:
    with write_session(engine) as session:
        return routes.add_route(session, kind, channel, target, Actor.CLI, now=T0).id


def store(
    engine: Engine,
    disposition: str = "iop",
    flags: tuple[str, ...] = (),
    *,
    at: datetime = T0,
    contact: dict | None = None,
) -> str:
    """Submit a screen in its own transaction, as the app does; returns its reference."""
    with write_session(engine) as session:
        return submit(session, disposition, flags, at=at, contact=contact)


def outbox(engine: Engine, reference: str | None = None) -> list[Alert]:
    """The alert rows (of one screen), oldest first."""
    statement = select(Alert).order_by(Alert.id)
    if reference is not None:
        statement = statement.where(Alert.reference == reference)
    with read_session(engine) as session:
        return list(session.scalars(statement))


def the_alert(engine: Engine, reference: str) -> Alert:
    [alert] = outbox(engine, reference)
    return alert


def audited(engine: Engine, action: AuditAction) -> list[AuditEntry]:
    with read_session(engine) as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def message_id(alert: Alert) -> str:
    """The Message-ID an alert goes out under: its idempotency key at the sender's domain."""
    return f"<{alert.idempotency_key}@clinic.example>"


def addressed(received: list[Received]) -> list[tuple[str, str]]:
    """(recipient, subject) of each message, sorted: who heard of what."""
    return sorted((str(r.message["To"]), str(r.message["Subject"])) for r in received)

"""The alert worker: claim due alerts, send them, record what happened; settle escalations.

Several workers, on several machines, may run at once. A worker claims a batch in one short
transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the write
transaction's ``BEGIN IMMEDIATE`` holds the database) and marks it ``sending`` with a lease, then
sends with no transaction open. A worker killed mid-send leaves its rows ``sending``; once the
lease runs out another worker takes them and sends again under the same idempotency key
(Message-ID, Idempotency-Key), so the receiver sees one alert. A worker only writes the outcome
of a row it still holds.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine

from intake import audit, clock
from intake.alerts.messages import AlertContent
from intake.alerts.outbox import escalate_due
from intake.alerts.transport import GiveUp, Retry, Sender
from intake.db import rows_changed, write_session
from intake.models import Alert
from intake.settings import Settings, get_settings
from intake.vocab import Actor, AlertKind, AlertState, AuditAction, Channel

log = logging.getLogger(__name__)

# Alerts claimed per transaction: a batch is sent over one SMTP connection.
CLAIM_BATCH = 50
# The backoff's ceiling: a failing alert is tried at least this often.
MAX_BACKOFF_SECONDS = 3_600


@dataclass
class RunReport:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    escalated: int = 0

    def add(self, other: RunReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.given_up += other.given_up
        self.escalated += other.escalated

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.retrying or self.given_up or self.escalated)


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: Channel
    target: str
    attempts: int
    content: AlertContent


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is a new worker)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int, settings: Settings, rng: random.Random) -> timedelta:
    """Exponential backoff with full jitter: a random wait up to base * 2^(attempts-1), capped."""
    ceiling = min(MAX_BACKOFF_SECONDS, settings.iop_alert_retry_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))


def claim(
    engine: Engine | None, worker: str, now: datetime, lease: timedelta, limit: int = CLAIM_BATCH
) -> list[Claimed]:
    with write_session(engine) as session:
        due = session.scalars(
            select(Alert)
            .where(
                or_(
                    Alert.state.in_((AlertState.QUEUED, AlertState.RETRYING))
                    & (Alert.next_attempt_at <= now),
                    (Alert.state == AlertState.SENDING) & (Alert.lease_until <= now),
                )
            )
            .order_by(Alert.next_attempt_at, Alert.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for alert in due:
            alert.state = AlertState.SENDING
            alert.lease_until = now + lease
            alert.claimed_by = worker
            alert.attempts += 1
            claimed.append(
                Claimed(
                    alert.id,
                    Channel(alert.channel),
                    alert.target,
                    alert.attempts,
                    AlertContent(
                        AlertKind(alert.kind), alert.idempotency_key, alert.reference, alert.submitted_at
                    ),
                )
            )
        return claimed


def finish(
    engine: Engine | None,
    worker: str,
    item: Claimed,
    *,
    now: datetime,
    error: Retry | GiveUp | None,
    settings: Settings,
    rng: random.Random,
) -> AlertState | None:
    """Record one send's outcome, if this worker still holds the row; returns the new state."""
    values: dict[str, Any] = {"lease_until": None, "claimed_by": None}
    if error is None:
        state, action = AlertState.SENT, AuditAction.ALERT_SENT
        values.update(sent_at=now, last_error=None)
    elif isinstance(error, GiveUp) or item.attempts >= settings.iop_alert_max_attempts:
        state, action = AlertState.GIVEN_UP, AuditAction.ALERT_GIVEN_UP
        values.update(last_error=str(error))
    else:
        state, action = AlertState.RETRYING, AuditAction.ALERT_FAILED
        values.update(last_error=str(error), next_attempt_at=now + backoff(item.attempts, settings, rng))
    with write_session(engine) as session:
        held = rows_changed(
            session,
            update(Alert)
            .where(Alert.id == item.id, Alert.state == AlertState.SENDING, Alert.claimed_by == worker)
            .values(state=state, **values),
        )
        if not held:
            # The lease ran out mid-send and another worker took the row: its outcome stands.
            return None
        audit.record(
            session,
            Actor.ALERTS,
            action,
            item.content.reference or f"alert:{item.id}",
            at=now,
            alert=item.id,
            kind=str(item.content.kind),
            channel=str(item.channel),
            attempt=item.attempts,
        )
    return state


def run_once(
    engine: Engine | None = None,
    *,
    now: datetime | None = None,
    worker: str | None = None,
    settings: Settings | None = None,
    rng: random.Random | None = None,
) -> RunReport:
    """Settle due escalations, then send every alert due at ``now`` (a batch at a time) and return
    what happened. ``now`` moves the clock for tests; sending itself is real."""
    settings = settings or get_settings()
    worker = worker or worker_name()
    rng = rng or random.Random()  # noqa: S311  # jitter, not security
    lease = timedelta(seconds=settings.iop_alert_lease_seconds)
    report = RunReport()
    fixed_now = now
    with write_session(engine) as session:
        report.escalated = escalate_due(session, now=clock.resolve(fixed_now))
    with Sender(settings) as sender:
        while True:
            batch = claim(engine, worker, clock.resolve(fixed_now), lease)
            for item in batch:
                error: Retry | GiveUp | None = None
                try:
                    sender.send(item.channel, item.target, item.content)
                except (Retry, GiveUp) as exc:
                    error = exc
                state = finish(
                    engine,
                    worker,
                    item,
                    now=clock.resolve(fixed_now),
                    error=error,
                    settings=settings,
                    rng=rng,
                )
                if state is AlertState.SENT:
                    report.sent += 1
                elif state is AlertState.RETRYING:
                    report.retrying += 1
                elif state is AlertState.GIVEN_UP:
                    report.given_up += 1
            if len(batch) < CLAIM_BATCH:
                return report


def watch(
    engine: Engine | None = None, *, stop: threading.Event | None = None, settings: Settings | None = None
) -> RunReport:
    """Deliver until stopped (SIGTERM or SIGINT, or ``stop`` set): poll every
    IOP_ALERT_POLL_SECONDS while idle, straight on while there is work."""
    settings = settings or get_settings()
    stop = stop or _stop_on_signals()
    worker = worker_name()
    total = RunReport()
    while not stop.is_set():
        try:
            report = run_once(engine, worker=worker, settings=settings)
        except Exception as exc:  # a database blip must not end the worker
            log.warning("alert worker: %s; trying again", type(exc).__name__)
            report = RunReport()
        total.add(report)
        if not report.busy:
            stop.wait(settings.iop_alert_poll_seconds)
    return total


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def on_signal(*_: object) -> None:
        # Not stop.set() here: the handler runs in the main thread, which may be inside
        # stop.wait() holding the Event's own (non-reentrant) lock; set() would then wait for
        # that lock forever and SIGTERM would never stop the worker. A thread waits its turn.
        threading.Thread(target=stop.set, name="alert-worker-stop", daemon=True).start()

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, on_signal)
    return stop

"""Writing alerts: in the screen's own transaction, so no screen is stored without its alerts and
no alert exists without its screen. The worker (``intake.alerts.worker``) sends them.

A screen is alerted to the routes of its kind (urgent or same-day) and to the every-screen
routes, once per address or webhook. Urgent and same-day screens
also get an escalation check, due when the wait runs out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.alerts import policy as alert_policy
from intake.alerts.routes import RouteView, list_routes
from intake.models import Alert, AuditEntry, EscalationCheck, Screen, Staff
from intake.settings import get_settings
from intake.vocab import (
    QUIET_KINDS,
    Actor,
    AlertKind,
    AlertState,
    AuditAction,
    Channel,
    EscalationOutcome,
    Priority,
)

# Pending escalation checks taken per transaction.
ESCALATION_BATCH = 100


def kinds_for(priority: int) -> tuple[AlertKind, ...]:
    """The route kinds that hear of a new screen with this priority; the first is the alert's own
    kind, whichever list its recipient is on (an urgent screen is urgent on the every-screen
    list too, so it says so and is never held by quiet hours)."""
    if priority == Priority.URGENT:
        return (AlertKind.URGENT, AlertKind.ALL)
    if priority == Priority.SAME_DAY:
        return (AlertKind.SAME_DAY, AlertKind.ALL)
    return (AlertKind.ALL,)


def muted_emails(session: Session) -> frozenset[str]:
    """Staff addresses whose owner has switched their email alerts off."""
    return frozenset(session.scalars(select(Staff.email).where(Staff.email_alerts.is_(False))))


def recipients(
    routes: Iterable[RouteView], kinds: Sequence[AlertKind], muted: frozenset[str]
) -> list[tuple[Channel, str]]:
    """Each (channel, target) routed for any of ``kinds``, once; muted addresses left out."""
    chosen = (
        (r.channel, r.target)
        for r in routes
        if r.kind in kinds and not (r.channel is Channel.EMAIL and r.target in muted)
    )
    return list(dict.fromkeys(chosen))


def alert_row(
    *,
    kind: AlertKind,
    channel: Channel,
    target: str,
    due: datetime,
    now: datetime,
    screen_id: str | None = None,
    reference: str | None = None,
    submitted_at: datetime | None = None,
) -> dict[str, Any]:
    return dict(
        screen_id=screen_id,
        reference=reference,
        submitted_at=submitted_at,
        kind=kind,
        channel=channel,
        target=target,
        state=AlertState.QUEUED,
        attempts=0,
        next_attempt_at=due,
        idempotency_key=str(uuid.uuid4()),
        created_at=now,
    )


def queue_for_screens(
    session: Session, screens: Sequence[dict[str, Any]], *, now: datetime | None = None
) -> int:
    """Alert rows and escalation checks for newly stored screens (``screens`` rows as inserted),
    in the caller's transaction. Returns the number of alerts queued."""
    now = clock.resolve(now)
    settings = get_settings()
    zone = settings.clinic_zone()
    policy = alert_policy.load(session)
    routes = list_routes(session)
    muted = muted_emails(session) if routes else frozenset()
    held_until = policy.hold_until(now, zone)
    wait = timedelta(minutes=settings.iop_urgent_wait_minutes)
    alerts: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    for screen in screens:
        priority = screen["priority"]
        kinds = kinds_for(priority)
        kind = kinds[0]
        for channel, target in recipients(routes, kinds, muted):
            due = held_until if kind in QUIET_KINDS else now
            alerts.append(
                alert_row(
                    kind=kind,
                    channel=channel,
                    target=target,
                    due=due,
                    now=now,
                    screen_id=screen["id"],
                    reference=screen["reference"],
                    submitted_at=screen["submitted_at"],
                )
            )
        if priority == Priority.URGENT:
            checks.append(dict(screen_id=screen["id"], due_at=screen["submitted_at"] + wait))
        elif priority == Priority.SAME_DAY:
            checks.append(
                dict(screen_id=screen["id"], due_at=policy.same_day_due(screen["submitted_at"], zone))
            )
    if alerts:
        session.execute(insert(Alert.__table__), alerts)
    if checks:
        session.execute(insert(EscalationCheck.__table__), checks)
    return len(alerts)


def queue_test(session: Session, actor: object, *, now: datetime | None = None) -> int:
    """A test alert to every route (once per address or webhook); returns how many were queued."""
    now = clock.resolve(now)
    routes = list_routes(session)
    rows = [
        alert_row(kind=AlertKind.TEST, channel=channel, target=target, due=now, now=now)
        for channel, target in dict.fromkeys((r.channel, r.target) for r in routes)
    ]
    if rows:
        session.execute(insert(Alert.__table__), rows)
    audit.record(session, actor, AuditAction.ALERT_TEST_QUEUED, None, at=now, alerts=len(rows))
    return len(rows)


def was_opened(session: Session, reference: str) -> bool:
    """Whether any staff member has opened the screen's review page (its audited screen_view)."""
    return bool(
        session.scalar(
            select(
                exists().where(AuditEntry.target == reference, AuditEntry.action == AuditAction.SCREEN_VIEW)
            )
        )
    )


def escalate_due(session: Session, *, now: datetime | None = None) -> int:
    """Settle the escalation checks that are due: a screen nobody opened alerts the escalation
    list (audited); one that was opened needs nothing. Returns how many screens escalated.
    Each check is taken by one worker (SKIP LOCKED on PostgreSQL; on SQLite the caller's
    BEGIN IMMEDIATE already holds the database)."""
    now = clock.resolve(now)
    due = session.execute(
        select(EscalationCheck.screen_id, Screen.reference, Screen.submitted_at, Screen.priority)
        .join(Screen, Screen.id == EscalationCheck.screen_id)
        .where(EscalationCheck.done_at.is_(None), EscalationCheck.due_at <= now)
        .order_by(EscalationCheck.due_at)
        .limit(ESCALATION_BATCH)
        .with_for_update(of=EscalationCheck, skip_locked=True)
    ).all()
    if not due:
        return 0
    routes = list_routes(session)
    targets = recipients(routes, (AlertKind.ESCALATION,), muted_emails(session) if routes else frozenset())
    escalated = 0
    alerts: list[dict[str, Any]] = []
    for screen_id, reference, submitted_at, priority in due:
        outcome = EscalationOutcome.OPENED if was_opened(session, reference) else EscalationOutcome.ESCALATED
        session.execute(
            update(EscalationCheck)
            .where(EscalationCheck.screen_id == screen_id)
            .values(done_at=now, outcome=outcome)
        )
        if outcome is EscalationOutcome.OPENED:
            continue
        escalated += 1
        for channel, target in targets:
            alerts.append(
                alert_row(
                    kind=AlertKind.ESCALATION,
                    channel=channel,
                    target=target,
                    due=now,
                    now=now,
                    screen_id=screen_id,
                    reference=reference,
                    submitted_at=submitted_at,
                )
            )
        audit.record(
            session,
            Actor.ALERTS,
            AuditAction.ALERT_ESCALATED,
            reference,
            at=now,
            priority=int(priority),
            alerts=len(targets),
            waited_minutes=int((now - submitted_at).total_seconds() // 60),
        )
    if alerts:
        session.execute(insert(Alert.__table__), alerts)
    return escalated


def pending_escalations(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(EscalationCheck).where(EscalationCheck.done_at.is_(None))
        )
        or 0
    )

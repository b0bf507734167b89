"""What the Alerts admin page (and each staff member's own switch) asks of intake: routes,
policy, a test alert, the outbox with its states, and whether email alerts reach me.

Every change is audited with the staff member as actor. Errors: ``ValueError`` (a bad address,
URL or hour, with a message to show), ``RouteExists``, ``RouteNotFound``, ``intake.Unavailable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from intake import audit
from intake.alerts import outbox, routes
from intake.alerts import policy as alert_policy
from intake.alerts.policy import Policy
from intake.alerts.routes import RouteView
from intake.models import Alert, Staff
from intake.settings import get_settings
from intake.staff import StaffView
from intake.usecases import reading, transaction
from intake.vocab import AlertKind, AlertState, AuditAction, Channel

# Queued alerts overdue by more than this mean no worker is delivering them.
WORKER_LATE_SECONDS = 120


@dataclass(frozen=True)
class AlertRow:
    id: int
    created_at: datetime
    kind: AlertKind
    reference: str | None
    channel: Channel
    shown_target: str
    state: AlertState
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class AlertsPage:
    rows: list[AlertRow]
    has_next: bool
    next_before: int | None


@dataclass(frozen=True)
class AlertsOverview:
    routes: list[RouteView]
    policy: Policy
    counts: dict[AlertState, int]
    # Seconds the longest-waiting due alert has waited; None when nothing is due.
    oldest_due_seconds: float | None
    warnings: list[str]
    # Staff addresses whose owner switched their email alerts off: routes to them are skipped.
    muted: frozenset[str] = frozenset()

    @property
    def worker_late(self) -> bool:
        return self.oldest_due_seconds is not None and self.oldest_due_seconds > WORKER_LATE_SECONDS


def overview(*, now: datetime) -> AlertsOverview:
    with reading() as session:
        listed = routes.list_routes(session)
        counts = {
            AlertState(state): n
            for state, n in session.execute(select(Alert.state, func.count()).group_by(Alert.state))
        }
        oldest = session.scalar(
            select(func.min(Alert.next_attempt_at)).where(
                Alert.state.in_((AlertState.QUEUED, AlertState.RETRYING)), Alert.next_attempt_at <= now
            )
        )
        return AlertsOverview(
            routes=listed,
            policy=alert_policy.load(session),
            counts=counts,
            oldest_due_seconds=None if oldest is None else (now - oldest).total_seconds(),
            warnings=routes.setup_warnings(listed, get_settings()),
            muted=outbox.muted_emails(session),
        )


def alerts(*, state: AlertState | None = None, before: int | None = None, page_size: int = 50) -> AlertsPage:
    """Alerts newest first, ``page_size`` at a time; pass ``next_before`` back as ``before``."""
    stmt = select(Alert)
    if state is not None:
        stmt = stmt.where(Alert.state == state)
    if before is not None:
        stmt = stmt.where(Alert.id < before)
    with reading() as session:
        found = session.scalars(stmt.order_by(Alert.id.desc()).limit(page_size + 1)).all()
        rows = [
            AlertRow(
                a.id,
                a.created_at,
                AlertKind(a.kind),
                a.reference,
                Channel(a.channel),
                a.target if a.channel == Channel.EMAIL else routes.mask_url(a.target),
                AlertState(a.state),
                a.attempts,
                a.next_attempt_at,
                a.sent_at,
                a.last_error,
            )
            for a in found[:page_size]
        ]
    has_next = len(found) > page_size
    return AlertsPage(rows, has_next, rows[-1].id if has_next else None)


def add_route(kind: str, channel: Channel, target: str, *, admin: StaffView, now: datetime) -> RouteView:
    with transaction() as session:
        return routes.add_route(session, kind, channel, target, admin, now=now)


def remove_route(route_id: int, *, admin: StaffView, now: datetime) -> None:
    with transaction() as session:
        routes.remove_route(session, route_id, admin, now=now)


def save_policy(policy: Policy, *, admin: StaffView, now: datetime) -> None:
    with transaction() as session:
        alert_policy.save(session, policy, admin, now=now)


def send_test(*, admin: StaffView, now: datetime) -> int:
    """Queue a test alert to every route; the worker sends it like any other. Returns how many."""
    with transaction() as session:
        return outbox.queue_test(session, admin, now=now)


def my_email_alerts(member: StaffView) -> bool:
    with reading() as session:
        return bool(session.scalar(select(Staff.email_alerts).where(Staff.id == member.id)))


def set_my_email_alerts(member: StaffView, on: bool, *, now: datetime) -> None:
    """Switch this member's own email alerts (routes to their address are skipped while off)."""
    with transaction() as session:
        session.execute(update(Staff).where(Staff.id == member.id).values(email_alerts=on))
        audit.record(
            session, member, AuditAction.ALERTS_SWITCHED, audit.staff_target(member.id), at=now, on=on
        )

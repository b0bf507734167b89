"""The admin's alert policy: quiet hours for the non-urgent kinds, and when a same-day screen escalates.

Hours are whole hours of the clinic's clock (IOP_CLINIC_TIMEZONE), so "8 to 18" stays 8 to 18
across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake import audit, clock
from intake.models import AlertPolicy
from intake.vocab import AuditAction

DEFAULT_SAME_DAY_ESCALATE_HOUR = 16


@dataclass(frozen=True)
class Policy:
    # Quiet from this hour up to (not including) that one; None, None: no quiet hours. The window
    # may wrap past midnight (20 to 7).
    quiet_from_hour: int | None = None
    quiet_until_hour: int | None = None
    same_day_escalate_hour: int = DEFAULT_SAME_DAY_ESCALATE_HOUR

    def __post_init__(self) -> None:
        hours = (self.quiet_from_hour, self.quiet_until_hour, self.same_day_escalate_hour)
        if any(h is not None and not 0 <= h <= 23 for h in hours):
            raise ValueError("hours must be whole hours from 0 to 23")
        if (self.quiet_from_hour is None) != (self.quiet_until_hour is None):
            raise ValueError("quiet hours need both a start and an end (or neither)")
        if self.quiet_from_hour is not None and self.quiet_from_hour == self.quiet_until_hour:
            raise ValueError("quiet hours must start and end at different hours")

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from_hour is not None

    def is_quiet(self, local: datetime) -> bool:
        if self.quiet_from_hour is None or self.quiet_until_hour is None:
            return False
        start, end, hour = self.quiet_from_hour, self.quiet_until_hour, local.hour
        return start <= hour < end if start < end else hour >= start or hour < end

    def hold_until(self, now: datetime, zone: ZoneInfo) -> datetime:
        """When a non-urgent alert queued at ``now`` may go: now, or the end of quiet hours."""
        local = now.astimezone(zone)
        if not self.is_quiet(local) or self.quiet_until_hour is None:
            return now
        return _next_hour(local, self.quiet_until_hour, zone)

    def same_day_due(self, submitted_at: datetime, zone: ZoneInfo) -> datetime:
        """When a same-day screen escalates if nobody has opened it: the escalation hour on the day
        it came in, or the next day's when it came in at or after that hour."""
        return _next_hour(submitted_at.astimezone(zone), self.same_day_escalate_hour, zone)


def _next_hour(local: datetime, hour: int, zone: ZoneInfo) -> datetime:
    """The first time strictly after ``local`` that the clinic's clock shows ``hour``:00, in UTC."""
    candidate = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=zone)
    return candidate.astimezone(UTC)


def load(session: Session) -> Policy:
    row = session.get(AlertPolicy, 1)
    if row is None:
        return Policy()
    return Policy(row.quiet_from_hour, row.quiet_until_hour, row.same_day_escalate_hour)


def save(session: Session, policy: Policy, actor: object, *, now: datetime | None = None) -> None:
    now = clock.resolve(now)
    row = session.get(AlertPolicy, 1, with_for_update=True)
    if row is None:
        row = AlertPolicy(id=1)
        session.add(row)
    row.quiet_from_hour = policy.quiet_from_hour
    row.quiet_until_hour = policy.quiet_until_hour
    row.same_day_escalate_hour = policy.same_day_escalate_hour
    row.updated_at = now
    row.updated_by = audit.actor_of(actor)
    audit.record(
        session,
        actor,
        AuditAction.ALERT_SETTINGS_CHANGED,
        None,
        at=now,
        quiet_from_hour=policy.quiet_from_hour,
        quiet_until_hour=policy.quiet_until_hour,
        same_day_escalate_hour=policy.same_day_escalate_hour,
    )

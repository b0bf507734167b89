"""Deleting what is kept no longer: old screens (with everything hanging off them) and stale drafts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.auth import ABSOLUTE_TIMEOUT
from intake.db import rows_changed
from intake.models import Draft, ResumeAttempt, Screen, StaffSession
from intake.settings import get_settings
from intake.vocab import Actor, AuditAction

CHUNK = 1000
# A century: any longer is surely a typo, and far enough past it the cut-off date falls before
# the year 1, which Python cannot represent (an OverflowError, not a purge).
MAX_DAYS = 36_500


@dataclass(frozen=True)
class PurgeReport:
    screens: int
    drafts: int
    resume_attempts: int
    staff_sessions: int


def purge(
    session: Session,
    *,
    older_than_days: int | None = None,
    actor: object = Actor.SYSTEM,
    now: datetime | None = None,
) -> PurgeReport:
    """Delete screens submitted more than ``older_than_days`` (default IOP_RETENTION_SUBMITTED_DAYS)
    days ago, with their contact, notes, flags and status changes (ON DELETE CASCADE); drafts past
    their expiry or older than IOP_RETENTION_UNSUBMITTED_DAYS; spent rate-limit rows and sessions.
    The audit entry holds counts only."""
    now = clock.resolve(now)
    settings = get_settings()
    days = settings.iop_retention_submitted_days if older_than_days is None else older_than_days
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"older_than_days must be from 1 to {MAX_DAYS:,}")
    screens = 0
    cutoff = now - timedelta(days=days)
    while True:
        # In chunks, so a purge of a large backlog never builds one huge IN list.
        ids = session.scalars(select(Screen.id).where(Screen.submitted_at < cutoff).limit(CHUNK)).all()
        if not ids:
            break
        session.execute(delete(Screen).where(Screen.id.in_(ids)))
        screens += len(ids)
    unsubmitted = now - timedelta(days=settings.iop_retention_unsubmitted_days)
    drafts = rows_changed(
        session, delete(Draft).where(or_(Draft.expires_at <= now, Draft.created_at < unsubmitted))
    )
    window = timedelta(minutes=settings.iop_resume_window_minutes)
    attempts = rows_changed(session, delete(ResumeAttempt).where(ResumeAttempt.at <= now - window))
    sessions = rows_changed(
        session, delete(StaffSession).where(StaffSession.created_at < now - ABSOLUTE_TIMEOUT * 2)
    )
    report = PurgeReport(screens, drafts, attempts, sessions)
    audit.record(session, actor, AuditAction.PURGE, None, at=now, older_than_days=days, **asdict(report))
    return report

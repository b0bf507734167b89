"""A screen's follow-up: moving it along the status workflow, its status history, and assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.models import Staff, StatusChange
from intake.review import find_screen
from intake.staff import staff_id_of
from intake.vocab import TRANSITIONS, AuditAction, Status


class InvalidTransition(ValueError):
    pass


@dataclass(frozen=True)
class StatusChangeView:
    staff_id: int | None
    from_status: str
    to_status: str
    at: datetime


def set_status(
    session: Session, reference: str, staff: Any, status: str, *, now: datetime | None = None
) -> None:
    """Move a screen along the workflow; the first move to ``contacted`` stamps first_contact_at."""
    now = clock.resolve(now)
    if status not in tuple(Status):
        raise InvalidTransition(f"unknown status {status!r}; one of {', '.join(Status)}")
    screen = find_screen(session, reference, lock=True)
    if status not in TRANSITIONS[Status(screen.status)]:
        raise InvalidTransition(f"cannot move a screen from {screen.status} to {status}")
    staff_id = staff_id_of(staff)
    session.add(
        StatusChange(
            screen_id=screen.id, staff_id=staff_id, from_status=screen.status, to_status=status, at=now
        )
    )
    audit.record(
        session, staff, AuditAction.STATUS_CHANGE, reference, at=now, **{"from": screen.status, "to": status}
    )
    screen.status = status
    if status == Status.CONTACTED and screen.first_contact_at is None:
        screen.first_contact_at = now
    session.flush()


def assign(
    session: Session, reference: str, staff: Any, assignee: Any, *, now: datetime | None = None
) -> None:
    """Give the screen to ``assignee`` (a staff member or id), or to nobody with None."""
    screen = find_screen(session, reference, lock=True)
    assignee_id = None if assignee is None else staff_id_of(assignee)
    if assignee_id is not None:
        member = session.get(Staff, assignee_id)
        if member is None or member.disabled:
            raise ValueError("assign to an active staff member")
    screen.assigned_to = assignee_id
    audit.record(session, staff, AuditAction.ASSIGN, reference, at=clock.resolve(now), assignee=assignee_id)
    session.flush()


def status_history(session: Session, reference: str) -> list[StatusChangeView]:
    screen = find_screen(session, reference)
    rows = session.scalars(
        select(StatusChange)
        .where(StatusChange.screen_id == screen.id)
        .order_by(StatusChange.at, StatusChange.id)
    )
    return [StatusChangeView(c.staff_id, c.from_status, c.to_status, c.at) for c in rows]

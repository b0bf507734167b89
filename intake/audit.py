"""The append-only audit log: who did what to which record, never answers or identifiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import clock
from intake.models import AuditEntry
from intake.vocab import AuditAction

# Keys that would smuggle health data or identifiers into the log; refused outright.
FORBIDDEN_DETAIL = frozenset(
    {"answers", "result", "name", "phone", "email", "contact", "password", "code", "token", "text", "note"}
)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    has_next: bool
    next_before: int | None


def staff_target(staff_id: int) -> str:
    """The audit target naming a staff account."""
    return f"staff:{staff_id}"


def actor_of(actor: Any) -> str:
    """A staff member (anything with ``.id``), a staff id, or a word such as 'system' or 'cli'."""
    if hasattr(actor, "id"):
        return str(actor.id)
    return str(actor)


def record(
    session: Session,
    actor: Any,
    action: AuditAction,
    target: str | None = None,
    *,
    at: datetime | None = None,
    **detail: Any,
) -> None:
    bad = FORBIDDEN_DETAIL & set(detail)
    if bad:
        raise ValueError(f"audit detail must not hold {', '.join(sorted(bad))}")
    session.add(
        AuditEntry(at=clock.resolve(at), actor=actor_of(actor), action=action, target=target, detail=detail)
    )
    session.flush()


def browse(
    session: Session,
    filters: AuditFilters | dict[str, Any] | None = None,
    *,
    before: int | None = None,
    page_size: int = 50,
) -> AuditPage:
    """Newest first, ``page_size`` at a time; pass ``next_before`` back as ``before`` for the next page."""
    f = filters if isinstance(filters, AuditFilters) else AuditFilters(**(filters or {}))
    stmt = select(AuditEntry)
    for column, value in (
        (AuditEntry.actor, f.actor),
        (AuditEntry.action, f.action),
        (AuditEntry.target, f.target),
    ):
        if value is not None:
            stmt = stmt.where(column == (actor_of(value) if column is AuditEntry.actor else value))
    if f.since is not None:
        stmt = stmt.where(AuditEntry.at >= f.since)
    if f.until is not None:
        stmt = stmt.where(AuditEntry.at < f.until)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    entries = session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(page_size + 1)).all()
    rows = [
        AuditRow(e.id, e.at, e.actor, e.action, e.target, dict(e.detail or {})) for e in entries[:page_size]
    ]
    has_next = len(entries) > page_size
    return AuditPage(rows, has_next, rows[-1].id if has_next else None)

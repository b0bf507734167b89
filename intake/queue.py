"""The staff queue: one keyset-paged page of screen summaries, most urgent first, and overdue urgent screens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from intake import clock
from intake.codes import reference_bounds
from intake.models import Screen, ScreenFlag, Staff
from intake.settings import get_settings
from intake.vocab import OPEN, WAITING, Priority

# Staff ids are 32-bit integers in both databases: a filter outside them matches nobody and would
# overflow a bound parameter, so it is refused.
STAFF_ID_MIN, STAFF_ID_END = -(2**31), 2**31


@dataclass(frozen=True)
class ScreenSummary:
    reference: str
    respondent: str
    language: str
    disposition: str
    priority: int
    flags: tuple[str, ...]
    partial: bool
    status: str
    submitted_at: datetime
    assigned_to: int | None
    assigned_email: str | None
    first_contact_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class QueueFilters:
    status: str | Sequence[str] | None = None
    disposition: str | None = None
    flag: str | None = None
    respondent: str | None = None
    language: str | None = None
    assigned_to: int | None = None
    # A date means the whole UTC day (inclusive at both ends); a datetime is an exact bound (until: exclusive).
    submitted_from: date | datetime | None = None
    submitted_until: date | datetime | None = None
    reference: str | None = None


@dataclass(frozen=True)
class QueuePage:
    rows: list[ScreenSummary]
    has_next: bool
    next_after: str | None = None


def _overdue(priority: int, status: str, submitted_at: datetime, now: datetime) -> bool:
    wait = timedelta(minutes=get_settings().iop_urgent_wait_minutes)
    return priority == Priority.URGENT and status in WAITING and now - submitted_at > wait


SUMMARY_COLUMNS = (
    Screen.id,
    Screen.reference,
    Screen.respondent,
    Screen.language,
    Screen.disposition,
    Screen.priority,
    Screen.partial,
    Screen.status,
    Screen.submitted_at,
    Screen.assigned_to,
    Staff.email,
    Screen.first_contact_at,
)


def summaries(
    session: Session, stmt: Select[*tuple[Any, ...]], now: datetime
) -> list[tuple[str, ScreenSummary]]:
    """(screen id, summary) pairs for the rows of ``stmt`` (SUMMARY_COLUMNS), flags fetched in one query."""
    rows = session.execute(stmt).all()
    flags: dict[str, list[str]] = {}
    if rows:
        ids = [r.id for r in rows]
        for screen_id, flag in session.execute(
            select(ScreenFlag.screen_id, ScreenFlag.flag)
            .where(ScreenFlag.screen_id.in_(ids))
            .order_by(ScreenFlag.flag)
        ):
            flags.setdefault(screen_id, []).append(flag)
    return [
        (
            r.id,
            ScreenSummary(
                reference=r.reference,
                respondent=r.respondent,
                language=r.language,
                disposition=r.disposition,
                priority=r.priority,
                flags=tuple(flags.get(r.id, ())),
                partial=r.partial,
                status=r.status,
                submitted_at=r.submitted_at,
                assigned_to=r.assigned_to,
                assigned_email=r.email,
                first_contact_at=r.first_contact_at,
                overdue=_overdue(r.priority, r.status, r.submitted_at, now),
            ),
        )
        for r in rows
    ]


def summary_select() -> Select[*tuple[Any, ...]]:
    """SUMMARY_COLUMNS of screens, with the assigned member's email."""
    return select(*SUMMARY_COLUMNS).outerjoin(Staff, Staff.id == Screen.assigned_to)


def queue_page(
    session: Session,
    filters: QueueFilters | dict[str, Any] | None = None,
    *,
    page_size: int = 50,
    after: str | None = None,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue: most urgent first, then oldest first. Keyset paging: pass the page's
    ``next_after`` as ``after`` to get the next one; each page is an index range scan."""
    now = clock.resolve(now)
    f = filters if isinstance(filters, QueueFilters) else QueueFilters(**(filters or {}))
    cursor = _decode_cursor(after) if after is not None else None
    # Each status once: the per-status branches below would list a screen once per repeat.
    statuses = [f.status] if isinstance(f.status, str) else list(dict.fromkeys(f.status or ()))
    if f.assigned_to is not None and not STAFF_ID_MIN <= f.assigned_to < STAFF_ID_END:
        raise ValueError(f"assigned_to: {f.assigned_to} is not a staff id")
    limit = page_size + 1
    # Open statuses hold few screens, flags and closed statuses many: scan whichever index is narrower.
    via_flag = f.flag is not None and not (statuses and set(statuses) <= set(OPEN))
    if not via_flag and len(statuses) > 1:
        # One index range per status, merged: with an IN list the database would sort every match.
        branches = [_ordered(f, [s], cursor, limit, via_flag=False) for s in statuses]
        stmt = merged(branches, ("priority", "submitted_at", "id"), limit)
    else:
        stmt = _ordered(f, statuses, cursor, limit, via_flag=via_flag)
    pairs = summaries(session, stmt, now)
    has_next = len(pairs) > page_size
    pairs = pairs[:page_size]
    next_after = _encode_cursor(*pairs[-1]) if has_next else None
    return QueuePage([summary for _, summary in pairs], has_next, next_after)


def merged(
    branches: list[Select[*tuple[Any, ...]]], order: tuple[str, ...], limit: int
) -> Select[*tuple[Any, ...]]:
    """Branches already sorted and limited (one index range each), merged into one sorted page."""
    union = union_all(*(select(b.subquery()) for b in branches)).subquery()
    return select(union).order_by(*(union.c[name] for name in order)).limit(limit)


def _ordered(
    f: QueueFilters,
    statuses: list[str],
    cursor: tuple[int, datetime, str] | None,
    limit: int,
    *,
    via_flag: bool,
) -> Select[*tuple[Any, ...]]:
    stmt = summary_select()
    key: tuple[Any, Any, Any]
    if via_flag:
        # Page through the flag's own index (priority and submitted_at are copied into screen_flags).
        key = (ScreenFlag.priority, ScreenFlag.submitted_at, ScreenFlag.screen_id)
        stmt = stmt.join(ScreenFlag, and_(ScreenFlag.screen_id == Screen.id, ScreenFlag.flag == f.flag))
    else:
        key = (Screen.priority, Screen.submitted_at, Screen.id)
        if f.flag is not None:
            stmt = stmt.where(exists().where(ScreenFlag.screen_id == Screen.id, ScreenFlag.flag == f.flag))
    stmt = stmt.where(*_conditions(f, statuses))
    if cursor is not None:
        stmt = stmt.where(
            tuple_(*key) > tuple_(*(literal(v, c.type) for v, c in zip(cursor, key, strict=True)))
        )
    return stmt.order_by(*key).limit(limit)


def _conditions(f: QueueFilters, statuses: list[str]) -> list[Any]:
    conditions: list[Any] = []
    if len(statuses) == 1:
        conditions.append(Screen.status == statuses[0])
    elif statuses:
        conditions.append(Screen.status.in_(statuses))
    for column, value in (
        (Screen.disposition, f.disposition),
        (Screen.respondent, f.respondent),
        (Screen.language, f.language),
        (Screen.assigned_to, f.assigned_to),
    ):
        if value is not None:
            conditions.append(column == value)
    if f.submitted_from is not None:
        conditions.append(Screen.submitted_at >= _bound(f.submitted_from, end=False))
    if f.submitted_until is not None:
        conditions.append(Screen.submitted_at < _bound(f.submitted_until, end=True))
    bounds = reference_bounds(f.reference) if f.reference else None
    if bounds is not None:
        conditions.append(Screen.reference.between(*bounds))
    return conditions


def _bound(value: date | datetime, *, end: bool) -> datetime:
    try:
        if isinstance(value, datetime):
            return clock.resolve(value).astimezone(UTC)
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time.min, tzinfo=UTC)
    except OverflowError:
        # Past an end of the calendar (the day after 9999-12-31, or year 1 in a zone ahead of UTC).
        return datetime.max.replace(tzinfo=UTC) if value.year > 1 else datetime.min.replace(tzinfo=UTC)


def _encode_cursor(screen_id: str, row: ScreenSummary) -> str:
    return f"{row.priority}|{row.submitted_at.isoformat()}|{screen_id}"


def _decode_cursor(cursor: str) -> tuple[int, datetime, str]:
    try:
        priority, submitted_at, screen_id = cursor.split("|")
        if not Priority.URGENT <= int(priority) <= Priority.OUTPATIENT:
            raise ValueError(priority)
        return int(priority), clock.resolve(datetime.fromisoformat(submitted_at)).astimezone(UTC), screen_id
    except (ValueError, OverflowError):
        raise ValueError("not a queue cursor: pass a page's next_after back unchanged") from None


def overdue_urgent(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[ScreenSummary]:
    """Urgent screens nobody has contacted within IOP_URGENT_WAIT_MINUTES, oldest first."""
    now = clock.resolve(now)
    cutoff = now - timedelta(minutes=get_settings().iop_urgent_wait_minutes)
    branches = [
        summary_select()
        .where(Screen.status == status, Screen.priority == Priority.URGENT, Screen.submitted_at < cutoff)
        .order_by(Screen.submitted_at, Screen.id)
        .limit(limit)
        for status in WAITING
    ]
    stmt = merged(branches, ("submitted_at", "id"), limit)
    return [summary for _, summary in summaries(session, stmt, now)]

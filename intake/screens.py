"""Submitted screens: storing them once, the staff queue, status workflow, assignment and notes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, insert, literal, select, tuple_, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer_group

from intake import audit, clock
from intake.codes import new_reference, reference_bounds
from intake.contact import ContactRequest
from intake.models import (
    CHARTED_DOMAINS,
    RESPONDENTS,
    SEALED,
    STATUSES,
    Contact,
    Note,
    Screen,
    ScreenFlag,
    ScreenResult,
    Staff,
    StatusChange,
)
from intake.settings import get_settings

PRIORITY = {"urgent": 0, "higher_level": 2, "iop": 3, "iop_with_supports": 4, "outpatient": 5}
SAME_DAY_PRIORITY = 1
LEVEL_LENGTH = 32  # the <domain>_level columns' width
# Instruments every complete result of rules 1.x carried (the BAM was then always asked); only
# for results from before results said "partial" themselves (see ``is_partial``).
RULES_1_INSTRUMENTS = ("auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss")
WAITING = ("new", "in_review")
OPEN = ("new", "in_review", "contacted", "scheduled")
TRANSITIONS = {
    "new": {"in_review", "contacted", "referred_elsewhere", "closed_no_contact"},
    "in_review": {"contacted", "referred_elsewhere", "closed_no_contact"},
    "contacted": {"scheduled", "referred_elsewhere", "closed_no_contact"},
    "scheduled": {"admitted", "referred_elsewhere", "closed_no_contact"},
    # A closed screen can be reopened when the person gets back in touch.
    "admitted": {"in_review"},
    "referred_elsewhere": {"in_review"},
    "closed_no_contact": {"in_review"},
}


class ScreenNotFound(LookupError):
    pass


class InvalidTransition(ValueError):
    pass


@dataclass(frozen=True)
class ScreenSummary:
    reference: str
    respondent: str
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
class ScreenDetail(ScreenSummary):
    answers: dict[str, Any]
    result: dict[str, Any]
    consent_version: str
    consented_at: datetime
    # The rules that scored ``result`` (staff are told when they are older than today's).
    rules_version: str
    created_at: datetime
    has_contact: bool
    # Results this screen showed before ``python -m intake rescore`` replaced them (kept, not shown).
    earlier_results: int = 0


@dataclass(frozen=True)
class QueueFilters:
    status: str | Sequence[str] | None = None
    disposition: str | None = None
    flag: str | None = None
    respondent: str | None = None
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


@dataclass(frozen=True)
class NoteView:
    id: int
    staff_id: int | None
    staff_email: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class StatusChangeView:
    staff_id: int | None
    from_status: str
    to_status: str
    at: datetime


@dataclass(frozen=True)
class EarlierResult:
    rules_version: str
    result: dict[str, Any]
    replaced_at: datetime
    replaced_by: str


@dataclass
class PreparedScreen:
    """The rows one screen becomes; shared by ``submit_screen`` and the bulk import."""

    screen: dict[str, Any]
    flags: list[dict[str, Any]]
    contact: dict[str, Any] | None = field(default=None)


def priority_for(result: dict[str, Any]) -> int:
    disposition = result["disposition"]
    if disposition == "urgent":
        return PRIORITY["urgent"]
    if "same_day_contact" in result.get("flags", ()):
        return SAME_DAY_PRIORITY
    return PRIORITY[disposition]


def rules_version_key(version: str) -> tuple[int, ...] | None:
    """A rules version as numbers to compare: "1.10.0" -> (1, 10, 0), newer than "1.9" -> (1, 9, 0)
    (padded to three, so "2.0" equals "2.0.0"); None for anything else ("test-1" in tests)."""
    parts = version.split(".")
    if not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts) + (0,) * (3 - len(parts))


def is_partial(result: dict[str, Any]) -> bool:
    """Whether the screen stopped early at an urgent answer. Since rules 2.0.0 the result says so
    itself ("partial", decided by scoring from the answers it was given), and that is all this reads.
    Results of rules 1.x lack the key. Stored ones are never re-read for it: the screens.partial
    column was set when they were stored, and the queue, exports and review read that column. A
    1.x-style result handed in here (a test's or a benchmark's hand-made one) is judged as it was
    then: every complete 1.x result carried all eight instruments, the BAM included, so an urgent
    one missing any was partial. That guess is wrong from 2.0.0 on (the BAM is left out when it was
    not asked), so a result of those rules without the key is refused rather than guessed."""
    if "partial" in result:
        return bool(result["partial"])
    version = rules_version_key(str(result.get("rules_version", "")))
    if version is not None and version >= (2, 0, 0):
        raise ValueError("result has no 'partial': store the result scoring.evaluate returns")
    instruments = result.get("instruments") or {}
    return result["disposition"] == "urgent" and any(k not in instruments for k in RULES_1_INSTRUMENTS)


def charted_levels(result: dict[str, Any]) -> dict[str, str | None]:
    """The plain ``<domain>_level`` columns insights counts, copied from a result (which is sealed
    and never read back for insights); None for a domain the result lacks."""
    domains = result.get("domains") or {}
    levels = {f"{name}_level": (domains.get(name) or {}).get("level") for name in CHARTED_DOMAINS}
    for column, level in levels.items():
        if level is not None and not (isinstance(level, str) and 1 <= len(level) <= LEVEL_LENGTH):
            raise ValueError(f"result {column.removesuffix('_level')} level must be a short word")
    return levels


def _flag_rows(screen_id: str, result: dict[str, Any], priority: int, submitted_at: datetime) -> list[dict]:
    return [
        dict(screen_id=screen_id, flag=f, priority=priority, submitted_at=submitted_at)
        for f in sorted(set(result.get("flags", ())))
    ]


def prepare_screen(
    *,
    submission_key: str,
    respondent: str,
    answers: dict[str, Any],
    result: dict[str, Any],
    consent_version: str,
    consented_at: datetime,
    contact: ContactRequest | dict | None = None,
    submitted_at: datetime | None = None,
    now: datetime | None = None,
) -> PreparedScreen:
    now = clock.resolve(now)
    submitted_at = clock.resolve(submitted_at or now)
    if not 1 <= len(submission_key) <= 64:
        raise ValueError("submission_key must be 1 to 64 characters")
    if respondent not in RESPONDENTS:
        raise ValueError(f"respondent must be one of {', '.join(RESPONDENTS)}")
    if result.get("disposition") not in PRIORITY:
        raise ValueError(f"result disposition must be one of {', '.join(PRIORITY)}")
    if not consent_version:
        raise ValueError("consent_version is required")
    screen_id = str(uuid.uuid4())
    priority = priority_for(result)
    screen = dict(
        id=screen_id,
        reference=new_reference(),
        submission_key=submission_key,
        respondent=respondent,
        answers=answers,
        result=result,
        disposition=result["disposition"],
        priority=priority,
        partial=is_partial(result),
        consent_version=consent_version,
        consented_at=clock.resolve(consented_at),
        rules_version=str(result.get("rules_version", "")),
        created_at=now,
        submitted_at=submitted_at,
        status="new",
        assigned_to=None,
        first_contact_at=None,
        **charted_levels(result),
    )
    prepared = PreparedScreen(screen, _flag_rows(screen_id, result, priority, submitted_at))
    if contact is not None:
        c = contact if isinstance(contact, ContactRequest) else ContactRequest.model_validate(contact)
        prepared.contact = dict(screen_id=screen_id, created_at=now, **c.model_dump())
    return prepared


def insert_prepared(session: Session, batch: Sequence[PreparedScreen]) -> None:
    """Bulk insert (one executemany per table), used inside the caller's transaction. Core inserts on
    the tables: the ORM's bulk path would cost as much again per row for nothing here."""
    session.execute(insert(Screen.__table__), [p.screen for p in batch])
    flags = [f for p in batch for f in p.flags]
    if flags:
        session.execute(insert(ScreenFlag.__table__), flags)
    contacts = [p.contact for p in batch if p.contact is not None]
    if contacts:
        session.execute(insert(Contact.__table__), contacts)


def submit_screen(
    session: Session,
    *,
    submission_key: str,
    respondent: str,
    answers: dict[str, Any],
    result: dict[str, Any],
    consent_version: str,
    consented_at: datetime,
    contact: ContactRequest | dict | None = None,
    submitted_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """Store a screen (``result`` from ``scoring.evaluate``) once and return its reference; a retry
    with the same submission_key gets the first reference back."""
    existing = _reference_for_key(session, submission_key)
    if existing is not None:
        return existing
    prepared = prepare_screen(
        submission_key=submission_key,
        respondent=respondent,
        answers=answers,
        result=result,
        consent_version=consent_version,
        consented_at=consented_at,
        contact=contact,
        submitted_at=submitted_at,
        now=now,
    )
    for _ in range(5):
        try:
            with session.begin_nested():
                insert_prepared(session, [prepared])
        except IntegrityError:
            # Either a concurrent retry of the same submit won, or the random reference collided.
            existing = _reference_for_key(session, submission_key)
            if existing is not None:
                return existing
            prepared.screen["reference"] = new_reference()
            continue
        reference = prepared.screen["reference"]
        audit.record(
            session,
            "system",
            "screen_submitted",
            reference,
            at=prepared.screen["created_at"],
            has_contact=prepared.contact is not None,
        )
        return reference
    raise RuntimeError("could not allocate a unique reference")


def replace_result(
    session: Session, screen: Screen, result: dict[str, Any], actor: Any, *, now: datetime | None = None
) -> None:
    """Show ``result`` (from ``scoring.evaluate``, newer rules) on a stored screen, keeping the one
    it replaces in screen_results. Everything taken from a result changes together, in the
    caller's transaction: result, disposition, priority, partial, rules version, domain levels and
    flag rows (whose copied priority the queue pages by). Only ``intake.rescore`` calls this: never
    on a read."""
    if result.get("disposition") not in PRIORITY:
        raise ValueError(f"result disposition must be one of {', '.join(PRIORITY)}")
    partial = is_partial(result)
    session.add(
        ScreenResult(
            screen_id=screen.id,
            rules_version=screen.rules_version,
            result=screen.result,
            replaced_at=clock.resolve(now),
            replaced_by=audit.actor_of(actor),
        )
    )
    priority = priority_for(result)
    screen.result = result
    screen.disposition = result["disposition"]
    screen.priority = priority
    screen.partial = partial
    screen.rules_version = str(result.get("rules_version", ""))
    for column, level in charted_levels(result).items():
        setattr(screen, column, level)
    session.execute(delete(ScreenFlag).where(ScreenFlag.screen_id == screen.id))
    flags = _flag_rows(screen.id, result, priority, screen.submitted_at)
    if flags:
        session.execute(insert(ScreenFlag.__table__), flags)
    session.flush()


def result_history(session: Session, reference: str) -> list[EarlierResult]:
    """Results the screen showed before it was re-scored, oldest first."""
    screen = _screen(session, reference)
    rows = session.scalars(
        select(ScreenResult).where(ScreenResult.screen_id == screen.id).order_by(ScreenResult.id)
    )
    return [EarlierResult(r.rules_version, r.result, r.replaced_at, r.replaced_by) for r in rows]


def _reference_for_key(session: Session, submission_key: str) -> str | None:
    return session.scalar(select(Screen.reference).where(Screen.submission_key == submission_key))


def _screen(session: Session, reference: str, *, lock: bool = False) -> Screen:
    stmt = select(Screen).where(Screen.reference == reference)
    screen = session.scalar(stmt.with_for_update() if lock else stmt)
    if screen is None:
        raise ScreenNotFound(f"no screen {reference}")
    return screen


def _overdue(priority: int, status: str, submitted_at: datetime, now: datetime) -> bool:
    wait = timedelta(minutes=get_settings().iop_urgent_wait_minutes)
    return priority == 0 and status in WAITING and now - submitted_at > wait


SUMMARY_COLUMNS = (
    Screen.id,
    Screen.reference,
    Screen.respondent,
    Screen.disposition,
    Screen.priority,
    Screen.partial,
    Screen.status,
    Screen.submitted_at,
    Screen.assigned_to,
    Staff.email,
    Screen.first_contact_at,
)


def _summaries(session: Session, stmt: Select, now: datetime) -> list[tuple[str, ScreenSummary]]:
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


def _summary_select() -> Select:
    return select(*SUMMARY_COLUMNS).outerjoin(Staff, Staff.id == Screen.assigned_to)


def queue_page(
    session: Session,
    filters: QueueFilters | dict | None = None,
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
    if f.assigned_to is not None and not -(2**31) <= f.assigned_to < 2**31:
        raise ValueError(f"assigned_to: {f.assigned_to} is not a staff id")
    limit = page_size + 1
    # Open statuses hold few screens, flags and closed statuses many: scan whichever index is narrower.
    via_flag = f.flag is not None and not (statuses and set(statuses) <= set(OPEN))
    if not via_flag and len(statuses) > 1:
        # One index range per status, merged: with an IN list the database would sort every match.
        branches = [_ordered(f, [s], cursor, limit, via_flag=False) for s in statuses]
        stmt = _merged(branches, ("priority", "submitted_at", "id"), limit)
    else:
        stmt = _ordered(f, statuses, cursor, limit, via_flag=via_flag)
    pairs = _summaries(session, stmt, now)
    has_next = len(pairs) > page_size
    pairs = pairs[:page_size]
    next_after = _encode_cursor(*pairs[-1]) if has_next else None
    return QueuePage([summary for _, summary in pairs], has_next, next_after)


def _merged(branches: list[Select], order: tuple[str, ...], limit: int) -> Select:
    """Branches already sorted and limited (one index range each), merged into one sorted page."""
    merged = union_all(*(select(b.subquery()) for b in branches)).subquery()
    return select(merged).order_by(*(merged.c[name] for name in order)).limit(limit)


def _ordered(
    f: QueueFilters, statuses: list[str], cursor: tuple | None, limit: int, *, via_flag: bool
) -> Select:
    stmt = _summary_select()
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
        if not 0 <= int(priority) <= 5:
            raise ValueError(priority)
        return int(priority), clock.resolve(datetime.fromisoformat(submitted_at)).astimezone(UTC), screen_id
    except (ValueError, OverflowError):
        raise ValueError("not a queue cursor: pass a page's next_after back unchanged") from None


def overdue_urgent(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[ScreenSummary]:
    """Urgent screens nobody has contacted within IOP_URGENT_WAIT_MINUTES, oldest first."""
    now = clock.resolve(now)
    cutoff = now - timedelta(minutes=get_settings().iop_urgent_wait_minutes)
    branches = [
        _summary_select()
        .where(Screen.status == status, Screen.priority == 0, Screen.submitted_at < cutoff)
        .order_by(Screen.submitted_at, Screen.id)
        .limit(limit)
        for status in WAITING
    ]
    stmt = _merged(branches, ("submitted_at", "id"), limit)
    return [summary for _, summary in _summaries(session, stmt, now)]


def get_screen(
    session: Session, reference: str, *, viewer: Any = None, now: datetime | None = None
) -> ScreenDetail | None:
    """The whole screen; with ``viewer`` (a staff member) the view is audited."""
    now = clock.resolve(now)
    pairs = _summaries(session, _summary_select().where(Screen.reference == reference), now)
    if not pairs:
        return None
    screen_id, summary = pairs[0]
    screen = session.get(Screen, screen_id, options=[undefer_group(SEALED)])  # decrypted here
    has_contact = session.get(Contact, screen_id) is not None
    earlier = session.scalar(
        select(func.count()).select_from(ScreenResult).where(ScreenResult.screen_id == screen_id)
    )
    if viewer is not None:
        audit.record(session, viewer, "screen_view", reference, at=now)
    return ScreenDetail(
        **summary.__dict__,
        answers=screen.answers,
        result=screen.result,
        consent_version=screen.consent_version,
        consented_at=screen.consented_at,
        rules_version=screen.rules_version,
        created_at=screen.created_at,
        has_contact=has_contact,
        earlier_results=earlier or 0,
    )


def set_status(
    session: Session, reference: str, staff: Any, status: str, *, now: datetime | None = None
) -> None:
    """Move a screen along the workflow; the first move to ``contacted`` stamps first_contact_at."""
    now = clock.resolve(now)
    if status not in STATUSES:
        raise InvalidTransition(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    screen = _screen(session, reference, lock=True)
    if status not in TRANSITIONS[screen.status]:
        raise InvalidTransition(f"cannot move a screen from {screen.status} to {status}")
    staff_id = _staff_id(staff)
    session.add(
        StatusChange(
            screen_id=screen.id, staff_id=staff_id, from_status=screen.status, to_status=status, at=now
        )
    )
    audit.record(session, staff, "status_change", reference, at=now, **{"from": screen.status, "to": status})
    screen.status = status
    if status == "contacted" and screen.first_contact_at is None:
        screen.first_contact_at = now
    session.flush()


def assign(
    session: Session, reference: str, staff: Any, assignee: Any, *, now: datetime | None = None
) -> None:
    """Give the screen to ``assignee`` (a staff member or id), or to nobody with None."""
    screen = _screen(session, reference, lock=True)
    assignee_id = None if assignee is None else _staff_id(assignee)
    if assignee_id is not None:
        member = session.get(Staff, assignee_id)
        if member is None or member.disabled:
            raise ValueError("assign to an active staff member")
    screen.assigned_to = assignee_id
    audit.record(session, staff, "assign", reference, at=clock.resolve(now), assignee=assignee_id)
    session.flush()


def add_note(
    session: Session, reference: str, staff: Any, text: str, *, now: datetime | None = None
) -> NoteView:
    text = text.strip()
    if not 1 <= len(text) <= 10_000:
        raise ValueError("note: write 1 to 10,000 characters")
    now = clock.resolve(now)
    screen = _screen(session, reference)
    note = Note(screen_id=screen.id, staff_id=_staff_id(staff), text=text, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, staff, "note_added", reference, at=now, note_id=note.id)
    return NoteView(note.id, note.staff_id, None, text, now)


def notes(session: Session, reference: str) -> list[NoteView]:
    screen = _screen(session, reference)
    rows = session.execute(
        select(Note, Staff.email)
        .outerjoin(Staff, Staff.id == Note.staff_id)
        .where(Note.screen_id == screen.id)
        .order_by(Note.created_at, Note.id)
    ).all()
    return [NoteView(n.id, n.staff_id, email, n.text, n.created_at) for n, email in rows]


def status_history(session: Session, reference: str) -> list[StatusChangeView]:
    screen = _screen(session, reference)
    rows = session.scalars(
        select(StatusChange)
        .where(StatusChange.screen_id == screen.id)
        .order_by(StatusChange.at, StatusChange.id)
    )
    return [StatusChangeView(c.staff_id, c.from_status, c.to_status, c.at) for c in rows]


def contact_details(
    session: Session, reference: str, staff: Any, *, now: datetime | None = None
) -> ContactRequest | None:
    """Decrypted contact details (None if none were left); every call is audited as ``contact_view``."""
    screen = _screen(session, reference)
    contact = session.get(Contact, screen.id)
    audit.record(session, staff, "contact_view", reference, at=clock.resolve(now), found=contact is not None)
    if contact is None:
        return None
    return ContactRequest.model_construct(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        best_time=contact.best_time,
        voicemail_ok=contact.voicemail_ok,
    )


def _staff_id(staff: Any) -> int:
    return int(staff.id if hasattr(staff, "id") else staff)

"""Staff notes on a screen (sealed like answers): adding one, and reading them in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.models import Note, Staff
from intake.review import find_screen
from intake.staff import staff_id_of
from intake.vocab import NOTE_MAX_CHARS, AuditAction


@dataclass(frozen=True)
class NoteView:
    id: int
    staff_id: int | None
    staff_email: str | None
    text: str
    created_at: datetime


def add_note(
    session: Session, reference: str, staff: Any, text: str, *, now: datetime | None = None
) -> NoteView:
    text = text.strip()
    if not 1 <= len(text) <= NOTE_MAX_CHARS:
        raise ValueError(f"note: write 1 to {NOTE_MAX_CHARS:,} characters")
    now = clock.resolve(now)
    screen = find_screen(session, reference)
    note = Note(screen_id=screen.id, staff_id=staff_id_of(staff), text=text, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, staff, AuditAction.NOTE_ADDED, reference, at=now, note_id=note.id)
    return NoteView(note.id, note.staff_id, None, text, now)


def notes(session: Session, reference: str) -> list[NoteView]:
    screen = find_screen(session, reference)
    rows = session.execute(
        select(Note, Staff.email)
        .outerjoin(Staff, Staff.id == Note.staff_id)
        .where(Note.screen_id == screen.id)
        .order_by(Note.created_at, Note.id)
    ).all()
    return [NoteView(n.id, n.staff_id, email, n.text, n.created_at) for n, email in rows]

"""One screen as staff review it: the whole record, and its contact details (every look audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer_group

from intake import audit, clock
from intake.contact import BestTime, ContactRequest
from intake.models import SEALED, Contact, Screen, ScreenResult
from intake.queue import ScreenSummary, summaries, summary_select
from intake.vocab import AuditAction


class ScreenNotFound(LookupError):
    pass


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


def find_screen(session: Session, reference: str, *, lock: bool = False) -> Screen:
    """The screen row (sealed columns deferred); ``lock`` holds it for an update in this transaction."""
    stmt = select(Screen).where(Screen.reference == reference)
    screen = session.scalar(stmt.with_for_update() if lock else stmt)
    if screen is None:
        raise ScreenNotFound(f"no screen {reference}")
    return screen


def get_screen(
    session: Session, reference: str, *, viewer: Any = None, now: datetime | None = None
) -> ScreenDetail | None:
    """The whole screen; with ``viewer`` (a staff member) the view is audited."""
    now = clock.resolve(now)
    pairs = summaries(session, summary_select().where(Screen.reference == reference), now)
    if not pairs:
        return None
    screen_id, summary = pairs[0]
    screen = session.get_one(Screen, screen_id, options=[undefer_group(SEALED)])  # decrypted here
    has_contact = session.get(Contact, screen_id) is not None
    earlier = session.scalar(
        select(func.count()).select_from(ScreenResult).where(ScreenResult.screen_id == screen_id)
    )
    if viewer is not None:
        audit.record(session, viewer, AuditAction.SCREEN_VIEW, reference, at=now)
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


def contact_details(
    session: Session, reference: str, staff: Any, *, now: datetime | None = None
) -> ContactRequest | None:
    """Decrypted contact details (None if none were left); every call is audited as ``contact_view``."""
    screen = find_screen(session, reference)
    contact = session.get(Contact, screen.id)
    audit.record(
        session, staff, AuditAction.CONTACT_VIEW, reference, at=clock.resolve(now), found=contact is not None
    )
    if contact is None:
        return None
    return ContactRequest.model_construct(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        best_time=cast(BestTime, contact.best_time),  # the column's CHECK allows only these
        voicemail_ok=contact.voicemail_ok,
    )

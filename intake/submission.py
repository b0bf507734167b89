"""Storing a submitted screen once: the rows it becomes, its priority, and whether it stopped early."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.alerts.outbox import queue_for_screens
from intake.codes import new_reference
from intake.contact import ContactRequest
from intake.models import CHARTED_DOMAINS, Contact, Screen, ScreenFlag
from intake.vocab import PRIORITY_OF_DISPOSITION, Actor, AuditAction, Priority, Status
from scoring.languages import SOURCE, languages
from scoring.vocab import Disposition, Respondent

LEVEL_LENGTH = 32  # the <domain>_level columns' width
# Instruments every complete result of rules 1.x carried (the BAM was then always asked); only
# for results from before results said "partial" themselves (see ``is_partial``).
RULES_1_INSTRUMENTS = ("auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss")
SUBMISSION_KEY_MAX_CHARS = 64
# Tries at a fresh random reference before giving up (a collision is already rare).
REFERENCE_TRIES = 5
SAME_DAY_FLAG = "same_day_contact"


@dataclass
class PreparedScreen:
    """The rows one screen becomes; shared by ``submit_screen`` and the bulk import."""

    screen: dict[str, Any]
    flags: list[dict[str, Any]]
    contact: dict[str, Any] | None = field(default=None)
    # Queue staff alerts with it (``intake.alerts``); off only for an import with --no-alerts.
    alerts: bool = True


def check_disposition(result: dict[str, Any]) -> None:
    """Refuse a result whose disposition has no queue priority."""
    if result.get("disposition") not in PRIORITY_OF_DISPOSITION:
        raise ValueError(f"result disposition must be one of {', '.join(PRIORITY_OF_DISPOSITION)}")


def priority_for(result: dict[str, Any]) -> Priority:
    disposition = result["disposition"]
    if disposition == Disposition.URGENT:
        return Priority.URGENT
    if SAME_DAY_FLAG in result.get("flags", ()):
        return Priority.SAME_DAY
    return PRIORITY_OF_DISPOSITION[disposition]


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
    return result["disposition"] == Disposition.URGENT and any(
        k not in instruments for k in RULES_1_INSTRUMENTS
    )


def charted_levels(result: dict[str, Any]) -> dict[str, str | None]:
    """The plain ``<domain>_level`` columns insights counts, copied from a result (which is sealed
    and never read back for insights); None for a domain the result lacks."""
    domains = result.get("domains") or {}
    levels = {f"{name}_level": (domains.get(name) or {}).get("level") for name in CHARTED_DOMAINS}
    for column, level in levels.items():
        if level is not None and not (isinstance(level, str) and 1 <= len(level) <= LEVEL_LENGTH):
            raise ValueError(f"result {column.removesuffix('_level')} level must be a short word")
    return levels


def flag_rows(
    screen_id: str, result: dict[str, Any], priority: int, submitted_at: datetime
) -> list[dict[str, Any]]:
    """A screen's screen_flags rows; each copies the priority and time the queue pages a flag by."""
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
    contact: ContactRequest | dict[str, Any] | None = None,
    submitted_at: datetime | None = None,
    now: datetime | None = None,
    language: str = SOURCE,
) -> PreparedScreen:
    now = clock.resolve(now)
    submitted_at = clock.resolve(submitted_at or now)
    if not 1 <= len(submission_key) <= SUBMISSION_KEY_MAX_CHARS:
        raise ValueError(f"submission_key must be 1 to {SUBMISSION_KEY_MAX_CHARS} characters")
    if respondent not in tuple(Respondent):
        raise ValueError(f"respondent must be one of {', '.join(Respondent)}")
    check_disposition(result)
    if not consent_version:
        raise ValueError("consent_version is required")
    if language not in languages().codes:
        raise ValueError(f"language must be one of {', '.join(languages().codes)}")
    screen_id = str(uuid.uuid4())
    priority = priority_for(result)
    screen = dict(
        id=screen_id,
        reference=new_reference(),
        submission_key=submission_key,
        respondent=respondent,
        language=language,
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
        status=Status.NEW,
        assigned_to=None,
        first_contact_at=None,
        **charted_levels(result),
    )
    prepared = PreparedScreen(screen, flag_rows(screen_id, result, priority, submitted_at))
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
    # In the same transaction as the screens: a crash cannot leave one without the other.
    alerted = [p.screen for p in batch if p.alerts]
    if alerted:
        queue_for_screens(session, alerted, now=alerted[0]["created_at"])


def submit_screen(
    session: Session,
    *,
    submission_key: str,
    respondent: str,
    answers: dict[str, Any],
    result: dict[str, Any],
    consent_version: str,
    consented_at: datetime,
    contact: ContactRequest | dict[str, Any] | None = None,
    submitted_at: datetime | None = None,
    now: datetime | None = None,
    language: str = SOURCE,
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
        language=language,
    )
    for _ in range(REFERENCE_TRIES):
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
        reference: str = prepared.screen["reference"]
        audit.record(
            session,
            Actor.SYSTEM,
            AuditAction.SCREEN_SUBMITTED,
            reference,
            at=prepared.screen["created_at"],
            has_contact=prepared.contact is not None,
        )
        return reference
    raise RuntimeError("could not allocate a unique reference")


def _reference_for_key(session: Session, submission_key: str) -> str | None:
    return session.scalar(select(Screen.reference).where(Screen.submission_key == submission_key))

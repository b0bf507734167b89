"""Re-scoring stored screens with the current rules, on an administrator's explicit request.

A stored screen keeps the result and ``rules_version`` it was scored with: nothing else in the
project re-scores one. ``python -m intake rescore`` validates each screen's stored answers against
today's questionnaire and, only if they fit, keeps the old result in screen_results and shows the
new one (``intake.results.replace_result``), all of one screen's changes in one transaction.
Answers that do not fit (a revision-1 screen lacks ``recovery.history``, which revision 2 always
asks) change nothing.

The audit log gets the codes the queue already shows (versions, dispositions, priorities), never
answers, reasons or the ids of the items that did not fit: which items a screen answered, or
lacks, can tell what the person said (a follow-up is only asked after a yes). Those ids go to the
administrator's terminal only, as the import command's do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.codes import reference_search_prefix
from intake.crypto import UNREADABLE_TEXT, is_unreadable
from intake.db import read_session, write_session
from intake.models import Screen
from intake.results import replace_result
from intake.submission import priority_for, rules_version_key
from intake.vocab import Actor, AuditAction
from scoring import RULES_VERSION, ScreenInvalid, evaluate

RESCORED, NOT_RESCORED, CURRENT = "rescored", "refused", "current"
# Screens per transaction. Each screen's changes always commit together; batching only spares a
# commit per screen (2,000 screens on PostgreSQL: 18 s one by one, 11 s in fifties), while keeping
# each lock short: the wizard's submits wait on SQLite's write lock, staff on PostgreSQL row locks.
BATCH = 50


@dataclass(frozen=True)
class Outcome:
    reference: str
    status: str  # RESCORED (or would be, in a dry run), NOT_RESCORED or CURRENT
    from_version: str | None = None
    from_disposition: str | None = None
    to_disposition: str | None = None
    from_priority: int | None = None
    to_priority: int | None = None
    # Why it could not be re-scored: the item ids whose stored answers do not fit the current
    # rules (never the answers), or a sentence when the screen itself is the problem.
    items: tuple[str, ...] = ()
    problem: str | None = None


@dataclass
class RescoreReport:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    # Versions --all-before could not compare (not dotted numbers), with their screen counts.
    unversioned: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def references_before(session: Session, version: str) -> tuple[list[str], dict[str, int]]:
    """References of screens scored by rules older than ``version``, most urgent first; and the
    stored versions that are not version numbers at all, with how many screens hold each (they
    are left for the administrator to name one by one)."""
    bound = rules_version_key(version)
    if bound is None:
        raise ValueError(f"not a rules version: {version!r} (write it like 1.0.0)")
    older, unversioned = [], {}
    counts = select(Screen.rules_version, func.count()).group_by(Screen.rules_version)
    for stored, count in session.execute(counts):
        key = rules_version_key(stored)
        if key is None:
            unversioned[stored] = count
        elif key < bound:
            older.append(stored)
    if not older:
        return [], unversioned
    references = session.scalars(
        select(Screen.reference)
        .where(Screen.rules_version.in_(older))
        .order_by(Screen.priority, Screen.submitted_at, Screen.id)
    )
    return list(references), unversioned


def rescore_screen(
    session: Session,
    reference: str,
    *,
    actor: Any = Actor.CLI,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """Re-score one screen inside the caller's transaction (a write one unless ``dry_run``)."""
    now = clock.resolve(now)
    stmt = select(Screen).where(Screen.reference == reference)
    screen = session.scalar(stmt if dry_run else stmt.with_for_update())
    if screen is None:
        return Outcome(reference, NOT_RESCORED, problem="no such screen")
    before: dict[str, Any] = dict(
        from_version=screen.rules_version, from_disposition=screen.disposition, from_priority=screen.priority
    )
    if screen.rules_version == RULES_VERSION:
        return Outcome(reference, CURRENT, **before)
    stored = rules_version_key(screen.rules_version)
    current = rules_version_key(RULES_VERSION)
    if stored is not None and current is not None and stored > current:
        # Scored by newer rules than this code knows (a rolled-back release): never step back.
        refused = Outcome(reference, NOT_RESCORED, **before, problem="scored by newer rules")
        return _refused(session, refused, actor, dry_run, now)
    if is_unreadable(screen.answers) or is_unreadable(screen.result):
        refused = Outcome(
            reference, NOT_RESCORED, **before, problem=f"its answers or result {UNREADABLE_TEXT}"
        )
        return _refused(session, refused, actor, dry_run, now)
    try:
        result = evaluate({"respondent": screen.respondent, "answers": screen.answers})
    except ScreenInvalid as invalid:
        items = tuple(dict.fromkeys(str(e.get("item", "")) for e in invalid.errors))
        return _refused(session, Outcome(reference, NOT_RESCORED, **before, items=items), actor, dry_run, now)
    after: dict[str, Any] = dict(to_disposition=result["disposition"], to_priority=priority_for(result))
    if not dry_run:
        replace_result(session, screen, result, actor, now=now)
        audit.record(
            session,
            actor,
            AuditAction.SCREEN_RESCORED,
            reference,
            at=now,
            to_version=screen.rules_version,  # the result's own, now stored
            **before,
            **after,
        )
    return Outcome(reference, RESCORED, **before, **after)


def _refused(session: Session, outcome: Outcome, actor: Any, dry_run: bool, now: datetime) -> Outcome:
    if not dry_run:
        # How many items did not fit, not which: see the module's docstring.
        audit.record(
            session,
            actor,
            AuditAction.SCREEN_RESCORE_REFUSED,
            outcome.reference,
            at=now,
            from_version=outcome.from_version,
            to_version=RULES_VERSION,
            problems=len(outcome.items) or 1,
        )
    return outcome


def canonical_reference(typed: str) -> str:
    """A reference as staff may type it ("iop-7kq4-m2xd", "7KQ4 M2XD") in its stored form."""
    return reference_search_prefix(typed)


def rescore(
    engine: Engine | str | None,
    references: Iterable[str] = (),
    *,
    all_before: str | None = None,
    dry_run: bool = False,
    actor: Any = Actor.CLI,
    now: datetime | None = None,
) -> RescoreReport:
    """Re-score the named screens, or every screen scored by rules older than ``all_before``
    (each screen's new result, history row, flags and audit entry commit together; a refusal
    is audited). A dry run opens read-only sessions: it writes nothing, not even to the audit log."""
    now = clock.resolve(now)
    report = RescoreReport(dry_run)
    targets = list(dict.fromkeys(canonical_reference(r) for r in references))
    if all_before is not None:
        with read_session(engine) as session:
            older, report.unversioned = references_before(session, all_before)
        targets.extend(r for r in older if r not in targets)
    session_for = read_session if dry_run else write_session
    for start in range(0, len(targets), BATCH):
        with session_for(engine) as session:
            outcomes = [
                rescore_screen(session, reference, actor=actor, dry_run=dry_run, now=now)
                for reference in targets[start : start + BATCH]
            ]
        report.outcomes.extend(outcomes)  # only once committed
    return report

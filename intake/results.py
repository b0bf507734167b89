"""A stored screen's results over time: re-scoring under newer rules keeps the result it replaces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from intake import audit, clock
from intake.models import Screen, ScreenFlag, ScreenResult
from intake.review import find_screen
from intake.submission import charted_levels, check_disposition, flag_rows, is_partial, priority_for


@dataclass(frozen=True)
class EarlierResult:
    rules_version: str
    result: dict[str, Any]
    replaced_at: datetime
    replaced_by: str


def replace_result(
    session: Session, screen: Screen, result: dict[str, Any], actor: Any, *, now: datetime | None = None
) -> None:
    """Show ``result`` (from ``scoring.evaluate``, newer rules) on a stored screen, keeping the one
    it replaces in screen_results. Everything taken from a result changes together, in the
    caller's transaction: result, disposition, priority, partial, rules version, domain levels and
    flag rows (whose copied priority the queue pages by). Only ``intake.rescore`` calls this: never
    on a read."""
    check_disposition(result)
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
    flags = flag_rows(screen.id, result, priority, screen.submitted_at)
    if flags:
        session.execute(insert(ScreenFlag.__table__), flags)
    session.flush()


def result_history(session: Session, reference: str) -> list[EarlierResult]:
    """Results the screen showed before it was re-scored, oldest first."""
    screen = find_screen(session, reference)
    rows = session.scalars(
        select(ScreenResult).where(ScreenResult.screen_id == screen.id).order_by(ScreenResult.id)
    )
    return [EarlierResult(r.rules_version, r.result, r.replaced_at, r.replaced_by) for r in rows]

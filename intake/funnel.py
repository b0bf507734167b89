"""Anonymous counts of how far people get (started, each section reached, submitted), per day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intake import clock
from intake.models import FunnelCount

STEP = re.compile(r"^[a-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class FunnelRow:
    day: date
    step: str
    count: int


def count_step(session: Session, step: str, *, now: datetime | None = None) -> None:
    """Add one to today's (UTC) count for ``step``; a single upsert, safe under concurrency."""
    if not STEP.match(step):
        raise ValueError("step: 1 to 64 characters of a-z, 0-9, _ . : -")
    day = clock.resolve(now).date()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(FunnelCount).values(day=day, step=step, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[FunnelCount.day, FunnelCount.step], set_={"count": FunnelCount.count + 1}
    )
    session.execute(stmt)


def funnel(session: Session, since: date, until: date | None = None) -> list[FunnelRow]:
    """Counts per day and step from ``since`` to ``until`` (inclusive), oldest day first."""
    stmt = select(FunnelCount).where(FunnelCount.day >= since)
    if until is not None:
        stmt = stmt.where(FunnelCount.day <= until)
    rows = session.scalars(stmt.order_by(FunnelCount.day, FunnelCount.step))
    return [FunnelRow(r.day, r.step, r.count) for r in rows]


def funnel_totals(session: Session, since: date, until: date | None = None) -> dict[str, int]:
    """Step -> total over the period, for a funnel chart."""
    stmt = select(FunnelCount.step, func.sum(FunnelCount.count)).where(FunnelCount.day >= since)
    if until is not None:
        stmt = stmt.where(FunnelCount.day <= until)
    return {step: int(total) for step, total in session.execute(stmt.group_by(FunnelCount.step))}

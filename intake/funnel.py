"""Anonymous counts of how far people get (started, each section reached, submitted), per day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, String, bindparam, func, select, text
from sqlalchemy.orm import Session

from intake import clock
from intake.models import FunnelCount

STEP = re.compile(r"^[a-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class FunnelRow:
    day: date
    step: str
    count: int


# The same upsert on SQLite and PostgreSQL, written once: it runs at nearly every wizard click,
# and a prepared text statement skips building and compiling an ORM insert each time.
_ADD_ONE = text(
    "INSERT INTO funnel_counts (day, step, count) VALUES (:day, :step, 1) "
    "ON CONFLICT (day, step) DO UPDATE SET count = funnel_counts.count + 1"
).bindparams(bindparam("day", type_=Date()), bindparam("step", type_=String()))


def check_step(step: str) -> str:
    """``step`` if it is a well-formed step name, else ValueError."""
    if not STEP.match(step):
        # The name is not repeated: a malformed one could carry what someone typed.
        raise ValueError("funnel step: 1 to 64 characters of a-z, 0-9, _ . : -")
    return step


def count_step(session: Session, step: str, *, now: datetime | None = None) -> None:
    """Add one to today's (UTC) count for ``step``; a single upsert, safe under concurrency."""
    check_step(step)
    session.execute(_ADD_ONE, {"day": clock.resolve(now).date(), "step": step})


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

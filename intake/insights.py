"""Counts over all submitted screens for the insights page, aggregated in SQL (GROUP BY).

The database may hold a million screens, so nothing here loads rows one by one: every function
returns a few dozen grouped counts for a range of submission days (UTC, both ends inclusive),
which the ``submitted_at`` index narrows down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, case, cast, extract, func, select
from sqlalchemy.orm import Session

from intake.models import CHARTED_DOMAINS, Screen
from intake.vocab import Priority

# The four domains the program watches most closely. Their levels have plain columns: the
# result itself is sealed, and nothing here decrypts.
DOMAINS = CHARTED_DOMAINS
# Buckets for time to first contact, as (upper bound in hours, label); the last is open-ended.
CONTACT_BUCKETS = (
    (1, "within 1 hour"),
    (4, "1 to 4 hours"),
    (24, "4 to 24 hours"),
    (48, "1 to 2 days"),
    (168, "2 to 7 days"),
    (None, "over 7 days"),
)
NOT_CONTACTED = "not contacted yet"
# Urgency groups: priority 0 is urgent, 1 a same-day contact, the rest routine.
GROUPS = ("urgent", "same_day", "routine")


@dataclass(frozen=True)
class WeekCount:
    week: date  # the Monday the week starts on
    disposition: str
    count: int


@dataclass(frozen=True)
class WeekContact:
    week: date
    group: str
    contacted: int
    average_hours: float


@dataclass(frozen=True)
class BucketCount:
    group: str
    bucket: str
    count: int


def _range(since: date, until: date) -> list[Any]:
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    return [Screen.submitted_at >= start, Screen.submitted_at < end]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _week(session: Session) -> Any:
    """The Monday (UTC) of the screen's submission week."""
    if _dialect(session) == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", Screen.submitted_at)), Date)
    # SQLite stores UTC text: move to the week's Sunday, then back six days to its Monday.
    return func.date(Screen.submitted_at, "weekday 0", "-6 days")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _contact_seconds(session: Session) -> Any:
    if _dialect(session) == "postgresql":
        return extract("epoch", Screen.first_contact_at - Screen.submitted_at)
    return (func.julianday(Screen.first_contact_at) - func.julianday(Screen.submitted_at)) * 86400.0


def _group() -> Any:
    return case(
        (Screen.priority == Priority.URGENT, "urgent"),
        (Screen.priority == Priority.SAME_DAY, "same_day"),
        else_="routine",
    )


def screens_per_week(session: Session, since: date, until: date) -> list[WeekCount]:
    """Screens submitted per week and suggestion, oldest week first."""
    week = _week(session).label("week")
    rows = session.execute(
        select(week, Screen.disposition, func.count())
        .where(*_range(since, until))
        .group_by(week, Screen.disposition)
        .order_by(week, Screen.disposition)
    )
    return [WeekCount(_as_date(w), disposition, int(n)) for w, disposition, n in rows]


def domain_levels(session: Session, since: date, until: date) -> dict[str, dict[str, int]]:
    """Domain -> level -> number of screens, for the four domains in ``DOMAINS``. One scan: the
    four levels are grouped together (a few dozen combinations) and summed up here."""
    levels = [getattr(Screen, f"{name}_level") for name in DOMAINS]
    rows = session.execute(select(*levels, func.count()).where(*_range(since, until)).group_by(*levels))
    counts: dict[str, dict[str, int]] = {name: {} for name in DOMAINS}
    for row in rows:
        n = int(row[-1])
        for name, level in zip(DOMAINS, row[:-1], strict=True):
            if level is not None:  # a partial (urgent stop) screen may lack a domain
                counts[name][level] = counts[name].get(level, 0) + n
    return counts


def first_contact_by_week(session: Session, since: date, until: date) -> list[WeekContact]:
    """Average hours from submission to first contact, per week and urgency group, for the
    screens contacted so far."""
    week = _week(session).label("week")
    group = _group().label("grp")
    seconds = _contact_seconds(session)
    rows = session.execute(
        select(week, group, func.count(), func.avg(seconds))
        .where(*_range(since, until), Screen.first_contact_at.is_not(None))
        .group_by(week, group)
        .order_by(week, group)
    )
    return [WeekContact(_as_date(w), g, int(n), round(float(avg) / 3600.0, 2)) for w, g, n, avg in rows]


def first_contact_buckets(session: Session, since: date, until: date) -> list[BucketCount]:
    """How long screens waited for first contact, per urgency group, in ``CONTACT_BUCKETS`` (and
    ``NOT_CONTACTED``); only buckets with screens are returned."""
    seconds = _contact_seconds(session)
    whens: list[tuple[Any, str]] = [(Screen.first_contact_at.is_(None), NOT_CONTACTED)]
    whens += [(seconds < hours * 3600, label) for hours, label in CONTACT_BUCKETS if hours is not None]
    bucket = case(*whens, else_=CONTACT_BUCKETS[-1][1]).label("bucket")
    group = _group().label("grp")
    rows = session.execute(
        select(group, bucket, func.count()).where(*_range(since, until)).group_by(group, bucket)
    )
    found = {(g, b): int(n) for g, b, n in rows}
    order = [label for _, label in CONTACT_BUCKETS] + [NOT_CONTACTED]
    return [BucketCount(g, b, found[(g, b)]) for g in GROUPS for b in order if (g, b) in found]

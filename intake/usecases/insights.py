"""What the insights page asks of intake: every grouped count it draws for a range of submission
days, read in one transaction. Errors: ``intake.Unavailable``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from intake import funnel, insights
from intake.insights import BucketCount, WeekContact, WeekCount
from intake.usecases import reading
from scoring.vocab import Disposition


@dataclass(frozen=True)
class InsightsBundle:
    weeks: list[WeekCount]
    levels: dict[str, dict[str, int]]
    contact_weeks: list[WeekContact]
    buckets: list[BucketCount]
    # Funnel step -> anonymous count over the range.
    steps: dict[str, int]

    @property
    def total(self) -> int:
        return sum(w.count for w in self.weeks)

    @property
    def urgent(self) -> int:
        return sum(w.count for w in self.weeks if w.disposition == Disposition.URGENT)

    @property
    def contacted(self) -> int:
        return sum(b.count for b in self.buckets if b.bucket != insights.NOT_CONTACTED)


def insights_bundle(since: date, until: date) -> InsightsBundle:
    """The counts for screens submitted from ``since`` to ``until`` (UTC days, both included)."""
    with reading() as session:
        return InsightsBundle(
            weeks=insights.screens_per_week(session, since, until),
            levels=insights.domain_levels(session, since, until),
            contact_weeks=insights.first_contact_by_week(session, since, until),
            buckets=insights.first_contact_buckets(session, since, until),
            steps=funnel.funnel_totals(session, since, until),
        )

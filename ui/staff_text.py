"""Words and formats for the staff workspace: labels for stored codes, times, waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from scoring.flags import FLAG_RULES

DISPOSITIONS = {
    "urgent": "Urgent",
    "higher_level": "Higher level of care",
    "iop": "IOP",
    "iop_with_supports": "IOP with supports",
    "outpatient": "Outpatient",
}
PRIORITIES = {
    0: "Urgent",
    1: "Same-day contact",
    2: "Higher level of care",
    3: "IOP",
    4: "IOP with supports",
    5: "Outpatient",
}
STATUSES = {
    "new": "New",
    "in_review": "In review",
    "contacted": "Contacted",
    "scheduled": "Scheduled",
    "admitted": "Admitted",
    "referred_elsewhere": "Referred elsewhere",
    "closed_no_contact": "Closed, no contact",
}
RESPONDENTS = {"self": "Self", "loved_one": "Family member or friend"}
FLAGS = {
    "adolescent": "Under 18",
    "collateral_report": "Answered by a family member or friend",
    "crisis_resources": "Crisis resources given",
    "opioid_treatment_info": "Opioids: medication treatment info",
    "overdose_risk": "Overdose in the last 90 days",
    "pregnancy_priority": "Pregnant: priority",
    "same_day_contact": "Same-day contact",
    "withdrawal_caution": "Withdrawal caution",
}
# Every flag the rules can raise has a label (a new flag shows its code until it gets one).
ALL_FLAGS = {flag: FLAGS.get(flag, flag) for flag in FLAG_RULES}
ROLES = {"intake": "Intake", "admin": "Admin"}


def _zone() -> ZoneInfo:
    """The browser's time zone when it told us, else UTC."""
    name = None
    try:
        name = st.context.timezone
    except Exception:  # no browser context (bare script run)
        name = None
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(_zone()).strftime("%Y-%m-%d %H:%M %Z")


def duration(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def stamp(now: datetime) -> str:
    """A compact UTC time for file names: 20260302T090000Z."""
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

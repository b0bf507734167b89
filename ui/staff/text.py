"""Words and formats for the staff workspace: what each flag asks of intake, times, waits and
file-name stamps. The labels of stored codes are in ``ui.labels``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

# What each flag asks of intake, and what the participant was told (their result page and PDF).
FLAG_ACTIONS: dict[str, str] = {
    "adolescent": (
        "Adolescent IOP (6+ hours a week) involves a parent or guardian. The instruments' cut-offs "
        "were set for adults: read the scores as a rough guide."
    ),
    "ask_directly": (
        'The family member answered "I don\'t know" to a suicide or harm-to-others question. Ask the '
        "person directly. The family member was told how to ask, and that 988 advises worried family."
    ),
    "collateral_report": (
        "Answered by a family member or friend. The cut-offs were validated for self-report: confirm "
        "with the person."
    ),
    "crisis_resources": "Safety answers: 988 was given. Check safety at first contact.",
    "home_safety": (
        "Does not feel safe at home. Follow up on safety (call only where it is safe to). Given the "
        "National Domestic Violence Hotline, 1-800-799-7233, text START to 88788."
    ),
    "housing_need": "Housing unstable or none. Given 211 for housing help; consider recovery housing.",
    "moud_continuity": (
        "On methadone or buprenorphine. Keep it going: coordinate with the prescriber, never require "
        "a taper. Stopping suddenly is dangerous."
    ),
    "opioid_treatment_info": "Uses opioids. Told about buprenorphine and methadone; offer MOUD.",
    "overdose_risk": (
        'Overdose risk. Given naloxone information and "never use alone". Ask about any recent '
        "overdose (see the overdose answer)."
    ),
    "pregnancy_priority": "Pregnant: see sooner. Told not to stop alcohol or pills suddenly without a doctor.",
    "same_day_contact": "Contact the person the same day the screen came in.",
    "withdrawal_caution": "Daily use: withdrawal possible. Told not to stop suddenly without medical advice.",
}


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

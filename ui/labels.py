"""Display labels for the codes the app stores, in one place: suggestions (dispositions),
priorities, follow-up statuses, respondents, flags, staff roles, urgency groups, and alerts'
kinds, channels and delivery states.

Keyed by the vocabularies' members (``scoring.vocab``, ``intake.vocab``). Members are the stored
strings and numbers themselves, so a label is found for a member and for a value read back from
the database alike. Plain data: no streamlit, so any renderer (staff or participant) may use it.
"""

from __future__ import annotations

from intake.vocab import AlertKind, AlertState, Channel, Priority, Role, Status
from scoring.flags import FLAG_RULES
from scoring.languages import languages
from scoring.vocab import Disposition, Respondent

DISPOSITIONS: dict[str, str] = {
    Disposition.URGENT: "Urgent",
    Disposition.HIGHER_LEVEL: "Higher level of care",
    Disposition.IOP: "IOP",
    Disposition.IOP_WITH_SUPPORTS: "IOP with supports",
    Disposition.OUTPATIENT: "Outpatient",
}
PRIORITIES: dict[int, str] = {
    Priority.URGENT: "Urgent",
    Priority.SAME_DAY: "Same-day contact",
    Priority.HIGHER_LEVEL: "Higher level of care",
    Priority.IOP: "IOP",
    Priority.IOP_WITH_SUPPORTS: "IOP with supports",
    Priority.OUTPATIENT: "Outpatient",
}
STATUSES: dict[str, str] = {
    Status.NEW: "New",
    Status.IN_REVIEW: "In review",
    Status.CONTACTED: "Contacted",
    Status.SCHEDULED: "Scheduled",
    Status.ADMITTED: "Admitted",
    Status.REFERRED_ELSEWHERE: "Referred elsewhere",
    Status.CLOSED_NO_CONTACT: "Closed, no contact",
}
# The language a screen was answered in, in English for staff ("Spanish").
LANGUAGES: dict[str, str] = {language.code: language.english_name for language in languages().all}
RESPONDENTS: dict[str, str] = {
    Respondent.SELF: "Self",
    Respondent.LOVED_ONE: "Family member or friend",
}
FLAGS: dict[str, str] = {
    "adolescent": "Under 18",
    "ask_directly": "Family member did not know a safety answer",
    "collateral_report": "Answered by a family member or friend",
    "crisis_resources": "Crisis resources given",
    "home_safety": "Not safe at home",
    "housing_need": "Housing need",
    "moud_continuity": "On methadone or buprenorphine",
    "opioid_treatment_info": "Opioids: medication treatment info",
    "overdose_risk": "Overdose risk: naloxone",
    "pregnancy_priority": "Pregnant: priority",
    "same_day_contact": "Same-day contact",
    "withdrawal_caution": "Withdrawal caution",
}
# Every flag the rules can raise has a label (a new flag shows its code until it gets one, and
# tests/app/test_staff_review.py fails until it does).
ALL_FLAGS: dict[str, str] = {flag: FLAGS.get(flag, flag) for flag in FLAG_RULES}
ROLES: dict[str, str] = {Role.INTAKE: "Intake", Role.ADMIN: "Admin"}
# The insights page's urgency groups (intake.insights.GROUPS).
URGENCY_GROUPS: dict[str, str] = {"urgent": "Urgent", "same_day": "Same-day contact", "routine": "Routine"}
# What an alert route hears of (intake.vocab.ROUTE_KINDS), and a test alert in the outbox.
ALERT_KINDS: dict[str, str] = {
    AlertKind.URGENT: "Urgent screens",
    AlertKind.SAME_DAY: "Same-day contact",
    AlertKind.ALL: "Every new screen",
    AlertKind.ESCALATION: "Escalation (not opened in time)",
    AlertKind.TEST: "Test alert",
}
CHANNELS: dict[str, str] = {Channel.EMAIL: "Email", Channel.WEBHOOK: "Webhook"}
ALERT_STATES: dict[str, str] = {
    AlertState.QUEUED: "Queued",
    AlertState.SENDING: "Sending",
    AlertState.RETRYING: "Failed, retrying",
    AlertState.SENT: "Sent",
    AlertState.GIVEN_UP: "Given up",
}


def label(labels: dict[str, str], code: str) -> str:
    """The label of ``code``, or the code itself when it has none (a value from an older release
    or an import), so a screen is never hidden for want of a word."""
    return labels.get(code, code)


def priority(value: int) -> str:
    return PRIORITIES.get(value, str(value))

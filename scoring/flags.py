"""Flags (spec section 6): notices for staff and the participant, independent of the suggestion.

Rules that fire on "any of these answers" read leniently, so that on a screen stopped early at
an urgent answer what was answered still raises them; the rest are left out of such a screen
when an answer they need was never reached.
"""

from __future__ import annotations

from scoring.answers import Get, is_yes, lenient
from scoring.contract import UNKNOWN
from scoring.domains import DAILY_USE_ITEMS, at_least, safety_unknowns

OPIOID_SUBSTANCES = ("heroin_fentanyl", "prescription_opioids")
HOUSING_NEEDS = ("unstable", "none")


def pregnancy_priority(get: Get, levels: dict) -> bool:
    if get("about.pregnant") != "yes":
        return False
    return at_least("substance_use", levels["substance_use"], "moderate") or any(
        is_yes(get(item_id)) for item_id in DAILY_USE_ITEMS
    )


def uses_opioids(get: Get) -> bool:
    substances = get("drugs.substances") or ()
    return is_yes(get("withdrawal.daily_opioids")) or any(s in substances for s in OPIOID_SUBSTANCES)


def crisis_resources(get: Get, levels: dict, respondent: str) -> bool:
    return levels["safety"] in ("elevated", "urgent")


def same_day_contact(get: Get, levels: dict, respondent: str) -> bool:
    # Urgent safety needs no other answer, so it is checked first (a partial screen has it).
    if levels["safety"] == "urgent":
        return True
    # A method thought of in the past month, or a recent overdose: nobody else has seen this screen.
    known = lenient(get)
    if is_yes(known("cssrs.3")) or is_yes(known("safety.overdose_90d")):
        return True
    return levels["withdrawal_medical"] == "high" or pregnancy_priority(get, levels)


def opioid_treatment_info(get: Get, levels: dict, respondent: str) -> bool:
    return uses_opioids(lenient(get))


def overdose_risk(get: Get, levels: dict, respondent: str) -> bool:
    """Naloxone and overdose information: after an overdose (or when a family member does not
    know), and for everyone who uses opioids, people on MOUD included."""
    known = lenient(get)
    return (
        known("safety.overdose_90d") in (True, UNKNOWN)
        or uses_opioids(known)
        or is_yes(known("withdrawal.moud"))
    )


def ask_directly(get: Get, levels: dict, respondent: str) -> bool:
    return respondent == "loved_one" and bool(safety_unknowns(get))


FLAG_RULES = {
    "adolescent": lambda get, levels, respondent: get("about.age_band") == "under_18",
    "ask_directly": ask_directly,
    "collateral_report": lambda get, levels, respondent: respondent == "loved_one",
    "crisis_resources": crisis_resources,
    "home_safety": lambda get, levels, respondent: get("home.safe") is False,
    "housing_need": lambda get, levels, respondent: get("home.housing") in HOUSING_NEEDS,
    "moud_continuity": lambda get, levels, respondent: is_yes(lenient(get)("withdrawal.moud")),
    "opioid_treatment_info": opioid_treatment_info,
    "overdose_risk": overdose_risk,
    "pregnancy_priority": lambda get, levels, respondent: pregnancy_priority(get, levels),
    "same_day_contact": same_day_contact,
    "withdrawal_caution": lambda get, levels, respondent: levels["withdrawal_medical"] == "moderate",
}

"""Flags (spec section 6): notices for staff and the participant, independent of the suggestion."""

from __future__ import annotations

from scoring.answers import Get
from scoring.domains import DAILY_USE_ITEMS, at_least

OPIOID_SUBSTANCES = ("heroin_fentanyl", "prescription_opioids")


def pregnancy_priority(get: Get, levels: dict) -> bool:
    if get("about.pregnant") != "yes":
        return False
    return at_least("substance_use", levels["substance_use"], "moderate") or any(
        get(item_id) for item_id in DAILY_USE_ITEMS
    )


def crisis_resources(get: Get, levels: dict, respondent: str) -> bool:
    return levels["safety"] in ("elevated", "urgent")


def same_day_contact(get: Get, levels: dict, respondent: str) -> bool:
    # Urgent safety needs no other answer, so it is checked first (a partial screen has it).
    if levels["safety"] == "urgent":
        return True
    return levels["withdrawal_medical"] == "high" or pregnancy_priority(get, levels)


def opioid_treatment_info(get: Get, levels: dict, respondent: str) -> bool:
    substances = get("drugs.substances") or ()
    return bool(get("withdrawal.daily_opioids")) or any(s in substances for s in OPIOID_SUBSTANCES)


FLAG_RULES = {
    "adolescent": lambda get, levels, respondent: get("about.age_band") == "under_18",
    "collateral_report": lambda get, levels, respondent: respondent == "loved_one",
    "crisis_resources": crisis_resources,
    "opioid_treatment_info": opioid_treatment_info,
    "overdose_risk": lambda get, levels, respondent: bool(get("safety.overdose_90d")),
    "pregnancy_priority": lambda get, levels, respondent: pregnancy_priority(get, levels),
    "same_day_contact": same_day_contact,
    "withdrawal_caution": lambda get, levels, respondent: levels["withdrawal_medical"] == "moderate",
}

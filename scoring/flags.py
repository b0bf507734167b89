"""Flags (spec section 6): notices for staff and the participant, independent of the suggestion.

Rules that fire on "any of these answers" read leniently, so that on a screen stopped early at
an urgent answer what was answered still raises them; the rest are left out of such a screen
when an answer they need was never reached.
"""

from __future__ import annotations

from collections.abc import Callable

from scoring.answers import Get, is_yes, lenient
from scoring.contract import UNKNOWN
from scoring.domains import DAILY_USE_ITEMS, Levels, at_least, safety_unknowns
from scoring.vocab import Domain, Level, Respondent

# A flag's rule: does it fire for these answers, levels and respondent?
FlagRule = Callable[[Get, Levels, Respondent], bool]

OPIOID_SUBSTANCES = ("heroin_fentanyl", "prescription_opioids")
HOUSING_NEEDS = ("unstable", "none")


def pregnancy_priority(get: Get, levels: Levels) -> bool:
    if get("about.pregnant") != "yes":
        return False
    return at_least(Domain.SUBSTANCE_USE, levels[Domain.SUBSTANCE_USE], Level.MODERATE) or any(
        is_yes(get(item_id)) for item_id in DAILY_USE_ITEMS
    )


def uses_opioids(get: Get) -> bool:
    substances = get("drugs.substances") or ()
    return is_yes(get("withdrawal.daily_opioids")) or any(s in substances for s in OPIOID_SUBSTANCES)


def crisis_resources(get: Get, levels: Levels, respondent: Respondent) -> bool:
    return levels[Domain.SAFETY] in (Level.ELEVATED, Level.URGENT)


def same_day_contact(get: Get, levels: Levels, respondent: Respondent) -> bool:
    # Urgent safety needs no other answer, so it is checked first (a partial screen has it).
    if levels[Domain.SAFETY] == Level.URGENT:
        return True
    # A method thought of in the past month, or a recent overdose: nobody else has seen this screen.
    known = lenient(get)
    if is_yes(known("cssrs.3")) or is_yes(known("safety.overdose_90d")):
        return True
    return levels[Domain.WITHDRAWAL_MEDICAL] == Level.HIGH or pregnancy_priority(get, levels)


def opioid_treatment_info(get: Get, levels: Levels, respondent: Respondent) -> bool:
    return uses_opioids(lenient(get))


def overdose_risk(get: Get, levels: Levels, respondent: Respondent) -> bool:
    """Naloxone and overdose information: after an overdose (or when a family member does not
    know), and for everyone who uses opioids, people on MOUD included."""
    known = lenient(get)
    return (
        known("safety.overdose_90d") in (True, UNKNOWN)
        or uses_opioids(known)
        or is_yes(known("withdrawal.moud"))
    )


def ask_directly(get: Get, levels: Levels, respondent: Respondent) -> bool:
    return respondent == Respondent.LOVED_ONE and bool(safety_unknowns(get))


FLAG_RULES: dict[str, FlagRule] = {
    "adolescent": lambda get, levels, respondent: get("about.age_band") == "under_18",
    "ask_directly": ask_directly,
    "collateral_report": lambda get, levels, respondent: respondent == Respondent.LOVED_ONE,
    "crisis_resources": crisis_resources,
    "home_safety": lambda get, levels, respondent: get("home.safe") is False,
    "housing_need": lambda get, levels, respondent: get("home.housing") in HOUSING_NEEDS,
    "moud_continuity": lambda get, levels, respondent: is_yes(lenient(get)("withdrawal.moud")),
    "opioid_treatment_info": opioid_treatment_info,
    "overdose_risk": overdose_risk,
    "pregnancy_priority": lambda get, levels, respondent: pregnancy_priority(get, levels),
    "same_day_contact": same_day_contact,
    "withdrawal_caution": lambda get, levels, respondent: levels[Domain.WITHDRAWAL_MEDICAL] == Level.MODERATE,
}

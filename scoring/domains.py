"""Domain levels (spec section 4): each rule reads answers and instrument scores.

Levels are ordered lowest first in ``LEVELS`` so that "at least moderate" can be asked
with ``at_least``.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring import cutoffs as c
from scoring.answers import Get, lenient
from scoring.instruments import cssrs, cssrs_high

LEVELS = {
    "safety": ("none", "elevated", "urgent"),
    "withdrawal_medical": ("low", "moderate", "high"),
    "substance_use": ("low", "moderate", "high"),
    "mental_health": ("low", "moderate", "high"),
    "dual_diagnosis": ("absent", "present"),
    "relapse_risk": ("low", "moderate", "high"),
    "prior_care": ("none", "some", "recent_intensive"),
    "home_support": ("unsafe", "low", "moderate", "high"),
    "practical": ("barrier", "uncertain", "ok"),
}

DAILY_USE_ITEMS = ("withdrawal.daily_alcohol", "withdrawal.daily_sedatives", "withdrawal.daily_opioids")
RECENT_STATUSES = ("currently_in", "discharged_30d", "discharged_90d")


def at_least(domain: str, level: str, minimum: str) -> bool:
    order = LEVELS[domain]
    return order.index(level) >= order.index(minimum)


def urgent_triggers(get: Get) -> list[str]:
    """The urgent safety answers present; absent answers count as no, so this works on a
    screen stopped early (the validator asks it whether an incomplete screen may stand)."""
    fired = []
    if cssrs_high(get):
        fired.append("suicide_risk_high")
    if get("safety.harm_others"):
        fired.append("harm_others")
    if get("withdrawal.current_symptoms") == "severe":
        fired.append("severe_withdrawal")
    return fired


def safety(get: Get, ins: dict) -> str:
    if urgent_triggers(lenient(get)):
        return "urgent"
    # ``or 0``: phq9.9 is always present in a complete screen, but not yet while answering.
    if ins["cssrs"]["risk"] in ("low", "moderate") or (get("phq9.9") or 0) >= c.PHQ9_SUICIDE_ITEM_ELEVATED:
        return "elevated"
    return "none"


def safety_so_far(answers: Mapping[str, object]) -> str:
    """The safety level from whatever has been answered so far, for the wizard's crisis
    interrupt: an unanswered question counts as "no". Same rule as the safety domain."""
    return safety(answers.get, {"cssrs": cssrs(answers.get)})


def withdrawal_high_paths(get: Get) -> list[str]:
    """Each path to high withdrawal or medical risk that holds (used for the reasons too).

    Reads leniently: every path needs a "yes", so on a screen stopped early a path that holds
    on what was answered holds for certain, and "high" need not wait for the rest."""
    get = lenient(get)
    alcohol = get("withdrawal.daily_alcohol")
    sedatives = get("withdrawal.daily_sedatives")
    paths = []
    if get("withdrawal.current_symptoms") == "severe":
        paths.append("severe_symptoms")
    if get("withdrawal.history_complicated") and (alcohol or sedatives):
        paths.append("complicated_history")
    if alcohol and sedatives:
        paths.append("alcohol_and_sedatives")
    if alcohol and get("about.age_band") == "65_plus":
        paths.append("alcohol_age_65_plus")
    if get("medical.unstable"):
        paths.append("medical_unstable")
    if get("about.pregnant") == "yes" and (alcohol or sedatives):
        paths.append("pregnant_daily_use")
    return paths


def withdrawal_medical(get: Get, ins: dict) -> str:
    if withdrawal_high_paths(get):
        return "high"
    if any(get(item_id) for item_id in DAILY_USE_ITEMS) or get("withdrawal.current_symptoms") == "mild":
        return "moderate"
    return "low"


def substance_use(get: Get, ins: dict) -> str:
    auditc, taps1 = ins["auditc"], ins["taps1"]
    if auditc["high"] or taps1["high"]:
        return "high"
    # Tobacco alone stays low: the program treats alcohol and drugs.
    if auditc["band"] == "positive" or taps1["drug_use"] == "positive":
        return "moderate"
    return "low"


def mental_health(get: Get, ins: dict) -> str:
    phq, gad = ins["phq9"]["score"], ins["gad7"]["score"]
    if phq >= c.PHQ9_HIGH or gad >= c.GAD7_HIGH:
        return "high"
    if (
        phq >= c.PHQ9_MODERATE
        or gad >= c.GAD7_MODERATE
        or ins["pcptsd5"]["band"] == "positive"
        or get("mh.diagnosis")
    ):
        return "moderate"
    return "low"


def dual_diagnosis(get: Get, ins: dict, levels: dict) -> str:
    both = at_least("substance_use", levels["substance_use"], "moderate") and at_least(
        "mental_health", levels["mental_health"], "moderate"
    )
    return "present" if both else "absent"


def relapse_signs(get: Get, ins: dict) -> list[str]:
    bam = ins["bam"]
    signs = []
    if bam["use_significant"]:
        signs.append("recent_use")
    if bam["risk_significant"]:
        signs.append("risk_factors")
    if bam["protective_significant"]:
        signs.append("low_protection")
    if get("relapse.recent_return") == "yes":
        signs.append("recent_return")
    return signs


def relapse_risk(get: Get, ins: dict) -> str:
    count = len(relapse_signs(get, ins))
    # One sign alone (say, any drink in the past month) is not a relapse pattern.
    if count >= c.RELAPSE_HIGH_SIGNS:
        return "high"
    if count >= c.RELAPSE_MODERATE_SIGNS:
        return "moderate"
    return "low"


def prior_care(get: Get, ins: dict) -> str:
    most = get("prior_care.most_intensive_12m")
    if most in ("php", "residential", "inpatient") and get("prior_care.status") in RECENT_STATUSES:
        return "recent_intensive"
    if most != "none" or get("prior_care.episodes_lifetime") != "0":
        return "some"
    return "none"


def home_support(get: Get, ins: dict) -> str:
    housing = get("home.housing")
    if not get("home.safe") or housing == "none":
        return "unsafe"
    mean = ins["mspss"]["mean"]
    if mean < c.MSPSS_LOW_BELOW or housing == "unstable" or get("home.others_using") == "yes":
        return "low"
    if mean <= c.MSPSS_HIGH_ABOVE:
        return "moderate"
    return "high"


def practical(get: Get, ins: dict) -> str:
    hours, transport = get("practical.attend_hours"), get("practical.transport")
    if hours == "no" or transport == "no":
        return "barrier"
    if hours == "maybe" or transport == "unsure":
        return "uncertain"
    return "ok"


# In order: dual_diagnosis reads the levels computed before it.
DOMAIN_RULES = {
    "safety": safety,
    "withdrawal_medical": withdrawal_medical,
    "substance_use": substance_use,
    "mental_health": mental_health,
    "relapse_risk": relapse_risk,
    "prior_care": prior_care,
    "home_support": home_support,
    "practical": practical,
}

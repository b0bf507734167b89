"""Domain levels (spec section 4): each rule reads answers, instrument scores and the levels
computed before it (``DOMAIN_RULES`` is in that order).

Levels are ordered lowest first in ``LEVELS`` so that "at least moderate" can be asked
with ``at_least``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scoring import cutoffs as c
from scoring.answers import Get, is_yes, lenient
from scoring.contract import UNKNOWN
from scoring.instruments import Scores, cssrs, cssrs_high
from scoring.vocab import Domain, Level

LEVELS: dict[Domain, tuple[Level, ...]] = {
    Domain.SAFETY: (Level.NONE, Level.ELEVATED, Level.URGENT),
    Domain.WITHDRAWAL_MEDICAL: (Level.LOW, Level.MODERATE, Level.HIGH),
    Domain.SUBSTANCE_USE: (Level.LOW, Level.MODERATE, Level.HIGH),
    Domain.MENTAL_HEALTH: (Level.LOW, Level.MODERATE, Level.HIGH),
    Domain.DUAL_DIAGNOSIS: (Level.ABSENT, Level.PRESENT),
    Domain.RELAPSE_RISK: (Level.NOT_APPLICABLE, Level.LOW, Level.MODERATE, Level.HIGH),
    Domain.PRIOR_CARE: (Level.NONE, Level.SOME, Level.RECENT_INTENSIVE),
    Domain.HOME_SUPPORT: (Level.UNSAFE, Level.LOW, Level.MODERATE, Level.HIGH),
    Domain.PRACTICAL: (Level.BARRIER, Level.UNCERTAIN, Level.OK),
}

# Instrument scores by instrument name, and the levels computed so far by domain.
InstrumentScores = Mapping[str, Scores]
Levels = Mapping[str, Level]
DomainRule = Callable[[Get, InstrumentScores, Levels], Level]

DAILY_USE_ITEMS = ("withdrawal.daily_alcohol", "withdrawal.daily_sedatives", "withdrawal.daily_opioids")
RECENT_STATUSES = ("currently_in", "discharged_30d", "discharged_90d")
# The safety questions a family member may answer "I don't know": uncertain, never a reassuring no.
SAFETY_UNKNOWN_ITEMS = ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others")
# Which answer makes each urgent trigger fire (for "I chose an answer by mistake").
URGENT_TRIGGER_ITEMS = {
    "suicide_risk_high": ("cssrs.4", "cssrs.5", "cssrs.6_recent"),
    "harm_others": ("safety.harm_others",),
    "severe_withdrawal": ("withdrawal.current_symptoms",),
}


def at_least(domain: Domain, level: Level, minimum: Level) -> bool:
    order = LEVELS[domain]
    return order.index(level) >= order.index(minimum)


def urgent_triggers(get: Get) -> list[str]:
    """The urgent safety answers present; absent answers count as no, so this works on a
    screen stopped early (the validator asks it whether an incomplete screen may stand)."""
    fired: list[str] = []
    if cssrs_high(get):
        fired.append("suicide_risk_high")
    if is_yes(get("safety.harm_others")):
        fired.append("harm_others")
    if get("withdrawal.current_symptoms") == "severe":
        fired.append("severe_withdrawal")
    return fired


def urgent_answers(answers: Mapping[str, object]) -> list[str]:
    """The item ids whose answers make the screen urgent, so the wizard can clear exactly those
    when a person says they chose one by mistake (the rule itself stays here, not in the UI)."""
    fired = urgent_triggers(answers.get)
    ids = [item_id for trigger in fired for item_id in URGENT_TRIGGER_ITEMS[trigger]]
    # cssrs.6_recent alone is not urgent without cssrs.6; clearing the follow-up is enough.
    return [item_id for item_id in ids if _urgent_value(item_id, answers.get(item_id))]


def _urgent_value(item_id: str, value: object) -> bool:
    return value == "severe" if item_id == "withdrawal.current_symptoms" else is_yes(value)


def safety_unknowns(get: Get) -> list[str]:
    """The safety questions a family member answered "I don't know" (lenient: any one is enough)."""
    get = lenient(get)
    return [item_id for item_id in SAFETY_UNKNOWN_ITEMS if get(item_id) == UNKNOWN]


def safety(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    if urgent_triggers(lenient(get)):
        return Level.URGENT
    # ``or 0``: phq9.9 is always present in a complete screen, but not yet while answering.
    if (
        ins["cssrs"]["risk"] in ("low", "moderate")
        or (get("phq9.9") or 0) >= c.PHQ9_SUICIDE_ITEM_ELEVATED
        or safety_unknowns(get)
    ):
        return Level.ELEVATED
    return Level.NONE


def safety_so_far(answers: Mapping[str, object]) -> Level:
    """The safety level from whatever has been answered so far, for the wizard's crisis
    interrupt: an unanswered question counts as "no". Same rule as the safety domain."""
    return safety(answers.get, {"cssrs": cssrs(answers.get)}, {})


def withdrawal_high_paths(get: Get) -> list[str]:
    """Each path to high withdrawal or medical risk that holds (used for the reasons too).

    Reads leniently: every path needs a "yes", so on a screen stopped early a path that holds
    on what was answered holds for certain, and "high" need not wait for the rest."""
    get = lenient(get)
    alcohol = is_yes(get("withdrawal.daily_alcohol"))
    sedatives = is_yes(get("withdrawal.daily_sedatives"))
    paths: list[str] = []
    if get("withdrawal.current_symptoms") == "severe":
        paths.append("severe_symptoms")
    if is_yes(get("withdrawal.history_complicated")) and (alcohol or sedatives):
        paths.append("complicated_history")
    if alcohol and sedatives:
        paths.append("alcohol_and_sedatives")
    # A daily glass of wine at 70 is not a withdrawal risk; three or more drinks a day is.
    if alcohol and get("about.age_band") == "65_plus" and (get("auditc.2") or 0) >= c.AUDITC2_THREE_OR_MORE:
        paths.append("alcohol_age_65_plus")
    if is_yes(get("medical.unstable")):
        paths.append("medical_unstable")
    # Daily alcohol only: a prescribed daily benzodiazepine in pregnancy is a caution and a
    # priority (pregnancy_priority, withdrawal_caution), not "detox first".
    if get("about.pregnant") == "yes" and alcohol:
        paths.append("pregnant_daily_alcohol")
    return paths


def withdrawal_medical(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    if withdrawal_high_paths(get):
        return Level.HIGH
    if (
        any(is_yes(get(item_id)) for item_id in DAILY_USE_ITEMS)
        or get("withdrawal.current_symptoms") == "mild"
    ):
        return Level.MODERATE
    return Level.LOW


def used_in_past_3_months(get: Get) -> bool:
    """False only when the person said they used none of the drugs in the past 3 months."""
    return bool(get("drugs.substances") != ["none_3m"])


def substance_use(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    auditc, taps1 = ins["auditc"], ins["taps1"]
    drugs, rx = taps1["drugs"], taps1["rx"]
    if auditc["high"]:
        return Level.HIGH
    if used_in_past_3_months(get):
        # TAPS-1 was validated for any use, not severity: weekly use is high only for a substance
        # other than cannabis; daily drug use and weekly prescription misuse are high as they stand.
        others = [s for s in get("drugs.substances") or () if s != "cannabis"]
        if drugs == c.TAPS1_DAILY or rx >= c.TAPS1_WEEKLY or (drugs == c.TAPS1_WEEKLY and others):
            return Level.HIGH
    if auditc["band"] == "positive" or max(drugs, rx) >= c.TAPS1_MONTHLY:
        return Level.MODERATE
    # Less than monthly counts only with a history of a problem. Tobacco alone stays low: the
    # program treats alcohol and drugs.
    if max(drugs, rx) >= c.TAPS1_POSITIVE and is_yes(get("recovery.history")):
        return Level.MODERATE
    return Level.LOW


def mental_health(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    phq, gad = ins["phq9"]["score"], ins["gad7"]["score"]
    if phq >= c.PHQ9_HIGH or gad >= c.GAD7_HIGH:
        return Level.HIGH
    # A diagnosis once given, with no symptoms now, is not a current need.
    current_symptoms = max(phq, gad) >= c.DIAGNOSIS_CURRENT_SYMPTOMS
    if (
        phq >= c.PHQ9_MODERATE
        or gad >= c.GAD7_MODERATE
        or ins["pcptsd5"]["band"] == "positive"
        or (is_yes(get("mh.diagnosis")) and current_symptoms)
    ):
        return Level.MODERATE
    return Level.LOW


def dual_diagnosis(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    both = at_least(Domain.SUBSTANCE_USE, levels[Domain.SUBSTANCE_USE], Level.MODERATE) and at_least(
        Domain.MENTAL_HEALTH, levels[Domain.MENTAL_HEALTH], Level.MODERATE
    )
    return Level.PRESENT if both else Level.ABSENT


def relapse_signs(get: Get, ins: InstrumentScores) -> list[str]:
    bam = ins["bam"]
    signs: list[str] = []
    if bam["use_significant"]:
        signs.append("recent_use")
    if bam["risk_significant"]:
        signs.append("risk_factors")
    if bam["protective_significant"]:
        signs.append("low_protection")
    if get("relapse.recent_return") == "yes":
        signs.append("recent_return")
    return signs


# Signs that speak of substances themselves; risk and protective scores lean on sleep, mood and
# health, and two of those alone describe low mood, not a relapse pattern.
SUBSTANCE_SIGNS = ("recent_use", "recent_return")


def relapse_risk(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    # Relapse means a return to a substance problem: not for someone who has none, now or before.
    # Checked before the BAM so that a screen stopped early, before the BAM, still knows it.
    if (levels[Domain.SUBSTANCE_USE] == Level.LOW and not is_yes(get("recovery.history"))) or get(
        "bam.1"
    ) is None:
        return Level.NOT_APPLICABLE
    signs = relapse_signs(get, ins)
    if len(signs) >= c.RELAPSE_HIGH_SIGNS:
        return Level.HIGH
    substance_specific = (
        any(s in signs for s in SUBSTANCE_SIGNS) or get("bam.8") >= c.BAM_CRAVINGS_SIGNIFICANT
    )
    # One sign alone (say, any drink in the past month) is not a relapse pattern.
    if len(signs) >= c.RELAPSE_MODERATE_SIGNS and substance_specific:
        return Level.MODERATE
    return Level.LOW


def prior_care(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    most = get("prior_care.most_intensive_12m")
    if most in ("php", "residential", "inpatient") and get("prior_care.status") in RECENT_STATUSES:
        return Level.RECENT_INTENSIVE
    if most != "none" or get("prior_care.episodes_lifetime") != "0":
        return Level.SOME
    return Level.NONE


def home_support(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    housing = get("home.housing")
    if not get("home.safe") or housing == "none":
        return Level.UNSAFE
    mean = ins["mspss"]["mean"]
    if mean < c.MSPSS_LOW_BELOW or housing == "unstable" or get("home.others_using") == "yes":
        return Level.LOW
    if mean <= c.MSPSS_HIGH_ABOVE:
        return Level.MODERATE
    return Level.HIGH


def practical(get: Get, ins: InstrumentScores, levels: Levels) -> Level:
    hours, transport = get("practical.attend_hours"), get("practical.transport")
    if hours == "no" or transport == "no":
        return Level.BARRIER
    if hours == "maybe" or transport == "unsure":
        return Level.UNCERTAIN
    return Level.OK


# In order: a rule may read the levels computed before it.
DOMAIN_RULES: dict[Domain, DomainRule] = {
    Domain.SAFETY: safety,
    Domain.WITHDRAWAL_MEDICAL: withdrawal_medical,
    Domain.SUBSTANCE_USE: substance_use,
    Domain.MENTAL_HEALTH: mental_health,
    Domain.DUAL_DIAGNOSIS: dual_diagnosis,
    Domain.RELAPSE_RISK: relapse_risk,
    Domain.PRIOR_CARE: prior_care,
    Domain.HOME_SUPPORT: home_support,
    Domain.PRACTICAL: practical,
}

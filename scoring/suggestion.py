"""The suggestion (spec section 5): disposition, and a reason for every rule that fired.

Each rule returns None when it does not fire, or a ``Fired`` with the detail phrases for its
text and the answers and scores behind it. All rules are checked (not only the first that
decides the disposition) because staff and participants are owed every reason. A reason never
contradicts the suggestion: IOP indicators that fire under any other suggestion are reported as
"also noted" (``also_noted: true``), stating the finding without calling it a reason for IOP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scoring.answers import Get, NotAnswered, is_yes, lenient
from scoring.domains import (
    RECENT_STATUSES,
    InstrumentScores,
    Levels,
    at_least,
    relapse_signs,
    urgent_triggers,
    withdrawal_high_paths,
)
from scoring.instruments import score_ranges
from scoring.languages import SOURCE
from scoring.reason_text import render, score_of
from scoring.vocab import Disposition, Domain, Level, Respondent

DISPOSITIONS = tuple(Disposition)
# Flags that name a need of their own: beside any of them an outpatient reason must not say the
# answers show no concerns.
FLAGS_WITH_A_NEED = (
    "crisis_resources",
    "same_day_contact",
    "overdose_risk",
    "home_safety",
    "housing_need",
    "ask_directly",
)


# The answers and scores behind a reason, by item id or score name ("phq9.score"): JSON values.
Evidence = dict[str, Any]
# One reason of the result: ``{"rule": ..., "text": ..., "evidence": {...}}``, maybe "also_noted".
Reason = dict[str, Any]


@dataclass
class Fired:
    details: list[str] = field(default_factory=list)
    evidence: Evidence = field(default_factory=dict)


Rule = Callable[[Get, InstrumentScores, Levels], "Fired | None"]


def _need(levels: Levels) -> bool:
    return at_least(Domain.SUBSTANCE_USE, levels[Domain.SUBSTANCE_USE], Level.MODERATE) or at_least(
        Domain.MENTAL_HEALTH, levels[Domain.MENTAL_HEALTH], Level.MODERATE
    )


def _score_evidence(ins: InstrumentScores, *names: str) -> Evidence:
    evidence: Evidence = {}
    for name in names:
        score = ins[name]
        evidence[f"{name}.score"] = score["score"]
        evidence[f"{name}.band"] = score["band"]
    return evidence


def rule_urgent(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.SAFETY] != Level.URGENT:
        return None
    known = lenient(get)
    triggers = urgent_triggers(known)
    evidence: Evidence = {"domains.safety": Level.URGENT}
    for item_id in (
        "cssrs.4",
        "cssrs.5",
        "cssrs.6_recent",
        "safety.harm_others",
        "withdrawal.current_symptoms",
    ):
        value = known(item_id)
        # Only the answers that make it urgent: not a family member's "unknown", not mild symptoms.
        if value is True or value == "severe":
            evidence[item_id] = value
    return Fired(triggers, evidence)


def rule_h1(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.WITHDRAWAL_MEDICAL] != Level.HIGH:
        return None
    return Fired(withdrawal_high_paths(get), {"domains.withdrawal_medical": Level.HIGH})


def _h1_reasons(fired: Fired, respondent: Respondent, lang: str) -> list[Reason]:
    """H1 speaks in two voices: withdrawal risk (detox first) and an unstable medical condition
    (medical care first), each with its own reason when it holds; both name rule H1."""
    withdrawal = [d for d in fired.details if d != "medical_unstable"]
    reasons = []
    if withdrawal:
        reasons.append(_reason("H1", Fired(withdrawal, fired.evidence), respondent, lang=lang))
    if "medical_unstable" in fired.details:
        evidence = {**fired.evidence, "medical.unstable": True}
        reasons.append(_reason("H1", Fired([], evidence), respondent, "H1_medical", lang=lang))
    return reasons


def rule_h2(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.HOME_SUPPORT] != Level.UNSAFE or not _need(levels):
        return None
    details = _unsafe_home_details(get)
    return Fired(details, {"home.safe": get("home.safe"), "home.housing": get("home.housing")})


def rule_h3(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    recent_iop = (
        get("prior_care.most_intensive_12m") in ("iop", "php") and get("prior_care.status") in RECENT_STATUSES
    )
    if not (recent_iop and levels[Domain.RELAPSE_RISK] == Level.HIGH):
        return None
    return Fired(
        relapse_signs(get, ins),
        {
            "prior_care.most_intensive_12m": get("prior_care.most_intensive_12m"),
            "prior_care.status": get("prior_care.status"),
            "domains.relapse_risk": Level.HIGH,
        },
    )


def rule_h4(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.MENTAL_HEALTH] != Level.HIGH or levels[Domain.HOME_SUPPORT] not in (
        Level.UNSAFE,
        Level.LOW,
    ):
        return None
    ranges = score_ranges()
    details = [
        score_of("PHQ-9", ins["phq9"]["score"], ranges["phq9"][1]),
        score_of("GAD-7", ins["gad7"]["score"], ranges["gad7"][1]),
    ]
    return Fired(
        details,
        {**_score_evidence(ins, "phq9", "gad7"), "domains.home_support": levels[Domain.HOME_SUPPORT]},
    )


def rule_step_down(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.PRIOR_CARE] != Level.RECENT_INTENSIVE:
        return None
    most, status = get("prior_care.most_intensive_12m"), get("prior_care.status")
    return Fired(
        [f"care_{most}", f"status_{status}"],
        {"prior_care.most_intensive_12m": most, "prior_care.status": status},
    )


def rule_co_occurring(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.DUAL_DIAGNOSIS] != Level.PRESENT:
        return None
    use, mood = levels[Domain.SUBSTANCE_USE], levels[Domain.MENTAL_HEALTH]
    return Fired(
        [f"use_{use}", f"mood_{mood}"],
        {
            "domains.substance_use": use,
            "domains.mental_health": mood,
            "auditc.score": ins["auditc"]["score"],
            "taps1.drugs": ins["taps1"]["drugs"],
            "taps1.rx": ins["taps1"]["rx"],
            **_score_evidence(ins, "phq9", "gad7", "pcptsd5"),
            "mh.diagnosis": get("mh.diagnosis"),
        },
    )


def rule_relapse_risk(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if not at_least(Domain.RELAPSE_RISK, levels[Domain.RELAPSE_RISK], Level.MODERATE):
        return None
    bam = ins["bam"]
    return Fired(
        relapse_signs(get, ins),
        {
            "bam.use": bam["use"],
            "bam.risk": bam["risk"],
            "bam.protective": bam["protective"],
            "relapse.recent_return": get("relapse.recent_return"),
            "domains.relapse_risk": levels[Domain.RELAPSE_RISK],
        },
    )


def rule_step_up(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if get("prior_care.outpatient_not_enough") != "yes":
        return None
    return Fired([], {"prior_care.outpatient_not_enough": "yes"})


def rule_repeated_treatment(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    episodes = get("prior_care.episodes_lifetime")
    if episodes not in ("2_3", "4_plus"):
        return None
    return Fired([episodes], {"prior_care.episodes_lifetime": episodes})


def rule_severe_symptoms(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    details = []
    if levels[Domain.SUBSTANCE_USE] == Level.HIGH:
        details.append("severe_use")
    if levels[Domain.MENTAL_HEALTH] == Level.HIGH:
        details.append("severe_mood")
    if not details:
        return None
    return Fired(
        details,
        {
            "domains.substance_use": levels[Domain.SUBSTANCE_USE],
            "domains.mental_health": levels[Domain.MENTAL_HEALTH],
        },
    )


def rule_recent_overdose(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if not is_yes(get("safety.overdose_90d")):
        return None
    return Fired([], {"safety.overdose_90d": True})


def rule_home_support_low(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.HOME_SUPPORT] != Level.LOW:
        return None
    details = []
    if ins["mspss"]["band"] == "low":
        details.append("low_mspss")
    if get("home.housing") == "unstable":
        details.append("unstable_housing")
    if get("home.others_using") == "yes":
        details.append("others_using")
    return Fired(
        details,
        {
            "mspss.mean": ins["mspss"]["mean"],
            "home.housing": get("home.housing"),
            "home.others_using": get("home.others_using"),
        },
    )


def rule_home_support_unsafe(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.HOME_SUPPORT] != Level.UNSAFE:
        return None
    return Fired(
        _unsafe_home_details(get), {"home.safe": get("home.safe"), "home.housing": get("home.housing")}
    )


def rule_practical_barrier(get: Get, ins: InstrumentScores, levels: Levels) -> Fired | None:
    if levels[Domain.PRACTICAL] != Level.BARRIER:
        return None
    details = []
    if get("practical.attend_hours") == "no":
        details.append("attend_no")
    if get("practical.transport") == "no":
        details.append("transport_no")
    return Fired(
        details,
        {
            "practical.attend_hours": get("practical.attend_hours"),
            "practical.transport": get("practical.transport"),
        },
    )


def _unsafe_home_details(get: Get) -> list[str]:
    details = []
    if not get("home.safe"):
        details.append("not_safe_home")
    if get("home.housing") == "none":
        details.append("no_housing")
    return details


HIGHER_LEVEL_RULES: dict[str, Rule] = {"H1": rule_h1, "H2": rule_h2, "H3": rule_h3, "H4": rule_h4}
IOP_INDICATORS: dict[str, Rule] = {
    "step_down": rule_step_down,
    "co_occurring": rule_co_occurring,
    "relapse_risk": rule_relapse_risk,
    "step_up": rule_step_up,
    "repeated_treatment": rule_repeated_treatment,
    "severe_symptoms": rule_severe_symptoms,
    "recent_overdose": rule_recent_overdose,
}
BARRIER_RULES: dict[str, Rule] = {
    "home_support_unsafe": rule_home_support_unsafe,
    "home_support_low": rule_home_support_low,
    "practical_barrier": rule_practical_barrier,
}


def _fire(rules: dict[str, Rule], get: Get, ins: InstrumentScores, levels: Levels) -> dict[str, Fired]:
    """Every rule of a group that fires; a rule whose inputs were never reached is skipped."""
    fired = {}
    for name, rule in rules.items():
        try:
            result = rule(get, ins, levels)
        except NotAnswered:
            continue
        if result is not None:
            fired[name] = result
    return fired


def _reason(
    rule: str,
    fired: Fired,
    respondent: Respondent,
    template: str | None = None,
    *,
    also_noted: bool = False,
    lang: str = SOURCE,
) -> Reason:
    reason: Reason = {
        "rule": rule,
        "text": render(template or rule, respondent, tuple(fired.details), also_noted, lang),
        "evidence": fired.evidence,
    }
    if also_noted:
        reason["also_noted"] = True
    return reason


def _reasons(
    group: dict[str, Fired], respondent: Respondent, lang: str, *, also_noted: bool = False
) -> list[Reason]:
    reasons: list[Reason] = []
    for name, fired in group.items():
        if name == "H1":
            reasons += _h1_reasons(fired, respondent, lang)
        elif name == "urgent" and "severe_withdrawal" in fired.details:
            # Severe withdrawal is a medical emergency: 911 or an emergency room first, not 988
            # (988 follows when suicide risk or thoughts of harm made it urgent too).
            alone = fired.details == ["severe_withdrawal"]
            template = "urgent_medical" if alone else "urgent_medical_and_safety"
            reasons.append(_reason(name, fired, respondent, template, lang=lang))
        else:
            reasons.append(_reason(name, fired, respondent, also_noted=also_noted, lang=lang))
    return reasons


def suggest(
    get: Get,
    ins: InstrumentScores,
    levels: Levels,
    respondent: Respondent,
    flags: tuple[str, ...] = (),
    lang: str = SOURCE,
) -> tuple[Disposition, list[Reason]]:
    """The disposition and its reasons, in order: the deciding rules first, then what was also
    noted. ``flags`` (already worked out) keep the outpatient reason from contradicting them."""
    urgent = _fire({"urgent": rule_urgent}, get, ins, levels)
    higher = _fire(HIGHER_LEVEL_RULES, get, ins, levels)
    indicators = _fire(IOP_INDICATORS, get, ins, levels)

    if urgent:
        reasons = _reasons(urgent, respondent, lang) + _reasons(higher, respondent, lang)
        return Disposition.URGENT, reasons + _reasons(indicators, respondent, lang, also_noted=True)
    if higher:
        return Disposition.HIGHER_LEVEL, _reasons(higher, respondent, lang) + _reasons(
            indicators, respondent, lang, also_noted=True
        )

    other_indicators = set(indicators) - {"step_down"}
    if "step_down" in indicators or (_need(levels) and other_indicators):
        barriers = _fire(BARRIER_RULES, get, ins, levels)
        reasons = _reasons(indicators, respondent, lang) + _reasons(barriers, respondent, lang)
        return (Disposition.IOP_WITH_SUPPORTS if barriers else Disposition.IOP), reasons

    if _need(levels):
        template = "outpatient_need"
    elif any(flag in FLAGS_WITH_A_NEED for flag in flags):
        template = "outpatient_other_needs"
    else:
        template = "outpatient_no_need"
    reasons = [_reason("outpatient", Fired([], {"need": _need(levels)}), respondent, template, lang=lang)]
    return Disposition.OUTPATIENT, reasons + _reasons(indicators, respondent, lang, also_noted=True)

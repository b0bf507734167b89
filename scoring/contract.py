"""The canonical answer ids and values of the screening spec (section 2): the public contract.

The questionnaire files must agree with this table item for item; the loader refuses any file
that does not, so a wording edit can never silently change what callers may send.
"""

from __future__ import annotations

from typing import NamedTuple


class CanonicalItem(NamedTuple):
    type: str
    # The allowed values: ints for scale items, str codes for choices, None for yes_no (bool).
    values: tuple[int, ...] | tuple[str, ...] | None


def _scale(low: int, high: int) -> CanonicalItem:
    return CanonicalItem("scale", tuple(range(low, high + 1)))


def _choice(*codes: str) -> CanonicalItem:
    return CanonicalItem("single_choice", codes)


YES_NO = CanonicalItem("yes_no", None)
ZERO_TO_FOUR = _scale(0, 4)
ZERO_TO_THREE = _scale(0, 3)

SUBSTANCES = (
    "cannabis",
    "cocaine",
    "methamphetamine",
    "heroin_fentanyl",
    "prescription_opioids",
    "sedatives",
    "prescription_stimulants",
    "hallucinogens",
    "inhalants",
    "other",
    # "None in the past 3 months" (as TAPS-2 asks): used only earlier in the year. It stands alone.
    "none_3m",
)
# Codes of a multi-choice item that must be the only code chosen.
EXCLUSIVE_CODES = {"drugs.substances": "none_3m"}

# "I don't know": a family member may not know the answer to these (spec section 2). Only from
# respondent loved_one; never a yes, so it opens no follow-up question.
UNKNOWN = "unknown"
LOVED_ONE_MAY_NOT_KNOW = frozenset(
    {"cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d"}
)

BAM_ITEMS = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)

CANONICAL: dict[str, CanonicalItem] = {
    "about.age_band": _choice("under_18", "18_25", "26_64", "65_plus"),
    "about.sex_at_birth": _choice("female", "male", "intersex", "prefer_not_to_say"),
    "about.pregnant": _choice("yes", "no", "not_sure"),
    **{f"auditc.{n}": ZERO_TO_FOUR for n in (1, 2, 3)},
    **{f"taps1.{name}": ZERO_TO_FOUR for name in ("tobacco", "drugs", "rx")},
    "recovery.history": YES_NO,
    "drugs.substances": CanonicalItem("multi_choice", SUBSTANCES),
    "withdrawal.daily_alcohol": YES_NO,
    "withdrawal.daily_sedatives": YES_NO,
    "withdrawal.moud": YES_NO,
    "withdrawal.daily_opioids": YES_NO,
    "withdrawal.history_complicated": YES_NO,
    "withdrawal.current_symptoms": _choice("none", "mild", "severe"),
    "medical.unstable": YES_NO,
    "safety.overdose_90d": YES_NO,
    **{f"phq9.{n}": ZERO_TO_THREE for n in range(1, 10)},
    "mh.diagnosis": YES_NO,
    **{f"gad7.{n}": ZERO_TO_THREE for n in range(1, 8)},
    "pcptsd5.exposure": YES_NO,
    **{f"pcptsd5.{n}": YES_NO for n in range(1, 6)},
    **{f"cssrs.{n}": YES_NO for n in range(1, 7)},
    "cssrs.6_recent": YES_NO,
    "safety.harm_others": YES_NO,
    **{f"bam.{n}": ZERO_TO_FOUR for n in BAM_ITEMS if n != 14},
    # BAM 14 is a yes/no item stored on the 0-4 scale: 4 (yes) or 0 (no).
    "bam.14": CanonicalItem("scale", (0, 4)),
    "relapse.recent_return": _choice("yes", "no", "not_applicable"),
    "prior_care.most_intensive_12m": _choice("none", "outpatient", "iop", "php", "residential", "inpatient"),
    "prior_care.status": _choice("currently_in", "discharged_30d", "discharged_90d", "discharged_12m"),
    "prior_care.completed": _choice("completed", "left_early", "ongoing"),
    "prior_care.outpatient_not_enough": _choice("yes", "no", "not_tried"),
    "prior_care.episodes_lifetime": _choice("0", "1", "2_3", "4_plus"),
    **{f"mspss.{n}": _scale(1, 7) for n in range(1, 13)},
    "home.housing": _choice("stable", "unstable", "none"),
    "home.safe": YES_NO,
    "home.others_using": _choice("yes", "no", "live_alone"),
    "practical.attend_hours": _choice("yes", "maybe", "no"),
    "practical.transport": _choice("yes", "unsure", "no"),
    "practical.preferred_time": _choice("morning", "afternoon", "evening", "no_preference"),
    "practical.telehealth_ok": YES_NO,
    "readiness.ruler": _scale(0, 10),
}

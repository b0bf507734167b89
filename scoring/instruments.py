"""Instrument scores and bands (spec section 3). Each function takes a reader of answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from scoring import cutoffs as c
from scoring.answers import Get, is_yes, lenient
from scoring.questionnaire import load_questionnaire
from scoring.schema import ScaleItem

# One instrument's scores as the result JSON shows them (``{"score": 12, "band": "moderate"}``);
# each function below says which fields. Any: the fields mix ints, floats, bools and bands.
Scores = dict[str, Any]

AUDITC_IDS = ("auditc.1", "auditc.2", "auditc.3")
PHQ9_IDS = tuple(f"phq9.{n}" for n in range(1, 10))
GAD7_IDS = tuple(f"gad7.{n}" for n in range(1, 8))
PCPTSD5_IDS = tuple(f"pcptsd5.{n}" for n in range(1, 6))
BAM_USE_IDS = tuple(f"bam.{n}" for n in c.BAM_USE_ITEMS)
BAM_RISK_IDS = tuple(f"bam.{n}" for n in c.BAM_RISK_ITEMS)
BAM_PROTECTIVE_IDS = tuple(f"bam.{n}" for n in c.BAM_PROTECTIVE_ITEMS)
MSPSS_IDS = tuple(f"mspss.{n}" for n in range(1, 13))
MSPSS_SUBSCALE_IDS = {name: tuple(f"mspss.{n}" for n in items) for name, items in c.MSPSS_SUBSCALES.items()}


def auditc(get: Get) -> Scores:
    # Items 2 and 3 are not asked of someone who never drinks; they count 0.
    score = sum(filter(None, map(get, AUDITC_IDS)))
    threshold = c.AUDITC_POSITIVE_MALE if get("about.sex_at_birth") == "male" else c.AUDITC_POSITIVE_OTHER
    return {
        "score": score,
        "band": "positive" if score >= threshold else "negative",
        "high": score >= c.AUDITC_HIGH,
    }


def taps1(get: Get) -> Scores:
    tobacco, drugs, rx = get("taps1.tobacco"), get("taps1.drugs"), get("taps1.rx")
    return {
        "tobacco": tobacco,
        "drugs": drugs,
        "rx": rx,
        "drug_use": "positive" if max(drugs, rx) >= c.TAPS1_POSITIVE else "negative",
    }


def phq9(get: Get) -> Scores:
    score = sum(map(get, PHQ9_IDS))
    return {"score": score, "band": c.band(score, c.PHQ9_BANDS)}


def gad7(get: Get) -> Scores:
    score = sum(map(get, GAD7_IDS))
    return {"score": score, "band": c.band(score, c.GAD7_BANDS)}


def pcptsd5(get: Get) -> Scores:
    # Without exposure the five symptom items are not asked and the score is 0.
    score = sum(map(get, PCPTSD5_IDS)) if get("pcptsd5.exposure") else 0
    return {"score": score, "band": "positive" if score >= c.PCPTSD5_POSITIVE else "negative"}


def cssrs_high(get: Get) -> bool:
    """High risk from what is known; safe to call on a screen stopped early (absent = no)."""
    return (
        is_yes(get("cssrs.4"))
        or is_yes(get("cssrs.5"))
        or (is_yes(get("cssrs.6")) and is_yes(get("cssrs.6_recent")))
    )


def cssrs(get: Get) -> Scores:
    # High risk is known from any one answer, even on a screen stopped at that answer. A family
    # member's "unknown" counts as not yes here; the safety domain treats it as uncertain.
    if cssrs_high(lenient(get)):
        risk = "high"
    elif is_yes(get("cssrs.3")) or is_yes(get("cssrs.6")):
        risk = "moderate"  # a method without intent, or a past (not recent) suicidal act
    elif is_yes(get("cssrs.1")) or is_yes(get("cssrs.2")):
        risk = "low"
    else:
        risk = "none"
    return {"risk": risk}


def bam(get: Get) -> Scores | None:
    """None when the BAM was not asked (no drinking, drug use or history of a problem): the
    result then leaves ``bam`` out."""
    if get("bam.1") is None:
        return None
    use = sum(map(get, BAM_USE_IDS))
    risk = sum(map(get, BAM_RISK_IDS))
    protective = sum(map(get, BAM_PROTECTIVE_IDS))
    return {
        "use": use,
        "risk": risk,
        "protective": protective,
        "use_significant": use >= c.BAM_USE_SIGNIFICANT,
        "risk_significant": risk >= c.BAM_RISK_SIGNIFICANT,
        "protective_significant": protective <= c.BAM_PROTECTIVE_SIGNIFICANT,
    }


def mspss(get: Get) -> Scores:
    values = dict(zip(MSPSS_IDS, map(get, MSPSS_IDS), strict=True))
    mean = round(sum(values.values()) / len(values), 2)
    if mean < c.MSPSS_LOW_BELOW:
        band = "low"
    elif mean <= c.MSPSS_HIGH_ABOVE:
        band = "moderate"
    else:
        band = "high"
    result: Scores = {"mean": mean, "band": band}
    for name, ids in MSPSS_SUBSCALE_IDS.items():
        result[name] = round(sum(map(values.__getitem__, ids)) / len(ids), 2)
    return result


@functools.cache
def score_ranges() -> dict[str, tuple[int, int]]:
    """Each score's lowest and highest value ("of 27"), worked out once from the answer options in
    the questionnaire data, so no page restates it."""
    items = load_questionnaire().items

    def values(item_id: str) -> list[int]:
        item = items[item_id]
        if not isinstance(item, ScaleItem):
            raise TypeError(f"{item_id} is not a scored item")
        return [option.value for option in item.options]

    def total(ids: tuple[str, ...]) -> tuple[int, int]:
        options = [values(i) for i in ids]
        return sum(min(v) for v in options), sum(max(v) for v in options)

    mspss_low, mspss_high = total(MSPSS_IDS)
    return {
        "auditc": total(AUDITC_IDS),
        "phq9": total(PHQ9_IDS),
        "gad7": total(GAD7_IDS),
        "pcptsd5": (0, len(PCPTSD5_IDS)),
        "taps1": total(("taps1.drugs",)),
        "bam.use": total(BAM_USE_IDS),
        "bam.risk": total(BAM_RISK_IDS),
        "bam.protective": total(BAM_PROTECTIVE_IDS),
        "mspss": (mspss_low // len(MSPSS_IDS), mspss_high // len(MSPSS_IDS)),
    }


INSTRUMENTS: dict[str, Callable[[Get], Scores | None]] = {
    "auditc": auditc,
    "taps1": taps1,
    "phq9": phq9,
    "gad7": gad7,
    "pcptsd5": pcptsd5,
    "cssrs": cssrs,
    "bam": bam,
    "mspss": mspss,
}

"""Instrument scores and bands (spec section 3). Each function takes a reader of answers."""

from __future__ import annotations

from scoring import cutoffs as c
from scoring.answers import Get, lenient


def _sum(get: Get, ids: list[str]) -> int:
    return sum(get(item_id) or 0 for item_id in ids)


def auditc(get: Get) -> dict:
    # Items 2 and 3 are not asked of someone who never drinks; they count 0.
    score = _sum(get, ["auditc.1", "auditc.2", "auditc.3"])
    threshold = c.AUDITC_POSITIVE_MALE if get("about.sex_at_birth") == "male" else c.AUDITC_POSITIVE_OTHER
    return {
        "score": score,
        "band": "positive" if score >= threshold else "negative",
        "high": score >= c.AUDITC_HIGH,
    }


def taps1(get: Get) -> dict:
    tobacco, drugs, rx = get("taps1.tobacco"), get("taps1.drugs"), get("taps1.rx")
    worst = max(drugs, rx)
    return {
        "tobacco": tobacco,
        "drugs": drugs,
        "rx": rx,
        "drug_use": "positive" if worst >= c.TAPS1_POSITIVE else "negative",
        "high": worst >= c.TAPS1_HIGH,
    }


def phq9(get: Get) -> dict:
    score = _sum(get, [f"phq9.{n}" for n in range(1, 10)])
    return {"score": score, "band": c.band(score, c.PHQ9_BANDS)}


def gad7(get: Get) -> dict:
    score = _sum(get, [f"gad7.{n}" for n in range(1, 8)])
    return {"score": score, "band": c.band(score, c.GAD7_BANDS)}


def pcptsd5(get: Get) -> dict:
    # Without exposure the five symptom items are not asked and the score is 0.
    score = sum(1 for n in range(1, 6) if get(f"pcptsd5.{n}")) if get("pcptsd5.exposure") else 0
    return {"score": score, "band": "positive" if score >= c.PCPTSD5_POSITIVE else "negative"}


def cssrs_high(get: Get) -> bool:
    """High risk from what is known; safe to call on a screen stopped early (absent = no)."""
    return bool(get("cssrs.4") or get("cssrs.5") or (get("cssrs.6") and get("cssrs.6_recent")))


def cssrs(get: Get) -> dict:
    # High risk is known from any one answer, even on a screen stopped at that answer.
    if cssrs_high(lenient(get)):
        risk = "high"
    elif get("cssrs.3") or get("cssrs.6"):
        risk = "moderate"  # a plan without intent, or a past (not recent) suicidal act
    elif get("cssrs.1") or get("cssrs.2"):
        risk = "low"
    else:
        risk = "none"
    return {"risk": risk}


def bam(get: Get) -> dict:
    def scale(items: tuple[int, ...]) -> int:
        return _sum(get, [f"bam.{n}" for n in items])

    use, risk, protective = scale(c.BAM_USE_ITEMS), scale(c.BAM_RISK_ITEMS), scale(c.BAM_PROTECTIVE_ITEMS)
    return {
        "use": use,
        "risk": risk,
        "protective": protective,
        "use_significant": use >= c.BAM_USE_SIGNIFICANT,
        "risk_significant": risk >= c.BAM_RISK_SIGNIFICANT,
        "protective_significant": protective <= c.BAM_PROTECTIVE_SIGNIFICANT,
    }


def _mean(get: Get, items: tuple[int, ...] | range) -> float:
    values = [get(f"mspss.{n}") for n in items]
    return round(sum(values) / len(values), 2)


def mspss(get: Get) -> dict:
    mean = _mean(get, range(1, 13))
    if mean < c.MSPSS_LOW_BELOW:
        band = "low"
    elif mean <= c.MSPSS_HIGH_ABOVE:
        band = "moderate"
    else:
        band = "high"
    result = {"mean": mean, "band": band}
    for name, items in c.MSPSS_SUBSCALES.items():
        result[name] = _mean(get, items)
    return result


INSTRUMENTS = {
    "auditc": auditc,
    "taps1": taps1,
    "phq9": phq9,
    "gad7": gad7,
    "pcptsd5": pcptsd5,
    "cssrs": cssrs,
    "bam": bam,
    "mspss": mspss,
}

"""Builders of screens for the rules-module tests, written from the screening spec
(shared/clinical/screening-spec.md, revision 2), independently of the module under test.

`baseline()` is a complete, valid, low-risk screen: someone who neither drinks nor uses drugs and
has never had a problem with either, so the relapse (BAM) section is not asked. The other builders
change a few answers and then re-apply every "asked if" condition of spec section 2: follow-ups
whose condition became false are removed, follow-ups that became required are added with a
low-risk default. So a test reads as the situation it checks:

    screen = drinker(auditc=(4, 4, 4), daily=True)
    screen = depressed(screen, phq9=12)
    screen = drug_use(drugs=3, substances=["cannabis"])
    screen = relapse_signs(in_recovery(), n=2)
    screen = on_moud(drug_use(rx=1))
    screen = dont_know("cssrs.1", screen=baseline("loved_one"))

Every builder returns a new screen and never changes its argument. `raw()` and `without()` change
answers without re-applying the conditions, to build invalid input on purpose.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# --- The items of spec section 2, in the order the spec lists them -----------------------------

Answers = dict

# "I don't know": only a family member (respondent loved_one) may give it, only on these items.
UNKNOWN = "unknown"
MAY_NOT_KNOW = ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d")
# "None of these in the past 3 months" stands alone in drugs.substances.
NONE_3M = "none_3m"


def _always(a: Answers) -> bool:
    return True


def _not_male(a: Answers) -> bool:
    return a.get("about.sex_at_birth") != "male"


def _drinks(a: Answers) -> bool:
    return a.get("auditc.1", 0) > 0


def _drinks_3_plus(a: Answers) -> bool:
    return a.get("auditc.1", 0) >= 3


def _uses_drugs_or_rx(a: Answers) -> bool:
    return a.get("taps1.drugs", 0) > 0 or a.get("taps1.rx", 0) > 0


def _had_a_problem(a: Answers) -> bool:
    return a.get("recovery.history") is True


def _moud_asked(a: Answers) -> bool:
    return _uses_drugs_or_rx(a) or _had_a_problem(a)


def bam_asked(a: Answers) -> bool:
    """The BAM and relapse.recent_return: only for someone who drinks, uses or had a problem."""
    return _drinks(a) or _uses_drugs_or_rx(a) or _had_a_problem(a)


def _daily_alcohol_or_sedatives(a: Answers) -> bool:
    return a.get("withdrawal.daily_alcohol") is True or a.get("withdrawal.daily_sedatives") is True


def any_daily(a: Answers) -> bool:
    """Any `withdrawal.daily_*` answered true (an item not asked counts as false)."""
    return any(a.get(f"withdrawal.daily_{x}") is True for x in ("alcohol", "sedatives", "opioids"))


def _overdose_asked(a: Answers) -> bool:
    return _uses_drugs_or_rx(a) or any_daily(a) or a.get("withdrawal.moud") is True


def _exposed(a: Answers) -> bool:
    return a.get("pcptsd5.exposure") is True


# "unknown" is never a yes: it opens no follow-up.
def _cssrs2(a: Answers) -> bool:
    return a.get("cssrs.2") is True


def _cssrs6(a: Answers) -> bool:
    return a.get("cssrs.6") is True


def _prior_care(a: Answers) -> bool:
    return a.get("prior_care.most_intensive_12m", "none") != "none"


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # "bool", "int", "choice" or "multi"
    values: tuple = ()  # the valid ints, or the valid codes
    asked_if: Callable[[Answers], bool] = _always

    def asked(self, answers: Answers) -> bool:
        return self.asked_if(answers)

    @property
    def may_not_know(self) -> bool:
        """A family member may answer "unknown" here."""
        return self.id in MAY_NOT_KNOW


def _ints(lo: int, hi: int) -> tuple:
    return tuple(range(lo, hi + 1))


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
)
BAM_USE = ("bam.4", "bam.5", "bam.6")
BAM_RISK = ("bam.1", "bam.2", "bam.3", "bam.8", "bam.11", "bam.15")
BAM_CRAVINGS = "bam.8"
BAM_PROTECTIVE = ("bam.9", "bam.10", "bam.12", "bam.13", "bam.14", "bam.16")
BAM_ITEMS = tuple(f"bam.{i}" for i in range(1, 18) if i != 7)
RELAPSE_ITEMS = (*BAM_ITEMS, "relapse.recent_return")

ITEMS: tuple[Item, ...] = (
    Item("about.age_band", "choice", ("under_18", "18_25", "26_64", "65_plus")),
    Item("about.sex_at_birth", "choice", ("female", "male", "intersex", "prefer_not_to_say")),
    Item("about.pregnant", "choice", ("yes", "no", "not_sure"), _not_male),
    Item("auditc.1", "int", _ints(0, 4)),
    Item("auditc.2", "int", _ints(0, 4), _drinks),
    Item("auditc.3", "int", _ints(0, 4), _drinks),
    Item("taps1.tobacco", "int", _ints(0, 4)),
    Item("taps1.drugs", "int", _ints(0, 4)),
    Item("taps1.rx", "int", _ints(0, 4)),
    Item("recovery.history", "bool"),
    Item("drugs.substances", "multi", (*SUBSTANCES, NONE_3M), _uses_drugs_or_rx),
    Item("withdrawal.daily_alcohol", "bool", (), _drinks_3_plus),
    Item("withdrawal.daily_sedatives", "bool"),
    Item("withdrawal.moud", "bool", (), _moud_asked),
    Item("withdrawal.daily_opioids", "bool", (), _uses_drugs_or_rx),
    Item("withdrawal.history_complicated", "bool", (), _daily_alcohol_or_sedatives),
    Item("withdrawal.current_symptoms", "choice", ("none", "mild", "severe"), any_daily),
    Item("medical.unstable", "bool"),
    Item("safety.overdose_90d", "bool", (), _overdose_asked),
    *(Item(f"phq9.{i}", "int", _ints(0, 3)) for i in range(1, 10)),
    *(Item(f"gad7.{i}", "int", _ints(0, 3)) for i in range(1, 8)),
    Item("pcptsd5.exposure", "bool"),
    *(Item(f"pcptsd5.{i}", "bool", (), _exposed) for i in range(1, 6)),
    Item("mh.diagnosis", "bool"),
    Item("cssrs.1", "bool"),
    Item("cssrs.2", "bool"),
    *(Item(f"cssrs.{i}", "bool", (), _cssrs2) for i in (3, 4, 5)),
    Item("cssrs.6", "bool"),
    Item("cssrs.6_recent", "bool", (), _cssrs6),
    Item("safety.harm_others", "bool"),
    *(Item(b, "int", (0, 4) if b == "bam.14" else _ints(0, 4), bam_asked) for b in BAM_ITEMS),
    Item("relapse.recent_return", "choice", ("yes", "no", "not_applicable"), bam_asked),
    Item(
        "prior_care.most_intensive_12m",
        "choice",
        ("none", "outpatient", "iop", "php", "residential", "inpatient"),
    ),
    Item(
        "prior_care.status",
        "choice",
        ("currently_in", "discharged_30d", "discharged_90d", "discharged_12m"),
        _prior_care,
    ),
    Item("prior_care.completed", "choice", ("completed", "left_early", "ongoing"), _prior_care),
    Item("prior_care.outpatient_not_enough", "choice", ("yes", "no", "not_tried")),
    Item("prior_care.episodes_lifetime", "choice", ("0", "1", "2_3", "4_plus")),
    *(Item(f"mspss.{i}", "int", _ints(1, 7)) for i in range(1, 13)),
    Item("home.housing", "choice", ("stable", "unstable", "none")),
    Item("home.safe", "bool"),
    Item("home.others_using", "choice", ("yes", "no", "live_alone")),
    Item("practical.attend_hours", "choice", ("yes", "maybe", "no")),
    Item("practical.transport", "choice", ("yes", "unsure", "no")),
    Item("practical.preferred_time", "choice", ("morning", "afternoon", "evening", "no_preference")),
    Item("practical.telehealth_ok", "bool"),
    Item("readiness.ruler", "int", _ints(0, 10)),
)
ITEM = {item.id: item for item in ITEMS}
ORDER = [item.id for item in ITEMS]

DOMAINS = {
    "safety": ("urgent", "elevated", "none"),
    "withdrawal_medical": ("high", "moderate", "low"),
    "substance_use": ("high", "moderate", "low"),
    "mental_health": ("high", "moderate", "low"),
    "dual_diagnosis": ("present", "absent"),
    "relapse_risk": ("high", "moderate", "low", "not_applicable"),
    "prior_care": ("recent_intensive", "some", "none"),
    "home_support": ("unsafe", "low", "moderate", "high"),
    "practical": ("barrier", "uncertain", "ok"),
}
DISPOSITIONS = ("urgent", "higher_level", "iop", "iop_with_supports", "outpatient")
# Dispositions other than IOP: an IOP indicator that fires under them is only "also noted".
NOT_IOP = ("urgent", "higher_level", "outpatient")
INDICATORS = (
    "step_down",
    "co_occurring",
    "relapse_risk",
    "step_up",
    "repeated_treatment",
    "severe_symptoms",
    "recent_overdose",
)
H_RULES = ("H1", "H2", "H3", "H4")
BARRIERS = ("home_support_low", "home_support_unsafe", "practical_barrier")
RULES = frozenset((*INDICATORS, *H_RULES, "urgent", *BARRIERS, "outpatient"))
FLAGS = (
    "adolescent",
    "ask_directly",
    "collateral_report",
    "crisis_resources",
    "home_safety",
    "housing_need",
    "moud_continuity",
    "opioid_treatment_info",
    "overdose_risk",
    "pregnancy_priority",
    "same_day_contact",
    "withdrawal_caution",
)
# Flags that name a need of their own: beside them no reason may say there are no concerns.
FLAGS_WITH_A_NEED = (
    "crisis_resources",
    "same_day_contact",
    "overdose_risk",
    "home_safety",
    "housing_need",
    "ask_directly",
)
URGENT_TRIGGERS = ("suicide_risk_high", "harm_others", "severe_withdrawal")

# --- The low-risk baseline and the defaults of follow-ups --------------------------------------

_BASELINE: Answers = {
    "about.age_band": "26_64",
    "about.sex_at_birth": "female",
    "about.pregnant": "no",
    "auditc.1": 0,
    "taps1.tobacco": 0,
    "taps1.drugs": 0,
    "taps1.rx": 0,
    "recovery.history": False,
    "withdrawal.daily_sedatives": False,
    "medical.unstable": False,
    **{f"phq9.{i}": 0 for i in range(1, 10)},
    **{f"gad7.{i}": 0 for i in range(1, 8)},
    "pcptsd5.exposure": False,
    "mh.diagnosis": False,
    "cssrs.1": False,
    "cssrs.2": False,
    "cssrs.6": False,
    "safety.harm_others": False,
    "prior_care.most_intensive_12m": "none",
    "prior_care.outpatient_not_enough": "not_tried",
    "prior_care.episodes_lifetime": "0",
    **{f"mspss.{i}": 6 for i in range(1, 13)},
    "home.housing": "stable",
    "home.safe": True,
    "home.others_using": "no",
    "practical.attend_hours": "yes",
    "practical.transport": "yes",
    "practical.preferred_time": "evening",
    "practical.telehealth_ok": True,
    "readiness.ruler": 7,
}

# Low-risk value of each follow-up, used when a change makes it required.
FOLLOW_UP_DEFAULTS: Answers = {
    "about.pregnant": "no",
    "auditc.2": 0,
    "auditc.3": 0,
    "drugs.substances": ["cannabis"],
    "withdrawal.daily_alcohol": False,
    "withdrawal.moud": False,
    "withdrawal.daily_opioids": False,
    "withdrawal.history_complicated": False,
    "withdrawal.current_symptoms": "none",
    "safety.overdose_90d": False,
    **{f"pcptsd5.{i}": False for i in range(1, 6)},
    "cssrs.3": False,
    "cssrs.4": False,
    "cssrs.5": False,
    "cssrs.6_recent": False,
    # BAM: no use (use 0), risk items 0 (risk 0), protective items 4 (protective 24).
    **{b: 0 for b in BAM_USE + BAM_RISK},
    **{b: 4 for b in BAM_PROTECTIVE},
    "bam.17": 3,
    "relapse.recent_return": "no",
    "prior_care.status": "discharged_12m",
    "prior_care.completed": "completed",
}


def _screen(respondent: str, answers: Answers) -> dict:
    return {"respondent": respondent, "answers": answers}


def _default(item_id: str) -> object:
    return copy.deepcopy(FOLLOW_UP_DEFAULTS.get(item_id, _BASELINE.get(item_id)))


def normalise(answers: Answers) -> Answers:
    """Apply every "asked if": drop follow-ups not asked, add required ones with a default.

    One pass in spec order is enough: every condition depends on earlier items only.
    """
    out = dict(answers)
    for item in ITEMS:
        if item.asked(out):
            if item.id not in out:
                out[item.id] = _default(item.id)
        else:
            out.pop(item.id, None)
    return {i: out[i] for i in ORDER if i in out}


def baseline(respondent: str = "self") -> dict:
    """A complete, valid, low-risk screen: every domain at its lowest level (relapse risk not
    applicable: no drinking, no drug use, no past problem, so no BAM), suggestion outpatient."""
    return _screen(respondent, normalise(copy.deepcopy(_BASELINE)))


def _start(screen: dict | None) -> dict:
    return copy.deepcopy(screen) if screen is not None else baseline()


def with_answers(screen: dict | None = None, changes: Answers | None = None, /, **kw) -> dict:
    """Set answers, then re-apply the "asked if" conditions.

    Ids go in `changes` (`{"phq9.9": 1}`) or as keywords with `__` for the dot (`phq9__9=1`).
    Setting an item that is not asked in the resulting situation is a mistake in the test and
    fails loudly.
    """
    s = _start(screen)
    updates = dict(changes or {})
    updates.update({k.replace("__", "."): v for k, v in kw.items()})
    unknown = set(updates) - set(ITEM)
    assert not unknown, f"builder: unknown item ids {sorted(unknown)}"
    s["answers"].update(copy.deepcopy(updates))
    s["answers"] = normalise(s["answers"])
    for item_id, value in updates.items():
        assert s["answers"].get(item_id) == value, (
            f"builder: {item_id} is not asked in this situation; set what makes it asked first"
        )
    return s


def raw(screen: dict, changes: Answers) -> dict:
    """Set answers as given, valid or not, without re-applying any condition."""
    s = copy.deepcopy(screen)
    s["answers"].update(copy.deepcopy(changes))
    return s


def without(screen: dict, *item_ids: str) -> dict:
    """Remove answers, without re-applying any condition."""
    s = copy.deepcopy(screen)
    for item_id in item_ids:
        s["answers"].pop(item_id)
    return s


def stopped_after(screen: dict, item_id: str) -> dict:
    """The screen as the wizard leaves it when the person stops right after `item_id`."""
    cut = ORDER.index(item_id)
    s = copy.deepcopy(screen)
    s["answers"] = {k: v for k, v in s["answers"].items() if ORDER.index(k) <= cut}
    return s


def required_ids(answers: Answers) -> set[str]:
    """Ids a complete screen with these answers must hold."""
    return {item.id for item in ITEMS if item.asked(answers)}


def spread(total: int, ids: tuple | list, top: int) -> dict:
    """Answers for `ids` (each 0..top) that add up to `total`, filling the first items first."""
    assert 0 <= total <= top * len(ids), f"builder: {total} not reachable with {ids}"
    out = {}
    for item_id in ids:
        out[item_id] = min(top, total)
        total -= out[item_id]
    return out


# --- Clinical situations ------------------------------------------------------------------------


def person(
    screen: dict | None = None,
    *,
    age: str | None = None,
    sex: str | None = None,
    pregnant: str | None = None,
) -> dict:
    """About the person: age band, sex at birth, pregnancy."""
    changes: Answers = {}
    if age is not None:
        changes["about.age_band"] = age
    if sex is not None:
        changes["about.sex_at_birth"] = sex
    if pregnant is not None:
        changes["about.pregnant"] = pregnant
    return with_answers(screen, changes)


def drinker(
    screen: dict | None = None,
    *,
    auditc: tuple[int, int, int] = (2, 1, 0),
    daily: bool | None = None,
) -> dict:
    """AUDIT-C answers (items 1, 2, 3) and, when asked, whether they drink daily."""
    s = with_answers(screen, {"auditc.1": auditc[0]})
    if auditc[0] > 0:
        s = with_answers(s, {"auditc.2": auditc[1], "auditc.3": auditc[2]})
    else:
        assert auditc[1:] == (0, 0), "builder: auditc.2/3 are not asked when auditc.1 is 0"
    if daily is not None:
        s = with_answers(s, {"withdrawal.daily_alcohol": daily})
    return s


def drug_use(
    screen: dict | None = None,
    *,
    drugs: int = 0,
    rx: int = 0,
    tobacco: int | None = None,
    history: bool | None = None,
    substances: list[str] | None = None,
    moud: bool | None = None,
    daily_opioids: bool | None = None,
    overdose: bool | str | None = None,
) -> dict:
    """TAPS-1 answers, a past problem (`recovery.history`), the substances of the past 3 months
    (`["none_3m"]`: none lately), MOUD, daily opioids and a recent overdose."""
    changes: Answers = {"taps1.drugs": drugs, "taps1.rx": rx}
    optional = {
        "taps1.tobacco": tobacco,
        "recovery.history": history,
        "drugs.substances": None if substances is None else list(substances),
        "withdrawal.moud": moud,
        "withdrawal.daily_opioids": daily_opioids,
        "safety.overdose_90d": overdose,
    }
    changes.update({item_id: value for item_id, value in optional.items() if value is not None})
    return with_answers(screen, changes)


def in_recovery(screen: dict | None = None, value: bool = True) -> dict:
    """Has ever had a problem with alcohol or drugs, or treatment for one: the BAM is asked."""
    return with_answers(screen, {"recovery.history": value})


def on_moud(screen: dict | None = None, *, overdose: bool | str | None = None) -> dict:
    """Prescribed methadone or buprenorphine for opioid use disorder. Being on it means a past
    problem, so `recovery.history` is set when nothing else makes the question asked."""
    s = _start(screen)
    if not ITEM["withdrawal.moud"].asked(s["answers"]):
        s = in_recovery(s)
    s = with_answers(s, {"withdrawal.moud": True})
    if overdose is not None:
        s = with_answers(s, {"safety.overdose_90d": overdose})
    return s


def dont_know(*item_ids: str, screen: dict | None = None) -> dict:
    """A family member answers "I don't know" to each item (from baseline("loved_one") by default)."""
    s = _start(screen if screen is not None else baseline("loved_one"))
    assert s["respondent"] == "loved_one", "builder: only a family member may answer 'unknown'"
    assert set(item_ids) <= set(MAY_NOT_KNOW), f"builder: 'unknown' is not an answer of {item_ids}"
    return with_answers(s, dict.fromkeys(item_ids, UNKNOWN))


def daily_sedatives(screen: dict | None = None, value: bool = True) -> dict:
    """Benzodiazepines, sleeping pills or barbiturates every day or nearly."""
    return with_answers(screen, {"withdrawal.daily_sedatives": value})


def withdrawal(
    screen: dict,
    *,
    history_complicated: bool | None = None,
    symptoms: str | None = None,
) -> dict:
    """Withdrawal history and current symptoms (asked only after a daily_* answer is true)."""
    changes: Answers = {}
    if history_complicated is not None:
        changes["withdrawal.history_complicated"] = history_complicated
    if symptoms is not None:
        changes["withdrawal.current_symptoms"] = symptoms
    return with_answers(screen, changes)


def medically_unstable(screen: dict | None = None) -> dict:
    return with_answers(screen, {"medical.unstable": True})


def depressed(screen: dict | None = None, *, phq9: int, item9: int = 0) -> dict:
    """A PHQ-9 total of `phq9`, with item 9 (thoughts of death or self-harm) at `item9`."""
    rest = phq9 - item9
    return with_answers(screen, {**spread(rest, [f"phq9.{i}" for i in range(1, 9)], 3), "phq9.9": item9})


def anxious(screen: dict | None = None, *, gad7: int) -> dict:
    """A GAD-7 total of `gad7`."""
    return with_answers(screen, spread(gad7, [f"gad7.{i}" for i in range(1, 8)], 3))


def trauma(screen: dict | None = None, *, yes: int | tuple = 0, exposure: bool = True) -> dict:
    """PC-PTSD-5: exposure, then `yes` items answered yes (a count, or the item numbers)."""
    s = with_answers(screen, {"pcptsd5.exposure": exposure})
    if not exposure:
        return s
    items = tuple(range(1, yes + 1)) if isinstance(yes, int) else yes
    return with_answers(s, {f"pcptsd5.{i}": i in items for i in range(1, 6)})


def diagnosed(screen: dict | None = None) -> dict:
    """A professional has said they have a mental health condition."""
    return with_answers(screen, {"mh.diagnosis": True})


def suicide_screen(
    screen: dict | None = None,
    *,
    wish_dead: bool = False,
    thoughts: bool = False,
    method: bool = False,
    intent: bool = False,
    plan: bool = False,
    behaviour: bool = False,
    recent: bool = False,
) -> dict:
    """C-SSRS screener answers 1..6 and 6_recent (3, 4, 5 only asked after thoughts)."""
    changes = {"cssrs.1": wish_dead, "cssrs.2": thoughts, "cssrs.6": behaviour}
    if thoughts:
        changes.update({"cssrs.3": method, "cssrs.4": intent, "cssrs.5": plan})
    else:
        assert not (method or intent or plan), "builder: cssrs.3-5 need cssrs.2 true"
    if behaviour:
        changes["cssrs.6_recent"] = recent
    else:
        assert not recent, "builder: cssrs.6_recent needs cssrs.6 true"
    return with_answers(screen, changes)


def harm_to_others(screen: dict | None = None) -> dict:
    return with_answers(screen, {"safety.harm_others": True})


def relapse(
    screen: dict | None = None,
    *,
    use: int = 0,
    risk: int = 0,
    protective: int = 24,
    returned: str | None = None,
    cravings: int | None = None,
) -> dict:
    """BAM scale sums (use 0-12, risk 0-24, protective 0-24), cravings (`bam.8`, part of risk)
    and return to use in 90 days. The BAM must be asked: start from a drinker, a drug user or
    `in_recovery()`.

    Without `cravings` the risk sum fills the other risk items first, so cravings stay 0 (a sign
    of their own since revision 2) unless the sum needs them (above 20)."""
    others = tuple(b for b in BAM_RISK if b != BAM_CRAVINGS)
    if cravings is None:
        risk_items = spread(risk, (*others, BAM_CRAVINGS), 4)
    else:
        risk_items = {BAM_CRAVINGS: cravings, **spread(risk - cravings, others, 4)}
    changes = {**spread(use, BAM_USE, 4), **risk_items}
    # bam.14 is a yes/no item stored as 4 or 0.
    income = 4 if protective >= 4 else 0
    supports = tuple(b for b in BAM_PROTECTIVE if b != "bam.14")
    changes.update({"bam.14": income, **spread(protective - income, supports, 4)})
    if returned is not None:
        changes["relapse.recent_return"] = returned
    return with_answers(screen, changes)


def relapse_signs(screen: dict | None = None, n: int = 0) -> dict:
    """Exactly `n` of the four relapse signs of section 4, in the order the spec lists them
    (use, risk, protective, return): any two include use, a substance-specific sign."""
    present = {"use": 1, "risk": 12, "protective": 12, "returned": "yes"}
    absent = {"use": 0, "risk": 0, "protective": 24, "returned": "no"}
    signs: dict[str, Any] = {k: (present if i < n else absent)[k] for i, k in enumerate(present)}
    return relapse(screen, **signs)


def prior_care(
    screen: dict | None = None,
    *,
    most_intensive: str | None = None,
    status: str | None = None,
    completed: str | None = None,
    outpatient_not_enough: str | None = None,
    episodes: str | None = None,
) -> dict:
    """Treatment in the past 12 months and over a lifetime."""
    s = _start(screen)
    if most_intensive is not None:
        s = with_answers(s, {"prior_care.most_intensive_12m": most_intensive})
    changes: Answers = {}
    if status is not None:
        changes["prior_care.status"] = status
    if completed is not None:
        changes["prior_care.completed"] = completed
    if outpatient_not_enough is not None:
        changes["prior_care.outpatient_not_enough"] = outpatient_not_enough
    if episodes is not None:
        changes["prior_care.episodes_lifetime"] = episodes
    return with_answers(s, changes)


def social_support(
    screen: dict | None = None,
    *,
    total: int | None = None,
    mean: float | None = None,
    items: list[int] | None = None,
) -> dict:
    """MSPSS: the 12 items given, or as even as can be for a total (12-84) or an exact mean."""
    if items is None:
        if mean is not None:
            total = round(mean * 12)
            assert total == mean * 12, "builder: that mean is not reachable with 12 items"
        assert total is not None and 12 <= total <= 84
        base, extra = divmod(total, 12)
        items = [base + 1] * extra + [base] * (12 - extra)
    assert len(items) == 12
    return with_answers(screen, {f"mspss.{i}": v for i, v in enumerate(items, 1)})


def home(
    screen: dict | None = None,
    *,
    housing: str | None = None,
    safe: bool | None = None,
    others_using: str | None = None,
) -> dict:
    changes: Answers = {}
    if housing is not None:
        changes["home.housing"] = housing
    if safe is not None:
        changes["home.safe"] = safe
    if others_using is not None:
        changes["home.others_using"] = others_using
    return with_answers(screen, changes)


def practical(
    screen: dict | None = None,
    *,
    attend: str | None = None,
    transport: str | None = None,
    time: str | None = None,
    telehealth: bool | None = None,
) -> dict:
    changes: Answers = {}
    if attend is not None:
        changes["practical.attend_hours"] = attend
    if transport is not None:
        changes["practical.transport"] = transport
    if time is not None:
        changes["practical.preferred_time"] = time
    if telehealth is not None:
        changes["practical.telehealth_ok"] = telehealth
    return with_answers(screen, changes)


# --- Reading a result ---------------------------------------------------------------------------


def levels(result: dict) -> dict:
    """{domain: level} of a result."""
    return {name: d["level"] for name, d in result["domains"].items()}


def rules(result: dict) -> set[str]:
    """The rule ids of the reasons of a result."""
    return {r["rule"] for r in result["reasons"]}


def reasons_of(result: dict, rule: str) -> list[dict]:
    """The reasons of a result that name `rule` (H1 may give two)."""
    return [r for r in result["reasons"] if r["rule"] == rule]


def error_items(exc) -> list:
    """The item ids named by a ScreenInvalid, in order."""
    return [e["item"] for e in exc.errors]


# --- Random valid screens (hypothesis) ----------------------------------------------------------

# Answers that are rare in a screened population; drawn rarely so that random screens reach
# every disposition rather than nearly always `urgent` or `higher_level`.
_RARELY_TRUE = {
    "cssrs.4",
    "cssrs.5",
    "cssrs.6_recent",
    "safety.harm_others",
    "medical.unstable",
    "withdrawal.history_complicated",
}
_RARELY_FALSE = {"home.safe"}
_RARE_CODES = {
    "withdrawal.current_symptoms": "severe",
    "home.housing": "none",
}


def _bool_strategy(item: Item, respondent: str) -> st.SearchStrategy:
    if item.id in _RARELY_TRUE:
        values = [False] * 5 + [True]
    elif item.id in _RARELY_FALSE:
        values = [True] * 5 + [False]
    else:
        values = [False, True] * 2
    choices: list[object] = list(values)
    # A family member may not know: about one answer in five or six where the spec allows it.
    if respondent == "loved_one" and item.may_not_know:
        choices.append(UNKNOWN)
    return st.sampled_from(choices)


def _substances_strategy(item: Item) -> st.SearchStrategy:
    # "None in the past 3 months" stands alone, drawn about one time in five.
    drugs = st.lists(st.sampled_from([c for c in item.values if c != NONE_3M]), min_size=1, unique=True)
    return st.integers(0, 4).flatmap(lambda n: st.just([NONE_3M]) if n == 0 else drugs)


def value_strategy(item: Item, respondent: str = "self") -> st.SearchStrategy:
    """Any valid value of an item from this respondent, rare answers drawn rarely ("unknown" only
    from a family member, and only on the items of MAY_NOT_KNOW)."""
    if item.kind == "bool":
        return _bool_strategy(item, respondent)
    if item.kind == "int":
        return st.sampled_from(item.values)
    if item.kind == "choice":
        rare = _RARE_CODES.get(item.id)
        if rare is not None:
            common = [v for v in item.values if v != rare]
            return st.sampled_from(common * 3 + [rare])
        return st.sampled_from(item.values)
    return _substances_strategy(item)


@st.composite
def valid_screens(draw, respondent: str | None = None) -> dict:
    """A random complete valid screen: the spec's items in order, each condition honoured.

    A drawn "calm" (0-10) is the chance in ten that an item keeps its low-risk value, so random
    screens range from the baseline to every answer at random and reach every disposition.
    """
    who = respondent or draw(st.sampled_from(["self", "loved_one"]), label="respondent")
    calm = draw(st.integers(0, 10), label="calm")
    answers: Answers = {}
    for item in ITEMS:
        if item.asked(answers):
            if draw(st.integers(0, 9)) < calm:
                answers[item.id] = _default(item.id)
            else:
                answers[item.id] = draw(value_strategy(item, who), label=item.id)
    return _screen(who, answers)


def is_urgent(answers: Answers) -> bool:
    """Safety `urgent` by section 4, read straight from the answers ("unknown" is not a yes)."""
    cssrs_high = (
        answers.get("cssrs.4") is True
        or answers.get("cssrs.5") is True
        or (answers.get("cssrs.6") is True and answers.get("cssrs.6_recent") is True)
    )
    return (
        cssrs_high
        or answers.get("safety.harm_others") is True
        or answers.get("withdrawal.current_symptoms") == "severe"
    )

"""Complete screens for the app tests, built from the questionnaire itself: a calm answer to
every item, then the few answers that make the situation under test. Every "asked if" of the
questionnaire is honoured, so ``evaluate`` accepts what this builds (for revision 2 and later
questionnaires alike, as long as each new item gets a calm answer in ``CALM``).
"""

from __future__ import annotations

from scoring import load_questionnaire
from scoring.questionnaire import condition_holds

# A calm answer to every item, follow-ups included; a screen takes those that are asked.
CALM: dict[str, object] = {
    "about.age_band": "26_64",
    "about.sex_at_birth": "female",
    "about.pregnant": "no",
    **{f"auditc.{n}": 0 for n in (1, 2, 3)},
    **{f"taps1.{name}": 0 for name in ("tobacco", "drugs", "rx")},
    "recovery.history": False,
    "drugs.substances": ["cannabis"],
    **{f"withdrawal.{name}": False for name in ("daily_alcohol", "daily_sedatives", "moud", "daily_opioids")},
    "withdrawal.history_complicated": False,
    "withdrawal.current_symptoms": "none",
    "medical.unstable": False,
    "safety.overdose_90d": False,
    **{f"phq9.{n}": 0 for n in range(1, 10)},
    **{f"gad7.{n}": 0 for n in range(1, 8)},
    "pcptsd5.exposure": False,
    **{f"pcptsd5.{n}": False for n in range(1, 6)},
    "mh.diagnosis": False,
    **{f"cssrs.{n}": False for n in range(1, 7)},
    "cssrs.6_recent": False,
    "safety.harm_others": False,
    **{f"bam.{n}": 0 for n in (1, 2, 3, 4, 5, 6, 8, 11, 15)},
    **{f"bam.{n}": 4 for n in (9, 10, 12, 13, 14, 16, 17)},
    "relapse.recent_return": "no",
    "prior_care.most_intensive_12m": "none",
    "prior_care.status": "discharged_12m",
    "prior_care.completed": "completed",
    "prior_care.outpatient_not_enough": "not_tried",
    "prior_care.episodes_lifetime": "0",
    **{f"mspss.{n}": 6 for n in range(1, 13)},
    "home.housing": "stable",
    "home.safe": True,
    "home.others_using": "no",
    "practical.attend_hours": "yes",
    "practical.transport": "yes",
    "practical.preferred_time": "evening",
    "practical.telehealth_ok": True,
    "readiness.ruler": 7,
}


def screen(respondent: str = "self", **changes: object) -> dict:
    """A complete screen: the changes (``phq9__9=1`` for ``phq9.9``) where asked, calm answers
    elsewhere, every "asked if" of the questionnaire honoured."""
    wanted = {**CALM, **{key.replace("__", "."): value for key, value in changes.items()}}
    answers: dict[str, object] = {}
    for item in load_questionnaire().items.values():
        if condition_holds(item.asked_if, answers):
            answers[item.id] = wanted[item.id]
    missed = {key.replace("__", ".") for key in changes} - set(answers)
    assert not missed, f"not asked in this situation: {sorted(missed)}"
    return {"respondent": respondent, "answers": answers}

"""Made-up answers, named once: a calm answer to every item, the screen the storage tests store,
and what each wizard walk picks where a test names no answer.

The walks' answers differ from ``CALM`` in a few places. They are what their tests were written
against (results, step counts and stored answers follow from them), so they are kept as deltas
here rather than unified, which would change what those tests check.
"""

from __future__ import annotations

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

# Changes from CALM to the screen the storage tests store (factories.ANSWERS): a man who drinks
# now and then (so the BAM is asked, with fewer protective answers) and feels down some days.
TYPICAL_CHANGES: dict[str, object] = {
    "about.sex_at_birth": "male",
    "auditc.1": 1,
    "phq9.1": 2,
    **{f"bam.{n}": 0 for n in (9, 10, 12, 13, 16, 17)},
}

# Both walks answer as a man (so the pregnancy question stays away), "not in recovery", the first
# prior-care status and readiness 8.
_WALK: dict[str, object] = {
    **CALM,
    "about.sex_at_birth": "male",
    "relapse.recent_return": "not_applicable",
    "prior_care.status": "currently_in",
    "readiness.ruler": 8,
}

# The AppTest walk (wizard_driver): BAM answers at the first option except item 14.
APPTEST_WALK: dict[str, object] = {
    **_WALK,
    **{f"bam.{n}": 0 for n in (9, 10, 12, 13, 16, 17)},
    "practical.preferred_time": "morning",
}

# The browser walk (browser_driver.CALM_ANSWERS).
BROWSER_WALK: dict[str, object] = {
    **_WALK,
    **{f"bam.{n}": 0 for n in (10, 13, 16)},
    "practical.preferred_time": "no_preference",
}

"""Hand-built results of spec section 7 and shortcuts for storing screens in tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from intake.screens import submit_screen

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALL_INSTRUMENTS = ("auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss")
_keys = itertools.count()

# A complete screen that the current rules accept (revision 2: it has recovery.history; someone who
# drinks now and then, so the BAM is asked). Made up, like every answer in the tests.
ANSWERS = {
    "about.age_band": "26_64",
    "about.sex_at_birth": "male",
    "auditc.1": 1,
    "auditc.2": 0,
    "auditc.3": 0,
    "taps1.tobacco": 0,
    "taps1.drugs": 0,
    "taps1.rx": 0,
    "recovery.history": False,
    "withdrawal.daily_sedatives": False,
    "medical.unstable": False,
    **{f"phq9.{n}": 0 for n in range(2, 10)},
    "phq9.1": 2,
    "mh.diagnosis": False,
    **{f"gad7.{n}": 0 for n in range(1, 8)},
    "pcptsd5.exposure": False,
    "cssrs.1": False,
    "cssrs.2": False,
    "cssrs.6": False,
    "safety.harm_others": False,
    **{f"bam.{n}": 0 for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15, 16, 17)},
    "bam.14": 4,
    "relapse.recent_return": "no",
    "prior_care.most_intensive_12m": "none",
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


def result(disposition: str = "iop", flags: tuple[str, ...] = (), *, partial: bool = False) -> dict:
    instruments = {"cssrs": {"risk": "high"}} if partial else {name: {} for name in ALL_INSTRUMENTS}
    return {
        "disposition": disposition,
        "domains": {"safety": {"level": "urgent" if disposition == "urgent" else "none"}},
        "instruments": instruments,
        "flags": sorted(flags),
        "reasons": [{"rule": "co_occurring", "text": "plain-language reason"}],
        "partial": partial,
        "rules_version": "test-1",
    }


def submit(
    session: Session,
    disposition: str = "iop",
    flags: tuple[str, ...] = (),
    *,
    respondent: str = "self",
    at: datetime = T0,
    contact: dict | None = None,
    partial: bool = False,
    key: str | None = None,
    answers: dict | None = None,
) -> str:
    return submit_screen(
        session,
        submission_key=key or f"key-{next(_keys)}",
        respondent=respondent,
        answers=answers if answers is not None else dict(ANSWERS),
        result=result(disposition, flags, partial=partial),
        consent_version="2026-01",
        consented_at=at - timedelta(minutes=10),
        contact=contact,
        submitted_at=at,
        now=at,
    )


CONTACT = {
    "name": "Zelda Quixote",
    "phone": "(555) 867-5309",
    "email": "zelda.quixote@example.org",
    "best_time": "evening",
    "voicemail_ok": True,
}

"""Hand-built results of spec section 7 and shortcuts for storing screens in tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from intake.submission import submit_screen
from tests.support.answers import TYPICAL_CHANGES
from tests.support.screen_builder import complete_answers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALL_INSTRUMENTS = ("auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss")
_keys = itertools.count()

# A complete screen that the current rules accept (revision 2: it has recovery.history; someone who
# drinks now and then, so the BAM is asked). Made up, like every answer in the tests.
ANSWERS = complete_answers(TYPICAL_CHANGES)


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
    language: str = "en",
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
        language=language,
    )


CONTACT = {
    "name": "Zelda Quixote",
    "phone": "(555) 867-5309",
    "email": "zelda.quixote@example.org",
    "best_time": "evening",
    "voicemail_ok": True,
}

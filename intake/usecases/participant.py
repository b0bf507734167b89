"""What the participant's screen asks of storage: save a draft, pick one up again, send the
screen, count the anonymous funnel. Each call is one transaction of its own.

Errors: ``intake.Unavailable`` when the database cannot be reached (nothing was changed), and
for a resume ``ValueError`` (a malformed code, not counted against anyone),
``drafts.DraftNotFound`` (a wrong or expired code; the failed try is kept for rate limiting),
``drafts.TooManyAttempts`` and ``UnreadableDraft``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from intake import drafts, funnel
from intake.contact import ContactRequest
from intake.crypto import is_unreadable
from intake.submission import submit_screen
from intake.usecases import transaction
from scoring.languages import SOURCE

# Checked when a step is noted, long before it is written: a bad name must never fail, and so
# undo, the draft save it is written with.
check_step = funnel.check_step


class UnreadableDraft(LookupError):
    """The draft was saved under a field key this site no longer has (intake.crypto logs which)."""


def save_progress(
    *,
    code: str | None,
    respondent: str,
    answers: dict[str, Any],
    step: str,
    consent_version: str,
    consented_at: datetime,
    counts: Iterable[str] = (),
    now: datetime | None = None,
    language: str = SOURCE,
) -> str:
    """Save the draft (a new one without ``code``) with the funnel steps ``counts`` in the same
    transaction, so a click costs one write; returns the draft's code. A draft that expired or
    was sent meanwhile is saved afresh under a new code, with the same answers."""
    counts = tuple(counts)

    def save(code: str | None) -> str:
        with transaction() as session:
            saved = drafts.save_draft(
                session,
                code=code,
                respondent=respondent,
                answers=answers,
                step=step,
                consent_version=consent_version,
                consented_at=consented_at,
                now=now,
                language=language,
            )
            for name in counts:
                funnel.count_step(session, name, now=now)
        return saved

    if code is not None:
        try:
            return save(code)
        except drafts.DraftNotFound:
            pass  # the page sat open past the draft's expiry: start a fresh one
    return save(None)


def count_steps(steps: Iterable[str], *, now: datetime | None = None) -> None:
    """Count anonymous funnel steps, in a transaction of their own."""
    with transaction() as session:
        for step in steps:
            funnel.count_step(session, step, now=now)


def resume(code_text: str, client: str, *, now: datetime | None = None) -> drafts.DraftView:
    """The draft a typed (or linked) code names, as ``client`` asks for it; see the module's
    errors. Runs in a write transaction: a wrong code is recorded against the client."""
    code = drafts.normalize_code(code_text)
    with transaction() as session:
        view = drafts.load_draft(session, code, client, now=now)
    if is_unreadable(view.answers):
        raise UnreadableDraft("This saved screen can no longer be opened.")
    return view


def submit(
    *,
    submission_key: str,
    respondent: str,
    answers: dict[str, Any],
    result: dict[str, Any],
    consent_version: str,
    consented_at: datetime,
    contact: ContactRequest | dict[str, Any] | None,
    draft_code: str | None,
    now: datetime | None = None,
    language: str = SOURCE,
) -> str:
    """Store the screen once (a retry with the same ``submission_key`` gets the first reference
    back) and delete its draft, in one transaction; returns the screen's reference."""
    with transaction() as session:
        reference = submit_screen(
            session,
            submission_key=submission_key,
            respondent=respondent,
            answers=answers,
            result=result,
            consent_version=consent_version,
            consented_at=consented_at,
            contact=contact,
            now=now,
            language=language,
        )
        if draft_code:
            drafts.delete_draft(session, draft_code)
    return reference

"""The wizard's state for one browser session, and keeping it safe on the server.

The answers live in ``st.session_state`` while the person works, and are saved as a draft at
every step (a browser reload starts a new session, so the draft is what survives it). The
draft's resume code rides in the page's query string so a reload finds it again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from intake import drafts, funnel
from intake.db import write_session
from scoring import load_questionnaire, safety_so_far

log = logging.getLogger(__name__)

STATE_KEY = "wizard"
QUERY_KEY = "resume"
STAGES = ("step", "review", "result", "crisis", "sent")


@dataclass
class Wizard:
    respondent: str
    consent_version: str
    consented_at: datetime
    answers: dict = field(default_factory=dict)
    stage: str = "step"
    step: int = 0
    code: str | None = None
    # Chosen before the first try, so a retried submit is stored exactly once.
    submission_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    missing: list[str] = field(default_factory=list)
    # Set by a failed Next: the next run moves keyboard focus to the first unanswered question.
    focus_missing: bool = False
    return_to_review: bool = False
    elevated: bool = False
    reached: set[str] = field(default_factory=set)
    reference: str | None = None
    saved_notice: bool = False
    problem: str | None = None
    # Funnel steps reached but not yet written: they go in the next draft save's transaction,
    # so a click costs one database write, not two.
    pending_counts: list[str] = field(default_factory=list)

    @property
    def draft_step(self) -> str:
        return f"step:{self.step}" if self.stage == "step" else self.stage


def current() -> Wizard | None:
    return st.session_state.get(STATE_KEY)


def editable() -> Wizard | None:
    """The wizard, if its answers may still change: not once sent. Streamlit still runs the
    callback of a button from the page before, so a late Back click must find nothing to do."""
    wizard = current()
    return wizard if wizard is not None and wizard.reference is None else None


def begin(respondent: str, consent_version: str) -> Wizard:
    """A new screen on its first step. Its start is counted at once (no draft exists yet to carry
    the count), in one write with the first section reached."""
    wizard = Wizard(respondent=respondent, consent_version=consent_version, consented_at=datetime.now(UTC))
    _forget_widgets()
    st.session_state[STATE_KEY] = wizard
    count(wizard, "start")
    go_to_step(wizard, 0)
    write_counts(wizard)
    return wizard


def end() -> None:
    st.session_state.pop(STATE_KEY, None)
    st.query_params.pop(QUERY_KEY, None)


def _forget_widgets() -> None:
    # Widget state under item ids would otherwise outlive a restart or a restored draft.
    for item_id in load_questionnaire().items:
        st.session_state.pop(item_id, None)


def go_to_step(wizard: Wizard, index: int) -> None:
    wizard.stage, wizard.step, wizard.missing, wizard.focus_missing = "step", index, [], False
    section = load_questionnaire().sections[index]
    if section.section not in wizard.reached:
        wizard.reached.add(section.section)
        count(wizard, f"section:{section.section}")


def count(wizard: Wizard, step: str) -> None:
    """Note an anonymous funnel step; it is written with the next draft save (or ``write_counts``).
    The name is checked here, so writing it later cannot fail on it and undo a draft save."""
    wizard.pending_counts.append(funnel.check_step(step))


def _add_counts(session: Session, wizard: Wizard) -> None:
    for step in wizard.pending_counts:
        funnel.count_step(session, step)


def write_counts(wizard: Wizard) -> None:
    """Write the noted funnel steps now, in a transaction of their own; a failure here must never
    stop the person (the steps stay noted and go with the next save)."""
    if not wizard.pending_counts:
        return
    try:
        with write_session() as session:
            _add_counts(session, wizard)
    except SQLAlchemyError:
        log.warning("funnel count failed")
        return
    wizard.pending_counts.clear()


def save(wizard: Wizard) -> bool:
    """Save the draft (creating its code on first save); False if the database is out of reach.

    Never once the screen was sent: its draft was deleted, and a new one would let the same
    answers be restored and sent again. The noted funnel steps are written in the same
    transaction."""
    if wizard.reference is not None:
        return False
    answers = load_questionnaire().prune(wizard.answers)
    try:
        with write_session() as session:
            wizard.code = drafts.save_draft(
                session,
                code=wizard.code,
                respondent=wizard.respondent,
                answers=answers,
                step=wizard.draft_step,
                consent_version=wizard.consent_version,
                consented_at=wizard.consented_at,
            )
            _add_counts(session, wizard)
    except drafts.DraftNotFound:
        # The old draft expired while the page sat open: start a fresh one with the same answers.
        wizard.code = None
        return save(wizard)
    except SQLAlchemyError:
        log.warning("draft save failed")
        return False
    wizard.pending_counts.clear()
    if st.query_params.get(QUERY_KEY) != wizard.code:  # setting it sends a message to the browser
        st.query_params[QUERY_KEY] = wizard.code
    return True


def restore(view: drafts.DraftView) -> Wizard:
    questionnaire = load_questionnaire()
    sections = len(questionnaire.sections)
    stage, _, number = view.step.partition(":")
    if stage not in STAGES or stage == "sent":
        stage, number = "step", "0"
    step = min(int(number), sections - 1) if number.isdigit() else sections - 1
    wizard = Wizard(
        respondent=view.respondent,
        consent_version=view.consent_version,
        consented_at=view.consented_at,
        answers=questionnaire.prune(view.answers),
        stage=stage,
        step=step if stage == "step" else 0,
        code=view.code,
    )
    wizard.reached = {s.section for s in questionnaire.sections[: wizard.step + 1]}
    # The 988 banner stays once shown; after a reload it must come back with the answers.
    wizard.elevated = safety_so_far(wizard.answers) != "none"
    _forget_widgets()
    st.session_state[STATE_KEY] = wizard
    st.query_params[QUERY_KEY] = view.code
    return wizard


def restore_from_query(client: str) -> Wizard | None:
    """After a browser reload: pick the draft named in the page address back up, quietly.

    The code leaves the address only when no draft has it; during a rate-limit block (perhaps
    caused by someone else on the same network) it stays, since it may be the only copy."""
    code = st.query_params.get(QUERY_KEY)
    if not code:
        return None
    wizard, problem, gone = _resume(code, client)
    if gone:
        st.query_params.pop(QUERY_KEY, None)
    elif problem:
        st.warning(problem)
    return wizard


def resume(code_text: str, client: str) -> tuple[Wizard | None, str | None]:
    """Restore from a typed code: (wizard, None), or (None, a message naming what is wrong)."""
    wizard, problem, _ = _resume(code_text, client)
    return wizard, problem


def _resume(code_text: str, client: str) -> tuple[Wizard | None, str | None, bool]:
    """(wizard, problem, gone): ``gone`` when no draft can ever match this code."""
    try:
        code = drafts.normalize_code(code_text)
    except ValueError as exc:
        return None, str(exc), True
    try:
        with write_session() as session:
            view = drafts.load_draft(session, code, client)
    except drafts.TooManyAttempts as exc:
        return None, str(exc), False
    except drafts.DraftNotFound as exc:
        return None, str(exc), True
    except SQLAlchemyError:
        log.warning("draft load failed")
        return None, "We could not reach our records just now. Please try again in a minute.", False
    return restore(view), None, False

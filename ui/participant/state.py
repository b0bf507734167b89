"""The participant's state for one browser session, and keeping it safe on the server: the one
module on the participant side that reads or writes ``st.session_state`` (the item renderers of
ui/widgets.py aside, which own their widgets' keys).

The answers live in ``st.session_state`` while the person works, and are saved as a draft at
every step (a browser reload starts a new session, so the draft is what survives it). The
draft's resume code rides in the page's query string so a reload finds it again.

A step is a section with at least one question this person is asked: a section whose every
question is skipped (the relapse questions, for someone who neither drinks nor uses nor has had
a problem) is never shown, and not counted in "Step N of M". ``step`` stays the section's index,
so drafts name the same step whatever the answers.

A draft saved before the questions changed still opens: answers no longer asked are set aside
(and come back if their question is asked again), and the person is first taken to each step
they had finished that now has a new question, then back to where they were.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import streamlit as st

from intake import Unavailable
from intake.drafts import DraftNotFound, DraftView, TooManyAttempts
from intake.usecases import participant
from scoring import load_questionnaire, safety_so_far
from scoring.domains import urgent_triggers
from scoring.schema import Section
from scoring.vocab import Level, Respondent
from ui.i18n import current_language, set_language, texts

log = logging.getLogger(__name__)

STATE_KEY = "wizard"
QUERY_KEY = "resume"


class Stage(StrEnum):
    """Where the wizard is; a draft's step names it (``step:N`` for a step), so the codes stay."""

    STEP = "step"
    REVIEW = "review"
    RESULT = "result"
    CRISIS = "crisis"
    SENT = "sent"


@dataclass
class Wizard:
    respondent: Respondent
    consent_version: str
    consented_at: datetime
    answers: dict = field(default_factory=dict)
    stage: Stage = Stage.STEP
    step: int = 0
    code: str | None = None
    # Chosen before the first try, so a retried submit is stored exactly once.
    submission_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    missing: list[str] = field(default_factory=list)
    # Set by a failed Next: the next run moves keyboard focus to the first unanswered question.
    focus_missing: bool = False
    return_to_review: bool = False
    # After resuming an older draft: the step the person had reached, to go back to once the
    # new questions of the steps before it are answered (None: no such step, or the review).
    return_to_step: int | None = None
    # While taking the person through steps with new questions: the notice says why.
    catch_up: bool = False
    # The unanswered new questions of this step: focused, and not marked as errors before a Next.
    new_questions: list[str] = field(default_factory=list)
    # Answers from a draft that are not asked now; one comes back if its question is asked again.
    held: dict = field(default_factory=dict)
    elevated: bool = False
    reached: set[str] = field(default_factory=set)
    reference: str | None = None
    saved_notice: bool = False
    problem: str | None = None
    # Funnel steps reached but not yet written: they go in the next draft save's transaction,
    # so a click costs one database write, not two.
    pending_counts: list[str] = field(default_factory=list)
    # What is wrong with the contact details of the last Send, by field.
    contact_problems: dict[str, str] = field(default_factory=dict)

    @property
    def draft_step(self) -> str:
        return f"step:{self.step}" if self.stage is Stage.STEP else self.stage.value


def current() -> Wizard | None:
    return st.session_state.get(STATE_KEY)


def editable() -> Wizard | None:
    """The wizard, if its answers may still change: not once sent. Streamlit still runs the
    callback of a button from the page before, so a late Back click must find nothing to do."""
    wizard = current()
    return wizard if wizard is not None and wizard.reference is None else None


def begin(respondent: Respondent, consent_version: str) -> Wizard:
    """A new screen on its first step. Its start is counted at once (no draft exists yet to carry
    the count), in one write with the first section reached."""
    wizard = Wizard(respondent=respondent, consent_version=consent_version, consented_at=datetime.now(UTC))
    _forget_widgets()
    st.session_state[STATE_KEY] = wizard
    count(wizard, "start")
    go_to_step(wizard, 0)
    write_counts(wizard)
    return wizard


def _forget_widgets() -> None:
    # Widget state under item ids would otherwise outlive a restart or a restored draft.
    forget_widgets(load_questionnaire().items)


def widget_values(keys: Iterable[str]) -> dict[str, object]:
    """The values the widgets with these keys hold (those that have one). A button's callback
    runs before the script, so it cannot have the widgets' return values of this run."""
    return {key: st.session_state[key] for key in keys if key in st.session_state}


def forget_widgets(keys: Iterable[str]) -> None:
    """Drop what the widgets with these keys hold: the next run draws them empty, or from the
    answers."""
    for key in keys:
        st.session_state.pop(key, None)


def forget_code() -> None:
    """Take the resume code out of the page address (the draft is gone)."""
    st.query_params.pop(QUERY_KEY, None)


def missing_in(section: Section, answers: dict) -> list[str]:
    questionnaire = load_questionnaire()
    return [item.id for item in questionnaire.asked_items(section.section, answers) if item.id not in answers]


def first_incomplete(answers: dict, before: int | None = None) -> int | None:
    """The first step (before ``before``, if given) with a question still to answer."""
    sections = load_questionnaire().sections
    for index, section in enumerate(sections[:before]):
        if missing_in(section, answers):
            return index
    return None


def steps_for(answers: dict) -> list[int]:
    """The sections this person is asked anything in, by index: the steps they get."""
    questionnaire = load_questionnaire()
    return [i for i, s in enumerate(questionnaire.sections) if questionnaire.asked_items(s.section, answers)]


def step_at_or_after(answers: dict, index: int) -> int:
    """The step to show for section ``index``: itself, else the next one asked, else the last."""
    steps = steps_for(answers)
    return next((i for i in steps if i >= index), steps[-1])


def take_back_held(wizard: Wizard) -> None:
    """Answers set aside from an older draft return once their question is asked again (say the
    BAM, after "yes" to the new question about a past problem): nothing valid is asked twice."""
    if not wizard.held:
        return
    merged = load_questionnaire().prune({**wizard.held, **wizard.answers})
    wizard.answers = merged
    wizard.held = {k: v for k, v in wizard.held.items() if k not in merged}


def visit_incomplete(wizard: Wizard, index: int) -> None:
    """Go to a step with questions left, focusing the first. Catching up after a resume, they
    are new questions: announced, not marked as errors the person has not made."""
    go_to_step(wizard, index)
    left = missing_in(load_questionnaire().sections[index], wizard.answers)
    if wizard.catch_up:
        wizard.new_questions = left
    else:
        wizard.missing = left
    wizard.focus_missing = True


def go_to_step(wizard: Wizard, index: int) -> None:
    wizard.stage, wizard.step, wizard.missing, wizard.focus_missing = Stage.STEP, index, [], False
    wizard.new_questions = []
    section = load_questionnaire().sections[index]
    if section.section not in wizard.reached:
        wizard.reached.add(section.section)
        count(wizard, f"section:{section.section}")


def count(wizard: Wizard, step: str) -> None:
    """Note an anonymous funnel step; it is written with the next draft save (or ``write_counts``).
    The name is checked here, so writing it later cannot fail on it and undo a draft save."""
    wizard.pending_counts.append(participant.check_step(step))


def write_counts(wizard: Wizard) -> None:
    """Write the noted funnel steps now, in a transaction of their own; a failure here must never
    stop the person (the steps stay noted and go with the next save)."""
    if not wizard.pending_counts:
        return
    try:
        participant.count_steps(wizard.pending_counts)
    except Unavailable:
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
        # An old draft that expired while the page sat open is saved afresh with the same answers.
        wizard.code = participant.save_progress(
            code=wizard.code,
            respondent=wizard.respondent,
            answers=answers,
            step=wizard.draft_step,
            consent_version=wizard.consent_version,
            consented_at=wizard.consented_at,
            counts=wizard.pending_counts,
            language=current_language(),
        )
    except Unavailable:
        log.warning("draft save failed")
        return False
    wizard.pending_counts.clear()
    if st.query_params.get(QUERY_KEY) != wizard.code:  # setting it sends a message to the browser
        st.query_params[QUERY_KEY] = wizard.code
    return True


def _saved_place(step: str, sections: int) -> tuple[Stage, int]:
    """(stage, section index) from a draft's step text; anything unreadable means step 1."""
    name, _, number = step.partition(":")
    if name not in tuple(Stage) or name == Stage.SENT:
        return Stage.STEP, 0
    stage = Stage(name)
    if stage is not Stage.STEP:
        return stage, sections  # every step had been passed
    return Stage.STEP, min(int(number), sections - 1) if number.isdigit() else 0


def restore(view: DraftView) -> Wizard:
    questionnaire = load_questionnaire()
    sections = questionnaire.sections
    answers = questionnaire.prune(view.answers)
    wizard = Wizard(
        respondent=Respondent(view.respondent),
        consent_version=view.consent_version,
        consented_at=view.consented_at,
        answers=answers,
        code=view.code,
        held={k: v for k, v in view.answers.items() if k in questionnaire.items and k not in answers},
    )
    stage, done = _saved_place(view.step, len(sections))
    # Reached before the save: not counted again in the funnel.
    wizard.reached = {s.section for s in sections[: done + 1]}
    _place(wizard, stage, done)
    # The 988 banner stays once shown; after a reload it must come back with the answers.
    wizard.elevated = safety_so_far(wizard.answers) != Level.NONE
    _forget_widgets()
    st.session_state[STATE_KEY] = wizard
    st.query_params[QUERY_KEY] = view.code
    set_language(view.language)  # the person comes back in the language they answered in
    return wizard


def _place(wizard: Wizard, stage: Stage, done: int) -> None:
    """Where a restored screen opens. ``done``: the steps before it had all been answered.

    A crisis stop stays one while its answer is urgent. Otherwise a finished step with an
    unanswered question means the questions changed since the save: the person answers the new
    ones first, then goes on to where they were."""
    if stage is Stage.CRISIS and urgent_triggers(wizard.answers.get):
        wizard.stage = Stage.CRISIS
        return
    if stage is Stage.CRISIS:
        stage, done = Stage.STEP, first_incomplete(wizard.answers) or 0
    new = first_incomplete(wizard.answers, before=done)
    if new is None:
        if stage is Stage.STEP:
            go_to_step(wizard, step_at_or_after(wizard.answers, done))
        else:
            wizard.stage = stage
        return
    wizard.catch_up = True
    visit_incomplete(wizard, new)
    if stage is Stage.STEP:
        wizard.return_to_step = done
    else:
        wizard.return_to_review = True


def restore_from_query(client: str) -> Wizard | None:
    """After a browser reload: pick the draft named in the page address back up, quietly.

    The code leaves the address only when no draft has it; during a rate-limit block (perhaps
    caused by someone else on the same network) it stays, since it may be the only copy."""
    code = st.query_params.get(QUERY_KEY)
    if not code:
        return None
    wizard, problem, gone = _resume(code, client)
    if gone:
        forget_code()
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
        view = participant.resume(code_text, client)
    except ValueError as exc:  # malformed: no draft can ever match it
        return None, str(exc), True
    except TooManyAttempts as exc:
        return None, str(exc), False
    except DraftNotFound as exc:
        return None, str(exc), True
    except Unavailable:
        log.warning("draft load failed")
        return None, texts.RESUME_UNREACHABLE, False
    except participant.UnreadableDraft:  # saved under a key the site no longer has
        return None, texts.RESUME_UNREADABLE, True
    return restore(view), None, False

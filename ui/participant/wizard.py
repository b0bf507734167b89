"""The screen itself: one section per step, the review page, and the moves between them.

Buttons act in ``on_click`` callbacks, which Streamlit runs before the next script run, so a
click renders the new step at once and a failed Next can mark the unanswered questions on the
same run. The crisis check runs after every rendered answer: the moment safety becomes urgent
the wizard stops, whatever step it is on.

Only the steps this person is asked anything in are shown and counted (``state.steps_for``).
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st
from babel.dates import format_date

from intake.settings import get_settings
from scoring import load_questionnaire, safety_so_far
from scoring.contract import UNKNOWN
from scoring.fhir import intro_of, title_of
from scoring.schema import Item, Section
from scoring.vocab import Level
from ui.i18n import current_language, texts
from ui.participant import state as ws
from ui.participant.crisis import elevated_banner
from ui.participant.focus import focus_question
from ui.participant.state import Stage, first_incomplete, missing_in, steps_for
from ui.widgets import in_option_order, labels, render_item, wording


def _sync_widgets(wizard: ws.Wizard, section: Section) -> None:
    """Take the latest widget values of this step into the answers (callbacks run before the
    script, so a change made just before clicking is not lost)."""
    held = ws.widget_values(item.id for item in section.items)
    for item in section.items:
        if item.id in held:
            value = held[item.id]
            if item.type == "multi_choice":
                # In the options' order, as the renderer stores it, not in click order.
                value = in_option_order(item, wizard.respondent, value)
            if value is None:
                wizard.answers.pop(item.id, None)
            else:
                wizard.answers[item.id] = value
    ws.take_back_held(wizard)
    wizard.answers = load_questionnaire().prune(wizard.answers)


def _forward(wizard: ws.Wizard) -> None:
    """Where Next goes once this step is complete."""
    later = [i for i in steps_for(wizard.answers) if i > wizard.step]
    if wizard.return_to_step is not None:
        # Catching up after a resume: the other steps with new questions, then where they were.
        incomplete = first_incomplete(wizard.answers, before=wizard.return_to_step)
        if incomplete is not None:
            ws.visit_incomplete(wizard, incomplete)
            return
        target, wizard.return_to_step, wizard.catch_up = wizard.return_to_step, None, False
        ws.go_to_step(wizard, ws.step_at_or_after(wizard.answers, target))
    elif wizard.return_to_review or not later:
        # A changed answer can call for follow-ups in other sections: visit those first.
        incomplete = first_incomplete(wizard.answers)
        if incomplete is not None:
            ws.visit_incomplete(wizard, incomplete)
        else:
            wizard.stage, wizard.return_to_review, wizard.catch_up = Stage.REVIEW, False, False
            ws.count(wizard, "review")
    else:
        ws.go_to_step(wizard, later[0])


def on_next() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    section = load_questionnaire().sections[wizard.step]
    _sync_widgets(wizard, section)
    wizard.saved_notice = False
    wizard.missing = missing_in(section, wizard.answers)
    wizard.focus_missing = bool(wizard.missing)
    if wizard.missing:
        return
    _forward(wizard)
    ws.save(wizard)


def on_back() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    wizard.saved_notice = False
    if wizard.stage is Stage.STEP:
        _sync_widgets(wizard, load_questionnaire().sections[wizard.step])
        earlier = [i for i in steps_for(wizard.answers) if i < wizard.step]
        if earlier:
            ws.go_to_step(wizard, earlier[-1])
    elif wizard.stage is Stage.REVIEW:
        ws.go_to_step(wizard, steps_for(wizard.answers)[-1])
    elif wizard.stage is Stage.RESULT:
        wizard.stage = Stage.REVIEW
    ws.save(wizard)


def on_save() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    if wizard.stage is Stage.STEP:
        _sync_widgets(wizard, load_questionnaire().sections[wizard.step])
    wizard.saved_notice = ws.save(wizard)
    wizard.problem = None if wizard.saved_notice else texts.SUBMIT_FAILED


def on_edit(index: int) -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    ws.go_to_step(wizard, index)
    wizard.return_to_review = True


def on_see_result() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    incomplete = first_incomplete(wizard.answers)
    if incomplete is not None:
        ws.visit_incomplete(wizard, incomplete)
        return
    wizard.stage = Stage.RESULT
    ws.count(wizard, "result")
    ws.save(wizard)


def enter_crisis(wizard: ws.Wizard) -> None:
    wizard.stage = Stage.CRISIS
    ws.count(wizard, "crisis")
    ws.save(wizard)


def nav_buttons(wizard: ws.Wizard, *, next_label: str | None = None, on_forward=on_next) -> None:
    with st.container(horizontal=True, horizontal_alignment="distribute", key="wizard-nav"):
        st.button(
            texts.NAV["back"],
            key="nav-back",
            on_click=on_back,
            disabled=wizard.stage is Stage.STEP and wizard.step == steps_for(wizard.answers)[0],
        )
        st.button(texts.NAV["save"], key="nav-save", on_click=on_save)
        st.button(next_label or texts.NAV["next"], key="nav-next", on_click=on_forward, type="primary")


def saved_notice(wizard: ws.Wizard) -> None:
    if wizard.problem:
        st.error(wizard.problem)
    if wizard.saved_notice and wizard.code:
        expires = date.today() + timedelta(days=get_settings().iop_draft_ttl_days)
        # "May 3, 2027" / "3 de mayo de 2027": the date in the reader's own language.
        st.success(texts.SAVED.format(expires=format_date(expires, "long", locale=current_language())))
        st.code(wizard.code, language=None)


def _progress(wizard: ws.Wizard) -> None:
    """The "Step N of M" bar, counting only the steps this person gets; the review counts as a
    last step, so step 1 already shows a little progress."""
    steps = steps_for(wizard.answers)
    number = sum(1 for index in steps if index <= wizard.step)
    st.progress(number / (len(steps) + 1), text=texts.STEP_LABEL.format(number=number, total=len(steps)))


def _unknown_note(item: Item, value: object, shown: set[str]) -> None:
    # A family member who does not know gets a calm word on how to find out (loved_one only:
    # nobody else is offered "I don't know"), once per step: the suicide questions share a note.
    note = texts.UNKNOWN_NOTES.get(item.id)
    if value == UNKNOWN and note is not None and note not in shown:
        shown.add(note)
        st.info(texts.UNKNOWN_NOTES[item.id], icon=":material/forum:")


def render_step(wizard: ws.Wizard) -> None:
    questionnaire = load_questionnaire()
    section = questionnaire.sections[wizard.step]
    _progress(wizard)
    with st.container(key="screen-heading"):
        st.title(title_of(section, wizard.respondent, current_language()), anchor=False)
    top = st.container()
    intro = intro_of(section, wizard.respondent, current_language())
    if intro:
        with st.container(key="step-intro"):
            st.markdown(intro)

    notes_shown: set[str] = set()
    for item in section.items:
        if not questionnaire.is_asked(item.id, wizard.answers):
            wizard.answers.pop(item.id, None)
            continue
        with st.container(key=f"q-{item.id}"):
            value = render_item(item, wizard.respondent, wizard.answers.get(item.id))
            if value is None:
                wizard.answers.pop(item.id, None)
                if item.id in wizard.missing:
                    st.error(texts.UNANSWERED, icon=":material/arrow_upward:")
            else:
                wizard.answers[item.id] = value
                _unknown_note(item, value, notes_shown)
        level = safety_so_far(wizard.answers)
        if level == Level.URGENT:
            enter_crisis(wizard)
            st.rerun()
        wizard.elevated = wizard.elevated or level == Level.ELEVATED

    if wizard.focus_missing:
        wizard.focus_missing = False  # this run only: later runs leave focus where the person is
        unanswered = [i for i in wizard.missing or wizard.new_questions if i not in wizard.answers]
        if unanswered:
            focus_question(unanswered[0])

    with top:
        if wizard.elevated:
            elevated_banner(wizard.respondent)
        if wizard.catch_up and wizard.new_questions:
            with st.container(key="new-questions-notice"):
                st.info(texts.NEW_QUESTIONS, icon=":material/fiber_new:")
        if wizard.missing and any(i not in wizard.answers for i in wizard.missing):
            st.warning(texts.UNANSWERED_SUMMARY)
    saved_notice(wizard)
    nav_buttons(wizard)


def answer_label(item_id: str, value: object, respondent: str) -> str:
    item = load_questionnaire().items[item_id]
    shown = labels(item, respondent, current_language())
    if isinstance(value, list):
        return ", ".join(shown.get(v, str(v)) for v in value)
    return shown.get(value, str(value))


def render_review(wizard: ws.Wizard) -> None:
    questionnaire = load_questionnaire()
    st.progress(1.0, text=texts.REVIEW_TITLE)
    with st.container(key="screen-heading"):
        st.title(texts.REVIEW_TITLE, anchor=False)
    if wizard.elevated:
        elevated_banner(wizard.respondent)
    st.write(texts.REVIEW_INTRO)
    for index, section in enumerate(questionnaire.sections):
        asked = questionnaire.asked_items(section.section, wizard.answers)
        if not asked:
            continue  # a step this person never had
        with st.expander(title_of(section, wizard.respondent, current_language()), expanded=False):
            for item in asked:
                text, _ = wording(item, wizard.respondent, current_language())
                value = wizard.answers.get(item.id)
                shown = (
                    answer_label(item.id, value, wizard.respondent)
                    if value is not None
                    else texts.NOT_ANSWERED
                )
                st.markdown(f"{text}  \n**{shown}**")
            st.button(texts.REVIEW_CHANGE, key=f"edit-{section.section}", on_click=on_edit, args=(index,))
    saved_notice(wizard)
    nav_buttons(wizard, next_label=texts.NAV["review_next"], on_forward=on_see_result)

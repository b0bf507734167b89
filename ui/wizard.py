"""The screen itself: one section per step, the review page, and the moves between them.

Buttons act in ``on_click`` callbacks, which Streamlit runs before the next script run, so a
click renders the new step at once and a failed Next can mark the unanswered questions on the
same run. The crisis check runs after every rendered answer: the moment safety becomes urgent
the wizard stops, whatever step it is on.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from intake.settings import get_settings
from scoring import load_questionnaire, safety_so_far
from scoring.schema import Section
from ui import texts
from ui import wizard_state as ws
from ui.crisis import elevated_banner
from ui.focus import focus_question
from ui.widgets import labels, render_item, wording


def _section_title(section: Section, respondent: str) -> str:
    return section.title_loved_one if respondent == "loved_one" else section.title


def _sync_widgets(wizard: ws.Wizard, section: Section) -> None:
    """Take the latest widget values of this step into the answers (callbacks run before the
    script, so a change made just before clicking is not lost)."""
    for item in section.items:
        if item.id in st.session_state:
            value = st.session_state[item.id]
            if item.type == "multi_choice":
                # In the options' order, as the renderer stores it, not in click order.
                value = [v for v in labels(item, wizard.respondent) if v in (value or [])] or None
            if value is None:
                wizard.answers.pop(item.id, None)
            else:
                wizard.answers[item.id] = value
    wizard.answers = load_questionnaire().prune(wizard.answers)


def missing_in(section: Section, answers: dict) -> list[str]:
    questionnaire = load_questionnaire()
    return [item.id for item in questionnaire.asked_items(section.section, answers) if item.id not in answers]


def _first_incomplete(answers: dict) -> int | None:
    for index, section in enumerate(load_questionnaire().sections):
        if missing_in(section, answers):
            return index
    return None


def on_next() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    sections = load_questionnaire().sections
    section = sections[wizard.step]
    _sync_widgets(wizard, section)
    wizard.saved_notice = False
    wizard.missing = missing_in(section, wizard.answers)
    wizard.focus_missing = bool(wizard.missing)
    if wizard.missing:
        return
    if wizard.return_to_review or wizard.step == len(sections) - 1:
        # A changed answer can call for follow-ups in other sections: visit those first.
        incomplete = _first_incomplete(wizard.answers)
        if incomplete is not None:
            ws.go_to_step(wizard, incomplete)
            wizard.missing = missing_in(sections[incomplete], wizard.answers)
            wizard.focus_missing = True
        else:
            wizard.stage, wizard.return_to_review = "review", False
            ws.count(wizard, "review")
    else:
        ws.go_to_step(wizard, wizard.step + 1)
    ws.save(wizard)


def on_back() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    wizard.saved_notice = False
    if wizard.stage == "step":
        _sync_widgets(wizard, load_questionnaire().sections[wizard.step])
        if wizard.step > 0:
            ws.go_to_step(wizard, wizard.step - 1)
    elif wizard.stage == "review":
        ws.go_to_step(wizard, len(load_questionnaire().sections) - 1)
    elif wizard.stage == "result":
        wizard.stage = "review"
    ws.save(wizard)


def on_save() -> None:
    wizard = ws.editable()
    if wizard is None:
        return
    if wizard.stage == "step":
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
    incomplete = _first_incomplete(wizard.answers)
    if incomplete is not None:
        ws.go_to_step(wizard, incomplete)
        wizard.missing = missing_in(load_questionnaire().sections[incomplete], wizard.answers)
        wizard.focus_missing = True
        return
    wizard.stage = "result"
    ws.count(wizard, "result")
    ws.save(wizard)


def enter_crisis(wizard: ws.Wizard) -> None:
    wizard.stage = "crisis"
    ws.count(wizard, "crisis")
    ws.save(wizard)


def nav_buttons(wizard: ws.Wizard, *, next_label: str = texts.NAV["next"], on_forward=on_next) -> None:
    with st.container(horizontal=True, horizontal_alignment="distribute", key="wizard-nav"):
        st.button(
            texts.NAV["back"],
            key="nav-back",
            on_click=on_back,
            disabled=wizard.stage == "step" and wizard.step == 0,
        )
        st.button(texts.NAV["save"], key="nav-save", on_click=on_save)
        st.button(next_label, key="nav-next", on_click=on_forward, type="primary")


def saved_notice(wizard: ws.Wizard) -> None:
    if wizard.problem:
        st.error(wizard.problem)
    if wizard.saved_notice and wizard.code:
        expires = date.today() + timedelta(days=get_settings().iop_draft_ttl_days)
        st.success(texts.SAVED.format(expires=f"{expires:%B} {expires.day}, {expires.year}"))
        st.code(wizard.code, language=None)


def render_step(wizard: ws.Wizard) -> None:
    questionnaire = load_questionnaire()
    sections = questionnaire.sections
    section = sections[wizard.step]
    # Counting the review as a last step, so step 1 already shows a little progress.
    st.progress(
        (wizard.step + 1) / (len(sections) + 1),
        text=texts.STEP_LABEL.format(number=wizard.step + 1, total=len(sections)),
    )
    with st.container(key="screen-heading"):
        st.title(_section_title(section, wizard.respondent), anchor=False)
    top = st.container()
    intro = section.intro_loved_one if wizard.respondent == "loved_one" else section.intro
    if intro:
        st.markdown(intro)

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
        level = safety_so_far(wizard.answers)
        if level == "urgent":
            enter_crisis(wizard)
            st.rerun()
        wizard.elevated = wizard.elevated or level == "elevated"

    if wizard.focus_missing:
        wizard.focus_missing = False  # this run only: later runs leave focus where the person is
        unanswered = [i for i in wizard.missing if i not in wizard.answers]
        if unanswered:
            focus_question(unanswered[0])

    with top:
        if wizard.elevated:
            elevated_banner(wizard.respondent)
        if wizard.missing and any(i not in wizard.answers for i in wizard.missing):
            st.warning(texts.UNANSWERED_SUMMARY)
    saved_notice(wizard)
    nav_buttons(wizard)


def answer_label(item_id: str, value: object, respondent: str) -> str:
    item = load_questionnaire().items[item_id]
    shown = labels(item, respondent)
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
        with st.expander(_section_title(section, wizard.respondent), expanded=False):
            for item in questionnaire.asked_items(section.section, wizard.answers):
                text, _ = wording(item, wizard.respondent)
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

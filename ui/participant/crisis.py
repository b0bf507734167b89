"""Crisis help: the banner that appears once an answer raises safety, and the crisis page the
wizard stops at when an answer makes it urgent (spec section 8 lists the resources).

Which answers are urgent is scoring's business (``urgent_triggers``, ``urgent_answers``); this
module only words the help: severe withdrawal is a medical emergency and leads with 911 or an
emergency room, thoughts of suicide or of harming others lead with 988.
"""

from __future__ import annotations

import streamlit as st

from scoring import load_questionnaire
from scoring.domains import urgent_answers, urgent_triggers
from scoring.vocab import Respondent
from ui.i18n import texts
from ui.participant import state as ws
from ui.participant.submit import submit_form


def elevated_banner(respondent: Respondent) -> None:
    # st.warning renders with role="alert", so screen readers announce it when it appears.
    with st.container(key="crisis-banner"):
        st.warning(texts.ELEVATED_BANNER[respondent], icon=":material/support_agent:")


def on_mistake() -> None:
    """Clear the urgent answers and go back to the first step that had one, to answer again."""
    wizard = ws.editable()
    if wizard is None:
        return
    questionnaire = load_questionnaire()
    cleared = urgent_answers(wizard.answers)
    for item_id in cleared:
        wizard.answers.pop(item_id, None)
    ws.forget_widgets(cleared)
    wizard.answers = questionnaire.prune(wizard.answers)
    names = [s.section for s in questionnaire.sections]
    steps = [names.index(questionnaire.section_of[i]) for i in cleared]
    ws.go_to_step(wizard, min(steps) if steps else ws.first_incomplete(wizard.answers) or 0)
    ws.save(wizard)


def crisis_kind(answers: dict) -> str:
    """Which help leads the crisis page: "medical" (911 first) when severe withdrawal made the
    screen urgent, else "safety" (988 first)."""
    return "medical" if "severe_withdrawal" in urgent_triggers(answers.get) else "safety"


def render_crisis(wizard: ws.Wizard) -> None:
    with st.container(key="crisis-page"):
        # The title is the page's h1 and sits inside the alert, so it is both announced at once
        # and what a screen reader lists as this page's heading.
        st.error(f"# {texts.CRISIS_TITLE[wizard.respondent]}", icon=":material/emergency:")
        st.markdown(texts.CRISIS_BODY[crisis_kind(wizard.answers)][wizard.respondent])
    if wizard.reference is not None:
        submit_form(wizard)  # shows the reference and what happens next
        return
    st.markdown(texts.CRISIS_SEND)
    submit_form(wizard)
    if urgent_triggers(wizard.answers.get):
        st.button(texts.CRISIS_BACK, key="crisis-back", on_click=on_mistake)

"""The screen: the wizard's steps, review, crisis stop, result and submission."""

import streamlit as st

from scoring import evaluate
from ui.client import client_key
from ui.i18n import current_language, texts
from ui.participant import state as ws
from ui.participant.crisis import render_crisis
from ui.participant.pdf_summary import build_pdf
from ui.participant.result_view import render_result
from ui.participant.state import Stage
from ui.participant.submit import screen_of, submit_form
from ui.participant.wizard import on_back, render_review, render_step
from ui.setup import crisis_footer, page_link, page_setup


def result_page(wizard: ws.Wizard) -> None:
    # The reasons in the participant's language; what is stored for staff is scored again, in English.
    result = evaluate(screen_of(wizard), lang=current_language())
    render_result(result, wizard.respondent)
    st.download_button(
        texts.PDF_BUTTON,
        data=build_pdf(result, wizard.respondent, wizard.reference),
        file_name="iop-screen-summary.pdf",
        mime="application/pdf",
        key="download-pdf",
        on_click="ignore",
    )
    submit_form(wizard)
    if wizard.stage is Stage.RESULT:
        st.button(texts.NAV["back"], key="nav-back", on_click=on_back)


def main() -> None:
    page_setup("screen")
    wizard = ws.current() or ws.restore_from_query(client_key())
    if wizard is None:
        st.info(texts.SCREEN_NOT_STARTED)
        page_link("pages/welcome.py", label=texts.START_BUTTON, icon=":material/arrow_back:")
    elif wizard.stage is Stage.STEP:
        render_step(wizard)
    elif wizard.stage is Stage.REVIEW:
        render_review(wizard)
    elif wizard.stage is Stage.CRISIS:
        render_crisis(wizard)
    else:
        result_page(wizard)
    crisis_footer()


main()

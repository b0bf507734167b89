"""The screen: the wizard's steps, review, crisis stop, result and submission."""

import streamlit as st

from scoring import evaluate
from ui import texts
from ui import wizard_state as ws
from ui.client import client_key
from ui.crisis import render_crisis
from ui.pdf_summary import build_pdf
from ui.result_view import render_result
from ui.setup import crisis_footer, page_link, page_setup
from ui.submit import screen_of, submit_form
from ui.wizard import on_back, render_review, render_step


def result_page(wizard: ws.Wizard) -> None:
    result = evaluate(screen_of(wizard))
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
    if wizard.stage == "result":
        st.button(texts.NAV["back"], key="nav-back", on_click=on_back)


def main() -> None:
    page_setup("Screen")
    wizard = ws.current() or ws.restore_from_query(client_key())
    if wizard is None:
        st.info(texts.SCREEN_NOT_STARTED)
        page_link("pages/welcome.py", label=texts.START_BUTTON, icon=":material/arrow_back:")
    elif wizard.stage == "step":
        render_step(wizard)
    elif wizard.stage == "review":
        render_review(wizard)
    elif wizard.stage == "crisis":
        render_crisis(wizard)
    else:
        result_page(wizard)
    crisis_footer()


main()

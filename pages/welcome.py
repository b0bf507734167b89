"""Welcome: what IOP is, the privacy notice, and where a screen starts or resumes."""

import streamlit as st

from scoring.vocab import Respondent
from ui.client import client_key
from ui.i18n import texts
from ui.participant import state as ws
from ui.participant.state import Stage
from ui.setup import crisis_footer, page_link, page_setup

SCREEN_PAGE = "pages/screen.py"


def start_form() -> None:
    st.header(texts.START_BUTTON)
    respondent = st.radio(
        texts.RESPONDENT_QUESTION,
        list(texts.RESPONDENT_OPTIONS),
        index=None,
        format_func=texts.RESPONDENT_OPTIONS.__getitem__,
        key="respondent",
    )
    if respondent == Respondent.LOVED_ONE:
        st.info(texts.LOVED_ONE_NOTE)
    st.markdown(texts.CONSENT_TEXT)
    consent = st.checkbox(texts.CONSENT_LABEL, key="consent")
    if st.button(texts.START_BUTTON, key="nav-start", type="primary"):
        problems = []
        if respondent is None:
            problems.append(texts.START_PROBLEMS["respondent"])
        if not consent:
            problems.append(texts.START_PROBLEMS["consent"])
        for problem in problems:
            st.error(problem)
        if respondent is not None and not problems:
            ws.begin(respondent, texts.CONSENT_VERSION)
            st.switch_page(SCREEN_PAGE)


def resume_form() -> None:
    st.header(texts.RESUME_TITLE)
    code = st.text_input(texts.RESUME_LABEL, key="resume-code", help=texts.RESUME_HELP, max_chars=20)
    if st.button(texts.RESUME_BUTTON, key="nav-resume"):
        wizard, problem = ws.resume(code or "", client_key())
        if problem:
            st.error(problem)
        elif wizard is not None and wizard.code:  # a restored draft always has its code
            st.switch_page(SCREEN_PAGE, query_params={ws.QUERY_KEY: wizard.code})


def main() -> None:
    page_setup("welcome")
    wizard = ws.current() or ws.restore_from_query(client_key())
    st.title(texts.WELCOME_TITLE)
    st.markdown(texts.WELCOME_INTRO)
    if wizard is not None and wizard.stage is not Stage.SENT:
        st.info(texts.WELCOME_BACK)
        if st.button(texts.CONTINUE_BUTTON, key="nav-continue", type="primary"):
            # switch_page clears the address's query string unless given one: keep the code there.
            st.switch_page(SCREEN_PAGE, query_params={ws.QUERY_KEY: wizard.code} if wizard.code else None)
    st.markdown(texts.WHAT_IS_IOP)
    st.markdown(f"{texts.HOW_LONG} {texts.NOT_A_DIAGNOSIS}")
    with st.container(border=True):
        start_form()
    with st.container(border=True):
        resume_form()
    st.markdown(texts.PRIVACY_NOTICE)
    page_link("pages/staff_signin.py", label=texts.STAFF_LINK, icon=":material/login:")
    crisis_footer()


main()

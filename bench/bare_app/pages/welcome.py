"""Bare welcome: the start form (who is answering, consent, start) and the resume form."""

import streamlit as st

# Beside app.py, which Streamlit puts on sys.path; mypy names it bench.bare_app.bare_pages.
from bare_pages import footer, pages  # type: ignore[import-not-found]

data = pages()["welcome"]
st.set_page_config(page_title="Welcome", layout="centered", initial_sidebar_state="collapsed")
st.title(data["title"])
st.markdown(data["intro"])
for text in data["more"]:
    st.markdown(text)
with st.container(border=True):
    st.header(data["start"])
    st.radio(data["respondent_question"], data["respondent_options"], index=None, key="respondent")
    st.markdown(data["consent_text"])
    st.checkbox(data["consent_label"], key="consent")
    if st.button(data["start"], key="nav-start", type="primary"):
        st.session_state["page"] = 0
        st.session_state["answers"] = {}
        st.switch_page("pages/screen.py")
with st.container(border=True):
    st.header(data["resume_title"])
    st.text_input(data["resume_label"], key="resume-code", max_chars=20)
    st.button(data["resume_button"], key="nav-resume")
st.markdown(data["privacy"])
footer()

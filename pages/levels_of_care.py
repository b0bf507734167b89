"""Levels of care in plain words; open to anyone without starting the screen."""

import streamlit as st

from ui.i18n import texts
from ui.setup import crisis_footer, page_link, page_setup


def main() -> None:
    page_setup("levels_of_care")
    st.title(texts.LEVELS_TITLE)
    st.write(texts.LEVELS_INTRO)
    what, time, who = texts.LEVELS_COLUMNS
    for name, hours, involves, suits in texts.LEVELS:
        with st.container(border=True):
            st.header(name)
            st.markdown(f"**{what}:** {involves}")
            st.markdown(f"**{time}:** {hours}")
            st.markdown(f"**{who}:** {suits}")
    page_link("pages/welcome.py", label=texts.START_BUTTON, icon=":material/arrow_forward:")
    crisis_footer()


main()

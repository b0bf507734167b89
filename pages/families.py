"""For families and friends: what IOP asks of them and how to help; no screen needed."""

import streamlit as st

from ui.i18n import texts
from ui.setup import crisis_footer, page_link, page_setup


def main() -> None:
    page_setup("families")
    st.title(texts.FAMILIES_TITLE)
    st.markdown(texts.FAMILIES_BODY)
    page_link("pages/welcome.py", label=texts.START_BUTTON, icon=":material/arrow_forward:")
    crisis_footer()


main()

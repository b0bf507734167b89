"""What every participant page runs first, and the crisis footer every page ends with.

Pages call this themselves (not only app.py) because Streamlit serves each file in pages/ by
URL on a cold server before app.py's navigation has ever run.
"""

from __future__ import annotations

import streamlit as st

from ui import texts

# Larger tap targets and calmer spacing; the crisis footer stands apart from the page.
_CSS = """
<style>
.stRadio [role="radiogroup"] label { padding: 0.2rem 0; }
.st-key-crisis-footer { border-top: 1px solid #d0d7d7; margin-top: 2rem; padding-top: 0.75rem; }
.st-key-crisis-footer p { font-size: 0.92rem; }
</style>
"""


def page_setup(title: str) -> None:
    st.set_page_config(
        page_title=f"{title} · {texts.APP_TITLE}",
        page_icon=":material/spa:",
        layout="centered",
        initial_sidebar_state="collapsed",
    )
    st.html(_CSS)


def crisis_footer() -> None:
    with st.container(key="crisis-footer"):
        st.markdown(texts.CRISIS_FOOTER)

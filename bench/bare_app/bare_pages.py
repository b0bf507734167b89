"""The bare pages' words and widgets, read once per process (the app caches its questionnaire
too); written by bench/capacity.py, named by BARE_APP_DATA."""

import json
import os
from pathlib import Path

import streamlit as st

DEFAULT = Path(__file__).resolve().parents[1] / "out" / "bare_app.json"


@st.cache_resource
def pages() -> dict:
    return json.loads(Path(os.environ.get("BARE_APP_DATA", DEFAULT)).read_text())


def footer() -> None:
    with st.container(key="crisis-footer"):
        st.markdown(pages()["footer"])

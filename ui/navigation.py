"""Which pages a visitor sees: participants always; staff pages only once signed in."""

from __future__ import annotations

import streamlit as st

PARTICIPANT_PAGES = [
    ("pages/welcome.py", "Welcome", ":material/home:", "welcome"),
    ("pages/screen.py", "Screen", ":material/checklist:", "screen"),
    ("pages/levels_of_care.py", "Levels of care", ":material/stairs:", "levels_of_care"),
    ("pages/families.py", "For families", ":material/diversity_3:", "families"),
]


def pages_for_visitor() -> list:
    pages = [
        st.Page(path, title=title, icon=icon, url_path=url, default=(url == "welcome"))
        for path, title, icon, url in PARTICIPANT_PAGES
    ]
    return pages

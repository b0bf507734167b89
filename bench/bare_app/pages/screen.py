"""Bare screen: each step's questions (same keys, labels, layout as the app's), the review, the
result page with its send button. Next moves on in a callback, as the app's does, with no
checks: the answers are only kept in the session, for the review to list."""

import secrets

import streamlit as st

# Beside app.py, which Streamlit puts on sys.path; mypy names it bench.bare_app.bare_pages.
from bare_pages import footer, pages  # type: ignore[import-not-found]

data = pages()
steps, nav, ss = data["steps"], data["nav"], st.session_state
st.set_page_config(page_title="Screen", layout="centered", initial_sidebar_state="collapsed")
ss.setdefault("page", 0)
ss.setdefault("answers", {})


def keep_answers() -> None:
    if ss.page < len(steps):
        for key, *_ in steps[ss.page]["items"]:
            ss.answers[key] = ss.get(key)


def on_next() -> None:
    keep_answers()
    ss.page += 1


def on_back() -> None:
    ss.page = max(ss.page - 1, 0)


def on_submit() -> None:
    ss.reference = "IOP-BARE-" + secrets.token_hex(2).upper()


def nav_buttons(next_label: str) -> None:
    with st.container(horizontal=True, horizontal_alignment="distribute", key="wizard-nav"):
        st.button(nav["back"], key="nav-back", on_click=on_back, disabled=ss.page == 0)
        st.button(nav["save"], key="nav-save")
        st.button(next_label, key="nav-next", on_click=on_next, type="primary")


if ss.page < len(steps):
    step = steps[ss.page]
    st.progress(step["progress"], text=step["progress_text"])
    with st.container(key="screen-heading"):
        st.title(step["title"], anchor=False)
    if step["intro"]:
        with st.container(key="step-intro"):
            st.markdown(step["intro"])
    for key, kind, label, options, help_text, horizontal in step["items"]:
        with st.container(key=f"q-{key}"):
            if kind == "pills":
                st.pills(label, options, selection_mode="multi", key=key)
            else:
                st.radio(label, options, index=None, key=key, horizontal=horizontal)
            if help_text:
                st.caption(help_text)
    nav_buttons(nav["next"])
elif ss.page == len(steps):
    review = data["review"]
    st.progress(1.0, text=review["title"])
    with st.container(key="screen-heading"):
        st.title(review["title"], anchor=False)
    st.write(review["intro"])
    for step in steps:
        with st.expander(step["title"], expanded=False):
            for key, _kind, label, *_ in step["items"]:
                st.markdown(f"{label}  \n**{ss.answers.get(key)}**")
            st.button(review["change"], key=f"edit-{step['section']}")
    nav_buttons(nav["review_next"])
else:
    result = data["result"]
    with st.container(key="result-headline"):
        st.title("Result", anchor=False)
    st.download_button(
        result["pdf"], data=b"%PDF-", file_name="summary.pdf", key="download-pdf", on_click="ignore"
    )
    if "reference" in ss:
        st.success(result["submitted"].format(reference=ss.reference))
    else:
        st.header(result["submit_title"], anchor=False)
        st.write(result["submit_intro"])
        st.checkbox(result["contact_wanted"], key="contact-wanted")
        st.button(nav["submit"], key="nav-submit", on_click=on_submit, type="primary")
        st.button(nav["back"], key="nav-back", on_click=on_back)
footer()

"""Every participant page renders, says what it is for, and ends with the crisis footer: through
the router (app.py) and on a cold run of the page file alone, as a fresh server serves pages/."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import wizard_driver as d
from ui import texts

ROOT = Path(d.APP).parent
PAGES = ["welcome", "screen", "levels_of_care", "families"]
CRISIS_NUMBERS = ("988", "911", "1-800-662-4357")


def check_footer(at: AppTest) -> None:
    footer = d.block(at, "crisis-footer")
    assert footer is not None, "no crisis footer on the page"
    text = d.block_text(footer)
    for number in CRISIS_NUMBERS:
        assert number in text, f"crisis footer lacks {number}: {text!r}"


def check_page(at: AppTest, page: str) -> None:
    assert not at.exception, f"{page} raised: {[e.value for e in at.exception]}"
    text = d.page_text(at)
    if page == "welcome":
        assert texts.WELCOME_TITLE in [t.value for t in at.title]
        assert at.radio(key="respondent").value is None, "who is answering must not be pre-selected"
        assert at.checkbox(key="consent").value is False
        assert at.button(key="nav-start").label == texts.START_BUTTON
        assert at.text_input(key="resume-code") is not None
        assert "Your privacy" in text
    elif page == "screen":
        assert texts.SCREEN_NOT_STARTED in [i.value for i in at.info], "no hint on how to start"
        assert not at.radio, "questions shown without a started screen"
    elif page == "levels_of_care":
        assert texts.LEVELS_TITLE in [t.value for t in at.title]
        shown = [s.value for s in at.header]
        assert shown == [name for name, *_ in texts.LEVELS]
        assert len(shown) == 5
    else:
        assert texts.FAMILIES_TITLE in [t.value for t in at.title]
        assert "Al-Anon" in text and "1-800-662-4357" in text
    check_footer(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_through_the_router(page: str) -> None:
    at = d.new_session()
    if page != "welcome":
        at.switch_page(f"pages/{page}.py").run()
    check_page(at, page)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_a_cold_server(page: str, tmp_path: Path) -> None:
    # A fresh server serves pages/<page>.py by URL before any session has run app.py's
    # st.navigation: an entry script that never calls it, with pages/ beside it, is that state.
    (tmp_path / "entry.py").write_text("", encoding="utf-8")
    (tmp_path / "pages").symlink_to(ROOT / "pages")
    at = AppTest.from_file(str(tmp_path / "entry.py"), default_timeout=d.TIMEOUT).run()
    at.switch_page(f"pages/{page}.py").run()
    check_page(at, page)


# A cold server serves a page file before any router has run: each page must render alone,
# its links falling back to plain ones.
@pytest.mark.parametrize("page", PAGES)
def test_page_file_run_alone(page: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=d.TIMEOUT).run()
    check_page(at, page)

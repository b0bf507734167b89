"""What every participant page runs first, and the crisis footer every page ends with.

Pages call this themselves (not only app.py) because Streamlit serves each file in pages/ by
URL on a cold server before app.py's navigation has ever run.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from intake.settings import ConfigError, get_settings
from intake.usecases.health import check_field_key
from scoring import QuestionnaireError, load_questionnaire
from ui.i18n import choose_language, language_switch, texts
from ui.sso import sso_problem

log = logging.getLogger(__name__)

# Page icons served by the app itself. Streamlit turns a ":material/...:" page icon (of
# st.set_page_config or of an st.Page) into a favicon fetched from fonts.gstatic.com, which would
# tell Google the address of everyone who opens the screen; an image file is served from the
# app's own /media/. (Icons inside a page are drawn with the font Streamlit bundles: no request.)
ASSETS = Path(__file__).resolve().parent / "assets"
FAVICON = ASSETS / "favicon.png"
STAFF_FAVICON = ASSETS / "favicon-staff.png"
# The resume code is in the address (/screen?resume=...): no request or link may carry it away in
# a Referer header. Streamlit gives a page no way to set response headers (the reverse proxy sets
# Referrer-Policy too, see docs/deployment.md), so the document gets the policy as a <meta> in its
# head, where the browser applies it to every request and link from then on (tests/e2e/
# test_third_party.py checks that in Chromium). The script is a constant: nothing from data ever
# goes into it. Its element takes no room on the page.
_NO_REFERRER = """<style>.stElementContainer:has(#iop-no-referrer) { display: none; }</style>
<script id="iop-no-referrer">
if (!document.head.querySelector('meta[name="referrer"]')) {
  const meta = document.createElement("meta");
  meta.name = "referrer";
  meta.content = "no-referrer";
  document.head.prepend(meta);
}
</script>"""

# Larger tap targets and calmer spacing; the crisis footer stands apart from the page. Every page
# has one h1 (the page, the wizard step, the review, the result or the crisis stop) with h2s
# under it, for a screen reader's outline; the screen's h1s and the result's h2s are drawn
# smaller, as they are many. On a phone the welcome title takes three lines, not four.
_CSS = """
<style>
.stMainBlockContainer h2 { font-size: 1.75rem; }
.st-key-screen-heading h1 { font-size: 2rem; }
.st-key-result-headline h1 { font-size: 1.75rem; }
.st-key-result-body h2 { font-size: 1.3rem; }
.st-key-result-body h3 { font-size: 1.1rem; }
.st-key-crisis-page h1 { font-size: 1.5rem; padding: 0 0 0.5rem 0; }
@media (max-width: 640px) { .stMainBlockContainer h1 { font-size: 2.25rem; } }
.stRadio [role="radiogroup"] label { padding: 0.2rem 0; }
div[class*="st-key-q-"] [data-testid="stWidgetLabel"] p { font-size: 1rem; font-weight: 600; }
.st-key-crisis-footer { border-top: 1px solid #d0d7d7; margin-top: 2rem; padding-top: 0.75rem; }
.st-key-crisis-footer p { font-size: 0.92rem; }
</style>
"""


def page_setup(page: str) -> None:
    """``page``: the page's address, a key of ``texts.PAGE_TITLES``."""
    choose_language()
    st.set_page_config(
        page_title=f"{texts.PAGE_TITLES[page]} · {texts.APP_TITLE}",
        page_icon=FAVICON,
        layout="centered",
        initial_sidebar_state="collapsed",
    )
    no_referrer()
    st.html(_CSS)
    check_settings()
    check_questionnaire()
    language_switch()


def no_referrer() -> None:
    """Give the page ``<meta name="referrer" content="no-referrer">`` (once; it stays as the
    visitor moves between pages)."""
    st.html(_NO_REFERRER, unsafe_allow_javascript=True)


def check_settings(*, footer: bool = True, database: bool = False) -> None:
    """Stop at once, naming the variable, if the environment cannot run the app (production
    without its cookie secret or field key; IOP_REQUIRE_SSO without ``[auth]``; with ``database``, a
    field key that cannot read the database): better no screen than one whose contact details and drafts could not be kept safe."""
    try:
        problem = sso_problem(get_settings())
        if problem is not None:
            raise ConfigError(problem)
        if database:
            check_field_key()
    except ConfigError as exc:
        log.error("configuration refused, serving no page: %s", exc)
        st.error(f"{texts.UNAVAILABLE}\n\nFor the people running this site: {exc}")
        if footer:
            crisis_footer()
        st.stop()


def check_questionnaire() -> None:
    """Stop at once, naming the file, item and problem, if a questionnaire file is broken:
    better no screen than a screen that asks the wrong questions."""
    try:
        load_questionnaire()
    except QuestionnaireError as exc:
        log.error("questionnaire data is broken: %s", exc)
        st.error(f"{texts.UNAVAILABLE}\n\nFor the people running this site: {exc}")
        crisis_footer()
        st.stop()


def page_link(page: str, label: str, icon: str) -> None:
    """st.page_link, or a plain link when the page runs without the router (a cold server
    serving the file by URL, where Streamlit knows no other page yet)."""
    try:
        st.page_link(page, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        url = page.removeprefix("pages/").removesuffix(".py")
        st.markdown(f"[{label}](./{url})")


def crisis_footer() -> None:
    with st.container(key="crisis-footer"):
        st.markdown(texts.CRISIS_FOOTER)

"""The participant's language: chosen once, kept in the page address, applied to every text.

The choice, in order: ``?lang=`` in the address (a shared link, a reload, a resume link keep
it), the language this browser session already chose, the browser's ``Accept-Language``, then
English. Whatever is chosen is written back to the address. Staff pages stay in English.

``texts`` is ``ui/texts.py`` in the participant's language: ``texts.START_BUTTON`` reads the
English constant and returns its translation from the catalog (a missing one raises, and
tests/unit/test_translations.py finds every such text first).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scoring.languages import SOURCE, languages, translate
from ui import texts as english

LANG_PARAM = "lang"
_CHOSEN = "participant_language"
SWITCH_KEY = "language-switch"
# In every language at once: whoever cannot read the page's language can still find the switch.
SWITCH_LABEL = " / ".join(dict.fromkeys(language.switch_label for language in languages().all))
# Sets <html lang> for screen readers (Streamlit offers no other way). The script's text is a
# constant, so the reverse proxy's Content-Security-Policy allows it by its hash
# (deploy/nginx/iop-headers.conf); the language rides in an attribute, which the hash does not
# cover but which makes the element change, and its script run again, when the language does.
HTML_LANG_SCRIPT_TEXT = """
var iopLangElement = document.currentScript || document.getElementById("iop-html-lang");
document.documentElement.lang = iopLangElement.dataset.lang;
"""


def html_lang_script(lang: str) -> str:
    """The hidden element that sets <html lang> to ``lang`` (a code of locales/languages.yaml)."""
    if lang not in languages().codes:
        raise ValueError(f"not a language of the screen: {lang!r}")
    return (
        "<style>.stElementContainer:has(#iop-html-lang) { display: none; }</style>"
        f'<script id="iop-html-lang" data-lang="{lang}">{HTML_LANG_SCRIPT_TEXT}</script>'
    )


def current_language() -> str:
    """The participant's language on this run; English outside a Streamlit run (imports, tests)."""
    if get_script_run_ctx(suppress_warning=True) is None:  # a bare import or a unit test
        return SOURCE
    return str(st.session_state.get(_CHOSEN, SOURCE))


def from_accept_language(header: str | None) -> str:
    """The first language of an ``Accept-Language`` header that the screen speaks, by the
    header's own preference (q) and order; English if none."""
    offered = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if weight <= 0:  # q=0: "not this language"
            continue
        offered.append((-weight, position, tag.strip().split("-")[0].lower()))
    for _, _, code in sorted(offered):
        if code in languages().codes:
            return code
    return SOURCE


def visitor_language() -> str:
    """The language this run should speak, by the order above, without recording it (the menu
    asks before any page has run)."""
    asked = st.query_params.get(LANG_PARAM)
    if asked in languages().codes:
        return str(asked)
    if _CHOSEN in st.session_state:
        return str(st.session_state[_CHOSEN])
    return from_accept_language(st.context.headers.get("Accept-Language"))


def choose_language() -> str:
    """Settle this run's language and keep it in the address (participant pages only)."""
    chosen = visitor_language()
    st.session_state[_CHOSEN] = chosen
    if st.query_params.get(LANG_PARAM) != chosen:  # setting it sends a message to the browser
        st.query_params[LANG_PARAM] = chosen
    return chosen


def set_language(code: str) -> None:
    """Speak ``code`` from now on (a resumed draft's language, or the switch)."""
    if code in languages().codes:
        st.session_state[_CHOSEN] = code
        st.query_params[LANG_PARAM] = code


def _switch_to() -> None:
    chosen = st.session_state[SWITCH_KEY]
    if chosen:
        set_language(chosen)


def language_switch() -> None:
    """English / Español, at the top of every participant page."""
    lang = current_language()
    st.session_state[SWITCH_KEY] = lang
    with st.container(key="language-bar"):
        st.segmented_control(
            SWITCH_LABEL,
            languages().codes,
            format_func=lambda code: languages().get(code).name,
            key=SWITCH_KEY,
            on_change=_switch_to,
            label_visibility="collapsed",
        )
    st.html(html_lang_script(lang), unsafe_allow_javascript=True)


def localize(value: Any, lang: str) -> Any:
    """A text of ui/texts.py in ``lang``: strings translated, dicts and lists entry by entry."""
    if lang == SOURCE:
        return value
    if isinstance(value, str):
        return translate(value, lang)
    if isinstance(value, dict):
        return {key: localize(inner, lang) for key, inner in value.items()}
    if isinstance(value, list):
        return [localize(inner, lang) for inner in value]
    if isinstance(value, tuple):
        return tuple(localize(inner, lang) for inner in value)
    return value


# Texts of ui/texts.py that are not prose: the same in every language.
UNTRANSLATED = {"CONSENT_VERSION"}


class _Texts:
    """``ui.texts`` in the participant's current language."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(english, name)
        return value if name in UNTRANSLATED else localize(value, current_language())


texts = _Texts()

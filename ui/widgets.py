"""One renderer per item type, chosen from a registry keyed by the type (as in android-fhir).

Every widget's key is the item's canonical id, so it renders inside ``st-key-<id-with-dashes>``
for automation; its options are the canonical values and its labels the ones the FHIR export
lists as ``display``. Nothing is ever pre-selected.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scoring.fhir import options_of
from scoring.schema import Item


def wording(item: Item, respondent: str) -> tuple[str, str | None]:
    if respondent == "loved_one":
        return item.text_loved_one, item.help_loved_one or item.help
    return item.text, item.help


def labels(item: Item, respondent: str) -> dict[object, str]:
    """Canonical value -> label shown, in the respondent's wording."""
    if item.type == "yes_no" or respondent != "loved_one":
        return dict(options_of(item))
    return {option.value: option.label_loved_one or option.label for option in item.options}


def _choice(item: Item, respondent: str, current: object, horizontal: bool) -> object:
    text, help_text = wording(item, respondent)
    shown = labels(item, respondent)
    options = list(shown)
    index = options.index(current) if current in shown else None
    value = st.radio(
        text,
        options,
        index=index,
        format_func=shown.__getitem__,
        key=item.id,
        horizontal=horizontal,
    )
    if help_text:
        st.caption(help_text)
    return value


def render_yes_no(item: Item, respondent: str, current: object) -> object:
    return _choice(item, respondent, current, horizontal=True)


def render_scale(item: Item, respondent: str, current: object) -> object:
    return _choice(item, respondent, current, horizontal=False)


def render_single_choice(item: Item, respondent: str, current: object) -> object:
    return _choice(item, respondent, current, horizontal=False)


def render_multi_choice(item: Item, respondent: str, current: object) -> object:
    text, help_text = wording(item, respondent)
    shown = labels(item, respondent)
    chosen = st.pills(
        text,
        list(shown),
        selection_mode="multi",
        default=[v for v in (current or []) if v in shown],
        format_func=shown.__getitem__,
        key=item.id,
    )
    if help_text:
        st.caption(help_text)
    # Keep the options' order so the stored answer does not depend on click order.
    return [value for value in shown if value in chosen] or None


RENDERERS: dict[str, Callable[[Item, str, object], object]] = {
    "yes_no": render_yes_no,
    "scale": render_scale,
    "single_choice": render_single_choice,
    "multi_choice": render_multi_choice,
}


def render_item(item: Item, respondent: str, current: object) -> object:
    """Show one question; return its canonical answer, or None while unanswered."""
    return RENDERERS[item.type](item, respondent, current)

"""One renderer per item type, chosen from a registry keyed by the type (as in android-fhir).

Every widget's key is the item's canonical id, so it renders inside ``st-key-<id-with-dashes>``
for automation; its options are the canonical values and its labels the ones the FHIR export
lists as ``display`` (for a family member, the collateral export's, "I don't know" included), in
the participant's language. Nothing is ever pre-selected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

import streamlit as st

from scoring.fhir import options_of, wording_of
from scoring.languages import SOURCE
from scoring.schema import Item, MultiChoiceItem, SingleChoiceItem
from ui.i18n import current_language


def wording(item: Item, respondent: str, lang: str = SOURCE) -> tuple[str, str | None]:
    return wording_of(item, respondent, lang)


def labels(item: Item, respondent: str, lang: str = SOURCE) -> dict[object, str]:
    """Canonical value -> label shown, in the respondent's wording (one source with FHIR). The
    values are the same in every language; only the labels change."""
    return dict(options_of(item, respondent, lang))


def exclusive_codes(item: Item) -> set[str]:
    """The options of a multi-choice item that must be chosen alone (``none_3m``)."""
    if not isinstance(item, SingleChoiceItem | MultiChoiceItem):
        return set()  # yes/no and scale options are never exclusive
    return {option.value for option in item.options if option.exclusive}


def keep_exclusive(chosen: Sequence[object], before: Sequence[object], exclusive: set[str]) -> list[object]:
    """The choice after a click, so an exclusive option never stands beside another one:
    picking it clears the others, picking another clears it."""
    added = [value for value in chosen if value not in before]
    picked_alone: list[object] = [value for value in added if value in exclusive]
    if picked_alone:
        return picked_alone[-1:]
    if any(value not in exclusive for value in chosen):
        return [value for value in chosen if value not in exclusive]
    return list(chosen)


def _shown_key(item_id: str) -> str:
    # What the pills showed after the last run: a click's callback compares against it.
    return f"{item_id}:shown"


def _on_pills_change(item_id: str, exclusive: frozenset) -> None:
    # A callback may set its own widget's value; the next run then shows the tidied choice.
    chosen = st.session_state.get(item_id) or []
    before = st.session_state.get(_shown_key(item_id)) or []
    st.session_state[item_id] = keep_exclusive(chosen, before, set(exclusive))


def _choice(item: Item, respondent: str, current: object, horizontal: bool) -> object:
    text, help_text = wording(item, respondent, current_language())
    shown = labels(item, respondent, current_language())
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
    text, help_text = wording(item, respondent, current_language())
    shown = labels(item, respondent, current_language())
    exclusive = frozenset(exclusive_codes(item))
    earlier = current if isinstance(current, Iterable) else ()
    chosen = st.pills(
        text,
        list(shown),
        selection_mode="multi",
        # Once the widget holds a value, it is the truth (a callback may just have tidied it).
        default=None if item.id in st.session_state else [v for v in earlier if v in shown],
        format_func=shown.__getitem__,
        key=item.id,
        on_change=_on_pills_change if exclusive else None,
        args=(item.id, exclusive) if exclusive else None,
    )
    st.session_state[_shown_key(item.id)] = list(chosen or [])
    if help_text:
        st.caption(help_text)
    return in_option_order(item, respondent, chosen)


def in_option_order(item: Item, respondent: str, chosen: object) -> list | None:
    """Keep the options' order so the stored answer does not depend on click order."""
    picked = chosen if isinstance(chosen, Collection) else ()
    return [value for value in labels(item, respondent) if value in picked] or None


RENDERERS: dict[str, Callable[[Item, str, object], object]] = {
    "yes_no": render_yes_no,
    "scale": render_scale,
    "single_choice": render_single_choice,
    "multi_choice": render_multi_choice,
}


def render_item(item: Item, respondent: str, current: object) -> object:
    """Show one question; return its canonical answer, or None while unanswered."""
    return RENDERERS[item.type](item, respondent, current)

"""Reading answers during scoring, including from a screen stopped early.

In a complete screen an absent item was simply not asked (its value reads as None). In a
screen stopped at an urgent answer, an absent item may be one the person never reached:
reading it raises ``NotAnswered`` so that whatever depends on it is left out of the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Get = Callable[[str], object]


class NotAnswered(Exception):
    """A value needed for a score was never reached (urgent stop)."""


def reader(answers: Mapping[str, object], unanswered: frozenset[str]) -> Get:
    if not unanswered:
        return answers.get

    def get(item_id: str) -> object:
        value = answers.get(item_id)
        if value is None and item_id in unanswered:
            raise NotAnswered(item_id)
        return value

    return get


def lenient(get: Get) -> Get:
    """A reader that treats a never-reached answer as absent (for "any of these is yes" rules)."""

    def read(item_id: str) -> object:
        try:
            return get(item_id)
        except NotAnswered:
            return None

    return read


class Computed(dict):
    """Scores computed so far; asking for one that could not be computed raises NotAnswered."""

    def __missing__(self, key: str) -> object:
        raise NotAnswered(key)

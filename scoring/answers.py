"""Reading answers during scoring, including from a screen stopped early.

In a complete screen an absent item was simply not asked (its value reads as None). In a
screen stopped at an urgent answer, an absent item may be one the person never reached:
reading it raises ``NotAnswered`` so that whatever depends on it is left out of the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

# A reader of one answer by item id. Any: the value's type depends on the item (a bool, an int,
# a code, a list of codes or "unknown"), which validation has checked against the questionnaire
# before any rule reads it; no static type can tie a value to the id it was read by.
Get = Callable[[str], Any]


def is_yes(value: object) -> bool:
    """A yes, and only a yes: a family member's "unknown" (a truthy string) is never a yes."""
    return value is True


class NotAnswered(Exception):
    """A value needed for a score was never reached (urgent stop)."""


class _PartialReader:
    """Reads a screen stopped early: an unreached answer raises instead of reading as None."""

    __slots__ = ("answers", "unanswered")

    def __init__(self, answers: Mapping[str, object], unanswered: frozenset[str]):
        self.answers, self.unanswered = answers, unanswered

    def __call__(self, item_id: str) -> object:
        value = self.answers.get(item_id)
        if value is None and item_id in self.unanswered:
            raise NotAnswered(item_id)
        return value


def reader(answers: Mapping[str, object], unanswered: frozenset[str]) -> Get:
    # A complete screen reads straight from the dict: this is the hot path of batch scoring.
    return _PartialReader(answers, unanswered) if unanswered else answers.get


def lenient(get: Get) -> Get:
    """A reader that treats a never-reached answer as absent (for "any of these is yes" rules).
    Only a partial screen's reader can raise, so any other reader is already lenient."""
    if not isinstance(get, _PartialReader):
        return get

    def read(item_id: str) -> object:
        try:
            return get(item_id)
        except NotAnswered:
            return None

    return read


_Value = TypeVar("_Value")


class Computed(dict[str, _Value]):
    """Scores or levels computed so far; asking for one that could not be computed raises
    NotAnswered."""

    def __missing__(self, key: str) -> _Value:
        raise NotAnswered(key)

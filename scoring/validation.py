"""Checking a screen against the questionnaire data before anything is scored.

A screen is rejected whole, with one message per offending item id, so that nothing is ever
half-scored. The "asked if" conditions come from the questionnaire files (the same ones the
wizard reads), compiled here once into small closures because the API must check tens of
thousands of screens a second.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from scoring.contract import UNKNOWN
from scoring.questionnaire import OPS, Questionnaire, load_questionnaire
from scoring.schema import Condition, Item, ScaleItem, SingleChoiceItem, YesNoItem
from scoring.vocab import Respondent

# The codes, as a caller sends them (argparse shows them in its messages).
RESPONDENTS = tuple(respondent.value for respondent in Respondent)


class ScreenInvalid(ValueError):
    """The screen was rejected; ``errors`` holds ``{"item": id, "message": text}`` per problem."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['item']}: {e['message']}" for e in errors))


@dataclass(frozen=True)
class ValidScreen:
    respondent: Respondent
    answers: Mapping[str, object]
    # Items that were required (or could not be ruled out) but are absent: only ever non-empty
    # for a screen stopped early at an urgent safety answer.
    unanswered: frozenset[str]

    @property
    def partial(self) -> bool:
        return bool(self.unanswered)


SHOWN_CHARS = 80


def _shown(value: object, text: Callable[[object], str] = repr) -> str:
    """A key or value as a message shows it. Never raises (str() of an int past 4,300 digits
    does), never empty: an empty key shows as '', so every error names something; and at most
    SHOWN_CHARS characters, so a megabyte answer is not echoed whole into every message."""
    try:
        shown = text(value)
    except ValueError:
        return f"<a {type(value).__name__} too long to show>"
    if len(shown) > SHOWN_CHARS:
        return shown[: SHOWN_CHARS - 1] + "…"
    return shown or repr(shown)


def _name(key: object) -> str:
    return _shown(key, str)


def _describe_condition(condition: Condition) -> str:
    def show(value: object) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    joiner = " or " if condition.behavior == "any" else " and "
    return joiner.join(f"{c.item} {c.op} {show(c.value)}" for c in condition.clauses)


def _value_checker(item: Item, respondent: Respondent) -> tuple[Callable[[object], bool], str]:
    """A fast predicate for one item's values from this respondent, and the message when it fails."""
    if isinstance(item, YesNoItem):
        if item.unknown_label is None:
            return (lambda v: type(v) is bool), "must be true or false"
        if respondent == Respondent.LOVED_ONE:
            return (lambda v: type(v) is bool or v == UNKNOWN), f"must be true, false or {UNKNOWN!r}"
        return (
            (lambda v: type(v) is bool),
            f"must be true or false ({UNKNOWN!r}, I don't know, is accepted only from a family member: "
            "respondent loved_one)",
        )
    if isinstance(item, ScaleItem):
        scores = [option.value for option in item.options]
        allowed_scores = frozenset(scores)
        if sorted(scores) == list(range(min(scores), max(scores) + 1)):
            message = f"must be a whole number from {min(scores)} to {max(scores)}"
        else:
            message = "must be one of " + ", ".join(str(v) for v in sorted(scores))
        # type() rather than isinstance(): True is an int to Python but not a valid score.
        return (lambda v: type(v) is int and v in allowed_scores), message
    codes = [option.value for option in item.options]
    allowed = frozenset(codes)
    listed = ", ".join(codes)
    if isinstance(item, SingleChoiceItem):
        return (lambda v: type(v) is str and v in allowed), f"must be one of: {listed}"

    alone = next((option.value for option in item.options if option.exclusive), None)

    def multi_ok(v: object) -> bool:
        return (
            type(v) is list
            and len(v) > 0
            and all(type(code) is str and code in allowed for code in v)
            and len(set(v)) == len(v)  # only now: every code is a str, so hashable
            and (len(v) == 1 or alone not in v)
        )

    message = f"must be a non-empty list of distinct codes from: {listed}"
    if alone is not None:
        message += f"; {alone} stands alone, never with another code"
    return multi_ok, message


class _ItemRule(NamedTuple):
    id: str
    valid: Callable[[object], bool]
    invalid_message: str
    # Compiled "asked if" (None: always asked), taking the valid answers so far.
    asked: _Asked | None
    condition_text: str
    parents: frozenset[str]


def _compile(condition: Condition) -> Callable[[Mapping[str, object]], bool]:
    """A closure for one condition; a clause about an absent answer is false (as in FHIR)."""
    checks = tuple((c.item, OPS[c.op], c.value) for c in condition.clauses)
    if len(checks) == 1:
        ((item_id, op, target),) = checks

        def one(values: Mapping[str, object]) -> bool:
            value = values.get(item_id)
            return value is not None and op(value, target)

        return one
    if condition.behavior == "any":

        def any_of(values: Mapping[str, object]) -> bool:
            for item_id, op, target in checks:
                value = values.get(item_id)
                if value is not None and op(value, target):
                    return True
            return False

        return any_of

    def all_of(values: Mapping[str, object]) -> bool:
        for item_id, op, target in checks:
            value = values.get(item_id)
            if value is None or not op(value, target):
                return False
        return True

    return all_of


@functools.lru_cache(maxsize=16)
def _rules(questionnaire: Questionnaire, respondent: Respondent) -> tuple[_ItemRule, ...]:
    rules = []
    for item in questionnaire.items.values():
        valid, message = _value_checker(item, respondent)
        condition = item.asked_if
        rules.append(
            _ItemRule(
                id=item.id,
                valid=valid,
                invalid_message=message,
                asked=_compile(condition) if condition else None,
                condition_text=_describe_condition(condition) if condition else "",
                parents=frozenset(c.item for c in condition.clauses) if condition else frozenset(),
            )
        )
    return tuple(rules)


_ABSENT = object()


# The one type an item's values have, and the values allowed (None: any value of that type).
_Kind = tuple[type, frozenset[int | str] | None]
_Asked = Callable[[Mapping[str, object]], bool]
_Valid = Callable[[object], bool]


def _value_kind(item: Item, respondent: Respondent) -> _Kind | None:
    """The one type an item's values have and the values allowed (None: any of that type), so
    that a whole screen can be checked in two passes in C; None when that cannot say it (a list
    of codes; true, false or "unknown"): that item is checked with its own predicate. Never more
    lenient than ``_value_checker``, whose verdict stands whenever the two differ."""
    if isinstance(item, YesNoItem):
        if item.unknown_label is not None and respondent == Respondent.LOVED_ONE:
            return None
        return bool, None
    if isinstance(item, ScaleItem):
        return int, frozenset(option.value for option in item.options)
    if isinstance(item, SingleChoiceItem):
        return str, frozenset(option.value for option in item.options)
    return None  # multi_choice


class _Layout(NamedTuple):
    """What a complete, valid screen holds once the "asked if" outcomes are known."""

    size: int
    # The values of the items ``_value_kind`` describes, those with a set of values first; the
    # exact type of each, and the allowed values of the first ones.
    values: Callable[[Mapping[str, object]], tuple[object, ...]]
    types: tuple[type, ...]
    allowed: tuple[frozenset[int | str], ...]
    one_by_one: tuple[tuple[str, _Valid], ...]


_IN = frozenset.__contains__


class _FastPlan:
    """Checks a complete, valid screen mostly in C (set, map and itemgetter operations).

    It only ever says "complete and valid" or "not sure"; on "not sure" the item-by-item
    loop below runs and writes the messages, so it is the one source of every verdict that
    rejects. Each distinct "asked if" condition is worked out once (the 16 BAM items and
    relapse.recent_return share one); the outcomes give the exact set of ids a complete screen holds, and the values are
    checked against each item's allowed types, then values.
    """

    def __init__(self, questionnaire: Questionnaire, respondent: Respondent):
        conditions: dict[tuple[object, ...], int] = {}
        compiled: list[_Asked] = []
        self._items: list[tuple[str, int | None, _Kind | None, _Valid]] = []
        for item, rule in zip(questionnaire.items.values(), _rules(questionnaire, respondent), strict=True):
            index = None
            condition, asked = item.asked_if, rule.asked
            if condition is not None and asked is not None:  # one is compiled from the other
                key = (
                    condition.behavior,
                    tuple((c.item, c.op, type(c.value), c.value) for c in condition.clauses),
                )
                if key not in conditions:
                    conditions[key] = len(compiled)
                    compiled.append(asked)
                index = conditions[key]
            self._items.append((item.id, index, _value_kind(item, respondent), rule.valid))
        self._conditions = tuple(compiled)
        # One layout per combination of outcomes met so far: a few hundred in practice, and
        # never more than 2 ** len(conditions).
        self._layouts: dict[tuple[bool, ...], _Layout] = {}

    def _layout(self, outcomes: tuple[bool, ...]) -> _Layout:
        size = 0
        with_values: list[tuple[str, type, frozenset[int | str]]] = []
        typed_only: list[tuple[str, type]] = []
        one_by_one: list[tuple[str, _Valid]] = []
        for item_id, index, kind, is_valid in self._items:
            if index is not None and not outcomes[index]:
                continue
            size += 1
            if kind is None:
                one_by_one.append((item_id, is_valid))
            elif kind[1] is None:
                typed_only.append((item_id, kind[0]))
            else:
                with_values.append((item_id, kind[0], kind[1]))
        keys = [item_id for item_id, _, _ in with_values] + [item_id for item_id, _ in typed_only]
        # itemgetter of one key returns the bare value; wrap it so the getter always gives a tuple.
        values: Callable[[Mapping[str, object]], tuple[object, ...]] = (
            operator.itemgetter(*keys)
            if len(keys) > 1
            else (lambda answers: tuple(map(answers.__getitem__, keys)))
        )
        layout = _Layout(
            size=size,
            values=values,
            types=tuple(value_type for _, value_type, _ in with_values)
            + tuple(value_type for _, value_type in typed_only),
            allowed=tuple(allowed for _, _, allowed in with_values),
            one_by_one=tuple(one_by_one),
        )
        self._layouts[outcomes] = layout
        return layout

    def accepts(self, answers: Mapping[str, object]) -> bool:
        try:
            # The conditions read answers not checked yet. That is safe: "yes" below requires
            # every value valid, and with valid values these are the outcomes the item-by-item
            # check works out. A comparison that raises on a bad value (a string > 0, or any
            # object a Python caller passes) means only "not sure".
            outcomes = tuple([asked(answers) for asked in self._conditions])
            layout = self._layouts.get(outcomes) or self._layout(outcomes)
            # Every id the layout names is read below (a missing one raises KeyError), so with the
            # same number of answers the screen holds exactly those ids.
            if len(answers) != layout.size:
                return False
            values = layout.values(answers)
            # Types first, and exactly: True == 1 and an IntEnum equals its value, so only the
            # type keeps them out; it also means every value reaching the second pass is hashable.
            # That pass stops where ``allowed`` ends: the items after it are true or false.
            if tuple(map(type, values)) != layout.types or not all(map(_IN, layout.allowed, values)):
                return False
            for item_id, is_valid in layout.one_by_one:
                if not is_valid(answers[item_id]):
                    return False
        except Exception:  # see above: "not sure", and the careful check decides
            return False
        return True


@functools.lru_cache(maxsize=16)
def _fast_plan(questionnaire: Questionnaire, respondent: Respondent) -> _FastPlan:
    return _FastPlan(questionnaire, respondent)


def check_screen(
    screen: object,
    questionnaire: Questionnaire | None = None,
    is_urgent: Callable[[Mapping[str, object]], bool] | None = None,
) -> ValidScreen:
    """Validate a screen; raise ``ScreenInvalid`` listing every offending item id.

    ``is_urgent`` decides whether an incomplete screen may stand (only an urgent one may);
    the engine passes its safety rule so this module holds no clinical logic.
    """
    questionnaire = questionnaire or load_questionnaire()
    if (
        type(screen) is dict
        and len(screen) == 2
        and screen.get("respondent") in RESPONDENTS
        and type(screen.get("answers")) is dict
        and _fast_plan(questionnaire, screen["respondent"]).accepts(screen["answers"])
    ):
        return ValidScreen(
            respondent=Respondent(screen["respondent"]),
            answers=dict(screen["answers"]),
            unanswered=frozenset(),
        )

    errors: list[dict[str, str]] = []
    if not isinstance(screen, Mapping):
        raise ScreenInvalid([{"item": "screen", "message": "must be an object with respondent and answers"}])
    given = screen.get("respondent")
    # An unknown respondent is judged as "self": the stricter of the two (no "unknown" answers).
    # It never reaches a ValidScreen: the error below refuses the screen.
    respondent = Respondent.LOVED_ONE if given == Respondent.LOVED_ONE else Respondent.SELF
    if given not in RESPONDENTS:
        errors.append({"item": "respondent", "message": "must be 'self' or 'loved_one'"})
    answers = screen.get("answers")
    if not isinstance(answers, Mapping):
        errors.append({"item": "answers", "message": "must be an object of item ids to answers"})
        raise ScreenInvalid(errors)
    if len(screen) > 2:
        for key in sorted(set(screen) - {"respondent", "answers"}, key=_name):
            errors.append(
                {"item": _name(key), "message": "unknown field of a screen (expected respondent and answers)"}
            )
    unknown = answers.keys() - questionnaire.items.keys()
    for item_id in sorted(unknown, key=_name):
        errors.append({"item": _name(item_id), "message": "unknown item id"})

    valid: dict[str, object] = {}
    broken: set[str] = set()  # present but invalid: their dependants cannot be judged
    unanswered: set[str] = set()  # absent, and asked (or not ruled out)
    required_missing: list[str] = []
    # Unpacked rather than read by attribute: this loop runs ~90 times per screen.
    rules = _rules(questionnaire, respondent)
    for item_id, is_valid, invalid_message, asked_if, condition_text, parents in rules:
        if asked_if is None:
            asked: bool | None = True
        elif not (broken or unanswered):
            asked = asked_if(valid)  # the fast path: everything so far is answered and valid
        elif parents & broken:
            asked = None
        else:
            asked = asked_if(valid)
            if not asked and parents & unanswered:
                # A parent is missing (urgent stop): the condition may hold once it is answered.
                asked = None

        value = answers.get(item_id, _ABSENT)
        if value is not _ABSENT:
            if not is_valid(value):
                errors.append({"item": item_id, "message": f"{invalid_message} (got {_shown(value)})"})
                broken.add(item_id)
            elif asked is True:
                valid[item_id] = value
            elif asked is False or not (parents & broken):
                errors.append(
                    {"item": item_id, "message": f"answered, but it is only asked when {condition_text}"}
                )
                broken.add(item_id)
            else:
                broken.add(item_id)  # its parent is invalid; that error is reported already
        elif asked is True:
            unanswered.add(item_id)
            required_missing.append(item_id)
        elif asked is None:
            unanswered.add(item_id)

    # Only a screen stopped at an urgent safety answer may be incomplete; otherwise every missing
    # required item is named too, beside any other problem.
    if required_missing and not (is_urgent and is_urgent(valid)):
        errors.extend(
            {
                "item": item_id,
                "message": "required but missing (only a screen stopped at an urgent safety answer may be incomplete)",
            }
            for item_id in required_missing
        )
    if errors:
        raise ScreenInvalid(errors)
    return ValidScreen(respondent=respondent, answers=valid, unanswered=frozenset(unanswered))

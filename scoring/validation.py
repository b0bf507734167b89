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

from scoring.questionnaire import Questionnaire, load_questionnaire
from scoring.schema import Condition, Item

RESPONDENTS = ("self", "loved_one")

_OPS: dict[str, Callable[[object, object], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class ScreenInvalid(ValueError):
    """The screen was rejected; ``errors`` holds ``{"item": id, "message": text}`` per problem."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['item']}: {e['message']}" for e in errors))


@dataclass(frozen=True)
class ValidScreen:
    respondent: str
    answers: Mapping[str, object]
    # Items that were required (or could not be ruled out) but are absent: only ever non-empty
    # for a screen stopped early at an urgent safety answer.
    unanswered: frozenset[str]

    @property
    def partial(self) -> bool:
        return bool(self.unanswered)


def _describe_condition(condition: Condition) -> str:
    def show(value: object) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    joiner = " or " if condition.behavior == "any" else " and "
    return joiner.join(f"{c.item} {c.op} {show(c.value)}" for c in condition.clauses)


def _value_checker(item: Item) -> tuple[Callable[[object], bool], str]:
    """A fast predicate for one item's values, and the message when it fails."""
    if item.type == "yes_no":
        return (lambda v: type(v) is bool), "must be true or false"
    values = [option.value for option in item.options]
    allowed = frozenset(values)
    if item.type == "scale":
        if sorted(values) == list(range(min(values), max(values) + 1)):
            message = f"must be a whole number from {min(values)} to {max(values)}"
        else:
            message = "must be one of " + ", ".join(str(v) for v in sorted(values))
        # type() rather than isinstance(): True is an int to Python but not a valid score.
        return (lambda v: type(v) is int and v in allowed), message
    listed = ", ".join(values)
    if item.type == "single_choice":
        return (lambda v: type(v) is str and v in allowed), f"must be one of: {listed}"

    def multi_ok(v: object) -> bool:
        return (
            type(v) is list
            and len(v) > 0
            and len(set(map(repr, v))) == len(v)
            and all(type(code) is str and code in allowed for code in v)
        )

    return multi_ok, f"must be a non-empty list of distinct codes from: {listed}"


@dataclass(frozen=True)
class _ItemRule:
    id: str
    valid: Callable[[object], bool]
    invalid_message: str
    condition: Condition | None
    condition_text: str
    parents: tuple[str, ...]


@functools.lru_cache(maxsize=8)
def _rules(questionnaire: Questionnaire) -> tuple[_ItemRule, ...]:
    rules = []
    for item in questionnaire.items.values():
        valid, message = _value_checker(item)
        condition = item.asked_if
        rules.append(
            _ItemRule(
                id=item.id,
                valid=valid,
                invalid_message=message,
                condition=condition,
                condition_text=_describe_condition(condition) if condition else "",
                parents=tuple(c.item for c in condition.clauses) if condition else (),
            )
        )
    return tuple(rules)


def _holds(condition: Condition, values: Mapping[str, object]) -> bool:
    if condition.behavior == "any":
        for clause in condition.clauses:
            value = values.get(clause.item)
            if value is not None and _OPS[clause.op](value, clause.value):
                return True
        return False
    for clause in condition.clauses:
        value = values.get(clause.item)
        if value is None or not _OPS[clause.op](value, clause.value):
            return False
    return True


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
    errors: list[dict[str, str]] = []
    if not isinstance(screen, Mapping):
        raise ScreenInvalid([{"item": "screen", "message": "must be an object with respondent and answers"}])
    respondent = screen.get("respondent")
    if respondent not in RESPONDENTS:
        errors.append({"item": "respondent", "message": "must be 'self' or 'loved_one'"})
    answers = screen.get("answers")
    if not isinstance(answers, Mapping):
        errors.append({"item": "answers", "message": "must be an object of item ids to answers"})
        raise ScreenInvalid(errors)
    extra = set(screen) - {"respondent", "answers"}
    for key in sorted(extra, key=str):
        errors.append(
            {"item": str(key), "message": "unknown field of a screen (expected respondent and answers)"}
        )

    items = questionnaire.items
    for item_id in answers:
        if item_id not in items:
            errors.append({"item": str(item_id), "message": "unknown item id"})

    valid: dict[str, object] = {}
    broken: set[str] = set()  # present but invalid: their dependants cannot be judged
    unanswered: set[str] = set()  # absent, and asked (or not ruled out)
    required_missing: list[str] = []
    for rule in _rules(questionnaire):
        item_id = rule.id
        if rule.condition is None:
            asked: bool | None = True
        elif any(parent in broken for parent in rule.parents):
            asked = None
        elif any(parent in unanswered for parent in rule.parents) and not _holds(rule.condition, valid):
            # A parent is missing (urgent stop): the condition may hold once it is answered.
            asked = None
        else:
            asked = _holds(rule.condition, valid)

        if item_id in answers:
            value = answers[item_id]
            if not rule.valid(value):
                errors.append({"item": item_id, "message": f"{rule.invalid_message} (got {value!r})"})
                broken.add(item_id)
            elif asked is False or (asked is None and not broken.intersection(rule.parents)):
                errors.append(
                    {"item": item_id, "message": f"answered, but it is only asked when {rule.condition_text}"}
                )
                broken.add(item_id)
            elif asked is None:
                broken.add(item_id)
            else:
                valid[item_id] = value
        elif asked is True:
            unanswered.add(item_id)
            required_missing.append(item_id)
        elif asked is None:
            unanswered.add(item_id)

    if errors:
        raise ScreenInvalid(errors)
    if required_missing and not (is_urgent and is_urgent(valid)):
        raise ScreenInvalid(
            [
                {
                    "item": item_id,
                    "message": "required but missing (only a screen stopped at an urgent safety answer may be incomplete)",
                }
                for item_id in required_missing
            ]
        )
    return ValidScreen(respondent=respondent, answers=valid, unanswered=frozenset(unanswered))

"""Fuzzing the rules module: whatever goes into ``scoring.evaluate`` comes out as a result of the
shape of spec section 7, or as ``ScreenInvalid`` naming an item and a problem for every error.

Inputs: arbitrary JSON-like values; screens whose answers map random ids (real, near-miss, random
text, non-string keys) to random values; and random valid screens (tests/support/spec_screens.py) with
up to four random mutations each.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from junk import json_values

from scoring import ScreenInvalid, evaluate
from tests.support.spec_screens import (
    DISPOSITIONS,
    DOMAINS,
    FLAGS,
    ITEM,
    ITEMS,
    ORDER,
    RULES,
    valid_screens,
    value_strategy,
)

pytestmark = pytest.mark.fuzz

NEAR_MISS_IDS = ["bam.7", "phq9.10", "Phq9.1", " phq9.1", "phq9_1", "cssrs.3_recent", "respondent", ""]
KEYS = st.one_of(
    st.sampled_from(ORDER),
    st.sampled_from(NEAR_MISS_IDS),
    st.text(max_size=16),
    st.integers(),
    st.none(),
    st.tuples(st.integers(), st.integers()),
)
RESPONDENT_VALUES = st.one_of(st.sampled_from(["self", "loved_one", "Self", "", "other"]), json_values())


def any_valid_value() -> st.SearchStrategy:
    """A value that is valid for some item (so often of a plausible type for another); "unknown"
    and ["none_3m"] included, valid from a family member and on their own items only."""
    return st.sampled_from(ITEMS).flatmap(lambda item: value_strategy(item, "loved_one"))


ANSWER_VALUES = st.one_of(json_values(odd=True), any_valid_value())


@st.composite
def random_answer_screens(draw) -> dict:
    screen = {
        "respondent": draw(RESPONDENT_VALUES, label="respondent"),
        "answers": draw(st.dictionaries(KEYS, ANSWER_VALUES, max_size=12), label="answers"),
    }
    if draw(st.integers(0, 9)) == 0:
        screen[draw(KEYS, label="extra key")] = draw(json_values(), label="extra value")
    return screen


MUTATIONS = (
    "set",
    "set_valid_elsewhere",
    "delete",
    "unknown_key",
    "respondent",
    "extra_top_level",
    "drop_top_level",
    "answers_junk",
)


POOL: list[dict] = []


@pytest.fixture(scope="module", autouse=True)
def screen_pool() -> None:
    """200 random valid screens, drawn once from screens.valid_screens: drawing a whole screen
    per example (some 180 draws) would cost ten times what 10,000 examples can afford."""
    if POOL:
        return

    @settings(
        max_examples=200,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        # Whole screens are slow to draw by design; this run only collects them.
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(valid_screens())
    def collect(screen: dict) -> None:
        POOL.append(screen)

    collect()


@st.composite
def mutated_screens(draw) -> dict:
    """A random valid screen from the pool, then up to four random mutations."""
    screen = copy.deepcopy(draw(st.sampled_from(POOL), label="valid screen"))
    for _ in range(draw(st.integers(0, 4), label="mutations")):
        kind = draw(st.sampled_from(MUTATIONS), label="mutation")
        answers = screen.get("answers")
        if not isinstance(answers, dict) and kind in ("set", "set_valid_elsewhere", "delete", "unknown_key"):
            kind = "respondent"
        if kind == "set":
            answers[draw(st.sampled_from(ORDER))] = draw(ANSWER_VALUES, label="value")
        elif kind == "set_valid_elsewhere":
            # A follow-up answered although its condition is false, or a required one given a value.
            item_id = draw(st.sampled_from(ORDER))
            who = draw(st.sampled_from(["self", "loved_one"]), label="values of")
            answers[item_id] = draw(value_strategy(ITEM[item_id], who), label="value")
        elif kind == "delete" and answers:
            del answers[draw(st.sampled_from(sorted(answers, key=repr)))]
        elif kind == "unknown_key":
            key = draw(KEYS, label="key")
            if key not in ITEM:
                answers[key] = draw(ANSWER_VALUES)
        elif kind == "respondent":
            screen["respondent"] = draw(RESPONDENT_VALUES)
        elif kind == "extra_top_level":
            screen[draw(KEYS)] = draw(json_values())
        elif kind == "drop_top_level":
            screen.pop(draw(st.sampled_from(["respondent", "answers"])), None)
        elif kind == "answers_junk":
            screen["answers"] = draw(json_values())
    return screen


SCREENS = st.one_of(json_values(odd=True), random_answer_screens(), mutated_screens())


def check_result(result: object) -> None:
    assert isinstance(result, dict)
    assert result["disposition"] in DISPOSITIONS
    domains = result["domains"]
    # A screen stopped at an urgent answer leaves out what it never reached; any other has all nine.
    assert result["partial"] in (True, False)
    if result["disposition"] != "urgent":
        assert set(domains) == set(DOMAINS)
        assert result["partial"] is False, "only a screen stopped at an urgent answer may be partial"
    assert set(domains) <= set(DOMAINS)
    for name, domain in domains.items():
        assert domain["level"] in DOMAINS[name], name
    assert isinstance(result["instruments"], dict)
    flags = result["flags"]
    assert flags == sorted(set(flags)) and set(flags) <= set(FLAGS)
    assert result["reasons"], "a suggestion always says why"
    for reason in result["reasons"]:
        assert reason["rule"] in RULES
        assert isinstance(reason["text"], str) and reason["text"].strip()
    assert isinstance(result["rules_version"], str) and result["rules_version"].strip()


def check_rejection(exc: ScreenInvalid) -> None:
    assert isinstance(exc.errors, list) and exc.errors, "a rejection names at least one problem"
    for error in exc.errors:
        assert isinstance(error["item"], str) and error["item"], error
        assert isinstance(error["message"], str) and error["message"].strip(), error
    assert str(exc).strip()


# --- Regressions found by this fuzzing (each failed before its fix) ----------------------------
HUGE = 10**5000  # past Python's 4,300-digit limit for int -> str: repr() and str() raise ValueError


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(SCREENS)
@example({"respondent": "self", "answers": {"phq9.1": HUGE}})
@example({"respondent": "self", "answers": {HUGE: 1}})
@example({"respondent": "self", "answers": {}, HUGE: 1})
@example({"respondent": "self", "answers": {"drugs.substances": [HUGE]}})
@example({"respondent": "self", "answers": {"": 1, " ": 2}})  # an empty key must still be named
def test_evaluate_returns_a_result_or_names_every_problem(screen):
    before = copy.deepcopy(screen) if isinstance(screen, dict) else None
    try:
        result = evaluate(screen)
    except ScreenInvalid as exc:
        event("rejected")
        check_rejection(exc)
    else:
        event(f"result: {result['disposition']}")
        check_result(result)
    if before is not None:
        assert screen == before, "evaluate changed its input"

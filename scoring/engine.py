"""``evaluate``: one screen in, the result of spec section 7 out."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from scoring.answers import Computed, Get, NotAnswered, reader
from scoring.domains import DOMAIN_RULES, dual_diagnosis, urgent_triggers
from scoring.flags import FLAG_RULES
from scoring.instruments import INSTRUMENTS
from scoring.questionnaire import Questionnaire, load_questionnaire
from scoring.suggestion import suggest
from scoring.validation import ValidScreen, check_screen

# Bump on any change to a cut-off, domain rule, disposition rule, flag or reason.
RULES_VERSION = "1.0.0"


def _is_urgent(answers: Mapping[str, object]) -> bool:
    return bool(urgent_triggers(answers.get))


def validate(screen: object, questionnaire: Questionnaire | None = None) -> ValidScreen:
    """Check a screen; raises ``ScreenInvalid`` with one message per offending item id."""
    return check_screen(screen, questionnaire or load_questionnaire(), is_urgent=_is_urgent)


def score(valid: ValidScreen) -> dict:
    """Score an already validated screen."""
    get = reader(valid.answers, valid.unanswered)
    if valid.partial:
        instruments, levels = _partial_scores(get)
    else:
        instruments = Computed()
        for name, compute in INSTRUMENTS.items():
            instruments[name] = compute(get)
        levels = Computed()
        for name, rule in DOMAIN_RULES.items():
            levels[name] = rule(get, instruments)
        levels["dual_diagnosis"] = dual_diagnosis(get, instruments, levels)

    disposition, reasons = suggest(get, instruments, levels, valid.respondent)
    flags = []
    for flag, rule in FLAG_RULES.items():
        try:
            if rule(get, levels, valid.respondent):
                flags.append(flag)
        except NotAnswered:
            continue  # a flag whose answers were never reached (urgent stop) is left out

    return {
        "disposition": disposition,
        "domains": {name: {"level": levels[name]} for name in _DOMAIN_ORDER if name in levels},
        "instruments": dict(instruments),
        "flags": sorted(flags),
        "reasons": reasons,
        "rules_version": RULES_VERSION,
    }


def _partial_scores(get: Get) -> tuple[Computed, Computed]:
    """Scores of a screen stopped at an urgent answer: whatever needs an answer that was never
    reached is left out, and everything else still appears."""
    instruments = Computed()
    for name, compute in INSTRUMENTS.items():
        try:
            instruments[name] = compute(get)
        except NotAnswered:
            continue
    levels = Computed()
    for name, rule in DOMAIN_RULES.items():
        try:
            levels[name] = rule(get, instruments)
        except NotAnswered:
            continue
    with contextlib.suppress(NotAnswered):
        levels["dual_diagnosis"] = dual_diagnosis(get, instruments, levels)
    return instruments, levels


_DOMAIN_ORDER = (
    "safety",
    "withdrawal_medical",
    "substance_use",
    "mental_health",
    "dual_diagnosis",
    "relapse_risk",
    "prior_care",
    "home_support",
    "practical",
)


def evaluate(screen: object, questionnaire: Questionnaire | None = None) -> dict:
    """Validate and score one screen: ``{"respondent": ..., "answers": {...}}`` -> result."""
    return score(validate(screen, questionnaire))

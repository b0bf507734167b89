"""``evaluate``: one screen in, the result of spec section 7 out."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from scoring.answers import Computed, NotAnswered, lenient, reader
from scoring.domains import DOMAIN_RULES, urgent_triggers
from scoring.flags import FLAG_RULES
from scoring.instruments import INSTRUMENTS
from scoring.questionnaire import Questionnaire, load_questionnaire
from scoring.suggestion import suggest
from scoring.validation import ValidScreen, check_screen

# Bump on any change to a cut-off, domain rule, disposition rule, flag or reason. Stored screens
# keep the version (and result) they were scored with; re-scoring is an explicit admin command.
# 2.0.0: revision 2 of the screening spec (its section 9).
RULES_VERSION = "2.0.0"


def _is_urgent(answers: Mapping[str, object]) -> bool:
    return bool(urgent_triggers(answers.get))


def validate(screen: object, questionnaire: Questionnaire | None = None) -> ValidScreen:
    """Check a screen; raises ``ScreenInvalid`` with one message per offending item id."""
    return check_screen(screen, questionnaire or load_questionnaire(), is_urgent=_is_urgent)


def score(valid: ValidScreen) -> dict:
    """Score an already validated screen."""
    get = reader(valid.answers, valid.unanswered)
    instruments, levels = Computed(), Computed()
    for name, compute in INSTRUMENTS.items():
        # On a screen stopped early, whatever needs an answer never reached is left out.
        with contextlib.suppress(NotAnswered):
            value = compute(get)
            if value is not None:  # None: not asked (the BAM of someone with no substance use)
                instruments[name] = value
    for name, rule in DOMAIN_RULES.items():
        with contextlib.suppress(NotAnswered):
            levels[name] = rule(get, instruments, levels)

    flags = []
    for flag, rule in FLAG_RULES.items():
        try:
            if rule(get, levels, valid.respondent):
                flags.append(flag)
        except NotAnswered:
            continue  # a flag whose answers were never reached (urgent stop) is left out
    flags.sort()
    disposition, reasons = suggest(get, instruments, levels, valid.respondent, tuple(flags))

    domains = {name: {"level": levels[name]} for name in DOMAIN_ORDER if name in levels}
    if levels.get("safety") == "urgent":
        # Which kind of urgent: severe withdrawal sends people to 911 first, not 988.
        domains["safety"]["triggers"] = urgent_triggers(lenient(get))
    return {
        "disposition": disposition,
        "domains": domains,
        "instruments": dict(instruments),
        "flags": flags,
        "reasons": reasons,
        "partial": valid.partial,
        "rules_version": RULES_VERSION,
    }


DOMAIN_ORDER = (
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

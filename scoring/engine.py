"""``evaluate``: one screen in, the result of spec section 7 out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.answers import Computed, Get, NotAnswered, lenient, reader
from scoring.domains import DOMAIN_RULES, urgent_triggers
from scoring.flags import FLAG_RULES
from scoring.instruments import INSTRUMENTS, Scores
from scoring.languages import SOURCE
from scoring.questionnaire import Questionnaire, load_questionnaire
from scoring.suggestion import Reason, suggest
from scoring.validation import ValidScreen, check_screen
from scoring.vocab import Disposition, Domain, Level, Respondent

# The result of spec section 7, as JSON: disposition, domains, instruments, flags, reasons, ...
Result = dict[str, Any]

# Bump on any change to a cut-off, domain rule, disposition rule, flag or reason. Stored screens
# keep the version (and result) they were scored with; re-scoring is an explicit admin command.
# 2.0.0: revision 2 of the screening spec (its section 9).
RULES_VERSION = "2.0.0"


def _is_urgent(answers: Mapping[str, object]) -> bool:
    return bool(urgent_triggers(answers.get))


def validate(screen: object, questionnaire: Questionnaire | None = None) -> ValidScreen:
    """Check a screen; raises ``ScreenInvalid`` with one message per offending item id."""
    return check_screen(screen, questionnaire or load_questionnaire(), is_urgent=_is_urgent)


# The phases of ``score``, one function each so that bench/scoring_throughput.py can time them.
# On a screen stopped early, whatever needs an answer never reached raises NotAnswered and is
# left out. A try statement, unlike contextlib.suppress, costs nothing when nothing is raised:
# these loops run about 30 times per screen, and a complete screen never raises.


def score_instruments(get: Get) -> Computed[Scores]:
    instruments: Computed[Scores] = Computed()
    for name, compute in INSTRUMENTS.items():
        try:
            value = compute(get)
        except NotAnswered:
            continue
        if value is not None:  # None: not asked (the BAM of someone with no substance use)
            instruments[name] = value
    return instruments


def domain_levels(get: Get, instruments: Computed[Scores]) -> Computed[Level]:
    levels: Computed[Level] = Computed()
    for name, rule in DOMAIN_RULES.items():
        try:
            levels[name] = rule(get, instruments, levels)
        except NotAnswered:
            continue
    return levels


def raised_flags(get: Get, levels: Computed[Level], respondent: Respondent) -> list[str]:
    flags = []
    for flag, rule in FLAG_RULES.items():
        try:
            if rule(get, levels, respondent):
                flags.append(flag)
        except NotAnswered:
            continue  # a flag whose answers were never reached (urgent stop) is left out
    flags.sort()
    return flags


def build_result(
    get: Get,
    valid: ValidScreen,
    instruments: Computed[Scores],
    levels: Computed[Level],
    flags: list[str],
    suggestion: tuple[Disposition, list[Reason]],
) -> Result:
    # Levels are computed in DOMAIN_RULES order, the order the result lists them in.
    domains: dict[str, dict[str, Any]] = {name: {"level": level} for name, level in levels.items()}
    if levels.get(Domain.SAFETY) == Level.URGENT:
        # Which kind of urgent: severe withdrawal sends people to 911 first, not 988.
        domains[Domain.SAFETY]["triggers"] = urgent_triggers(lenient(get))
    disposition, reasons = suggestion
    return {
        "disposition": disposition,
        "domains": domains,
        "instruments": dict(instruments),
        "flags": flags,
        "reasons": reasons,
        "partial": valid.partial,
        "rules_version": RULES_VERSION,
    }


def score(valid: ValidScreen, *, lang: str = SOURCE) -> Result:
    """Score an already validated screen; ``lang`` is only the language the reasons are worded
    in (every score, level and disposition is the same in any language)."""
    get = reader(valid.answers, valid.unanswered)
    instruments = score_instruments(get)
    levels = domain_levels(get, instruments)
    flags = raised_flags(get, levels, valid.respondent)
    suggestion = suggest(get, instruments, levels, valid.respondent, tuple(flags), lang)
    return build_result(get, valid, instruments, levels, flags, suggestion)


def evaluate(screen: object, questionnaire: Questionnaire | None = None, *, lang: str = SOURCE) -> Result:
    """Validate and score one screen: ``{"respondent": ..., "answers": {...}}`` -> result, its
    reasons worded in ``lang`` (English unless asked)."""
    return score(validate(screen, questionnaire), lang=lang)

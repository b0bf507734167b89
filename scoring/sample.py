"""Random valid screens, made by walking the questionnaire in order and honouring each
"asked if" condition: for property tests and benchmarks (never for real people's data).

Each screen draws one severity between 0 and 1 and leans every answer toward it, so a batch
holds the mix a program sees (mostly mild, some severe) and every disposition turns up,
rather than the uniform noise that would make nearly every screen urgent.
"""

from __future__ import annotations

import random
from typing import Any

from scoring.contract import UNKNOWN
from scoring.questionnaire import Questionnaire, condition_holds, load_questionnaire
from scoring.schema import Item, MultiChoiceItem, ScaleItem, YesNoItem
from scoring.vocab import Respondent

# Items where a higher score means more protection or support: severity pulls them down.
PROTECTIVE = {f"bam.{n}" for n in (9, 10, 12, 13, 14, 16, 17)} | {f"mspss.{n}" for n in range(1, 13)}
PROTECTIVE |= {"home.safe", "practical.telehealth_ok", "readiness.ruler"}


def _random_value(item: Item, rng: random.Random, severity: float, respondent: Respondent) -> object:
    lean = 1.0 - severity if item.id in PROTECTIVE else severity
    if isinstance(item, YesNoItem):
        # A family member sometimes does not know (only where the spec lets them say so).
        if respondent == Respondent.LOVED_ONE and item.unknown_label is not None and rng.random() < 0.1:
            return UNKNOWN
        # Protective answers (a safe home) are mostly yes; risky ones mostly no.
        chance = 0.05 + 0.5 * (severity if item.id in PROTECTIVE else lean) ** 2
        return rng.random() >= chance if item.id in PROTECTIVE else rng.random() < chance
    if isinstance(item, MultiChoiceItem):
        alone = [option.value for option in item.options if option.exclusive]
        if alone and rng.random() < 0.1:
            return alone[:1]
        codes = [option.value for option in item.options if not option.exclusive]
        return rng.sample(codes, rng.randint(1, 3))
    if isinstance(item, ScaleItem):
        ordered = sorted(option.value for option in item.options)
        position = min(len(ordered) - 1, max(0, round(rng.gauss(lean, 0.25) * (len(ordered) - 1))))
        return ordered[position]
    # Choice lists mostly open with the calm answer ("stable", "none", "yes, I can attend").
    codes = [option.value for option in item.options]
    return codes[0] if rng.random() > lean else rng.choice(codes)


def random_screen(rng: random.Random, questionnaire: Questionnaire | None = None) -> dict[str, Any]:
    """A complete valid screen."""
    questionnaire = questionnaire or load_questionnaire()
    severity = rng.betavariate(1.5, 3.0)
    respondent = rng.choice(list(Respondent))
    answers: dict[str, object] = {}
    for item in questionnaire.items.values():
        if condition_holds(item.asked_if, answers):
            answers[item.id] = _random_value(item, rng, severity, respondent)
    # The code itself, as a caller's JSON holds it.
    return {"respondent": respondent.value, "answers": answers}

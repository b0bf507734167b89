"""Complete screens for the app tests, built from the questionnaire itself: a calm answer to
every item, then the few answers that make the situation under test. Every "asked if" of the
questionnaire is honoured, so ``evaluate`` accepts what this builds (for revision 2 and later
questionnaires alike, as long as each new item gets a calm answer in ``answers.CALM``).
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring import load_questionnaire
from scoring.questionnaire import condition_holds
from tests.support.answers import CALM


def complete_answers(changes: Mapping[str, object]) -> dict[str, object]:
    """The changes (item id to answer) where asked, calm answers elsewhere, in questionnaire order,
    every "asked if" of the questionnaire honoured."""
    wanted = {**CALM, **changes}
    answers: dict[str, object] = {}
    for item in load_questionnaire().items.values():
        if condition_holds(item.asked_if, answers):
            answers[item.id] = wanted[item.id]
    missed = set(changes) - set(answers)
    assert not missed, f"not asked in this situation: {sorted(missed)}"
    return answers


def screen(respondent: str = "self", **changes: object) -> dict:
    """A complete screen: the changes (``phq9__9=1`` for ``phq9.9``) where asked, calm answers
    elsewhere, every "asked if" of the questionnaire honoured."""
    answers = complete_answers({key.replace("__", "."): value for key, value in changes.items()})
    return {"respondent": respondent, "answers": answers}

"""What a virtual participant answers, as the labels it clicks, and the bare floor's pages.

The answers are the browser tests' calm walk (``tests.support.answers.BROWSER_WALK``, else "no"
for a yes/no question, else the first option: ``tests.support.browser_driver.value_for``'s rule,
restated here so the load generator does not import Playwright), so a virtual participant and
the Playwright driver store the same screen. The bare app (bench/bare_app/) shows, step by step,
the same questions with the same keys and labels that this walk is asked, generated from the
questionnaire so it never drifts from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring import load_questionnaire
from scoring.fhir import intro_of, title_of
from scoring.questionnaire import condition_holds
from scoring.vocab import Respondent
from tests.support.answers import BROWSER_WALK
from ui import texts
from ui.widgets import labels, wording


@dataclass(frozen=True)
class Plan:
    """The labels one participant clicks: who is answering, and every question's answer."""

    respondent: str
    respondent_label: str
    choices: Mapping[str, str | list[str]]  # item id -> option label (a list for pills)


def value_for(item_id: str, answers: Mapping[str, object]) -> object:
    if item_id in answers:
        return answers[item_id]
    if item_id in BROWSER_WALK:
        return BROWSER_WALK[item_id]
    item = load_questionnaire().items[item_id]
    return False if item.type == "yes_no" else item.options[0].value


def plan_for(respondent: str = "self", answers: Mapping[str, object] | None = None) -> Plan:
    chosen = answers or {}
    choices: dict[str, str | list[str]] = {}
    for item_id, item in load_questionnaire().items.items():
        shown = labels(item, respondent)
        value = value_for(item_id, chosen)
        choices[item_id] = [shown[v] for v in value] if isinstance(value, list) else shown[value]
    return Plan(respondent, texts.RESPONDENT_OPTIONS[Respondent(respondent)], choices)


def walk_answers(respondent: str = "self") -> dict[str, object]:
    """Every answer the walk gives: each question the earlier answers call for, in order."""
    chosen: dict[str, object] = {}
    for item_id, item in load_questionnaire().items.items():
        if condition_holds(item.asked_if, chosen):
            chosen[item_id] = value_for(item_id, {})
    return chosen


def bare_data(respondent: str = "self") -> dict[str, Any]:
    """The bare app's pages: the welcome form, each step the walk gets with the questions it is
    asked there (same keys, labels, help, layout), the review's sections and the result page."""
    questionnaire = load_questionnaire()
    asked = walk_answers(respondent)
    steps: list[dict[str, Any]] = []
    for section in questionnaire.sections:
        items = []
        for item in section.items:
            if item.id not in asked:
                continue
            text, help_text = wording(item, respondent)
            kind = "pills" if item.type == "multi_choice" else "radio"
            items.append(
                [
                    item.id,
                    kind,
                    text,
                    list(labels(item, respondent).values()),
                    help_text,
                    item.type == "yes_no",
                ]
            )
        if items:
            steps.append(
                {
                    "section": section.section,
                    "title": title_of(section, respondent),
                    "intro": intro_of(section, respondent),
                    "items": items,
                }
            )
    for number, step in enumerate(steps, start=1):
        step["progress"] = number / (len(steps) + 1)
        step["progress_text"] = texts.STEP_LABEL.format(number=number, total=len(steps))
    return {
        "welcome": {
            "title": texts.WELCOME_TITLE,
            "intro": texts.WELCOME_INTRO,
            "more": [texts.WHAT_IS_IOP, f"{texts.HOW_LONG} {texts.NOT_A_DIAGNOSIS}"],
            "start": texts.START_BUTTON,
            "respondent_question": texts.RESPONDENT_QUESTION,
            "respondent_options": [texts.RESPONDENT_OPTIONS[r] for r in texts.RESPONDENT_OPTIONS],
            "consent_text": texts.CONSENT_TEXT,
            "consent_label": texts.CONSENT_LABEL,
            "resume_title": texts.RESUME_TITLE,
            "resume_label": texts.RESUME_LABEL,
            "resume_button": texts.RESUME_BUTTON,
            "privacy": texts.PRIVACY_NOTICE,
        },
        "steps": steps,
        "review": {"title": texts.REVIEW_TITLE, "intro": texts.REVIEW_INTRO, "change": texts.REVIEW_CHANGE},
        "result": {
            "pdf": texts.PDF_BUTTON,
            "submit_title": texts.SUBMIT_TITLE,
            "submit_intro": texts.SUBMIT_INTRO,
            "contact_wanted": texts.CONTACT_WANTED,
            "submitted": texts.SUBMITTED,
        },
        "nav": dict(texts.NAV),
        "footer": texts.CRISIS_FOOTER,
    }

"""One stored screen as a FHIR R4 ``QuestionnaireResponse``, answering the ``scoring.fhir``
Questionnaire that its respondent saw.

A person answering for themselves answers the self Questionnaire; a family member or friend
answers the collateral one (spec section 9 item 10), so the ``questionnaire``, each question's
``text`` and each answer's ``display`` are the words that respondent read, and "I don't know"
is a coding (``unknown``) like any other. Items are grouped by section like the Questionnaire;
each answer is a ``valueCoding`` whose ``code`` is the canonical value as text
(``true``/``false``, ``0``…``4``, choice codes, ``unknown``), so every coding matches one of the
Questionnaire's ``answerOption``s exactly.

``subject`` is always the person screened, known to intake only by the screen's reference (never
by name); ``source`` is who answered: that same person, or a family member (``RelatedPerson``,
unnamed). A screen stopped early for safety is ``stopped``. Answers to items the current
questionnaire no longer has are left out (they stay in the stored screen). Validated with
``fhir.resources``' R4B model, whose QuestionnaireResponse is R4's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from scoring import Questionnaire, load_questionnaire
from scoring.fhir import (
    URLS,
    Resource,
    check_respondent,
    code_of,
    options_of,
    questionnaire_version,
    title_of,
    wording_of,
)
from scoring.schema import Item
from scoring.vocab import Respondent

REFERENCE_SYSTEM = "urn:iop-self-screen:reference"
FAMILY_MEMBER = {"type": "RelatedPerson", "display": "A family member or friend of the person screened"}


def person_screened(reference: str) -> Resource:
    """The person the screen is about, as a FHIR Reference: intake knows them only by the
    screen's reference until they speak with them."""
    return {
        "type": "Patient",
        "identifier": {"system": REFERENCE_SYSTEM, "value": reference},
        "display": "The person screened",
    }


def _codings(item: Item, value: Any, respondent: str) -> list[Resource]:
    shown = {code_of(v): label for v, label in options_of(item, respondent)}
    values = value if item.type == "multi_choice" else [value]
    return [{"valueCoding": {"code": code_of(v), "display": shown.get(code_of(v), str(v))}} for v in values]


def _groups(questionnaire: Questionnaire, answers: Mapping[str, Any], respondent: str) -> list[Resource]:
    groups = []
    for section in questionnaire.sections:
        items = [
            {
                "linkId": item.id,
                "text": wording_of(item, respondent)[0],
                "answer": _codings(item, answers[item.id], respondent),
            }
            for item in section.items
            if answers.get(item.id) not in (None, [])
        ]
        if items:
            groups.append({"linkId": section.section, "text": title_of(section, respondent), "item": items})
    return groups


def build_response(
    *,
    reference: str,
    respondent: str,
    answers: Mapping[str, Any],
    submitted_at: datetime,
    partial: bool = False,
    exported_at: datetime | None = None,
    questionnaire: Questionnaire | None = None,
) -> Resource:
    """The QuestionnaireResponse as a JSON-ready dict, checked against the FHIR model.

    ``exported_at`` goes into ``meta.lastUpdated``, so two exports of one screen differ.
    """
    who = check_respondent(respondent)
    questionnaire = questionnaire or load_questionnaire()
    subject = person_screened(reference)
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": reference,
        "identifier": {"system": REFERENCE_SYSTEM, "value": reference},
        "questionnaire": f"{URLS[who]}|{questionnaire_version(questionnaire)}",
        "status": "stopped" if partial else "completed",
        "subject": subject,
        "authored": submitted_at.isoformat(),
        "source": subject if who is Respondent.SELF else FAMILY_MEMBER,
        "item": _groups(questionnaire, answers, respondent),
    }
    if exported_at is not None:
        resource["meta"] = {"lastUpdated": exported_at.isoformat()}
    # Raises pydantic's ValidationError if anything above is not valid FHIR.
    QuestionnaireResponse.model_validate(resource)
    return resource

"""One stored screen as a FHIR R4 ``QuestionnaireResponse``, answering ``scoring.fhir``'s Questionnaire.

Items are grouped by section like the Questionnaire; each answer is a ``valueCoding`` whose
``code`` is the canonical value as text (``true``/``false``, ``0``…``4``, choice codes) and whose
``display`` is the option's label in the Questionnaire, so every coding matches one of the
Questionnaire's ``answerOption``s exactly. Question ``text`` is the Questionnaire's too; who
answered (the person or a family member) is in ``source``. A screen stopped early for safety is
``stopped``. Answers to items the current questionnaire no longer has are left out (they stay in
the stored screen). Validated with ``fhir.resources``' R4B model, whose QuestionnaireResponse is R4's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from scoring import Questionnaire, load_questionnaire
from scoring.fhir import CANONICAL_URL, build_questionnaire, code_of, options_of
from scoring.schema import Item

REFERENCE_SYSTEM = "urn:iop-self-screen:reference"
SOURCE = {
    "self": {"type": "Patient", "display": "The person screened"},
    "loved_one": {"type": "RelatedPerson", "display": "A family member or friend, about the person"},
}


@lru_cache(maxsize=8)
def questionnaire_version(questionnaire: Questionnaire) -> str:
    """The ``version`` the Questionnaire export gives this questionnaire (questionnaire + rules)."""
    return build_questionnaire(questionnaire)["version"]


def _codings(item: Item, value: Any) -> list[dict]:
    shown = {code_of(v): label for v, label in options_of(item)}
    values = value if item.type == "multi_choice" else [value]
    return [{"valueCoding": {"code": code_of(v), "display": shown.get(code_of(v), str(v))}} for v in values]


def build_response(
    *,
    reference: str,
    respondent: str,
    answers: Mapping[str, Any],
    submitted_at: datetime,
    partial: bool = False,
    exported_at: datetime | None = None,
    questionnaire: Questionnaire | None = None,
) -> dict:
    """The QuestionnaireResponse as a JSON-ready dict, checked against the FHIR model.

    ``exported_at`` goes into ``meta.lastUpdated``, so two exports of one screen differ.
    """
    questionnaire = questionnaire or load_questionnaire()
    groups = []
    for section in questionnaire.sections:
        items = [
            {"linkId": item.id, "text": item.text, "answer": _codings(item, answers[item.id])}
            for item in section.items
            if answers.get(item.id) not in (None, [])
        ]
        if items:
            groups.append({"linkId": section.section, "text": section.title, "item": items})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": reference,
        "identifier": {"system": REFERENCE_SYSTEM, "value": reference},
        "questionnaire": f"{CANONICAL_URL}|{questionnaire_version(questionnaire)}",
        "status": "stopped" if partial else "completed",
        "authored": submitted_at.isoformat(),
        "source": SOURCE[respondent],
        "item": groups,
    }
    if exported_at is not None:
        resource["meta"] = {"lastUpdated": exported_at.isoformat()}
    # Raises pydantic's ValidationError if anything above is not valid FHIR.
    QuestionnaireResponse.model_validate(resource)
    return resource

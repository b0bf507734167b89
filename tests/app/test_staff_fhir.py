"""intake.fhir_response: a stored screen as a FHIR R4 QuestionnaireResponse that answers the
Questionnaire from scoring.fhir (pure: no database, no Streamlit)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from intake.fhir_response import build_response
from scoring import evaluate
from scoring.fhir import CANONICAL_URL, build_questionnaire
from scoring.sample import random_screen

SUBMITTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _options(questionnaire_resource: dict) -> dict[str, dict[str, str]]:
    """linkId -> {code: display} of every answerOption in the Questionnaire resource."""
    found = {}
    for group in questionnaire_resource["item"]:
        for item in group["item"]:
            found[item["linkId"]] = {
                o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in item["answerOption"]
            }
    return found


def _decode(code: str, original: object) -> object:
    if isinstance(original, bool):
        return code == "true"
    return int(code) if isinstance(original, int) else code


@pytest.mark.parametrize("seed", range(6))
def test_response_validates_and_matches_the_questionnaire(seed):
    screen = random_screen(random.Random(seed))
    resource = build_response(
        reference="IOP-7KQ4-M2XD",
        respondent=screen["respondent"],
        answers=screen["answers"],
        submitted_at=SUBMITTED,
    )
    QuestionnaireResponse.model_validate(resource)  # valid FHIR R4 (R4B's model is R4's)
    questionnaire = build_questionnaire()
    assert resource["questionnaire"] == f"{CANONICAL_URL}|{questionnaire['version']}"
    assert resource["status"] == "completed" and resource["authored"] == SUBMITTED.isoformat()
    # Grouped like the Questionnaire, in its order.
    section_order = [g["linkId"] for g in questionnaire["item"]]
    groups = [g["linkId"] for g in resource["item"]]
    assert groups == [s for s in section_order if s in groups]
    options = _options(questionnaire)
    round_trip: dict[str, object] = {}
    for group in resource["item"]:
        for item in group["item"]:
            for answer in item["answer"]:
                coding = answer["valueCoding"]
                # Every coding is one of the Questionnaire's answerOptions, display included.
                assert options[item["linkId"]][coding["code"]] == coding["display"]
            original = screen["answers"][item["linkId"]]
            values = original if isinstance(original, list) else [original]
            codes = [
                _decode(a["valueCoding"]["code"], v) for a, v in zip(item["answer"], values, strict=True)
            ]
            round_trip[item["linkId"]] = codes if isinstance(original, list) else codes[0]
    assert round_trip == screen["answers"]


def test_codes_are_canonical_values_as_text():
    answers = {"auditc.1": 3, "cssrs.1": False, "cssrs.2": True, "drugs.substances": ["cannabis", "cocaine"]}
    resource = build_response(
        reference="IOP-7KQ4-M2XD", respondent="self", answers=answers, submitted_at=SUBMITTED
    )
    codes = {
        item["linkId"]: [a["valueCoding"]["code"] for a in item["answer"]]
        for group in resource["item"]
        for item in group["item"]
    }
    assert codes == {
        "auditc.1": ["3"],
        "cssrs.1": ["false"],
        "cssrs.2": ["true"],
        "drugs.substances": ["cannabis", "cocaine"],
    }
    displays = {a["valueCoding"]["display"] for g in resource["item"] for i in g["item"] for a in i["answer"]}
    assert {"Yes", "No", "Cocaine or crack"} <= displays


def test_a_screen_stopped_for_safety_is_stopped_and_each_export_differs():
    answers = {"cssrs.1": True, "cssrs.2": True, "cssrs.3": False, "cssrs.4": True}
    first = build_response(
        reference="IOP-7KQ4-M2XD",
        respondent="loved_one",
        answers=answers,
        submitted_at=SUBMITTED,
        partial=True,
        exported_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    )
    second = dict(first, meta={"lastUpdated": "2026-03-02T10:00:01+00:00"})
    assert first["status"] == "stopped"
    assert first["source"]["type"] == "RelatedPerson"
    assert first["meta"]["lastUpdated"] != second["meta"]["lastUpdated"]
    QuestionnaireResponse.model_validate(first)


def test_response_of_a_scored_screen_is_unchanged_by_its_result():
    screen = random_screen(random.Random(11))
    evaluate(screen)  # a valid screen by the rules
    resource = build_response(
        reference="IOP-7KQ4-M2XD",
        respondent=screen["respondent"],
        answers=screen["answers"],
        submitted_at=SUBMITTED,
    )
    assert sum(len(g["item"]) for g in resource["item"]) == len(screen["answers"])


def test_an_invalid_resource_is_refused():
    with pytest.raises(ValidationError):
        build_response(reference="not a valid id!", respondent="self", answers={}, submitted_at=SUBMITTED)

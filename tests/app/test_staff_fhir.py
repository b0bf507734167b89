"""scoring.fhir_response: a stored screen as a FHIR R4 QuestionnaireResponse that answers the
Questionnaire from scoring.fhir that its respondent saw: the self one for a person answering for
themselves, the collateral one for a family member or friend (spec section 9, item 10). The last
tests download the export from the staff review page, on a real database."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError
from staff_support import freeze, make_staff, signed_in
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from intake.db import write_session
from intake.submission import submit_screen
from scoring import evaluate, load_questionnaire
from scoring.fhir import build_questionnaire
from scoring.fhir_response import build_response
from scoring.sample import random_screen
from tests.support.factories import CONTACT, T0

SUBMITTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SELF_URL = "urn:iop-self-screen:questionnaire"
COLLATERAL_URL = "urn:iop-self-screen:questionnaire:collateral"
URL = {"self": SELF_URL, "loved_one": COLLATERAL_URL}
# Spec section 2: the items a family member may answer "I don't know".
MAY_NOT_KNOW = ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d")


def _questions(questionnaire_resource: dict) -> dict[str, dict]:
    """linkId -> question item (a step's intro is a display item: no answers)."""
    return {
        item["linkId"]: item
        for group in questionnaire_resource["item"]
        for item in group["item"]
        if item["type"] != "display"
    }


def _options(questionnaire_resource: dict) -> dict[str, dict[str, str]]:
    """linkId -> {code: display} of every answerOption in the Questionnaire resource."""
    return {
        link_id: {o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in item["answerOption"]}
        for link_id, item in _questions(questionnaire_resource).items()
    }


def _answered(resource: dict) -> dict[str, dict]:
    return {item["linkId"]: item for group in resource["item"] for item in group["item"]}


def _decode(code: str, original: object) -> object:
    if isinstance(original, bool) or code in ("true", "false"):
        return code == "true"
    return int(code) if isinstance(original, int) else code


def _screen(respondent: str, *, with_unknown: bool = False) -> dict:
    """A random valid screen by ``respondent`` (the sampler picks the respondent itself)."""
    rng = random.Random(1)
    while True:
        screen = random_screen(rng)
        unknown = any(screen["answers"].get(i) == "unknown" for i in MAY_NOT_KNOW)
        if screen["respondent"] == respondent and unknown is with_unknown:
            return screen


def _assert_answers_the_questionnaire(resource: dict, screen: dict) -> None:
    """Every question and coding is the respondent's Questionnaire's, and decodes to the answers."""
    questionnaire = build_questionnaire(respondent=screen["respondent"])
    assert resource["questionnaire"] == f"{URL[screen['respondent']]}|{questionnaire['version']}"
    # Grouped like the Questionnaire, in its order, with its section titles.
    titles = {g["linkId"]: g["text"] for g in questionnaire["item"]}
    groups = [g["linkId"] for g in resource["item"]]
    assert groups == [s for s in titles if s in groups]
    assert all(g["text"] == titles[g["linkId"]] for g in resource["item"])
    questions, options = _questions(questionnaire), _options(questionnaire)
    round_trip: dict[str, object] = {}
    for link_id, item in _answered(resource).items():
        assert item["text"] == questions[link_id]["text"], link_id
        for answer in item["answer"]:
            coding = answer["valueCoding"]
            # Every coding is one of the Questionnaire's answerOptions, display included.
            assert options[link_id][coding["code"]] == coding["display"], (link_id, coding)
        original = screen["answers"][link_id]
        values = original if isinstance(original, list) else [original]
        codes = [_decode(a["valueCoding"]["code"], v) for a, v in zip(item["answer"], values, strict=True)]
        round_trip[link_id] = codes if isinstance(original, list) else codes[0]
    assert round_trip == screen["answers"]


@pytest.mark.parametrize("seed", range(6))
def test_response_validates_and_matches_the_questionnaire_its_respondent_saw(seed):
    screen = random_screen(random.Random(seed))
    resource = build_response(
        reference="IOP-7KQ4-M2XD",
        respondent=screen["respondent"],
        answers=screen["answers"],
        submitted_at=SUBMITTED,
    )
    QuestionnaireResponse.model_validate(resource)  # valid FHIR R4 (R4B's model is R4's)
    assert resource["status"] == "completed" and resource["authored"] == SUBMITTED.isoformat()
    _assert_answers_the_questionnaire(resource, screen)


def test_a_family_members_response_answers_the_collateral_questionnaire_unknowns_included():
    screen = _screen("loved_one", with_unknown=True)
    resource = build_response(
        reference="IOP-7KQ4-M2XD", respondent="loved_one", answers=screen["answers"], submitted_at=SUBMITTED
    )
    QuestionnaireResponse.model_validate(resource)
    assert resource["questionnaire"].startswith(COLLATERAL_URL + "|")
    _assert_answers_the_questionnaire(resource, screen)
    answered = _answered(resource)
    unknowns = [i for i in MAY_NOT_KNOW if screen["answers"].get(i) == "unknown"]
    assert unknowns
    for item_id in unknowns:
        assert answered[item_id]["answer"] == [
            {"valueCoding": {"code": "unknown", "display": "I don't know"}}
        ]
    # The question as the family member read it, in the third person.
    questionnaire = load_questionnaire()
    assert all(answered[i]["text"] == questionnaire.items[i].text_loved_one for i in answered)
    assert answered["cssrs.1"]["text"].startswith("In the past month, have they")


def test_a_self_response_answers_the_self_questionnaire_in_the_first_person():
    screen = _screen("self")
    resource = build_response(
        reference="IOP-7KQ4-M2XD", respondent="self", answers=screen["answers"], submitted_at=SUBMITTED
    )
    assert resource["questionnaire"].startswith(SELF_URL + "|")
    _assert_answers_the_questionnaire(resource, screen)
    assert _answered(resource)["cssrs.1"]["text"].startswith("In the past month, have you")


def test_a_family_members_response_is_about_the_person_screened_and_from_the_family_member():
    answers = {"cssrs.1": "unknown", "cssrs.2": False, "cssrs.6": False}
    resource = build_response(
        reference="IOP-7KQ4-M2XD", respondent="loved_one", answers=answers, submitted_at=SUBMITTED
    )
    screened = {"system": "urn:iop-self-screen:reference", "value": "IOP-7KQ4-M2XD"}
    assert resource["subject"] == {
        "type": "Patient",
        "identifier": screened,
        "display": "The person screened",
    }
    assert resource["source"]["type"] == "RelatedPerson"
    # The family member is not the person screened, and is never named.
    assert "identifier" not in resource["source"] and "reference" not in resource["source"]
    assert "family member or friend" in resource["source"]["display"]


def test_a_self_response_is_about_and_from_the_person_screened():
    resource = build_response(
        reference="IOP-7KQ4-M2XD", respondent="self", answers={"cssrs.1": False}, submitted_at=SUBMITTED
    )
    screened = {"system": "urn:iop-self-screen:reference", "value": "IOP-7KQ4-M2XD"}
    patient = {"type": "Patient", "identifier": screened, "display": "The person screened"}
    assert resource["subject"] == patient
    assert resource["source"] == patient


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


def test_an_unknown_respondent_is_refused():
    with pytest.raises(ValueError, match="bogus"):
        build_response(reference="IOP-7KQ4-M2XD", respondent="bogus", answers={}, submitted_at=SUBMITTED)


# --- What staff download from the review page ----------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """The bytes of every file the app offers for download (Streamlit's own in-memory store,
    still doing its work: only watched)."""
    offered: list[bytes] = []
    keep = MemoryMediaFileStorage.load_and_get_id

    def watched(self, path_or_data, mimetype, kind, filename=None):
        if kind.name == "DOWNLOADABLE":
            offered.append(path_or_data)
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", watched)
    return offered


def _stored(respondent: str) -> tuple[str, dict]:
    screen = _screen(respondent, with_unknown=respondent == "loved_one")
    with write_session() as session:
        reference = submit_screen(
            session,
            submission_key=f"fhir-{respondent}",
            respondent=respondent,
            answers=screen["answers"],
            result=evaluate(screen),
            consent_version="2026-11-26.1",
            consented_at=T0 - timedelta(minutes=15),
            contact=CONTACT,
            submitted_at=T0,
            now=T0,
        )
    return reference, screen


@pytest.mark.parametrize("respondent", ["loved_one", "self"])
def test_staff_download_answers_the_questionnaire_the_respondent_saw(
    database_env, monkeypatch, downloads, respondent
):
    freeze(monkeypatch, T0 + timedelta(minutes=20))
    reference, screen = _stored(respondent)
    at = signed_in(make_staff()[0], "pages/staff_review.py", {"staff-review-ref": reference})
    at.button(key="review-fhir").click().run()
    assert not at.exception
    (data,) = downloads
    resource = json.loads(data)
    QuestionnaireResponse.model_validate(resource)
    assert resource["id"] == reference
    _assert_answers_the_questionnaire(resource, screen)
    assert resource["subject"]["identifier"]["value"] == reference
    assert resource["source"]["type"] == ("RelatedPerson" if respondent == "loved_one" else "Patient")

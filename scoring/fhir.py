"""The questionnaire as one FHIR R4 ``Questionnaire`` resource.

``linkId`` is the canonical item id; every fixed-choice item (yes/no included) lists its
answers as ``answerOption.valueCoding`` with the canonical value as ``code`` and the label
shown on screen as ``display``. Scored answers carry the ``ordinalValue`` (R4) and
``itemWeight`` (R5 back-port) extensions. FHIR compares codings only with ``=`` and ``!=``, so
an order comparison such as ``auditc.1 >= 3`` is written out as the codes that satisfy it.
Validated with ``fhir.resources``' R4B models, whose Questionnaire is R4's.
"""

from __future__ import annotations

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from scoring.engine import RULES_VERSION
from scoring.questionnaire import OPS, Questionnaire, load_questionnaire
from scoring.schema import Clause, Condition, Item

CANONICAL_URL = "urn:iop-self-screen:questionnaire"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
YES_NO_OPTIONS = ((True, "Yes"), (False, "No"))
# Scores that feed an instrument total; the readiness ruler is not scored into any total.
SCORED_INSTRUMENTS = {"auditc", "taps1", "phq9", "gad7", "bam", "mspss"}


def code_of(value: object) -> str:
    """The canonical value as FHIR ``code`` text: ``true``/``false``, ``0``…``4``, choice codes."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def options_of(item: Item) -> list[tuple[object, str]]:
    """(canonical value, label on screen) for every fixed-choice item, yes/no included."""
    if item.type == "yes_no":
        return list(YES_NO_OPTIONS)
    return [(option.value, option.label) for option in item.options]


def _answer_option(item: Item, value: object, label: str) -> dict:
    option: dict = {"valueCoding": {"code": code_of(value), "display": label}}
    if item.type == "scale" and item.instrument in SCORED_INSTRUMENTS:
        option["extension"] = [
            {"url": ORDINAL_VALUE, "valueDecimal": value},
            {"url": ITEM_WEIGHT, "valueDecimal": value},
        ]
    return option


def _enable_when(clause: Clause, target: Item, behavior: str) -> list[dict]:
    """FHIR clauses meaning what ``clause`` means here, where an unanswered item never matches.

    FHIR's ``!=`` holds for an unanswered question, and codings have no order, so under "all"
    both get an ``exists`` guard; under "any" an order comparison becomes the codes that pass.
    """
    exists = {"question": clause.item, "operator": "exists", "answerBoolean": True}
    if target.type == "scale" and clause.op not in ("=", "!="):
        values = [value for value, _ in options_of(target)]
        matching = [v for v in values if OPS[clause.op](v, clause.value)]
        if behavior == "any":
            return [_coding_clause(clause.item, "=", v) for v in matching]
        return [exists] + [_coding_clause(clause.item, "!=", v) for v in values if v not in matching]
    if clause.op == "!=":
        if behavior == "any":
            raise ValueError(f"{clause.item} != ... inside an 'any' condition has no FHIR equivalent")
        return [exists, _coding_clause(clause.item, "!=", clause.value)]
    return [_coding_clause(clause.item, clause.op, clause.value)]


def _coding_clause(question: str, op: str, value: object) -> dict:
    return {"question": question, "operator": op, "answerCoding": {"code": code_of(value)}}


def _item(item: Item, questionnaire: Questionnaire) -> dict:
    entry: dict = {
        "linkId": item.id,
        "text": item.text,
        "type": "choice",
        "required": True,
        "answerOption": [_answer_option(item, value, label) for value, label in options_of(item)],
    }
    if item.type == "multi_choice":
        entry["repeats"] = True
    if item.instrument:
        entry["code"] = [{"system": "urn:iop-self-screen:instrument", "code": item.instrument}]
    if item.asked_if is not None:
        condition: Condition = item.asked_if
        # A lone clause means the same under "all", which lets it carry an exists guard.
        behavior = "all" if len(condition.clauses) == 1 else condition.behavior
        entry["enableWhen"] = [
            clause
            for c in condition.clauses
            for clause in _enable_when(c, questionnaire.items[c.item], behavior)
        ]
        if len(entry["enableWhen"]) > 1:
            entry["enableBehavior"] = behavior
    if item.help:
        entry["item"] = [
            {
                "linkId": f"{item.id}.help",
                "text": item.help,
                "type": "display",
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/questionnaire-item-control",
                                    "code": "help",
                                }
                            ]
                        },
                    }
                ],
            }
        ]
    return entry


def build_questionnaire(questionnaire: Questionnaire | None = None) -> dict:
    """The FHIR R4 Questionnaire as a JSON-ready dict, checked against the FHIR models."""
    questionnaire = questionnaire or load_questionnaire()
    resource = {
        "resourceType": "Questionnaire",
        "id": "iop-self-screen",
        "url": CANONICAL_URL,
        "version": f"{questionnaire.version}+rules.{RULES_VERSION}",
        "name": "IOPSelfScreen",
        "title": "IOP self-screen",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "A self-screen for an Intensive Outpatient Program: not a diagnosis. "
            "Intake staff confirm any suggestion."
        ),
        "item": [
            {
                "linkId": section.section,
                "text": section.title,
                "type": "group",
                "item": [_item(item, questionnaire) for item in section.items],
            }
            for section in questionnaire.sections
        ],
    }
    # Raises pydantic's ValidationError if anything above is not valid FHIR.
    FhirQuestionnaire.model_validate(resource)
    return resource

"""The questionnaire as FHIR R4 ``Questionnaire`` resources: one per respondent.

The person answering for themselves gets the self Questionnaire (``CANONICAL_URL``); a family
member or friend gets the collateral one (``COLLATERAL_URL``, spec section 9 item 10): the same
linkIds, codes, scores and conditions, in the third-person wording shown to them, with "I don't
know" (code ``unknown``) among the answers of the items a family member may not know. Both take
their words from ``wording_of``, ``options_of`` and ``title_of``, which the wizard shows too, so
each export is exactly what its respondent sees.

``linkId`` is the canonical item id; every fixed-choice item (yes/no included) lists its
answers as ``answerOption.valueCoding`` with the canonical value as ``code`` and the label
shown on screen as ``display``. Scored answers carry the ``ordinalValue`` (R4) and
``itemWeight`` (R5 back-port) extensions. FHIR compares codings only with ``=`` and ``!=``, so
an order comparison such as ``auditc.1 >= 3`` is written out as the codes that satisfy it.
Validated with ``fhir.resources``' R4B models, whose Questionnaire is R4's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from scoring.contract import UNKNOWN
from scoring.engine import RULES_VERSION
from scoring.languages import SOURCE, languages, translate
from scoring.questionnaire import OPS, Questionnaire, load_questionnaire
from scoring.schema import (
    Clause,
    CodeOption,
    Condition,
    IntOption,
    Item,
    ItemText,
    Labelled,
    Section,
    SectionText,
    YesNoItem,
)
from scoring.validation import RESPONDENTS
from scoring.vocab import Respondent

# A FHIR resource, or a part of one, as JSON-ready data.
Resource = dict[str, Any]

CANONICAL_URL = "urn:iop-self-screen:questionnaire"
COLLATERAL_URL = f"{CANONICAL_URL}:collateral"
URLS = {Respondent.SELF: CANONICAL_URL, Respondent.LOVED_ONE: COLLATERAL_URL}
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
YES_NO_OPTIONS = ((True, "Yes"), (False, "No"))
# Scores that feed an instrument total; the readiness ruler is not scored into any total.
SCORED_INSTRUMENTS = {"auditc", "taps1", "phq9", "gad7", "bam", "mspss"}


def code_of(value: object) -> str:
    """The canonical value as FHIR ``code`` text: ``true``/``false``, ``0``…``4``, choice codes."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def check_respondent(respondent: str) -> Respondent:
    """The respondent the spec knows by this code; refuses any other (a ValueError naming it)."""
    if respondent not in RESPONDENTS:
        raise ValueError(f"respondent must be one of {', '.join(RESPONDENTS)}, not {respondent!r}")
    return Respondent(respondent)


def options_of(item: Item, respondent: str = Respondent.SELF, lang: str = SOURCE) -> list[tuple[object, str]]:
    """(canonical value, label on screen) for every fixed-choice item, yes/no included, in the
    respondent's wording and language; a family member also gets ("unknown", "I don't know")
    where allowed. Values are the same in every language: scoring never sees the language."""
    check_respondent(respondent)
    loved_one = respondent == Respondent.LOVED_ONE
    if isinstance(item, YesNoItem):
        options: list[tuple[object, str]] = [
            (value, translate(label, lang)) for value, label in YES_NO_OPTIONS
        ]
        unknown_label = item.unknown_label if lang == SOURCE else item.translations[lang].unknown_label
        if loved_one and unknown_label is not None:
            options.append((UNKNOWN, unknown_label))
        return options
    labels: Sequence[Labelled] = item.options if lang == SOURCE else item.translations[lang].options or ()
    values: Sequence[IntOption | CodeOption] = item.options
    return [
        (option.value, (loved_one and label.label_loved_one) or label.label)
        for option, label in zip(values, labels, strict=True)
    ]


def _in(item: Item, lang: str) -> Item | ItemText:
    """The item's texts in ``lang``: the item itself for English, else its translation."""
    return item if lang == SOURCE else item.translations[lang]


def _section_in(section: Section, lang: str) -> Section | SectionText:
    return section if lang == SOURCE else section.translations[lang]


def wording_of(item: Item, respondent: str = Respondent.SELF, lang: str = SOURCE) -> tuple[str, str | None]:
    """(question, help text) as shown to the respondent."""
    check_respondent(respondent)
    texts = _in(item, lang)
    if respondent == Respondent.LOVED_ONE:
        return texts.text_loved_one, texts.help_loved_one or texts.help
    return texts.text, texts.help


def title_of(section: Section, respondent: str = Respondent.SELF, lang: str = SOURCE) -> str:
    check_respondent(respondent)
    texts = _section_in(section, lang)
    return texts.title_loved_one if respondent == Respondent.LOVED_ONE else texts.title


def intro_of(section: Section, respondent: str = Respondent.SELF, lang: str = SOURCE) -> str | None:
    """The text above a step's questions, as shown to the respondent (a family member's falls
    back to the self intro where a section has no third-person one)."""
    check_respondent(respondent)
    texts = _section_in(section, lang)
    if respondent == Respondent.LOVED_ONE:
        return texts.intro_loved_one or texts.intro
    return texts.intro


def _intro_item(section: Section, respondent: str, lang: str) -> list[Resource]:
    """The step's intro as a display item, so each export holds every word its respondent sees
    (the family member's safety intro says how to ask directly, and that 988 helps them too)."""
    intro = intro_of(section, respondent, lang)
    if not intro:
        return []
    display = {"linkId": f"{section.section}.intro", "text": intro, "type": "display"}
    return [_with_translations(display, "text", lang, lambda other: intro_of(section, respondent, other))]


def _translations(render: Callable[[str], str | None], lang: str) -> Resource | None:
    """The ``_text`` / ``_display`` element that carries a text's other languages (every language
    of locales/languages.yaml but ``lang``, the resource's own), through the standard
    translation extension."""
    translated = [(code, render(code)) for code in languages().codes if code != lang]
    extensions = [
        {
            "url": TRANSLATION,
            "extension": [{"url": "lang", "valueCode": code}, {"url": "content", "valueString": text}],
        }
        for code, text in translated
        if text
    ]
    return {"extension": extensions} if extensions else None


def _with_translations(
    element: Resource, key: str, lang: str, render: Callable[[str], str | None]
) -> Resource:
    extension = _translations(render, lang)
    if extension is not None:
        element[f"_{key}"] = extension
    return element


def _answer_option(item: Item, value: object, label: str, respondent: str, lang: str) -> Resource:
    coding = _with_translations(
        {"code": code_of(value), "display": label},
        "display",
        lang,
        lambda other: dict(options_of(item, respondent, other)).get(value),
    )
    option: Resource = {"valueCoding": coding}
    if item.type == "scale" and item.instrument in SCORED_INSTRUMENTS:
        option["extension"] = [
            {"url": ORDINAL_VALUE, "valueDecimal": value},
            {"url": ITEM_WEIGHT, "valueDecimal": value},
        ]
    return option


def _enable_when(clause: Clause, target: Item, behavior: str) -> list[Resource]:
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


def _coding_clause(question: str, op: str, value: object) -> Resource:
    return {"question": question, "operator": op, "answerCoding": {"code": code_of(value)}}


def _item(item: Item, questionnaire: Questionnaire, respondent: str, lang: str) -> Resource:
    text, help_text = wording_of(item, respondent, lang)
    entry: Resource = {
        "linkId": item.id,
        "text": text,
        "type": "choice",
        "required": True,
        "answerOption": [
            _answer_option(item, value, label, respondent, lang)
            for value, label in options_of(item, respondent, lang)
        ],
    }
    _with_translations(entry, "text", lang, lambda other: wording_of(item, respondent, other)[0])
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
    if help_text:
        entry["item"] = [
            {
                "linkId": f"{item.id}.help",
                "text": help_text,
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
        _with_translations(
            entry["item"][0], "text", lang, lambda other: wording_of(item, respondent, other)[1]
        )
    return entry


DESCRIPTION = (
    "A self-screen for an Intensive Outpatient Program: not a diagnosis. Intake staff confirm any suggestion."
)
# What tells the two resources apart; everything else is built the same way for both.
HEADERS = {
    Respondent.SELF: {
        "id": "iop-self-screen",
        "name": "IOPSelfScreen",
        "title": "IOP self-screen",
        "description": DESCRIPTION,
    },
    Respondent.LOVED_ONE: {
        "id": "iop-self-screen-collateral",
        "name": "IOPSelfScreenCollateral",
        "title": "IOP self-screen, answered by a family member or friend",
        # The subject stays the person screened (subjectType Patient): the family member
        # answers about them.
        "description": (
            f"{DESCRIPTION} Answered by a family member or friend about the person screened; "
            'they may answer "I don\'t know" to five safety questions.'
        ),
    },
}


def _group(section: Section, questionnaire: Questionnaire, respondent: str, lang: str) -> Resource:
    group = {
        "linkId": section.section,
        "text": title_of(section, respondent, lang),
        "type": "group",
        "item": _intro_item(section, respondent, lang)
        + [_item(item, questionnaire, respondent, lang) for item in section.items],
    }
    return _with_translations(group, "text", lang, lambda other: title_of(section, respondent, other))


def questionnaire_version(questionnaire: Questionnaire) -> str:
    """The ``version`` both exports give this questionnaire: questionnaire + rules."""
    return f"{questionnaire.version}+rules.{RULES_VERSION}"


def build_questionnaire(
    questionnaire: Questionnaire | None = None, respondent: str = Respondent.SELF, lang: str = SOURCE
) -> Resource:
    """The FHIR R4 Questionnaire that ``respondent`` answers, as a JSON-ready dict, checked
    against the FHIR models. ``text`` and ``display`` are in ``lang``; every other language rides
    in translation extensions. Renderers that ignore those extensions (LHC-Forms 40 among them)
    show the resource's own language, so a Spanish form is a Spanish resource."""
    who = check_respondent(respondent)
    if lang not in languages().codes:
        raise ValueError(f"no language {lang!r}: one of {', '.join(languages().codes)}")
    questionnaire = questionnaire or load_questionnaire()
    header = HEADERS[who]
    version = questionnaire_version(questionnaire)
    resource: Resource = {"resourceType": "Questionnaire", "id": header["id"], "url": URLS[who]}
    resource["version"] = version
    if respondent == Respondent.LOVED_ONE:
        # The same items, codes and conditions as the self Questionnaire, reworded.
        resource["derivedFrom"] = [f"{CANONICAL_URL}|{version}"]
    resource |= {
        # The language of text and display; every other language rides in translation extensions.
        "language": lang,
        "name": header["name"],
        "title": translate(header["title"], lang),
        "status": "active",
        "subjectType": ["Patient"],
        "description": translate(header["description"], lang),
        "item": [_group(section, questionnaire, respondent, lang) for section in questionnaire.sections],
    }
    _with_translations(resource, "title", lang, lambda other: translate(header["title"], other))
    # Raises pydantic's ValidationError if anything above is not valid FHIR.
    FhirQuestionnaire.model_validate(resource)
    return resource

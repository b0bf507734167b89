"""The FHIR R4 Questionnaires (``python -m scoring fhir-questionnaire [--respondent ...]``):
one for the person answering for themselves, one (collateral) for a family member or friend.
Together they must describe exactly what each respondent sees (spec section 9, item 10).

The exports run in a subprocess, exactly as a caller would run them, and are checked against
the questionnaire files read directly, not through the loader under test.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from scoring import load_questionnaire
from scoring.contract import CANONICAL
from scoring.fhir import options_of
from scoring.sample import random_screen

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE_DIR = ROOT / "questionnaires"
RESPONDENTS = ("self", "loved_one")
# Spec section 2: the items a family member may answer "I don't know".
MAY_NOT_KNOW = {"cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d"}
# Spec section 2: the follow-ups an "I don't know" must never open.
FOLLOW_UPS_OF_UNKNOWN = {"cssrs.3", "cssrs.4", "cssrs.5", "cssrs.6_recent"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@cache
def fhir_export(respondent: str = "self") -> dict:
    """The export for ``respondent``; the self one exactly as printed without the flag."""
    done = (
        run("fhir-questionnaire")
        if respondent == "self"
        else run("fhir-questionnaire", "--respondent", respondent)
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def walk(items: list[dict]):
    """Every item in document order (pre-order), groups and display items included."""
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def questions(respondent: str = "self") -> dict[str, dict]:
    return {
        item["linkId"]: item
        for item in walk(fhir_export(respondent)["item"])
        if item["type"] not in ("group", "display")
    }


def answer_options(item: dict) -> list[tuple[str, str]]:
    return [(o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in item["answerOption"]]


@cache
def yaml_sections() -> list[dict]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(QUESTIONNAIRE_DIR.glob("*.yaml"))
    ]


@cache
def yaml_items() -> dict[str, dict]:
    return {item["id"]: item for section in yaml_sections() for item in section["items"]}


def as_code(value: object) -> str:
    """A canonical answer as FHIR code text: true/false, 0..4, choice codes."""
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- Both exports ------------------------------------------------------------------------------


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_fhir_questionnaire_is_valid_fhir_r4(respondent):
    resource = fhir_export(respondent)
    assert resource["resourceType"] == "Questionnaire"
    FhirQuestionnaire.model_validate(resource)
    link_ids = [item["linkId"] for item in walk(resource["item"])]
    assert len(link_ids) == len(set(link_ids)), "linkIds must be unique in a Questionnaire"


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_every_canonical_item_is_one_question(respondent):
    link_ids = [item["linkId"] for item in walk(fhir_export(respondent)["item"])]
    for item_id in CANONICAL:
        assert link_ids.count(item_id) == 1, item_id
    assert set(questions(respondent)) == set(CANONICAL)


# --- The self Questionnaire: what the person answering for themselves sees ---------------------


def test_question_text_is_the_questionnaire_wording():
    for link_id, item in questions().items():
        assert item["text"] == yaml_items()[link_id]["text"], link_id


def test_every_question_lists_its_answers_as_codings_with_the_on_screen_labels():
    for link_id, item in questions().items():
        source = yaml_items()[link_id]
        canonical = CANONICAL[link_id]
        assert item["type"] == "choice", link_id
        options = answer_options(item)
        if canonical.type == "yes_no":
            # Only Yes and No: "I don't know" is never offered to the person themselves.
            assert options == [("true", "Yes"), ("false", "No")], link_id
        else:
            assert options == [(as_code(o["value"]), o["label"]) for o in source["options"]], link_id
            assert {code for code, _ in options} == {as_code(v) for v in canonical.values}, link_id
        assert item.get("repeats", False) is (canonical.type == "multi_choice"), link_id


def test_the_self_questionnaire_offers_no_unknown_answer():
    codes = {code for item in questions().values() for code, _ in answer_options(item)}
    assert "unknown" not in codes


def test_multi_choice_and_numeric_codes_keep_their_canonical_text():
    q = questions()
    assert [o["valueCoding"]["code"] for o in q["prior_care.episodes_lifetime"]["answerOption"]] == [
        "0",
        "1",
        "2_3",
        "4_plus",
    ]
    assert [o["valueCoding"]["code"] for o in q["bam.14"]["answerOption"]] == ["0", "4"]
    assert [o["valueCoding"]["code"] for o in q["readiness.ruler"]["answerOption"]] == [
        str(n) for n in range(11)
    ]
    assert q["drugs.substances"]["repeats"] is True


SCORED = {"auditc", "taps1", "phq9", "gad7", "bam", "mspss"}
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_scored_instrument_answers_carry_their_score(respondent):
    checked = 0
    for link_id, item in questions(respondent).items():
        if link_id.split(".")[0] not in SCORED:
            continue
        for option in item["answerOption"]:
            extensions = {e["url"]: e for e in option.get("extension", [])}
            score = int(option["valueCoding"]["code"])
            assert extensions[ORDINAL_VALUE]["valueDecimal"] == score, (link_id, option)
            assert extensions[ITEM_WEIGHT]["valueDecimal"] == score, (link_id, option)
            checked += 1
    # 3 AUDIT-C + 3 TAPS-1 items of 5, 16 PHQ-9/GAD-7 of 4, 15 BAM of 5 + BAM 14 of 2, 12 MSPSS of 7.
    assert checked == 3 * 5 + 3 * 5 + 16 * 4 + 15 * 5 + 2 + 12 * 7


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_conditional_items_have_enable_when_on_earlier_questions_only(respondent):
    order = [item["linkId"] for item in walk(fhir_export(respondent)["item"])]
    for link_id, item in questions(respondent).items():
        conditional = "asked_if" in yaml_items()[link_id]
        assert ("enableWhen" in item) is conditional, link_id
        if not conditional:
            continue
        clauses = item["enableWhen"]
        assert clauses, link_id
        if len(clauses) > 1:
            assert item["enableBehavior"] in ("any", "all"), link_id
        for clause in clauses:
            question = clause["question"]
            assert question in order, (link_id, question)
            assert order.index(question) < order.index(link_id), (link_id, question)


def test_enable_behavior_matches_the_any_or_all_of_the_questionnaire():
    for link_id, item in questions().items():
        condition = yaml_items()[link_id].get("asked_if")
        if not condition or len(item["enableWhen"]) == 1:
            continue
        behavior, clauses = next(iter(condition.items()))
        # A lone clause is exported under "all" so that it can carry FHIR's "exists" guard.
        assert item["enableBehavior"] == (behavior if len(clauses) > 1 else "all"), link_id


# --- The collateral Questionnaire: what a family member or friend sees -------------------------


def test_the_collateral_questionnaire_has_its_own_url_and_the_same_version():
    self_export, collateral = fhir_export("self"), fhir_export("loved_one")
    assert self_export["url"] == "urn:iop-self-screen:questionnaire"
    assert collateral["url"] == "urn:iop-self-screen:questionnaire:collateral"
    assert collateral["id"] != self_export["id"] and collateral["name"] != self_export["name"]
    assert collateral["version"] == self_export["version"]
    # The person screened stays the subject: the family member only answers about them.
    assert collateral["subjectType"] == ["Patient"]


def test_the_collateral_questionnaire_has_the_same_link_ids_codes_and_conditions():
    """Only the words differ (and "I don't know" is added): a coding means the same in both."""
    self_export, collateral = fhir_export("self"), fhir_export("loved_one")
    assert [i["linkId"] for i in walk(collateral["item"])] == [i["linkId"] for i in walk(self_export["item"])]
    mine = questions("self")
    for link_id, item in questions("loved_one").items():
        codes = [code for code, _ in answer_options(item) if code != "unknown"]
        assert codes == [code for code, _ in answer_options(mine[link_id])], link_id
        for key in ("enableWhen", "enableBehavior", "code", "repeats", "required", "type"):
            assert item.get(key) == mine[link_id].get(key), (link_id, key)
        scores = [o.get("extension") for o in item["answerOption"] if o["valueCoding"]["code"] != "unknown"]
        assert scores == [o.get("extension") for o in mine[link_id]["answerOption"]], link_id


def test_collateral_wording_is_the_third_person_wording_shown_on_screen():
    for link_id, item in questions("loved_one").items():
        source = yaml_items()[link_id]
        assert item["text"] == source["text_loved_one"], link_id
        helps = [child["text"] for child in item.get("item", []) if child["type"] == "display"]
        expected_help = source.get("help_loved_one") or source.get("help")
        assert helps == ([expected_help] if expected_help else []), link_id


def test_collateral_section_titles_are_the_third_person_titles():
    titles = {group["linkId"]: group["text"] for group in fhir_export("loved_one")["item"]}
    assert titles == {section["section"]: section["title_loved_one"] for section in yaml_sections()}


def test_collateral_labels_are_the_family_members_labels():
    for link_id, item in questions("loved_one").items():
        source = yaml_items()[link_id]
        options = [(code, display) for code, display in answer_options(item) if code != "unknown"]
        if CANONICAL[link_id].type == "yes_no":
            assert options == [("true", "Yes"), ("false", "No")], link_id
        else:
            expected = [
                (as_code(o["value"]), o.get("label_loved_one") or o["label"]) for o in source["options"]
            ]
            assert options == expected, link_id
    # Not vacuous: a label written for a family member is used where there is one.
    displays = dict(answer_options(questions("loved_one")["home.others_using"]))
    assert displays["live_alone"] == "They live alone"


def test_unknown_is_offered_exactly_on_the_five_items_a_family_member_may_not_know():
    offered = {}
    for link_id, item in questions("loved_one").items():
        for code, display in answer_options(item):
            if code == "unknown":
                offered[link_id] = display
    assert offered == {item_id: yaml_items()[item_id]["unknown_label"] for item_id in MAY_NOT_KNOW}
    assert set(offered.values()) == {"I don't know"}
    # After Yes and No, and carrying no score.
    for link_id in MAY_NOT_KNOW:
        options = questions("loved_one")[link_id]["answerOption"]
        assert [o["valueCoding"]["code"] for o in options] == ["true", "false", "unknown"], link_id
        assert "extension" not in options[-1]


def test_the_exports_and_the_screen_share_one_list_of_options():
    """scoring.fhir.options_of is what the wizard shows; each export lists exactly that."""
    questionnaire = load_questionnaire()
    for respondent in RESPONDENTS:
        exported = questions(respondent)
        for item in questionnaire.items.values():
            shown = [(as_code(value), label) for value, label in options_of(item, respondent)]
            assert shown == answer_options(exported[item.id]), (respondent, item.id)
    # The call without a respondent is the self wording, as before.
    cssrs1 = questionnaire.items["cssrs.1"]
    assert options_of(cssrs1) == options_of(cssrs1, "self") == [(True, "Yes"), (False, "No")]
    assert options_of(cssrs1, "loved_one") == [(True, "Yes"), (False, "No"), ("unknown", "I don't know")]


def test_options_of_refuses_an_unknown_respondent():
    with pytest.raises(ValueError, match="bogus"):
        options_of(load_questionnaire().items["cssrs.1"], "bogus")


# --- The command line --------------------------------------------------------------------------


def test_respondent_self_prints_the_same_questionnaire_as_no_flag():
    done = run("fhir-questionnaire", "--respondent", "self")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == fhir_export("self")


def test_an_unknown_respondent_exits_2_with_a_message():
    done = run("fhir-questionnaire", "--respondent", "bogus")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--respondent" in done.stderr and "bogus" in done.stderr
    assert "loved_one" in done.stderr  # says what it accepts
    assert "Traceback" not in done.stderr


# --- enableWhen means what "asked if" means -------------------------------------------------------
# A FHIR R4 enableWhen evaluator over answers coded as text (the questionnaire-enable-operator
# code system): "exists" compares whether an answer exists; "=" is true if at least one answer
# equals the enableWhen answer; "!=" is true if no answer equals it; the order operators are true
# if at least one answer compares so. Questions that are disabled have no answer.


def fhir_answers(answers: dict) -> dict[str, list[str]]:
    return {
        item_id: [as_code(v) for v in value] if isinstance(value, list) else [as_code(value)]
        for item_id, value in answers.items()
    }


def enable_when_holds(clause: dict, answers: dict[str, list[str]]) -> bool:
    given = answers.get(clause["question"], [])
    op = clause["operator"]
    if op == "exists":
        return bool(given) == clause["answerBoolean"]
    if "answerCoding" in clause:
        target = clause["answerCoding"]["code"]
    elif "answerBoolean" in clause:
        target = as_code(clause["answerBoolean"])
    elif "answerInteger" in clause:
        target = str(clause["answerInteger"])
    else:
        raise AssertionError(f"answer type not handled by the test evaluator: {clause}")
    if op == "=":
        return any(code == target for code in given)
    if op == "!=":
        return all(code != target for code in given)
    compare = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[op]
    return any(compare(int(code), int(target)) for code in given)


def fhir_enabled(item: dict, answers: dict[str, list[str]]) -> bool:
    clauses = item.get("enableWhen")
    if not clauses:
        return True
    results = [enable_when_holds(c, answers) for c in clauses]
    if len(results) == 1:
        return results[0]
    return any(results) if item["enableBehavior"] == "any" else all(results)


def screens_of(respondent: str, count: int, seed: int) -> list[dict]:
    """Random valid screens answered by ``respondent`` (the sampler picks the respondent itself)."""
    questionnaire = load_questionnaire()
    rng = random.Random(seed)
    found: list[dict] = []
    while len(found) < count:
        screen = random_screen(rng, questionnaire)
        if screen["respondent"] == respondent:
            found.append(screen["answers"])
    return found


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_enable_when_agrees_with_is_asked_on_300_random_screens(respondent):
    questionnaire = load_questionnaire()
    items = questions(respondent)
    seen: dict[str, set[bool]] = {link_id: set() for link_id, item in items.items() if "enableWhen" in item}
    for answers in screens_of(respondent, 300, 20240501):
        coded = fhir_answers(answers)
        for link_id, item in items.items():
            asked = questionnaire.is_asked(link_id, answers)
            assert fhir_enabled(item, coded) is asked, (link_id, asked, answers)
            if link_id in seen:
                seen[link_id].add(asked)
    # Not vacuous: every conditional item was both asked and skipped somewhere in the sample.
    assert {link_id: outcomes for link_id, outcomes in seen.items() if outcomes != {True, False}} == {}


def test_an_unknown_answer_enables_no_follow_up_in_the_collateral_questionnaire():
    items = questions("loved_one")
    unknown_everywhere = {item_id: "unknown" for item_id in MAY_NOT_KNOW}
    coded = fhir_answers(unknown_everywhere)
    assert {link_id for link_id in FOLLOW_UPS_OF_UNKNOWN if fhir_enabled(items[link_id], coded)} == set()
    # The same follow-ups do open on a yes, so the check above can fail.
    coded = fhir_answers({item_id: True for item_id in MAY_NOT_KNOW})
    assert {link_id for link_id in FOLLOW_UPS_OF_UNKNOWN if fhir_enabled(items[link_id], coded)} == (
        FOLLOW_UPS_OF_UNKNOWN
    )
    # And every item the rules ask after an unknown is enabled in FHIR, and only those.
    questionnaire = load_questionnaire()
    unknowns = 0
    for answers in screens_of("loved_one", 200, 9):
        unknowns += sum(answers.get(item_id) == "unknown" for item_id in MAY_NOT_KNOW)
        coded = fhir_answers(answers)
        for link_id in FOLLOW_UPS_OF_UNKNOWN:
            assert fhir_enabled(items[link_id], coded) is questionnaire.is_asked(link_id, answers), link_id
    assert unknowns > 20  # the sample does hold family members who did not know


def test_enable_when_agrees_with_is_asked_while_the_screen_is_filled_in():
    """A screen is filled in section by section (and a partial screen stops at an urgent
    answer): with only the earlier sections answered, a FHIR form must show the same follow-ups
    as the wizard."""
    questionnaire = load_questionnaire()
    items = questions()
    rng = random.Random(7)
    disagreements: dict[str, dict] = {}
    for _ in range(40):
        answers = random_screen(rng, questionnaire)["answers"]
        for done_sections in range(len(questionnaire.sections)):
            answered = {s.section for s in questionnaire.sections[:done_sections]}
            so_far = {k: v for k, v in answers.items() if questionnaire.section_of[k] in answered}
            coded = fhir_answers(so_far)
            for link_id, item in items.items():
                asked = questionnaire.is_asked(link_id, so_far)
                if fhir_enabled(item, coded) is not asked:
                    disagreements.setdefault(
                        link_id,
                        {"is_asked": asked, "fhir_enabled": not asked, "answered_sections": sorted(answered)},
                    )
    assert disagreements == {}


@pytest.mark.parametrize("respondent", ["self", "loved_one"])
def test_each_step_intro_is_in_the_export_as_its_respondent_reads_it(respondent: str) -> None:
    questionnaire = load_questionnaire()
    intros = {
        group["linkId"]: [i["text"] for i in group["item"] if i["type"] == "display"]
        for group in fhir_export(respondent)["item"]
    }
    for section in questionnaire.sections:
        expected = section.intro_loved_one if respondent == "loved_one" else section.intro
        assert intros[section.section] == ([expected] if expected else []), section.section
    # The family member's safety step tells them how to ask, and that 988 helps them too.
    if respondent == "loved_one":
        (safety,) = intros["safety"]
        assert "I don't know" in safety and "988" in safety and "ask" in safety

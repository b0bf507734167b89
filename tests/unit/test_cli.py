"""The command line (``python -m scoring``): the contract a batch job or an external test suite
relies on (scoring/cli.py, spec section 7), and the FHIR export of the questionnaire.

Everything runs in a subprocess, exactly as a caller would run it.
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
from screens import baseline, with_answers

from scoring import evaluate, load_questionnaire
from scoring.contract import CANONICAL
from scoring.sample import random_screen

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE_DIR = ROOT / "questionnaires"

# Spec section 4, every domain; spec section 7, the keys each instrument must have at least.
DOMAINS = {
    "safety": {"urgent", "elevated", "none"},
    "withdrawal_medical": {"high", "moderate", "low"},
    "substance_use": {"high", "moderate", "low"},
    "mental_health": {"high", "moderate", "low"},
    "dual_diagnosis": {"present", "absent"},
    "relapse_risk": {"high", "moderate", "low"},
    "prior_care": {"recent_intensive", "some", "none"},
    "home_support": {"unsafe", "low", "moderate", "high"},
    "practical": {"barrier", "uncertain", "ok"},
}
INSTRUMENT_KEYS = {
    "auditc": {"score", "band"},
    "taps1": {"tobacco", "drugs", "rx"},
    "phq9": {"score", "band"},
    "gad7": {"score", "band"},
    "pcptsd5": {"score", "band"},
    "cssrs": {"risk"},
    "bam": {"use", "risk", "protective"},
    "mspss": {"mean", "band"},
}
DISPOSITIONS = {"urgent", "higher_level", "iop", "iop_with_supports", "outpatient"}
FLAGS = {
    "crisis_resources",
    "same_day_contact",
    "pregnancy_priority",
    "opioid_treatment_info",
    "overdose_risk",
    "withdrawal_caution",
    "collateral_report",
    "adolescent",
}


def low_risk_screen(respondent: str = "self") -> dict:
    """The shared calm baseline (tests/unit/screens.py), as a man: no pregnancy question."""
    return with_answers(baseline(respondent), {"about.sex_at_birth": "male"})


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_json(path: Path, obj: object) -> Path:
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def assert_result_shape(result: dict) -> None:
    """Spec section 7, for a complete screen."""
    assert set(result) >= {"disposition", "domains", "instruments", "flags", "reasons", "rules_version"}
    assert result["disposition"] in DISPOSITIONS
    assert set(result["domains"]) == set(DOMAINS)
    for name, levels in DOMAINS.items():
        assert result["domains"][name]["level"] in levels, name
    for name, keys in INSTRUMENT_KEYS.items():
        assert keys <= set(result["instruments"][name]), name
    assert result["instruments"]["auditc"]["band"] in {"positive", "negative"}
    assert result["instruments"]["pcptsd5"]["band"] in {"positive", "negative"}
    mean = result["instruments"]["mspss"]["mean"]
    assert round(mean, 2) == mean
    assert isinstance(result["flags"], list)
    assert result["flags"] == sorted(result["flags"])
    assert set(result["flags"]) <= FLAGS
    assert isinstance(result["reasons"], list)
    for reason in result["reasons"]:
        assert isinstance(reason["rule"], str) and reason["rule"]
        assert isinstance(reason["text"], str) and reason["text"].strip()
    assert isinstance(result["rules_version"], str) and result["rules_version"]


# --- evaluate FILE / evaluate - ----------------------------------------------------------------


def test_evaluate_file_prints_the_result_and_nothing_on_stderr(tmp_path):
    done = run("evaluate", str(write_json(tmp_path / "screen.json", low_risk_screen())))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert_result_shape(result)
    # A calm screen: outpatient, every domain at its lowest, no flag.
    assert result["disposition"] == "outpatient"
    assert result["flags"] == []
    assert result["instruments"]["phq9"] == {"score": 0, "band": "minimal"}
    assert result["instruments"]["mspss"]["mean"] == 6.0
    assert {k: result["instruments"]["bam"][k] for k in ("use", "risk", "protective")} == {
        "use": 0,
        "risk": 0,
        "protective": 24,
    }


def test_evaluate_reads_standard_input_with_a_dash(tmp_path):
    screen = low_risk_screen("loved_one")
    from_file = run("evaluate", str(write_json(tmp_path / "screen.json", screen)))
    from_stdin = run("evaluate", "-", stdin=json.dumps(screen))
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stderr == ""
    assert from_stdin.stdout == from_file.stdout
    result = json.loads(from_stdin.stdout)
    assert_result_shape(result)
    # The respondent reaches the rules: a loved one's answers are flagged as collateral.
    assert result["flags"] == ["collateral_report"]


@pytest.mark.parametrize("seed", range(8))
def test_evaluate_prints_the_same_result_as_the_rules_module(seed, tmp_path):
    screen = random_screen(random.Random(seed))
    done = run("evaluate", str(write_json(tmp_path / "screen.json", screen)))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert_result_shape(result)
    assert result == json.loads(json.dumps(evaluate(screen)))


def test_an_invalid_screen_gives_one_stderr_line_per_offending_item(tmp_path):
    screen = low_risk_screen()
    screen["answers"]["phq9.1"] = 7  # out of range
    screen["answers"]["auditc.2"] = 1  # only asked when auditc.1 > 0, and it is 0
    screen["answers"]["phq9.10"] = 0  # no such item
    done = run("evaluate", str(write_json(tmp_path / "screen.json", screen)))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3, done.stderr
    # Each line names its item first ("phq9.1: must be ..."), and says what is wrong.
    named = sorted(line.split(":", 1)[0].strip() for line in lines)
    assert named == ["auditc.2", "phq9.1", "phq9.10"], done.stderr
    for line in lines:
        assert line.split(":", 1)[1].strip(), line
    assert "Traceback" not in done.stderr


def test_a_missing_required_answer_is_named_on_stderr(tmp_path):
    screen = low_risk_screen()
    del screen["answers"]["gad7.3"]
    del screen["answers"]["home.safe"]
    done = run("evaluate", "-", stdin=json.dumps(screen))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert sorted(line.split(":")[0].strip() for line in lines) == ["gad7.3", "home.safe"]


def test_a_screen_stopped_at_an_urgent_answer_is_still_evaluated():
    """Spec section 5: the wizard stops at an urgent answer; the partial screen scores as urgent,
    with what could be computed and nothing else (section 7)."""
    answers = low_risk_screen()["answers"]
    before_safety = ("about", "auditc", "taps1", "withdrawal", "medical", "phq9", "gad7", "pcptsd5", "mh")
    partial = {k: v for k, v in answers.items() if k.split(".")[0] in before_safety}
    partial.update({"cssrs.1": True, "cssrs.2": True, "cssrs.3": True, "cssrs.4": True})
    done = run("evaluate", "-", stdin=json.dumps({"respondent": "self", "answers": partial}))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result["disposition"] == "urgent"
    assert result["domains"]["safety"] == {"level": "urgent"}
    assert result["instruments"]["cssrs"]["risk"] == "high"
    assert result["instruments"]["phq9"] == {"score": 0, "band": "minimal"}
    # Never reached: relapse (BAM) and home (MSPSS) cannot be scored, so they are left out.
    assert "bam" not in result["instruments"]
    assert "mspss" not in result["instruments"]
    assert "home_support" not in result["domains"]
    assert {"crisis_resources", "same_day_contact"} <= set(result["flags"])


def test_malformed_json_exits_2_with_a_message():
    done = run("evaluate", "-", stdin='{"respondent": "self", "answers": {')
    assert done.returncode == 2
    assert done.stdout == ""
    assert "JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_that_is_not_a_screen_object_exits_2_with_a_message():
    done = run("evaluate", "-", stdin="[1, 2, 3]")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip()
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2_with_a_message(tmp_path):
    missing = tmp_path / "no-such-screen.json"
    done = run("evaluate", str(missing))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "no-such-screen.json" in done.stderr
    assert "Traceback" not in done.stderr


# --- evaluate --jsonl --------------------------------------------------------------------------


def distinct_screens(count: int) -> list[dict]:
    """Valid screens whose results all differ, so a mix-up of the order shows."""
    screens, results = [], set()
    seed = 0
    while len(screens) < count:
        screen = random_screen(random.Random(seed))
        seed += 1
        key = json.dumps(evaluate(screen), sort_keys=True)
        if key not in results:
            results.add(key)
            screens.append(screen)
    return screens


def test_jsonl_gives_one_line_per_screen_in_order(tmp_path):
    screens = distinct_screens(6)
    path = tmp_path / "screens.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in screens), encoding="utf-8")
    done = run("evaluate", "--jsonl", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == len(screens)
    for line, screen in zip(lines, screens, strict=True):
        result = json.loads(line)
        assert_result_shape(result)
        assert result == json.loads(json.dumps(evaluate(screen)))


def test_jsonl_a_bad_line_gives_errors_on_its_line_and_the_others_still_score(tmp_path):
    good = distinct_screens(2)
    out_of_range = low_risk_screen()
    out_of_range["answers"]["gad7.2"] = 9
    lines_in = [
        json.dumps(good[0]),
        json.dumps(out_of_range),
        '{"respondent": "self", "answers": ',  # malformed JSON
        json.dumps(good[1]),
    ]
    path = tmp_path / "screens.jsonl"
    path.write_text("\n".join(lines_in) + "\n", encoding="utf-8")
    done = run("evaluate", "--jsonl", str(path))
    assert done.returncode == 2
    lines = done.stdout.splitlines()
    assert len(lines) == 4, done.stdout
    first, second, third, fourth = (json.loads(line) for line in lines)
    assert first == json.loads(json.dumps(evaluate(good[0])))
    assert fourth == json.loads(json.dumps(evaluate(good[1])))

    for errors_line in (second, third):
        assert set(errors_line) == {"errors"}
        assert errors_line["errors"]
        for error in errors_line["errors"]:
            assert set(error) >= {"item", "message"}
            assert isinstance(error["message"], str) and error["message"].strip()
    assert [e["item"] for e in second["errors"]] == ["gad7.2"]
    assert len(third["errors"]) == 1
    assert "JSON" in third["errors"][0]["message"]


def test_jsonl_exit_status_is_2_when_only_the_last_line_fails(tmp_path):
    bad = low_risk_screen()
    bad["answers"]["cssrs.3"] = True  # only asked when cssrs.2 is true
    path = tmp_path / "screens.jsonl"
    path.write_text(json.dumps(low_risk_screen()) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    done = run("evaluate", "--jsonl", str(path))
    assert done.returncode == 2
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["disposition"] == "outpatient"
    assert [e["item"] for e in json.loads(lines[1])["errors"]] == ["cssrs.3"]


def test_jsonl_ignores_a_blank_trailing_line_and_reads_stdin():
    screens = distinct_screens(3)
    text = "".join(json.dumps(s) + "\n" for s in screens) + "\n"
    done = run("evaluate", "--jsonl", "-", stdin=text)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert [json.loads(line) for line in lines] == [json.loads(json.dumps(evaluate(s))) for s in screens]


def test_jsonl_a_blank_line_between_screens_keeps_output_aligned_with_input(tmp_path):
    screens = distinct_screens(2)
    path = tmp_path / "screens.jsonl"
    path.write_text(json.dumps(screens[0]) + "\n\n" + json.dumps(screens[1]) + "\n", encoding="utf-8")
    done = run("evaluate", "--jsonl", str(path))
    assert done.returncode == 2
    first, blank, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first == json.loads(json.dumps(evaluate(screens[0])))
    assert blank == {"errors": [{"item": "screen", "message": "empty line"}]}
    assert second == json.loads(json.dumps(evaluate(screens[1])))
    assert "line 2" in done.stderr


def test_jsonl_without_a_final_newline_still_scores_the_last_line(tmp_path):
    screens = distinct_screens(2)
    path = tmp_path / "screens.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in screens), encoding="utf-8")
    done = run("evaluate", "--jsonl", str(path))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def test_jsonl_missing_file_exits_2_with_a_message(tmp_path):
    done = run("evaluate", "--jsonl", str(tmp_path / "absent.jsonl"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "absent.jsonl" in done.stderr
    assert "Traceback" not in done.stderr


# --- fhir-questionnaire ------------------------------------------------------------------------


@cache
def fhir_export() -> dict:
    done = run("fhir-questionnaire")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def walk(items: list[dict]):
    """Every item in document order (pre-order), groups and display items included."""
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def questions() -> dict[str, dict]:
    return {
        item["linkId"]: item
        for item in walk(fhir_export()["item"])
        if item["type"] not in ("group", "display")
    }


@cache
def yaml_items() -> dict[str, dict]:
    """The questionnaire files read directly, not through the loader under test."""
    found = {}
    for path in sorted(QUESTIONNAIRE_DIR.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            found[item["id"]] = item
    return found


def as_code(value: object) -> str:
    """A canonical answer as FHIR code text: true/false, 0..4, choice codes."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_fhir_questionnaire_is_valid_fhir_r4():
    resource = fhir_export()
    assert resource["resourceType"] == "Questionnaire"
    FhirQuestionnaire.model_validate(resource)
    link_ids = [item["linkId"] for item in walk(resource["item"])]
    assert len(link_ids) == len(set(link_ids)), "linkIds must be unique in a Questionnaire"


def test_every_canonical_item_is_one_question():
    link_ids = [item["linkId"] for item in walk(fhir_export()["item"])]
    for item_id in CANONICAL:
        assert link_ids.count(item_id) == 1, item_id
    assert set(questions()) == set(CANONICAL)


def test_question_text_is_the_questionnaire_wording():
    for link_id, item in questions().items():
        assert item["text"] == yaml_items()[link_id]["text"], link_id


def test_every_question_lists_its_answers_as_codings_with_the_on_screen_labels():
    for link_id, item in questions().items():
        source = yaml_items()[link_id]
        canonical = CANONICAL[link_id]
        assert item["type"] == "choice", link_id
        options = [(o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in item["answerOption"]]
        if canonical.type == "yes_no":
            assert options == [("true", "Yes"), ("false", "No")], link_id
        else:
            assert options == [(as_code(o["value"]), o["label"]) for o in source["options"]], link_id
            assert {code for code, _ in options} == {as_code(v) for v in canonical.values}, link_id
        assert item.get("repeats", False) is (canonical.type == "multi_choice"), link_id


def test_multi_choice_and_numeric_codes_keep_their_canonical_text():
    q = questions()
    assert [o["valueCoding"]["code"] for o in q["prior_care.episodes_lifetime"]["answerOption"]] == [
        "0",
        "1",
        "2_3",
        "4_plus",
    ]
    assert [o["valueCoding"]["code"] for o in q["bam.14"]["answerOption"]] == ["4", "0"]
    assert [o["valueCoding"]["code"] for o in q["readiness.ruler"]["answerOption"]] == [
        str(n) for n in range(11)
    ]
    assert q["drugs.substances"]["repeats"] is True


SCORED = {"auditc", "taps1", "phq9", "gad7", "bam", "mspss"}
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"


def test_scored_instrument_answers_carry_their_score():
    checked = 0
    for link_id, item in questions().items():
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


def test_conditional_items_have_enable_when_on_earlier_questions_only():
    order = [item["linkId"] for item in walk(fhir_export()["item"])]
    for link_id, item in questions().items():
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


def test_enable_when_agrees_with_is_asked_on_300_random_screens():
    questionnaire = load_questionnaire()
    items = questions()
    rng = random.Random(20240501)
    seen: dict[str, set[bool]] = {link_id: set() for link_id, item in items.items() if "enableWhen" in item}
    for _ in range(300):
        answers = random_screen(rng, questionnaire)["answers"]
        coded = fhir_answers(answers)
        for link_id, item in items.items():
            asked = questionnaire.is_asked(link_id, answers)
            assert fhir_enabled(item, coded) is asked, (link_id, asked, answers)
            if link_id in seen:
                seen[link_id].add(asked)
    # Not vacuous: every conditional item was both asked and skipped somewhere in the sample.
    assert {link_id: outcomes for link_id, outcomes in seen.items() if outcomes != {True, False}} == {}


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

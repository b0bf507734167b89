"""The command line (``python -m scoring``): the contract a batch job or an external test suite
relies on (scoring/cli.py, spec section 7). The FHIR export (``fhir-questionnaire``) is tested in
test_fhir.py.

Everything runs in a subprocess, exactly as a caller would run it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from screens import DISPOSITIONS, DOMAINS, FLAGS, bam_asked, baseline, in_recovery, with_answers

from scoring import evaluate
from scoring.sample import random_screen

ROOT = Path(__file__).resolve().parents[2]

# Spec section 7, the keys each instrument must have at least (`bam` only when the BAM was asked).
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


def assert_result_shape(result: dict, screen: dict) -> None:
    """Spec section 7, for a complete screen."""
    assert set(result) >= {
        "disposition",
        "domains",
        "instruments",
        "flags",
        "reasons",
        "partial",
        "rules_version",
    }
    assert result["disposition"] in DISPOSITIONS
    assert result["partial"] is False
    assert set(result["domains"]) == set(DOMAINS)
    for name, levels in DOMAINS.items():
        assert result["domains"][name]["level"] in levels, name
    # The BAM is left out of the result exactly when it was not asked.
    assert ("bam" in result["instruments"]) is bam_asked(screen["answers"])
    for name, keys in INSTRUMENT_KEYS.items():
        if name != "bam" or "bam" in result["instruments"]:
            assert keys <= set(result["instruments"][name]), name
    assert result["instruments"]["auditc"]["band"] in {"positive", "negative"}
    assert result["instruments"]["pcptsd5"]["band"] in {"positive", "negative"}
    mean = result["instruments"]["mspss"]["mean"]
    assert round(mean, 2) == mean
    assert isinstance(result["flags"], list)
    assert result["flags"] == sorted(result["flags"])
    assert set(result["flags"]) <= set(FLAGS)
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
    assert_result_shape(result, low_risk_screen())
    # A calm screen: outpatient, every domain at its lowest, no flag; never used, so no BAM.
    assert result["disposition"] == "outpatient"
    assert result["flags"] == []
    assert result["instruments"]["phq9"] == {"score": 0, "band": "minimal"}
    assert result["instruments"]["mspss"]["mean"] == 6.0
    assert "bam" not in result["instruments"]
    assert result["domains"]["relapse_risk"] == {"level": "not_applicable"}


def test_evaluate_reports_the_bam_of_someone_in_recovery(tmp_path):
    done = run("evaluate", str(write_json(tmp_path / "screen.json", in_recovery(low_risk_screen()))))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert_result_shape(result, in_recovery(low_risk_screen()))
    assert {k: result["instruments"]["bam"][k] for k in ("use", "risk", "protective")} == {
        "use": 0,
        "risk": 0,
        "protective": 24,
    }
    assert result["domains"]["relapse_risk"] == {"level": "low"}


def test_evaluate_reads_standard_input_with_a_dash(tmp_path):
    screen = low_risk_screen("loved_one")
    from_file = run("evaluate", str(write_json(tmp_path / "screen.json", screen)))
    from_stdin = run("evaluate", "-", stdin=json.dumps(screen))
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stderr == ""
    assert from_stdin.stdout == from_file.stdout
    result = json.loads(from_stdin.stdout)
    assert_result_shape(result, screen)
    # The respondent reaches the rules: a loved one's answers are flagged as collateral.
    assert result["flags"] == ["collateral_report"]


@pytest.mark.parametrize("seed", range(8))
def test_evaluate_prints_the_same_result_as_the_rules_module(seed, tmp_path):
    screen = random_screen(random.Random(seed))
    done = run("evaluate", str(write_json(tmp_path / "screen.json", screen)))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert_result_shape(result, screen)
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
    before_safety = (
        "about",
        "auditc",
        "taps1",
        "recovery",
        "withdrawal",
        "medical",
        "phq9",
        "gad7",
        "pcptsd5",
        "mh",
    )
    partial = {k: v for k, v in answers.items() if k.split(".")[0] in before_safety}
    partial.update({"cssrs.1": True, "cssrs.2": True, "cssrs.3": True, "cssrs.4": True})
    done = run("evaluate", "-", stdin=json.dumps({"respondent": "self", "answers": partial}))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result["disposition"] == "urgent"
    assert result["partial"] is True
    assert result["domains"]["safety"] == {"level": "urgent", "triggers": ["suicide_risk_high"]}
    assert result["instruments"]["cssrs"]["risk"] == "high"
    assert result["instruments"]["phq9"] == {"score": 0, "band": "minimal"}
    # Never reached: home (MSPSS) cannot be scored, so it is left out; the BAM is not asked of
    # someone who never drank, used or had a problem.
    assert "bam" not in result["instruments"]
    assert "mspss" not in result["instruments"]
    assert "home_support" not in result["domains"]
    assert {"crisis_resources", "same_day_contact"} <= set(result["flags"])


def test_a_family_members_i_dont_know_is_scored_and_the_same_from_self_is_named_on_stderr():
    screen = with_answers(low_risk_screen("loved_one"), {"cssrs.2": "unknown"})
    done = run("evaluate", "-", stdin=json.dumps(screen))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["domains"]["safety"]["level"] == "elevated"
    assert {"ask_directly", "collateral_report", "crisis_resources"} <= set(result["flags"])

    done = run("evaluate", "-", stdin=json.dumps(dict(screen, respondent="self")))
    assert done.returncode == 2
    assert [line.split(":", 1)[0] for line in done.stderr.strip().splitlines()] == ["cssrs.2"]


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
        assert_result_shape(result, screen)
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

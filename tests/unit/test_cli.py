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

from scoring import evaluate
from scoring.sample import random_screen
from tests.support.spec_screens import (
    DISPOSITIONS,
    DOMAINS,
    FLAGS,
    bam_asked,
    baseline,
    in_recovery,
    raw,
    with_answers,
)

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
    """The shared calm baseline (tests/support/spec_screens.py), as a man: no pregnancy question."""
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


# --- untrusted input: refused cleanly, never a traceback (issue 10, section 4) -----------------
# Each case is a real subprocess, as a batch job runs it; the fuzz tests (tests/fuzz/
# test_fuzz_cli_bytes.py) throw random bytes at the same code in-process.

MIB = 1 << 20


def run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-2000:]
    return done


def screen_bytes(screen: dict | None = None) -> bytes:
    return json.dumps(screen or low_risk_screen()).encode()


def one_screen(text: str | bytes) -> tuple[list[str], subprocess.CompletedProcess]:
    """``evaluate -`` of one screen that must be refused: its stderr lines, and the run."""
    done = run_bytes("evaluate", "-", stdin=text if isinstance(text, bytes) else text.encode())
    assert done.returncode == 2
    assert done.stdout == b""
    return done.stderr.decode().splitlines(), done


BAD_SCREENS = {
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "an answer nested 40 deep": '{"respondent": "self", "answers": {"phq9.1": ' + "[" * 40 + "]" * 40 + "}}",
    "a 5,000-digit integer": '{"respondent": "self", "answers": {"phq9.1": ' + "9" * 5000 + "}}",
    "NaN": '{"respondent": "self", "answers": {"phq9.1": NaN}}',
}
REFUSALS = {
    "nested 100,000 deep": "nested more than 32 deep",
    "an answer nested 40 deep": "nested more than 32 deep",
    "a 5,000-digit integer": "not valid JSON here: a number has more than 4,300 digits",
    "NaN": "not valid JSON: NaN is not a JSON number",
}


@pytest.mark.parametrize("name", BAD_SCREENS)
def test_json_python_cannot_take_is_refused_with_a_message_and_exit_2(name):
    assert one_screen(BAD_SCREENS[name])[0] == [f"screen: {REFUSALS[name]}"]


def test_latin_1_bytes_are_refused_naming_the_byte():
    text = json.dumps(with_answers(low_risk_screen(), {})).replace("}}", ', "café": 1}}', 1)
    lines, _ = one_screen(text.encode("latin-1"))
    assert len(lines) == 1
    assert lines[0].startswith("screen: not UTF-8 text: byte 0xe9 at byte ")


def test_a_key_given_twice_is_an_error_naming_it_not_the_last_one_winning():
    calm = json.dumps(low_risk_screen())
    # phq9.1 given twice: 0, then 3. json.loads would quietly score the 3.
    twice = calm.replace('"phq9.1": 0', '"phq9.1": 0, "phq9.1": 3')
    assert twice != calm
    assert one_screen(twice)[0] == ["phq9.1: given twice in one object"]
    # And at the top: which respondent is it?
    assert one_screen('{"respondent": "self", "respondent": "loved_one", "answers": {}}')[0] == [
        "respondent: given twice in one object"
    ]


def test_a_megabyte_answer_is_not_echoed_whole():
    huge = "y" * 1_000_000
    lines, _ = one_screen(json.dumps(raw(low_risk_screen(), {"phq9.1": huge})))
    assert len(lines) == 1
    item, message = lines[0].split(": ", 1)
    assert item == "phq9.1"
    assert message.startswith("must be a whole number from 0 to 3 (got 'yyyy")
    # The value shown is cut at 80 characters.
    assert len(message) < 160, message


def test_a_file_over_a_mebibyte_is_refused_unread():
    # 188 MB of unknown ids took 5 GB of memory; a file past the cap is not read at all.
    answers = ",".join(f'"x{n}": 0' for n in range(200_000))
    text = '{"respondent": "self", "answers": {' + answers + "}}"
    assert len(text) > MIB
    lines, _ = one_screen(text)
    assert lines == ["screen: longer than 1,048,576 bytes (the limit): not read"]


def test_a_screen_of_thousands_of_unknown_ids_lists_fifty_and_counts_the_rest():
    answers = dict(low_risk_screen()["answers"], **{f"x{n}": 0 for n in range(5000)})
    lines, _ = one_screen(json.dumps({"respondent": "self", "answers": answers}))
    assert len(lines) == 51
    assert lines[:2] == ["x0: unknown item id", "x1: unknown item id"]
    assert lines[-1] == "screen: and 4,950 more problems not listed"


def test_an_item_id_with_a_newline_or_a_lone_surrogate_stays_on_its_own_line():
    screen = '{"respondent": "self", "answers": {"phq9.1\\nphq9.2: forged": 0, "\\ud800": 1}}'
    lines, _ = one_screen(screen)
    named = [line for line in lines if "forged" in line or "ud800" in line]
    assert named == ["phq9.1\\nphq9.2: forged: unknown item id", "\\ud800: unknown item id"]


def jsonl_lines(text: bytes) -> tuple[list[dict], list[str], int]:
    done = run_bytes("evaluate", "--jsonl", "-", stdin=text)
    return (
        [json.loads(line) for line in done.stdout.decode().splitlines()],
        done.stderr.decode().splitlines(),
        done.returncode,
    )


def test_jsonl_writes_exactly_one_line_per_input_line_whatever_the_line_holds():
    screens = distinct_screens(2)
    good = [screen_bytes(s) for s in screens]
    lines_in = [
        good[0],
        BAD_SCREENS["nested 100,000 deep"].encode(),
        BAD_SCREENS["a 5,000-digit integer"].encode(),
        '{"respondent": "self", "answers": {"café": 1}}'.encode("latin-1"),
        b'{"respondent": "self", "respondent": "loved_one", "answers": {}}',
        b'{"respondent": "self", "answers": {"\\ud800": 0}}',
        b"[" + b"0," * MIB + b"0]",  # past the line cap
        BAD_SCREENS["NaN"].encode(),
        good[1] + b"\r",  # a Windows line ending
    ]
    out, err, status = jsonl_lines(b"\n".join(lines_in) + b"\n")
    assert status == 2
    assert len(out) == len(lines_in)
    assert out[0] == json.loads(json.dumps(evaluate(screens[0])))
    assert out[-1] == json.loads(json.dumps(evaluate(screens[1])))
    refused = out[1:-1]
    assert [e["errors"][0]["item"] for e in refused] == [
        "screen", "screen", "screen", "respondent", "\ud800", "screen", "screen",
    ]  # fmt: skip
    messages = [e["errors"][0]["message"] for e in refused]
    assert messages[0] == REFUSALS["nested 100,000 deep"]
    assert messages[1] == REFUSALS["a 5,000-digit integer"]
    assert messages[2].startswith("not UTF-8 text: byte 0xe9")
    assert messages[3] == "given twice in one object"
    assert messages[4] == "unknown item id"
    assert messages[5] == "longer than 1,048,576 bytes (the limit): not read"
    assert messages[6] == REFUSALS["NaN"]
    # stderr names every refused line by number.
    assert [line.split(":")[0] for line in err] == [f"line {n}" for n in range(2, 9)]


def test_jsonl_lines_past_the_cap_cost_no_more_than_a_line():
    # 40 MiB on one line among ordinary ones: skipped in pieces, the next line still scored.
    screen = screen_bytes()
    text = screen + b"\n" + b'{"answers": "' + b"x" * (40 * MIB) + b'"}\n' + screen + b"\n"
    out, err, status = jsonl_lines(text)
    assert status == 2
    assert len(out) == 3
    assert out[0] == out[2] and out[0]["disposition"] == "outpatient"
    assert out[1] == {
        "errors": [{"item": "screen", "message": "longer than 1,048,576 bytes (the limit): not read"}]
    }
    assert err == ["line 2: 1 problem(s): screen"]

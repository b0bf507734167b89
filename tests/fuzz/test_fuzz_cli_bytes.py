"""Fuzzing both command lines with bytes: ``python -m scoring evaluate`` (one screen, and
``--jsonl``) and ``python -m intake import``, whatever the file holds.

Inputs: random bytes; deep nesting; numbers of thousands of digits; keys given twice; Latin-1;
and valid screens (and import lines) with one corruption each (a byte changed, bytes inserted, a
newline in the middle, cut short, a key doubled, a huge number, a lone surrogate, a NUL).

What must hold: no exception ever leaves main() (no traceback), the exit status is the documented
one (0 or 2, never 1 on a healthy database), everything printed encodes as UTF-8, and

- evaluate: exit 0 prints a result and nothing on stderr; exit 2 prints nothing on stdout and an
  "item: message" line per problem on stderr;
- evaluate --jsonl: exactly one output line per input line (lines end at a newline; blank lines
  at the very end are not screens), each a result or {"errors": [...]}, exit 2 exactly when one is;
- import: one summary line, stored + refused + already stored = the non-blank lines, the screens
  table grew by "stored" and the audit log by exactly one entry, exit 2 exactly when a line was
  refused.

The CLIs run in this process through their main() (a subprocess costs a second); a handful of
real subprocess runs at the end check the same through ``python -m``.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from junk import json_values, row_counts

from intake import cli as intake_cli
from scoring import cli as scoring_cli
from scoring.sample import random_screen

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"
POOL = [random_screen(random.Random(seed)) for seed in range(200)]
SUMMARY = re.compile(r"(\d+) stored, (\d+) refused(?:, (\d+) already stored)?")


# --- inputs --------------------------------------------------------------------------------------


def _dumps(value: object) -> bytes:
    return json.dumps(value).encode()


def deep(depth: int, opener: bytes) -> bytes:
    if opener == b"[":
        return b"[" * depth + b"0" + b"]" * depth
    return b'{"a": ' * depth + b"0" + b"}" * depth


NESTED = st.one_of(
    st.builds(deep, st.integers(0, 3000), st.sampled_from([b"[", b"{"])),
    # Deep inside an otherwise valid screen, and left open.
    st.builds(
        lambda depth, screen: _dumps(screen).replace(b'"answers": {', b'"answers": {"x": ' + b"[" * depth, 1),
        st.integers(1, 200),
        st.sampled_from(POOL),
    ),
)


@st.composite
def huge_numbers(draw) -> bytes:
    """Numbers past Python's 4,300-digit limit: alone, as an answer, or as a float."""
    digits = b"9" * draw(st.integers(4000, 6000))
    sign = draw(st.sampled_from([b"", b"-"]))
    where = draw(st.sampled_from(["alone", "answer", "float"]))
    if where == "alone":
        return sign + digits
    if where == "float":
        return sign + b"1." + digits + draw(st.sampled_from([b"", b"e" + digits]))
    screen = _dumps(draw(st.sampled_from(POOL)))
    return screen.replace(b'"phq9.1": ', b'"phq9.1": ' + sign + digits + b', "extra": ', 1)


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in pairs) + "}"


@st.composite
def doubled_keys(draw) -> bytes:
    """A valid screen written with one key given twice, at the top or among the answers."""
    screen = draw(st.sampled_from(POOL))
    answers = [(key, json.dumps(value)) for key, value in screen["answers"].items()]
    top = [("respondent", json.dumps(screen["respondent"]))]
    if draw(st.booleans()):
        key, value = draw(st.sampled_from(answers))
        answers.append((key, draw(st.sampled_from([value, "0", '"unknown"', "true"]))))
    else:
        top.append(("respondent", '"self"'))
    return _object([*top, ("answers", _object(answers))]).encode()


CORRUPTIONS = ("flip", "insert", "cut", "latin1", "nul", "newline", "cr", "surrogate", "bom", "digits")


@st.composite
def corrupted(draw, base: st.SearchStrategy[bytes]) -> bytes:
    """One corruption of an otherwise valid line."""
    data = draw(base)
    kind = draw(st.sampled_from(CORRUPTIONS), label="corruption")
    at = draw(st.integers(0, len(data)), label="at")
    if kind == "flip" and data:
        at = min(at, len(data) - 1)
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "cut":
        return data[:at]
    if kind == "latin1":
        return data[:at] + "é".encode("latin-1") + data[at:]
    if kind == "nul":
        return data.replace(b'"', b'"\\u0000', 1) if draw(st.booleans()) else data[:at] + b"\x00" + data[at:]
    if kind == "newline":
        return data[:at] + b"\n" + data[at:]
    if kind == "cr":
        return data[:at] + b"\r" + data[at:]
    if kind == "surrogate":
        return data.replace(b'": ', b'\\ud800": ', 1)
    if kind == "bom":
        return BOM + data
    return re.sub(rb": (\d+)", lambda m: b": " + m.group(1) * draw(st.integers(1, 5000)), data, count=1)


# Seeds, not the pool: hypothesis would run out of the pool's 200 and stop drawing from it.
SCREENS = st.integers(0, 2**32).map(lambda seed: _dumps(random_screen(random.Random(seed))))
TEXTS = st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass"))
JUNK = st.one_of(
    st.binary(max_size=200),
    TEXTS,
    json_values().map(lambda v: json.dumps(v, allow_nan=True).encode()),
    NESTED,
    huge_numbers(),
    doubled_keys(),
)


def thirds(valid: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """A third valid lines, a third corrupted ones, a third junk. Not one_of(valid, corrupted,
    JUNK): one_of flattens JUNK's six branches into its own, and junk would be three in four."""
    kinds = {"valid": valid, "corrupted": corrupted(valid), "junk": JUNK}
    return st.sampled_from(list(kinds)).flatmap(kinds.__getitem__)


LINES = thirds(SCREENS)


@st.composite
def files(draw, lines: st.SearchStrategy[bytes]) -> bytes:
    """A few lines, joined the ways files come: \\n or \\r\\n, a final newline or not, blank lines."""
    chosen = draw(st.lists(st.one_of(lines, st.sampled_from([b"", b"  ", b"\t"])), max_size=5))
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    tail = draw(st.sampled_from([b"", end, end * 2]))
    return end.join(chosen) + tail


# --- running main() in this process --------------------------------------------------------------


@contextmanager
def console(stdin: bytes) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    """stdin from these bytes; stdout and stderr UTF-8 streams as a terminal's (strict, so text
    that cannot be written fails here as it would there)."""
    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        yield out, err
    finally:
        # Detached, not closed: closing a wrapper would close the bytes read after.
        sys.stdout.detach()
        sys.stderr.detach()
        sys.stdin, sys.stdout, sys.stderr = saved


def run_main(main, args: list[str], stdin: bytes) -> tuple[int, str, str]:
    with console(stdin) as (out, err):
        status = main(args)
    return status, out.getvalue().decode(), err.getvalue().decode()


def input_lines(data: bytes) -> list[bytes]:
    """The lines the contract counts: split at newlines (a final newline ends the last line, it
    does not start another), a byte order mark at the start dropped."""
    data = data.removeprefix(BOM)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def blank(line: bytes) -> bool:
    return not line.strip(b" \t\r\n")


# --- python -m scoring evaluate ------------------------------------------------------------------


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(LINES)
@example(b"[" * 100_000)
@example(b'{"respondent": "self", "answers": {"phq9.1": ' + b"9" * 5000 + b"}}")
@example('{"respondent": "self", "answers": {"café": 1}}'.encode("latin-1"))
@example(b'{"respondent": "self", "answers": {"\\ud800\\n": 1}}')
@example(b'{"respondent": "self", "answers": {"phq9.1": NaN}}')
def test_evaluate_one_screen_prints_a_result_or_refuses_with_exit_2(data: bytes):
    status, out, err = run_main(scoring_cli.main, ["evaluate", "-"], data)
    assert status in (0, 2)
    if status == 0:
        event("scored")
        assert err == ""
        assert "disposition" in json.loads(out)
        return
    event("refused")
    assert out == ""
    lines = err.splitlines()
    assert 1 <= len(lines) <= scoring_cli.MAX_ERRORS_SHOWN + 1
    assert all(": " in line for line in lines), lines


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(files(LINES))
@example(b"\n\n")
@example(BOM + b"\n" + _dumps(POOL[0]) + b"\n")
@example(_dumps(POOL[0]) + b"\r" + _dumps(POOL[1]) + b"\n")
@example(b"[" * 2000 + b"\n" + b"9" * 5000 + b"\n\xe9\n")
def test_evaluate_jsonl_answers_every_line_with_exactly_one_line(data: bytes):
    status, out, err = run_main(scoring_cli.main, ["evaluate", "--jsonl", "-"], data)
    lines = input_lines(data)
    while lines and blank(lines[-1]):
        lines.pop()
    answers = out.splitlines()
    assert len(answers) == len(lines), (lines, answers)
    refused = 0
    for answer in answers:
        parsed = json.loads(answer)
        if "errors" in parsed:
            refused += 1
            assert parsed["errors"] and all(
                isinstance(e["item"], str) and isinstance(e["message"], str) and e["message"]
                for e in parsed["errors"]
            )
        else:
            assert "disposition" in parsed
    assert status == (2 if refused else 0)
    assert len(err.splitlines()) == refused
    event(f"{len(lines)} lines, {refused} refused")


# --- python -m intake import ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def import_db(module_db: str) -> Iterator[str]:
    """DATABASE_URL pointing at this module's database, for ``python -m intake`` in-process."""
    from intake.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", module_db)
        get_settings.cache_clear()
        yield module_db
    get_settings.cache_clear()


CONTACT = {"name": "Zebulon", "phone": "555 010 7788", "best_time": "evening"}
TIMES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "2026-01-05T10:00:00Z",
            "2026-01-05",
            "2099-01-01T00:00:00+00:00",
            "1999-12-31T23:59:59",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+14:00",
            "",
            "soon",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    st.integers(),
    json_values(),
)
KEYS = st.one_of(
    st.none(),
    st.text(max_size=70),
    st.sampled_from(["k" * 64, "k" * 65, "key\x00one", "legacy-1", ""]),
    st.integers(),
    json_values(),
)
CONSENTS = st.one_of(
    st.none(), st.text(max_size=40), st.sampled_from(["v" * 33, "2026\x00", "2026-01"]), json_values()
)


FIELDS = {
    "submission_key": (st.uuids().map(str), KEYS),
    "submitted_at": (st.just("2026-01-05T10:00:00+00:00"), TIMES),
    "consented_at": (st.just("2026-01-05T09:50:00"), TIMES),
    "consent_version": (st.just("2026-01"), CONSENTS),
    "contact": (st.just(CONTACT), json_values()),
}


@st.composite
def import_records(draw) -> bytes:
    """A screen as an import line; each other field absent, right, or drawn from the wrong."""
    record = random_screen(random.Random(draw(st.integers(0, 2**32))))
    for name, (right, anything) in FIELDS.items():
        choice = draw(st.integers(0, 5), label=name)
        if choice in (1, 2, 3):
            record[name] = draw(right)
        elif choice == 4:
            record[name] = draw(anything)
    return _dumps(record)


IMPORT_LINES = thirds(import_records())


# A sample of 1,000: each run is a read and two write transactions on SQLite, plus two counts of
# every table.
@settings(max_examples=1_000, deadline=None, derandomize=True)
@given(data=files(IMPORT_LINES))
@example(data=b'{"respondent": "self", "answers": {}, "submission_key": "' + b"k" * 65 + b'"}\n')
@example(
    data=_dumps({**POOL[0], "consent_version": "2026\x00"})
    + b"\n"
    + _dumps({**POOL[1], "consent_version": ["a"]})
)
def test_import_stores_or_refuses_every_line_and_always_summarises_and_audits(import_db: str, data: bytes):
    before = row_counts(import_db)
    status, out, err = run_main(intake_cli.main, ["import", "--format", "jsonl", "-"], data)
    after = row_counts(import_db)
    match = SUMMARY.fullmatch(out.strip())
    assert match, out
    stored, refused, known = (int(n or 0) for n in match.groups())
    assert stored + refused + known == sum(1 for line in input_lines(data) if not blank(line))
    assert after["screens"] - before["screens"] == stored
    assert after["audit_log"] - before["audit_log"] == 1
    assert status == (intake_cli.REFUSED if refused else intake_cli.OK)
    assert all(line.startswith("line ") for line in err.splitlines()), err
    event(f"stored {min(stored, 1)}, refused {min(refused, 1)}, already stored {min(known, 1)}")


# --- a handful of real runs ----------------------------------------------------------------------

NASTY = [
    _dumps(POOL[0]),
    b"[" * 100_000,
    b'{"respondent": "self", "answers": {"phq9.1": ' + b"9" * 5000 + b"}}",
    '{"respondent": "self", "answers": {"café": 1}}'.encode("latin-1"),
    b'{"respondent": "self", "respondent": "loved_one", "answers": {}}',
    b'{"answers": "' + b"x" * (2 << 20) + b'"}',
    b'{"respondent": "self", "answers": {"\\ud800": 0}}',
    _dumps({**POOL[1], "submission_key": "k" * 65}),
    _dumps({**POOL[2], "consent_version": "2026\x00"}),
    _dumps({**POOL[3], "submitted_at": "2099-01-01T00:00:00Z"}),
    _dumps(POOL[4]),
]


def python_m(*args: str, stdin: bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )  # fmt: skip
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-3000:]
    return done


def test_real_runs_of_both_command_lines_on_a_file_of_nasty_lines(sqlite_template: Path, tmp_path: Path):
    database = tmp_path / "iop.db"
    shutil.copyfile(sqlite_template, database)
    data = b"\n".join(NASTY) + b"\n"
    done = python_m("scoring", "evaluate", "--jsonl", "-", stdin=data)
    assert done.returncode == 2
    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(answers) == len(NASTY)
    assert ["errors" in a for a in answers] == [False] + [True] * 9 + [False]

    done = python_m("scoring", "evaluate", "-", stdin=NASTY[5])
    assert done.returncode == 2 and b"1,048,576 bytes" in done.stderr

    env = {"DATABASE_URL": f"sqlite:///{database}"}
    done = python_m("intake", "import", "--format", "jsonl", "-", stdin=data, env=env)
    assert done.returncode == 2
    assert done.stdout.decode().strip() == "2 stored, 9 refused"
    again = python_m("intake", "import", "--format", "jsonl", "-", stdin=data, env=env)
    assert again.stdout.decode().strip() == "0 stored, 9 refused, 2 already stored"

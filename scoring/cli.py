"""``python -m scoring``: the command line for batch use and external test suites.

evaluate FILE|-           one screen in, the result JSON out; invalid: messages on stderr, exit 2
evaluate --jsonl FILE|-   one screen per line in, one result (or {"errors": [...]}) per line out
fhir-questionnaire        the whole questionnaire as one FHIR R4 Questionnaire, as the person
                          answering for themselves sees it (--respondent self, the default)
fhir-questionnaire --respondent loved_one
                          the collateral Questionnaire a family member or friend answers
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import TextIO

from scoring.engine import evaluate
from scoring.questionnaire import QuestionnaireError, load_questionnaire
from scoring.validation import RESPONDENTS, ScreenInvalid

EXIT_INVALID = 2


def _open(path: str) -> TextIO:
    return sys.stdin if path == "-" else open(path, encoding="utf-8")


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _errors_of(text: str) -> tuple[dict | None, list[dict]]:
    """Parse and evaluate one screen: (result, []) or (None, errors)."""
    try:
        screen = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            {
                "item": "screen",
                "message": f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            }
        ]
    try:
        return evaluate(screen), []
    except ScreenInvalid as exc:
        return None, exc.errors


def evaluate_one(source: TextIO, out: TextIO, err: TextIO) -> int:
    result, errors = _errors_of(source.read())
    if errors:
        for error in errors:
            err.write(f"{error['item']}: {error['message']}\n")
        return EXIT_INVALID
    out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


def evaluate_lines(lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    """One output line per input line, so callers can match them by position. Blank lines at
    the very end (a trailing newline or two) are not screens; a blank line in between is an
    error line of its own."""
    status = 0
    pending_blank: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            pending_blank.append(number)
            continue
        for blank in pending_blank:
            status = EXIT_INVALID
            err.write(f"line {blank}: empty line\n")
            out.write(_dumps({"errors": [{"item": "screen", "message": "empty line"}]}) + "\n")
        pending_blank.clear()
        result, errors = _errors_of(line)
        if errors:
            status = EXIT_INVALID
            err.write(f"line {number}: {len(errors)} problem(s): {', '.join(e['item'] for e in errors)}\n")
            out.write(_dumps({"errors": errors}) + "\n")
        else:
            out.write(_dumps(result) + "\n")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description="IOP self-screen rules module")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate_parser = commands.add_parser("evaluate", help="score screens")
    evaluate_parser.add_argument("file", help="a JSON file, or - for standard input")
    evaluate_parser.add_argument("--jsonl", action="store_true", help="one screen per line")
    fhir_parser = commands.add_parser("fhir-questionnaire", help="print the FHIR R4 Questionnaire")
    fhir_parser.add_argument(
        "--respondent",
        choices=RESPONDENTS,
        default="self",
        help="who answers: the person themselves (self) or a family member or friend (loved_one)",
    )
    args = parser.parse_args(argv)

    try:
        load_questionnaire()
    except QuestionnaireError as exc:
        sys.stderr.write(f"questionnaire data is broken: {exc}\n")
        return 1

    if args.command == "fhir-questionnaire":
        from scoring.fhir import build_questionnaire

        resource = build_questionnaire(respondent=args.respondent)
        sys.stdout.write(json.dumps(resource, ensure_ascii=False, indent=2) + "\n")
        return 0

    try:
        source = _open(args.file)
    except OSError as exc:
        sys.stderr.write(f"cannot read {args.file}: {exc.strerror}\n")
        return EXIT_INVALID
    with source:
        if args.jsonl:
            return evaluate_lines(source, sys.stdout, sys.stderr)
        return evaluate_one(source, sys.stdout, sys.stderr)

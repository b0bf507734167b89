"""``python -m scoring``: the command line for batch use and external test suites.

evaluate FILE|-           one screen in, the result JSON out; invalid: messages on stderr, exit 2
evaluate --jsonl FILE|-   one screen per line in, one result (or {"errors": [...]}) per line out,
                          exactly one output line per input line whatever the line holds
fhir-questionnaire        the whole questionnaire as one FHIR R4 Questionnaire, as the person
                          answering for themselves sees it (--respondent self, the default)
fhir-questionnaire --respondent loved_one
                          the collateral Questionnaire a family member or friend answers

Input is untrusted (scoring/strict_json.py): UTF-8 only, a key given twice is an error, at most
1 MiB a screen (a file for ``evaluate FILE``, a line for ``--jsonl``, which streams: memory
stays at one line's worth however long the file), 32 levels of nesting, values echoed in a
message cut to 80 characters, at most 50 problems listed a screen. Exit status: 0 every screen
scored, 2 at least one refused (or the file cannot be read), 1 the questionnaire data is broken.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import BinaryIO, TextIO

from scoring import strict_json
from scoring.engine import Result, evaluate
from scoring.languages import SOURCE, languages
from scoring.questionnaire import QuestionnaireError, load_questionnaire
from scoring.validation import RESPONDENTS, ScreenInvalid
from scoring.vocab import Respondent

# One problem with a screen: ``{"item": ..., "message": ...}``.
Problem = dict[str, str]

EXIT_INVALID = 2
# A screen of a megabyte of unknown ids has a hundred thousand problems; the first few say enough.
MAX_ERRORS_SHOWN = 50


def _open(path: str) -> BinaryIO:
    return sys.stdin.buffer if path == "-" else open(path, "rb")


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _dumps_errors(errors: list[Problem]) -> str:
    # ASCII: an item id echoed from the input may hold a lone surrogate, which no UTF-8 stream
    # can write; escaped, it is still the same JSON.
    return json.dumps({"errors": errors}, separators=(",", ":"))


def _refusal(message: str, item: str = "screen") -> list[Problem]:
    return [{"item": item, "message": message}]


def _capped(errors: list[Problem]) -> list[Problem]:
    if len(errors) <= MAX_ERRORS_SHOWN:
        return errors
    more = len(errors) - MAX_ERRORS_SHOWN
    return errors[:MAX_ERRORS_SHOWN] + _refusal(f"and {more:,} more problems not listed")


def _errors_of(data: bytes | None) -> tuple[Result | None, list[Problem]]:
    """Parse and evaluate one screen (None: too long to read): (result, []) or (None, errors)."""
    if data is None:
        return None, _refusal(strict_json.too_long_message())
    try:
        screen = strict_json.parse(data)
    except strict_json.Refused as exc:
        return None, _refusal(exc.message, exc.item or "screen")
    try:
        return evaluate(screen), []
    except ScreenInvalid as exc:
        return None, exc.errors


def _message(text: str) -> str:
    return strict_json.shown(text, limit=1000)


def evaluate_one(source: BinaryIO, out: TextIO, err: TextIO) -> int:
    result, errors = _errors_of(strict_json.read_document(source))
    if errors:
        for error in _capped(errors):
            err.write(f"{strict_json.shown(error['item'])}: {_message(error['message'])}\n")
        return EXIT_INVALID
    out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


def evaluate_lines(lines: Iterable[bytes | None], out: TextIO, err: TextIO) -> int:
    """One output line per input line, so callers can match them by position. Lines end at a
    newline; None stands for a line too long to read. Blank lines at the very end (a trailing
    newline or two) are not screens; a blank line in between is an error line of its own."""
    status = 0
    # Blank lines seen since the last screen, counted (a list of a billion newlines' numbers
    # would not be bounded memory): error lines if a screen follows, nothing if the file ends.
    blanks = 0
    for number, line in enumerate(lines, start=1):
        if line is not None and strict_json.is_blank(line):
            blanks += 1
            continue
        for blank in range(number - blanks, number):
            status = EXIT_INVALID
            err.write(f"line {blank}: empty line\n")
            out.write(_dumps_errors(_refusal("empty line")) + "\n")
        blanks = 0
        result, errors = _errors_of(line)
        if errors:
            status = EXIT_INVALID
            items = ", ".join(strict_json.shown(e["item"]) for e in errors[:MAX_ERRORS_SHOWN])
            more = ", ..." if len(errors) > MAX_ERRORS_SHOWN else ""
            err.write(f"line {number}: {len(errors)} problem(s): {items}{more}\n")
            out.write(_dumps_errors(_capped(errors)) + "\n")
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
        default=Respondent.SELF.value,
        help="who answers: the person themselves (self) or a family member or friend (loved_one)",
    )
    fhir_parser.add_argument(
        "--lang",
        choices=languages().codes,
        default=SOURCE,
        help="the language of text and display (the others ride in translation extensions)",
    )
    args = parser.parse_args(argv)

    try:
        load_questionnaire()
    except QuestionnaireError as exc:
        sys.stderr.write(f"questionnaire data is broken: {exc}\n")
        return 1

    if args.command == "fhir-questionnaire":
        from scoring.fhir import build_questionnaire

        resource = build_questionnaire(respondent=args.respondent, lang=args.lang)
        sys.stdout.write(json.dumps(resource, ensure_ascii=False, indent=2) + "\n")
        return 0

    try:
        source = _open(args.file)
    except OSError as exc:
        sys.stderr.write(f"cannot read {args.file}: {exc.strerror}\n")
        return EXIT_INVALID
    try:
        with source:
            if args.jsonl:
                return evaluate_lines(strict_json.read_lines(source), sys.stdout, sys.stderr)
            return evaluate_one(source, sys.stdout, sys.stderr)
    except OSError as exc:
        # A read error part-way (a vanished network file): lines before it were answered.
        sys.stderr.write(f"cannot read {args.file}: {exc.strerror or exc}\n")
        return EXIT_INVALID

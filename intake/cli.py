"""``python -m intake``: staff accounts, import, export, purge, rescore and migrate against DATABASE_URL.

Prints counts and references only: never answers or contact details (except into an export file).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from intake.settings import ConfigError

if TYPE_CHECKING:
    from intake.rescore import Outcome

OK, FAILED, REFUSED = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m intake", description="IOP intake administration")
    commands = parser.add_subparsers(dest="command", required=True)

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True
    )
    add = staff.add_parser("add", help="add a staff member; prints their TOTP secret")
    add.add_argument("email")
    add.add_argument("--role", choices=("intake", "admin"), required=True)
    add.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    staff.add_parser("disable", help="stop a staff member signing in").add_argument("email")
    reset = staff.add_parser("reset-password", help="set a new password and lift a lock-out")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", required=True)
    staff.add_parser("list", help="list staff members")

    imp = commands.add_parser("import", help="import screens, one JSON object a line")
    imp.add_argument("--format", choices=("jsonl",), required=True)
    imp.add_argument("file", help="a file, or - for standard input")

    exp = commands.add_parser("export", help="export screens (stdout by default)")
    exp.add_argument("--format", choices=("jsonl", "csv"), required=True)
    exp.add_argument("--with-contact", action="store_true", help="include names, phones and emails")
    exp.add_argument("--output", help="write to this file (created readable by its owner only)")

    purge = commands.add_parser("purge", help="delete screens and drafts past retention")
    purge.add_argument("--older-than", type=int, metavar="DAYS", help="default IOP_RETENTION_SUBMITTED_DAYS")

    rescore = commands.add_parser(
        "rescore", help="re-score stored screens with the current rules; the old result is kept"
    )
    # Exactly one of the two; default=[] lets argparse tell a missing REFERENCE from an empty one.
    target = rescore.add_mutually_exclusive_group(required=True)
    target.add_argument("references", nargs="*", default=[], metavar="REFERENCE")
    target.add_argument(
        "--all-before", type=_rules_version, metavar="VERSION", help="every screen scored by older rules"
    )
    rescore.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")

    commands.add_parser("migrate", help="bring the database schema up to date")
    return parser


def _rules_version(text: str) -> str:
    from intake.screens import rules_version_key

    if rules_version_key(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rules version (write it like 1.0.0)")
    return text


def _read_password() -> str:
    # One line; the trailing newline from `echo` or a here-string is not part of the password.
    return sys.stdin.readline().rstrip("\r\n")


@contextmanager
def _output(path: str | None):
    if path is None:
        yield sys.stdout
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        yield fh


def _staff(args: argparse.Namespace) -> int:
    from intake import staff
    from intake.db import write_session
    from intake.passwords import PasswordRejected

    try:
        with write_session() as session:
            if args.staff_command == "add":
                member, secret = staff.add_staff(session, args.email, args.role, _read_password())
                print(secret)
                print(
                    f"Added {member.email} ({member.role}). The line above is their TOTP secret: "
                    "enter it in an authenticator app, or scan the QR code at first sign-in.",
                    file=sys.stderr,
                )
            elif args.staff_command == "disable":
                member = staff.disable_staff(session, args.email)
                print(f"Disabled {member.email}; their sessions have ended.", file=sys.stderr)
            elif args.staff_command == "reset-password":
                member = staff.reset_password(session, args.email, _read_password())
                print(
                    f"New password set for {member.email}; lock-out lifted, sessions ended.", file=sys.stderr
                )
            else:
                for m in staff.list_staff(session):
                    state = "disabled" if m.disabled else ("enrolled" if m.totp_enrolled else "not enrolled")
                    print(f"{m.email}\t{m.role}\t{state}")
    except PasswordRejected as exc:
        print(f"Password refused: {exc}", file=sys.stderr)
        return REFUSED
    except (staff.StaffExists, staff.StaffNotFound, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return FAILED
    return OK


def _import(args: argparse.Namespace) -> int:
    from intake.exchange import import_jsonl

    stream: TextIO = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    with stream:
        report = import_jsonl(None, stream)
    for problem in report.problems:
        # Item ids only: a message could quote an answer.
        print(f"line {problem.line}: refused ({', '.join(problem.items)})", file=sys.stderr)
    extra = f", {report.duplicates} already stored" if report.duplicates else ""
    print(f"{report.stored} stored, {report.refused} refused{extra}")
    return REFUSED if report.refused else OK


def _export(args: argparse.Namespace) -> int:
    from intake.exchange import export_csv, export_jsonl

    export = export_jsonl if args.format == "jsonl" else export_csv
    with _output(args.output) as out:
        count = export(None, out, with_contact=args.with_contact)
    print(f"{count} exported", file=sys.stderr)
    return OK


def _purge(args: argparse.Namespace) -> int:
    from intake.db import write_session
    from intake.retention import purge

    if args.older_than is not None and args.older_than < 1:
        print("--older-than must be at least 1 day", file=sys.stderr)
        return REFUSED
    with write_session() as session:
        report = purge(session, older_than_days=args.older_than, actor="cli")
    print(f"purged {report.screens} screens, {report.drafts} drafts")
    return OK


def _rescore(args: argparse.Namespace) -> int:
    from intake.rescore import CURRENT, NOT_RESCORED, RESCORED, rescore

    report = rescore(None, args.references, all_before=args.all_before, dry_run=args.dry_run)
    for version, count in sorted(report.unversioned.items()):
        print(
            f"{count} screens with rules version {version!r} left out: name them to re-score them",
            file=sys.stderr,
        )
    done = "would be re-scored" if args.dry_run else "re-scored"
    for outcome in report.outcomes:
        line = _rescore_line(outcome, done)
        print(line, file=sys.stderr if outcome.status == NOT_RESCORED else sys.stdout)
    failed = report.count(NOT_RESCORED)
    summary = (
        f"{report.count(RESCORED)} {done}, {failed} could not be re-scored, "
        f"{report.count(CURRENT)} already current"
    )
    print(("dry run, nothing changed: " if args.dry_run else "") + summary)
    return REFUSED if failed else OK


def _rescore_line(o: Outcome, done: str) -> str:
    """One screen's outcome: codes the queue shows, and for a refusal item ids only (a message
    could quote an answer)."""
    from intake.rescore import CURRENT, RESCORED
    from scoring import RULES_VERSION

    if o.status == RESCORED:
        return (
            f"{o.reference}: {done} {o.from_version} -> {RULES_VERSION} "
            f"({o.from_disposition} -> {o.to_disposition}, priority {o.from_priority} -> {o.to_priority})"
        )
    if o.status == CURRENT:
        return f"{o.reference}: already scored with rules {RULES_VERSION}"
    why = o.problem or f"its answers do not fit rules {RULES_VERSION} ({', '.join(o.items)})"
    return f"{o.reference}: could not be re-scored, nothing changed: {why}"


def _migrate(_args: argparse.Namespace) -> int:
    from intake.db import current_revision, get_engine

    print(f"database at revision {current_revision(get_engine())}")
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {
        "staff": _staff,
        "import": _import,
        "export": _export,
        "purge": _purge,
        "rescore": _rescore,
        "migrate": _migrate,
    }
    try:
        return handler[args.command](args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return FAILED
    except FileNotFoundError as exc:
        print(f"No such file: {exc.filename}", file=sys.stderr)
        return FAILED

"""``python -m intake``: staff accounts, import, export, purge, rescore, rekey, migrate and alerts against DATABASE_URL.

Prints counts and references only: never answers or contact details (except into an export file).
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, TextIO

from intake.settings import ConfigError

if TYPE_CHECKING:
    from intake.exchange import LineProblem
    from intake.rescore import Outcome

OK, FAILED, REFUSED = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    from intake.vocab import Role

    parser = argparse.ArgumentParser(prog="python -m intake", description="IOP intake administration")
    commands = parser.add_subparsers(dest="command", required=True)

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True
    )
    add = staff.add_parser("add", help="add a staff member; prints their TOTP secret")
    add.add_argument("email")
    add.add_argument("--role", choices=tuple(Role), required=True)
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
    imp.add_argument(
        "--no-alerts",
        action="store_true",
        help="queue no staff alerts (migrating a backlog staff already know of)",
    )

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

    rekey = commands.add_parser(
        "rekey", help="re-encrypt stored data under the newest key of IOP_FIELD_KEY (resumable)"
    )
    rekey.add_argument(
        "--batch-size", type=_positive, default=500, metavar="ROWS", help="rows per transaction"
    )
    rekey.add_argument(
        "--max-batches", type=_positive, metavar="N", help="stop after N batches; run again to carry on"
    )

    commands.add_parser("migrate", help="bring the database schema up to date")
    _alerts_parser(commands)
    return parser


def _alerts_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from intake.vocab import ROUTE_KINDS

    alerts = commands.add_parser(
        "alerts",
        help="deliver staff alerts (--watch, --once), or manage where they go (route)",
        description="Deliver staff alerts: --watch until stopped, --once what is due now. "
        "Or manage their routes: alerts route add|list|remove.",
    )
    mode = alerts.add_mutually_exclusive_group()
    mode.add_argument("--watch", action="store_true", help="deliver until stopped (SIGTERM or Ctrl-C)")
    mode.add_argument(
        "--once", action="store_true", help="deliver what is due, then exit (1 if any was given up)"
    )
    route = (
        alerts.add_subparsers(dest="alerts_command")
        .add_parser("route", help="where alerts go")
        .add_subparsers(dest="route_command", required=True)
    )
    add = route.add_parser("add", help="alert an email address or a webhook of one kind of screen")
    add.add_argument("--kind", choices=tuple(str(k) for k in ROUTE_KINDS), required=True)
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--email", metavar="ADDR")
    target.add_argument("--webhook", metavar="URL", help="https:// (plain http only to this machine)")
    route.add_parser("list", help="list the routes (webhook URLs masked)")
    route.add_parser("remove", help="remove a route by its id (see route list)").add_argument(
        "id", type=_positive
    )


def _rules_version(text: str) -> str:
    from intake.submission import rules_version_key

    if rules_version_key(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rules version (write it like 1.0.0)")
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 1,000,000")
    return value


def _read_password() -> str:
    # One line; the trailing newline from `echo` or a here-string is not part of the password.
    return sys.stdin.readline().rstrip("\r\n")


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
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
                    if not m.secret_readable:
                        state += ", TOTP secret cannot be read with this key"
                    print(f"{m.email}\t{m.role}\t{state}")
    except PasswordRejected as exc:
        print(f"Password refused: {exc}", file=sys.stderr)
        return REFUSED
    except (staff.StaffExists, staff.StaffNotFound, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return FAILED
    return OK


def _import(args: argparse.Namespace) -> int:
    """Exit 0: every line stored or already stored; 2: some lines refused (the rest stored);
    1: the run stopped early (the summary says where; running the same file again finishes it)."""
    from intake.exchange import import_jsonl
    from scoring.strict_json import read_lines

    # Bytes, line by line: a line that is not UTF-8 is refused on its own, not the whole file.
    try:
        stream: BinaryIO = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror}; nothing imported", file=sys.stderr)
        return FAILED
    with stream:
        report = import_jsonl(None, read_lines(stream), alerts=not args.no_alerts)
    for problem in report.problems:
        print(_import_problem(problem), file=sys.stderr)
    unlisted = report.refused - len(report.problems)
    if unlisted > 0:
        print(f"... and {unlisted} more refused lines not listed", file=sys.stderr)
    extra = f", {report.duplicates} already stored" if report.duplicates else ""
    print(f"{report.stored} stored, {report.refused} refused{extra}")
    if report.failure is not None:
        print(
            f"Import stopped at line {report.failed_at_line}: {report.failure}. The lines before it "
            "are dealt with; run the same file again to finish (stored lines are skipped).",
            file=sys.stderr,
        )
    if not report.audited:
        print("The audit entry of this import could not be written.", file=sys.stderr)
    if report.failure is not None or not report.audited:
        return FAILED
    return REFUSED if report.refused else OK


def _import_problem(problem: LineProblem) -> str:
    line = f"line {problem.line}: refused ({', '.join(problem.items)})"
    # Item ids only, unless the message is the import's own: scoring's could quote an answer.
    if problem.printable:
        line += ": " + "; ".join(problem.messages)
    return line


def _export(args: argparse.Namespace) -> int:
    from intake.exchange import export_csv, export_jsonl

    export = export_jsonl if args.format == "jsonl" else export_csv
    with _output(args.output) as out:
        count = export(None, out, with_contact=args.with_contact)
    print(f"{count} exported", file=sys.stderr)
    return OK


def _purge(args: argparse.Namespace) -> int:
    from intake.db import write_session
    from intake.retention import MAX_DAYS, purge
    from intake.vocab import Actor

    if args.older_than is not None and not 1 <= args.older_than <= MAX_DAYS:
        print(f"--older-than must be at least 1 day and at most {MAX_DAYS:,} (100 years)", file=sys.stderr)
        return REFUSED
    with write_session() as session:
        report = purge(session, older_than_days=args.older_than, actor=Actor.CLI)
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


def _rekey(args: argparse.Namespace) -> int:
    from intake.rekey import rekey

    try:
        report = rekey(None, batch_size=args.batch_size, max_batches=args.max_batches)
    except KeyboardInterrupt:
        print("rekey interrupted: the batches done are kept; run it again to carry on", file=sys.stderr)
        return FAILED
    print(
        f"{report.rewritten} rows re-encrypted under the newest key, {report.current} already under it, "
        f"{report.unreadable} values no key of IOP_FIELD_KEY can read ({report.batches} batches)"
    )
    for table, count in sorted(report.unreadable_by_table.items()):
        print(
            f"{table}: {count} values cannot be read with any key of IOP_FIELD_KEY, left as they are",
            file=sys.stderr,
        )
    if not report.complete:
        print("stopped early: run it again to carry on; keep the old key in IOP_FIELD_KEY until it finishes")
        return OK
    print("complete: the database now records the newest key; older keys can be dropped from IOP_FIELD_KEY")
    return FAILED if report.unreadable else OK


def _migrate(_args: argparse.Namespace) -> int:
    from intake.db import current_revision, get_engine

    print(f"database at revision {current_revision(get_engine())}")
    return OK


def _alerts(args: argparse.Namespace) -> int:
    if args.alerts_command == "route":
        if args.watch or args.once:
            print("route takes no --watch or --once", file=sys.stderr)
            return REFUSED
        return _route(args)
    if not (args.watch or args.once):
        print("say what to do: alerts --watch, alerts --once, or alerts route ...", file=sys.stderr)
        return REFUSED
    from intake.alerts.worker import run_once, watch
    from intake.db import get_engine
    from intake.settings import get_settings

    get_settings()  # refuse a half-set SMTP configuration before anything else
    for warning in _setup_warnings():
        print(warning, file=sys.stderr)
    get_engine()
    if args.once:
        report = run_once()
    else:
        # A worker that will not stop can be asked where it is: kill -USR1 <pid> prints every
        # thread's stack to stderr (no answers or identifiers are in a stack, only code lines).
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        print("alert worker started; stop it with Ctrl-C or SIGTERM", file=sys.stderr)
        report = watch()
    print(
        f"{report.sent} sent, {report.retrying} to retry, {report.given_up} given up, "
        f"{report.escalated} escalated"
    )
    return FAILED if report.given_up else OK


def _setup_warnings() -> list[str]:
    from intake.alerts.routes import list_routes, setup_warnings
    from intake.db import read_session
    from intake.settings import get_settings

    with read_session() as session:
        return setup_warnings(list_routes(session), get_settings())


def _route(args: argparse.Namespace) -> int:
    from intake.alerts import routes
    from intake.db import read_session, write_session
    from intake.vocab import Actor, Channel

    try:
        if args.route_command == "add":
            channel = Channel.EMAIL if args.email is not None else Channel.WEBHOOK
            with write_session() as session:
                route = routes.add_route(session, args.kind, channel, args.email or args.webhook, Actor.CLI)
            print(f"added route {route.id}: {route.kind} alerts to {route.channel} {route.shown_target}")
        elif args.route_command == "remove":
            with write_session() as session:
                routes.remove_route(session, args.id, Actor.CLI)
            print(f"removed route {args.id}")
        else:
            with read_session() as session:
                listed = routes.list_routes(session)
            for r in listed:
                print(f"{r.id}\t{r.kind}\t{r.channel}\t{r.shown_target}")
            if not listed:
                print("no alert routes", file=sys.stderr)
    except (routes.RouteNotFound, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return FAILED
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {
        "staff": _staff,
        "import": _import,
        "export": _export,
        "purge": _purge,
        "rescore": _rescore,
        "rekey": _rekey,
        "migrate": _migrate,
        "alerts": _alerts,
    }
    try:
        return handler[args.command](args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return FAILED
    except FileNotFoundError as exc:
        print(f"No such file: {exc.filename}", file=sys.stderr)
        return FAILED

"""``python -m intake`` run as an administrator would, in a subprocess with DATABASE_URL set."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from intake import cli
from intake.db import head_revision, read_session, write_session
from intake.queue import queue_page
from intake.staff import list_staff
from scoring.sample import random_screen
from tests.support.factories import CONTACT, T0, submit

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lantern orchard velvet compass"


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The real thing, as an administrator types it (about a second each, so used sparingly)."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "intake", *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60,
    )  # fmt: skip


def test_staff_add_prints_a_base32_totp_secret_and_refuses_a_weak_password(engine, database_url):
    added = run(
        database_url,
        "staff",
        "add",
        "Kim@Example.org",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert len(secret) == 32 and len(base64.b32decode(secret)) == 20
    assert PASSWORD not in added.stdout + added.stderr

    weak = run(
        database_url,
        "staff",
        "add",
        "lee@example.org",
        "--role",
        "intake",
        "--password-stdin",
        stdin="password\n",
    )
    assert weak.returncode == 2 and weak.stdout == ""
    assert "Password refused" in weak.stderr and "at least 15 characters" in weak.stderr
    with read_session(engine) as session:
        assert [(m.email, m.role, m.totp_enrolled) for m in list_staff(session)] == [
            ("kim@example.org", "admin", False)
        ]


def main(*args: str, stdin: str = "") -> int:
    """The same command in this process (DATABASE_URL from ``database_env``), for the cheaper checks."""
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.main(list(args))
    finally:
        sys.stdin = sys.__stdin__


def test_staff_disable_and_reset_password(engine, database_env, capsys):
    assert (
        main("staff", "add", "kim@example.org", "--role", "intake", "--password-stdin", stdin=PASSWORD) == 0
    )
    assert main("staff", "reset-password", "kim@example.org", "--password-stdin", stdin="short\n") == 2
    assert (
        main(
            "staff",
            "reset-password",
            "kim@example.org",
            "--password-stdin",
            stdin="quiet harbour maple ledger\n",
        )
        == 0
    )
    assert main("staff", "disable", "kim@example.org") == 0
    assert main("staff", "disable", "nobody@example.org") == 1
    assert "no staff member nobody@example.org" in capsys.readouterr().err
    with read_session(engine) as session:
        assert [(m.email, m.disabled) for m in list_staff(session)] == [("kim@example.org", True)]
    main("staff", "list")
    assert capsys.readouterr().out == "kim@example.org\tintake\tdisabled\n"


def test_import_reports_bad_lines_by_number_and_item_and_stores_only_good_ones(
    engine, database_url, tmp_path
):
    rng = random.Random(11)
    bad = random_screen(rng)
    bad["answers"]["phq9.1"] = 7
    lines = [random_screen(rng), bad, random_screen(rng), {"respondent": "friend", "answers": {}}]
    path = tmp_path / "screens.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    done = run(database_url, "import", "--format", "jsonl", str(path))
    assert done.returncode == 2
    assert done.stdout.strip() == "2 stored, 2 refused"
    # Scoring's messages could quote an answer: item ids only. The import's own say what is wrong.
    assert done.stderr.splitlines() == [
        "line 2: refused (phq9.1)",
        "line 4: refused (respondent): must be self or loved_one",
    ]
    assert "7" not in done.stderr  # the wrong answer itself is never printed
    with read_session(engine) as session:
        assert len(queue_page(session).rows) == 2


EVIL_NAME = "=cmd|' /C calc'!A0"


def test_export_leaves_contact_out_unless_asked_and_escapes_csv(engine, database_url):
    with write_session(engine) as session:
        ref = submit(session, "iop", contact=dict(CONTACT, name=EVIL_NAME))
    plain = run(database_url, "export", "--format", "jsonl")
    assert plain.returncode == 0 and plain.stderr.strip() == "1 exported"
    record = json.loads(plain.stdout)
    assert record["reference"] == ref and "contact" not in record and "Quixote" not in plain.stdout

    table = run(database_url, "export", "--format", "csv", "--with-contact")
    row = next(csv.DictReader(io.StringIO(table.stdout)))
    assert row["reference"] == ref and row["name"] == "'" + EVIL_NAME and row["phone"] == "5558675309"


def test_export_to_a_private_file_and_de_identified_csv(engine, database_env, tmp_path, capsys):
    with write_session(engine) as session:
        submit(session, "iop", contact=CONTACT)
    out = tmp_path / "full.jsonl"
    assert main("export", "--format", "jsonl", "--with-contact", "--output", str(out)) == 0
    assert json.loads(out.read_text())["contact"]["email"] == CONTACT["email"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main("export", "--format", "csv") == 0
    table = capsys.readouterr().out
    assert "Quixote" not in table and not {"name", "phone", "email"} & set(
        next(csv.reader(io.StringIO(table)))
    )


def test_purge_deletes_old_screens(engine, database_url):
    with write_session(engine) as session:
        submit(session, "iop", at=T0.replace(year=2020))
        kept = submit(session, "iop")
    done = run(database_url, "purge", "--older-than", "365")
    assert done.returncode == 0 and done.stdout.startswith("purged 1 screens")
    with read_session(engine) as session:
        assert [r.reference for r in queue_page(session).rows] == [kept]


def test_purge_refuses_zero_days(database_env, capsys):
    assert main("purge", "--older-than", "0") == 2
    assert "at least 1 day" in capsys.readouterr().err


def test_migrate_creates_a_new_database(tmp_path):
    done = run(f"sqlite:///{tmp_path / 'new' / 'iop.db'}", "migrate")
    assert done.returncode == 0 and done.stdout.strip() == f"database at revision {head_revision()}"
    assert (tmp_path / "new" / "iop.db").exists()


def test_production_without_a_field_key_refuses_with_the_variable_name(tmp_path, monkeypatch):
    monkeypatch.setenv("IOP_ENV", "production")
    monkeypatch.delenv("IOP_FIELD_KEY")
    done = run(f"sqlite:///{tmp_path / 'iop.db'}", "staff", "list")
    assert done.returncode == 1 and "IOP_FIELD_KEY" in done.stderr


# --- import: every bad line refused cleanly, nothing half-stored (issue 10, section 4) ---------


def import_file(tmp_path: Path, lines: list[bytes], capsys) -> tuple[int, str, list[str]]:
    """``python -m intake import`` of these lines, in this process: (exit status, stdout, stderr lines)."""
    path = tmp_path / f"screens-{len(list(tmp_path.iterdir()))}.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    status = main("import", "--format", "jsonl", str(path))
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err
    return status, printed.out, printed.err.splitlines()


def good_line(seed: int, **extra: object) -> bytes:
    return json.dumps({**random_screen(random.Random(seed)), **extra}).encode()


def stored_keys(engine) -> set[str]:
    from sqlalchemy import select

    from intake.models import Screen

    with read_session(engine) as session:
        return set(session.scalars(select(Screen.submission_key)))


def import_audits(engine) -> list[dict]:
    from intake.audit import browse

    with read_session(engine) as session:
        return [row.detail for row in browse(session, {"action": "import"}).rows]


FUTURE = "2099-01-01T00:00:00+00:00"
# Each of these crashed the import part-way (a traceback, no summary, no audit entry), or was
# stored silently when it should not have been.
BAD_LINES = {
    "a 65-character submission_key": (good_line(90, submission_key="k" * 65), "submission_key"),
    "a submission_key holding NUL": (good_line(91, submission_key="key\x00one"), "submission_key"),
    "a submission_key that is a number": (good_line(92, submission_key=17), "submission_key"),
    "nesting 100,000 deep": (b'{"answers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "(line)"),
    "Latin-1 bytes": (
        '{"respondent": "self", "answers": {}, "consent_version": "é"}'.encode("latin-1"),
        "(line)",
    ),
    "a 5,000-digit number": (
        b'{"respondent": "self", "answers": {"phq9.1": ' + b"9" * 5000 + b"}}",
        "(line)",
    ),
    "a line over 1 MiB": (b'{"answers": "' + b"x" * (1 << 20) + b'"}', "(line)"),
    "a date past year 9999 in UTC": (good_line(93, submitted_at="9999-12-31T23:59:59-23:59"), "submitted_at"),
    "a date before year 1 in UTC": (good_line(94, submitted_at="0001-01-01T00:00:00+14:00"), "submitted_at"),
    "a date in 1999": (good_line(95, submitted_at="1999-12-31T23:00:00+00:00"), "submitted_at"),
    "submitted_at in 2099": (good_line(96, submitted_at=FUTURE), "submitted_at"),
    "consented_at in 2099": (good_line(97, consented_at=FUTURE), "consented_at"),
    "submitted_at as a number": (good_line(98, submitted_at=20260101), "submitted_at"),
    "a 33-character consent_version": (good_line(99, consent_version="v" * 33), "consent_version"),
    "a consent_version holding NUL": (good_line(100, consent_version="2026\x00-01"), "consent_version"),
    "consent_version a list": (good_line(101, consent_version=["a"]), "consent_version"),
    "respondent given twice": (
        b'{"respondent": "loved_one", "respondent": "self", "answers": {}}',
        "respondent",
    ),
}


@pytest.mark.parametrize("case", BAD_LINES)
def test_import_refuses_a_bad_line_by_item_and_stores_the_rest_with_a_summary_and_an_audit_entry(
    case, engine, database_env, tmp_path, capsys
):
    bad, item = BAD_LINES[case]
    status, out, err = import_file(tmp_path, [good_line(1), good_line(2), bad, good_line(3)], capsys)
    assert status == cli.REFUSED
    assert out == "3 stored, 1 refused\n"
    assert len(err) == 1 and err[0].startswith(f"line 3: refused ({item})"), err
    assert len(stored_keys(engine)) == 3
    assert import_audits(engine) == [{"stored": 3, "refused": 1, "duplicates": 0}]


def test_a_refusal_message_never_quotes_the_line(engine, database_env, tmp_path, capsys):
    # Refusals of the import's own say what is wrong, not what the line held.
    secret = "key-of-the-clinic-" + "z" * 60
    status, _, err = import_file(tmp_path, [good_line(1, submission_key=secret)], capsys)
    assert status == cli.REFUSED
    assert err == [
        "line 1: refused (submission_key): must be text of 1 to 64 characters, without control characters"
    ]


def test_a_file_without_submission_keys_imported_twice_is_stored_once(engine, database_env, tmp_path, capsys):
    lines = [good_line(n) for n in range(4)]
    assert import_file(tmp_path, lines, capsys)[:2] == (cli.OK, "4 stored, 0 refused\n")
    assert import_file(tmp_path, lines, capsys)[:2] == (cli.OK, "0 stored, 0 refused, 4 already stored\n")
    keys = stored_keys(engine)
    assert len(keys) == 4 and all(k.startswith("import:") and len(k) == 64 for k in keys)


def test_an_import_file_that_cannot_be_read_is_a_message(database_env, tmp_path, capsys):
    assert main("import", "--format", "jsonl", str(tmp_path)) == cli.FAILED
    assert "Cannot read" in capsys.readouterr().err


def test_purge_refuses_a_number_of_days_past_a_century(database_env, capsys):
    assert main("purge", "--older-than", "99999999999") == 2
    assert "at most 36,500" in capsys.readouterr().err


def test_a_retention_setting_past_a_century_is_a_configuration_error(database_env, settings_env, capsys):
    settings_env(DATABASE_URL=database_env, IOP_RETENTION_SUBMITTED_DAYS="99999999999")
    assert main("purge") == cli.FAILED
    assert "IOP_RETENTION_SUBMITTED_DAYS" in capsys.readouterr().err


def test_a_line_of_thousands_of_unknown_ids_names_fifty(engine, database_env, tmp_path, capsys):
    answers = dict(random_screen(random.Random(5))["answers"], **{f"x{n}": 0 for n in range(5000)})
    line = json.dumps({"respondent": "self", "answers": answers}).encode()
    status, out, err = import_file(tmp_path, [line], capsys)
    assert (status, out) == (cli.REFUSED, "0 stored, 1 refused\n")
    [printed] = err
    assert printed.startswith("line 1: refused (x0, x1, x10, ") and printed.endswith(", and 4,950 more)")

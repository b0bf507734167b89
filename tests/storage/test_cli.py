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

from intake import cli
from intake.db import head_revision, read_session, write_session
from intake.screens import queue_page
from intake.staff import list_staff
from scoring.sample import random_screen
from storage.factories import CONTACT, T0, submit

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
    assert done.stderr.splitlines() == ["line 2: refused (phq9.1)", "line 4: refused (respondent)"]
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

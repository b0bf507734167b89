"""Stored screens keep the rules they were scored with; ``python -m intake rescore`` is the only way
to change that, and it keeps the old result, or changes nothing when the answers no longer fit."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from intake import cli
from intake.audit import browse
from intake.db import alembic_config, make_engine, read_session, write_session
from intake.exchange import export_csv, export_jsonl, import_jsonl
from intake.models import AuditEntry, Screen, ScreenFlag, ScreenResult
from intake.queue import queue_page
from intake.rescore import CURRENT, RESCORED, rescore
from intake.results import result_history
from intake.review import get_screen
from intake.submission import is_partial, submit_screen
from scoring import RULES_VERSION, evaluate
from tests.support.factories import ANSWERS, T0, result

LATER = T0 + timedelta(days=30)
# What a revision-1 screen held: everything but recovery.history, which revision 2 always asks.
REVISION_1 = {item: value for item, value in ANSWERS.items() if item != "recovery.history"}
# Valid under revision 2, and scored differently from the old result below: an unsafe home.
UNSAFE_HOME = {**ANSWERS, "home.safe": False}


def old_result(disposition: str = "iop", flags: tuple[str, ...] = ("collateral_report",), version="1.0.0"):
    """A result as rules 1.x stored it: no "partial" key (results did not carry it then)."""
    made = result(disposition, flags)
    del made["partial"]
    made["rules_version"] = version
    return made


def store(engine, answers: dict, stored_result: dict, *, key: str, respondent: str = "self") -> str:
    with write_session(engine) as session:
        return submit_screen(
            session,
            submission_key=key,
            respondent=respondent,
            answers=answers,
            result=stored_result,
            consent_version="2025-06",
            consented_at=T0,
            submitted_at=T0,
            now=T0,
        )


def snapshot(engine) -> dict:
    """Every stored fact a re-score could change, for every screen, plus the audit log's length."""
    with read_session(engine) as session:
        screens = {
            s.reference: (s.result, s.rules_version, s.disposition, s.priority, s.partial, s.answers)
            for s in session.scalars(select(Screen))
        }
        flags = sorted(session.execute(select(ScreenFlag.screen_id, ScreenFlag.flag, ScreenFlag.priority)))
        return {
            "screens": screens,
            "flags": flags,
            "history": session.scalar(select(func.count()).select_from(ScreenResult)),
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
        }


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    code = cli.main(["rescore", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reads_exports_and_a_repeated_import_leave_an_older_screen_as_it_was(engine):
    line = {"respondent": "self", "answers": REVISION_1, "submission_key": "legacy-1"}
    reference = store(engine, REVISION_1, old_result(), key="legacy-1")
    before = snapshot(engine)
    with read_session(engine) as session:
        [row] = queue_page(session, now=LATER).rows
        detail = get_screen(session, reference, now=LATER)
    with write_session(engine) as session:
        get_screen(session, reference, viewer=1, now=LATER)  # a staff review (audited)
    jsonl, table = io.StringIO(), io.StringIO()
    export_jsonl(engine, jsonl)
    export_csv(engine, table)
    # The same submission again, as a retried import of a file made under revision 1: already
    # stored, so it is neither scored afresh nor refused for lacking recovery.history.
    report = import_jsonl(engine, [json.dumps(line)], now=LATER)

    assert (report.stored, report.refused, report.duplicates) == (0, 0, 1)
    assert (row.disposition, row.priority, row.flags) == ("iop", 3, ("collateral_report",))
    assert detail.rules_version == "1.0.0" and detail.result == old_result() and detail.earlier_results == 0
    assert json.loads(jsonl.getvalue())["result"]["rules_version"] == "1.0.0"
    after = snapshot(engine)
    assert after["audit"] > before["audit"]  # the review and the exports were audited...
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


def test_rescore_keeps_the_old_result_and_replaces_result_flags_and_priority(engine):
    reference = store(
        engine, UNSAFE_HOME, old_result("iop", ("collateral_report", "withdrawal_caution")), key="k1"
    )
    report = rescore(engine, [reference.lower()], now=LATER)

    new = evaluate({"respondent": "self", "answers": UNSAFE_HOME})
    assert new["disposition"] == "outpatient" and new["flags"] == ["home_safety"]
    [outcome] = report.outcomes
    assert (outcome.status, outcome.from_version, outcome.from_priority, outcome.to_priority) == (
        RESCORED, "1.0.0", 3, 5,
    )  # fmt: skip
    with read_session(engine) as session:
        detail = get_screen(session, reference, now=LATER)
        history = result_history(session, reference)
        flag_rows = session.execute(select(ScreenFlag.flag, ScreenFlag.priority)).all()
        by_flag = queue_page(session, {"flag": "home_safety"}, now=LATER).rows
        old_flag = queue_page(session, {"flag": "withdrawal_caution"}, now=LATER).rows
        [entry] = browse(session, {"action": "screen_rescored"}).rows
    assert detail.result == new and detail.rules_version == RULES_VERSION
    assert (detail.disposition, detail.priority, detail.flags, detail.partial) == (
        "outpatient", 5, ("home_safety",), False,
    )  # fmt: skip
    assert detail.earlier_results == 1 and detail.answers == UNSAFE_HOME
    assert [(h.rules_version, h.result, h.replaced_at, h.replaced_by) for h in history] == [
        ("1.0.0", old_result("iop", ("collateral_report", "withdrawal_caution")), LATER, "cli")
    ]
    assert flag_rows == [("home_safety", 5)]  # the copied priority moves with the screen
    assert [r.reference for r in by_flag] == [reference] and old_flag == []
    assert (entry.actor, entry.target, entry.at) == ("cli", reference, LATER)
    assert entry.detail == {
        "from_version": "1.0.0", "to_version": RULES_VERSION, "from_disposition": "iop",
        "to_disposition": "outpatient", "from_priority": 3, "to_priority": 5,
    }  # fmt: skip


def test_a_revision_1_screen_cannot_be_rescored_and_nothing_changes(engine, database_env, capsys):
    reference = store(engine, REVISION_1, old_result(), key="k1")
    before = snapshot(engine)
    code, out, err = run_cli(reference, capsys=capsys)

    assert code == 2
    assert out.strip() == "0 re-scored, 1 could not be re-scored, 0 already current"
    assert err.strip() == (
        f"{reference}: could not be re-scored, nothing changed: its answers do not fit rules "
        f"{RULES_VERSION} (recovery.history)"
    )
    after = snapshot(engine)
    assert after["audit"] == before["audit"] + 1
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }
    with read_session(engine) as session:
        [entry] = browse(session, {"action": "screen_rescore_refused"}).rows
    # Codes only: which items did not fit can tell what someone answered, so the log counts them.
    assert entry.target == reference
    assert entry.detail == {"from_version": "1.0.0", "to_version": RULES_VERSION, "problems": 1}


def test_a_dry_run_says_what_would_happen_and_changes_nothing(engine, database_env, capsys):
    fits = store(engine, UNSAFE_HOME, old_result(), key="k1")
    lacks = store(engine, REVISION_1, old_result(), key="k2")
    before = snapshot(engine)
    code, out, err = run_cli("--dry-run", "--all-before", "2.0.0", capsys=capsys)

    assert snapshot(engine) == before  # not even an audit entry
    assert code == 2
    assert out.splitlines() == [
        f"{fits}: would be re-scored 1.0.0 -> {RULES_VERSION} (iop -> outpatient, priority 3 -> 5)",
        "dry run, nothing changed: 1 would be re-scored, 1 could not be re-scored, 0 already current",
    ]
    assert f"{lacks}: could not be re-scored" in err and "recovery.history" in err


def test_all_before_compares_versions_as_numbers_and_skips_current_and_unnumbered(
    engine, database_env, capsys
):
    current = store(engine, ANSWERS, evaluate({"respondent": "self", "answers": ANSWERS}), key="now")
    refs = {version: store(engine, UNSAFE_HOME, old_result(version=version), key=version) for version in (
        "1.2.0", "1.10.0", "test-1",
    )}  # fmt: skip

    code, out, err = run_cli("--all-before", "1.9", capsys=capsys)
    # 1.10.0 is newer than 1.9 (numbers, not text); "test-1" is no version: left for naming.
    assert code == 0 and out.splitlines()[-1] == "1 re-scored, 0 could not be re-scored, 0 already current"
    assert out.startswith(f"{refs['1.2.0']}: re-scored 1.2.0 -> {RULES_VERSION}")
    assert "1 screens with rules version 'test-1' left out" in err

    report = rescore(engine, [current, refs["test-1"]], all_before="2.0.0", now=LATER)
    assert [(o.reference, o.status) for o in report.outcomes] == [
        (current, CURRENT), (refs["test-1"], RESCORED), (refs["1.10.0"], RESCORED),
    ]  # fmt: skip
    with read_session(engine) as session:
        versions = dict(session.execute(select(Screen.reference, Screen.rules_version)).all())
        assert get_screen(session, current).earlier_results == 0
    assert set(versions.values()) == {RULES_VERSION}


def test_an_unknown_reference_or_a_screen_of_newer_rules_is_not_rescored(engine, database_env, capsys):
    newer = store(engine, UNSAFE_HOME, {**old_result(version="9.0.0"), "partial": False}, key="k1")
    code, out, err = run_cli(newer, "IOP-2222-2222", capsys=capsys)
    assert code == 2 and out.strip() == "0 re-scored, 2 could not be re-scored, 0 already current"
    assert f"{newer}: could not be re-scored, nothing changed: scored by newer rules" in err
    assert "IOP-2222-2222: could not be re-scored, nothing changed: no such screen" in err


def test_rescore_needs_references_or_a_version(capsys):
    for args in ([], ["IOP-2222-2222", "--all-before", "1.0.0"], ["--all-before", "latest"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["rescore", *args])
        assert exit_.value.code == 2
    assert "not a rules version" in capsys.readouterr().err


def test_import_stores_partial_as_the_result_says(engine):
    # Stopped at an urgent answer (cssrs.4): everything after it is missing.
    stopped = {k: v for k, v in ANSWERS.items() if not k.startswith(("safety.", "bam.", "relapse.", "prior", "mspss.", "home.", "practical.", "readiness."))}  # fmt: skip
    stopped.update({"cssrs.2": True, "cssrs.3": True, "cssrs.4": True, "cssrs.5": False})
    # Complete and urgent, with no BAM: not asked of someone who neither drinks nor uses. Under
    # rules 1.x a missing BAM meant a stopped screen; now only the result can say.
    no_bam = {k: v for k, v in ANSWERS.items() if not k.startswith(("bam.", "relapse.", "auditc."))}
    no_bam.update({"auditc.1": 0, "safety.harm_others": True})
    lines = [json.dumps({"respondent": "self", "answers": a, "submission_key": k}) for k, a in (
        ("stopped", stopped), ("no-bam", no_bam),
    )]  # fmt: skip
    assert import_jsonl(engine, lines, now=T0).stored == 2
    with read_session(engine) as session:
        stored = dict(session.execute(select(Screen.submission_key, Screen.partial)).all())
        dispositions = set(session.scalars(select(Screen.disposition)))
    assert stored == {"stopped": True, "no-bam": False} and dispositions == {"urgent"}


def test_partial_is_taken_from_the_result_and_only_guessed_for_rules_1():
    complete_urgent_without_bam = {**result("urgent"), "rules_version": RULES_VERSION}
    del complete_urgent_without_bam["instruments"]["bam"]
    assert is_partial({**complete_urgent_without_bam, "partial": False}) is False
    del complete_urgent_without_bam["partial"]
    with pytest.raises(ValueError, match="partial"):
        is_partial(complete_urgent_without_bam)
    assert is_partial(old_result("urgent")) is False
    stopped = old_result("urgent")
    del stopped["instruments"]["mspss"]
    assert is_partial(stopped) is True


def _empty_url(backend: str, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("pg_database_factory")()


def _alembic(engine, step, target: str) -> None:
    with engine.connect() as conn, conn.begin():
        step(alembic_config(conn), target)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_screen_results_migration_upgrades_and_downgrades_keeping_screens(backend, tmp_path, request):
    engine = make_engine(_empty_url(backend, tmp_path, request))
    try:
        _alembic(engine, command.upgrade, "0002")
        assert "screen_results" not in inspect(engine).get_table_names()
        _alembic(engine, command.upgrade, "head")
        # Stored at head: today's models seal answers, which revision 0002's columns cannot hold.
        reference = store(engine, UNSAFE_HOME, old_result(), key="k1")
        assert rescore(engine, [reference], now=LATER).count(RESCORED) == 1
        with read_session(engine) as session:
            assert session.scalar(select(func.count()).select_from(ScreenResult)) == 1

        _alembic(engine, command.downgrade, "0002")
        assert "screen_results" not in inspect(engine).get_table_names()
        with read_session(engine) as session:
            assert session.scalar(select(Screen.rules_version)) == RULES_VERSION  # the screen stays
        _alembic(engine, command.upgrade, "head")
        assert {c["name"] for c in inspect(engine).get_columns("screen_results")} == {
            "id", "screen_id", "rules_version", "result", "replaced_at", "replaced_by",
        }  # fmt: skip
    finally:
        engine.dispose()

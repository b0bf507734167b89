"""An alert is written in the transaction that stores its screen: both or neither. An import
queues alerts like any submission, unless intake IT migrates a backlog with --no-alerts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake import cli
from intake.alerts.worker import run_once
from intake.db import read_session, write_session
from intake.models import Alert, EscalationCheck, Screen
from intake.vocab import AlertState
from tests.support.factories import submit
from tests.support.screen_builder import screen

from .alert_support import add_route, addressed, outbox, store

URGENT_DESK = "urgent-desk@clinic.example"
EVERYONE = "intake-team@clinic.example"


class PowerCut(Exception):
    """Stands for anything that stops a submission before its commit."""


def stored(engine) -> tuple[int, int, int]:
    """How many screens, alerts and escalation checks the database holds."""
    with read_session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (Screen, Alert, EscalationCheck)
        )


def test_a_screen_and_its_alert_are_stored_together_or_not_at_all(engine):
    add_route(engine, "urgent", URGENT_DESK)

    with pytest.raises(PowerCut), write_session(engine) as session:
        submit(session, "urgent")
        assert session.scalar(select(func.count()).select_from(Alert)) == 1  # queued with the screen
        raise PowerCut
    assert stored(engine) == (0, 0, 0)

    reference = store(engine, "urgent")
    assert stored(engine) == (1, 1, 1)
    [alert] = outbox(engine)
    assert (alert.reference, alert.target, alert.kind, alert.state) == (
        reference,
        URGENT_DESK,
        "urgent",
        AlertState.QUEUED,
    )


def write_jsonl(path: Path, *lines: dict) -> str:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


URGENT_ANSWERS = {"cssrs__2": True, "cssrs__4": True}  # intent: urgent


def test_an_import_queues_alerts_like_any_submission_unless_told_not_to(
    engine, alert_env, mailbox, tmp_path, capsys
):
    add_route(engine, "urgent", URGENT_DESK)
    add_route(engine, "all", EVERYONE)
    backlog = write_jsonl(
        tmp_path / "backlog.jsonl",
        {**screen(**URGENT_ANSWERS), "submission_key": "backlog-1"},
        {**screen(), "submission_key": "backlog-2"},
    )
    assert cli.main(["import", "--format", "jsonl", "--no-alerts", backlog]) == 0
    assert capsys.readouterr().out.strip() == "2 stored, 0 refused"
    # Migrated screens alert nobody, now or when their escalation time passes.
    assert stored(engine) == (2, 0, 0)

    new = write_jsonl(
        tmp_path / "new.jsonl",
        {**screen(**URGENT_ANSWERS), "submission_key": "new-1"},
        {**screen(), "submission_key": "new-2"},
    )
    assert cli.main(["import", "--format", "jsonl", new]) == 0
    assert capsys.readouterr().out.strip() == "2 stored, 0 refused"
    with read_session(engine) as session:
        urgent, calm = (
            session.scalar(select(Screen.reference).where(Screen.submission_key == key))
            for key in ("new-1", "new-2")
        )
    assert sorted((a.reference, a.target) for a in outbox(engine)) == sorted(
        [(urgent, URGENT_DESK), (urgent, EVERYONE), (calm, EVERYONE)]
    )

    # Delivered like any other: the urgent screen to both lists, the calm one to everyone.
    report = run_once(engine)  # imported screens are submitted now
    assert (report.sent, report.given_up) == (3, 0)
    assert addressed(mailbox.wait_for(3)) == sorted(
        [
            (URGENT_DESK, f"IOP intake: a screen needs you (urgent, {urgent})"),
            (EVERYONE, f"IOP intake: a screen needs you (urgent, {urgent})"),
            (EVERYONE, f"IOP intake: a screen needs you (new screen, {calm})"),
        ]
    )

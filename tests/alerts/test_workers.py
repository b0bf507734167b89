"""Real worker processes (``python -m intake alerts --watch``), as intake IT runs them: one
SIGKILLed mid-send and replaced, and two racing on 500 alerts. No alert is lost, and none
reaches the receiver under two identities: every copy carries the alert's one Message-ID.

Each test takes about half a minute a backend (the killed worker's lease must run out), so they
run in the serial phase with the other process-killing tests: ``pytest -m durability``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import distinct, func, select

from intake import clock
from intake.db import read_session, write_session
from intake.models import Alert
from intake.submission import insert_prepared, prepare_screen
from intake.vocab import AlertState, AuditAction
from tests.support.factories import ANSWERS, result

from .alert_support import add_route, audited, message_id, outbox, store, the_alert

pytestmark = pytest.mark.durability

ROOT = Path(__file__).resolve().parents[2]
URGENT_DESK = "urgent-desk@clinic.example"
# The shortest lease settings allow (more than twice the 10 s send timeout): the replacement
# worker takes over the killed one's alert once it runs out.
LEASE_SECONDS = 21
WAIT_SECONDS = 60  # for a worker to start, or a lease to run out and the alert to go
RACED_ALERTS = 500


@dataclass
class Worker:
    process: subprocess.Popen
    folder: Path

    def output(self) -> str:
        return (self.folder / "stdout.txt").read_text() + (self.folder / "stderr.txt").read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        """Stop it as scripts/run.sh does (SIGTERM); returns how many alerts it says it sent."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # the worker prints where each thread is
            time.sleep(1)
            self.kill()
            raise AssertionError(f"SIGTERM did not stop the worker:\n{self.output()}") from None
        assert code == 0, self.output()
        summary = re.search(r"^(\d+) sent, ", (self.folder / "stdout.txt").read_text(), re.M)
        assert summary, self.output()
        return int(summary.group(1))


@pytest.fixture
def start_worker(alert_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Start ``python -m intake alerts --watch`` with this test's database and SMTP settings (the
    environment ``alert_env`` set); any still running at the end are killed."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "IOP_ALERT_LEASE_SECONDS": str(LEASE_SECONDS),
        "IOP_ALERT_POLL_SECONDS": "0.1",
    }

    def start() -> Worker:
        folder = tmp_path / f"worker{len(started) + 1}"
        folder.mkdir()
        with (folder / "stdout.txt").open("wb") as out, (folder / "stderr.txt").open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "intake", "alerts", "--watch"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
        started.append(Worker(process, folder))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def test_a_worker_killed_mid_send_is_replaced_and_its_alert_arrives_under_one_message_id(
    engine, mailbox, start_worker
):
    add_route(engine, "urgent", URGENT_DESK)
    reference = store(engine, "urgent", at=clock.utcnow())
    mailbox.hold_data.set()  # the server takes the message and sits on its reply

    first = start_worker()
    assert mailbox.data_held.wait(WAIT_SECONDS), first.output()
    first.kill()
    mailbox.hold_data.clear()  # it takes the message its sender no longer waits for
    mailbox.wait_for(1)
    killed_claim = the_alert(engine, reference)
    assert (killed_claim.state, killed_claim.attempts) == (AlertState.SENDING, 1)

    second = start_worker()
    received = mailbox.wait_for(2, timeout=WAIT_SECONDS + LEASE_SECONDS)
    wait_until(lambda: the_alert(engine, reference).state == AlertState.SENT, "the alert marked sent")
    assert second.stop() == 1

    alert = the_alert(engine, reference)
    assert alert.attempts == 2
    # The server got it twice (once from each worker); both copies are the same message to it.
    assert len(received) == 2
    assert {r.message_id for r in received} == {message_id(alert)}
    assert [e.target for e in audited(engine, AuditAction.ALERT_SENT)] == [reference]


def queue_alerts(engine, count: int) -> None:
    """``count`` screens submitted in one transaction, each queueing one alert (an every-screen route)."""
    now = clock.utcnow()
    batch = [
        prepare_screen(
            submission_key=f"race-{n}",
            respondent="self",
            answers=dict(ANSWERS),
            result=result("iop"),
            consent_version="2026-01",
            consented_at=now,
            now=now,
        )
        for n in range(count)
    ]
    with write_session(engine) as session:
        insert_prepared(session, batch)


def claimers(engine) -> int:
    """How many workers hold alerts at the moment."""
    with read_session(engine) as session:
        return session.scalar(
            select(func.count(distinct(Alert.claimed_by))).where(Alert.state == AlertState.SENDING)
        )


def sent(engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(Alert).where(Alert.state == AlertState.SENT))


def test_two_workers_racing_on_500_alerts_deliver_each_exactly_once(engine, mailbox, start_worker):
    add_route(engine, "all", "intake-team@clinic.example")
    queue_alerts(engine, RACED_ALERTS)
    # Held until both have claimed a batch, so both take part whichever starts first.
    mailbox.hold_data.set()
    workers = [start_worker(), start_worker()]
    wait_until(lambda: claimers(engine) == 2, "both workers claiming")
    mailbox.hold_data.clear()

    received = mailbox.wait_for(RACED_ALERTS, timeout=WAIT_SECONDS)
    wait_until(lambda: sent(engine) == RACED_ALERTS, "every alert marked sent")
    counts = [worker.stop() for worker in workers]

    assert all(counts) and sum(counts) == RACED_ALERTS, counts
    arrived = Counter(r.message_id for r in received)
    assert len(received) == RACED_ALERTS, [key for key, n in arrived.items() if n > 1][:5]
    assert set(arrived) == {message_id(alert) for alert in outbox(engine)}
    assert {a.state for a in outbox(engine)} == {AlertState.SENT}
    assert len(audited(engine, AuditAction.ALERT_SENT)) == RACED_ALERTS

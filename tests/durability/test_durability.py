"""Nothing is lost or doubled under concurrent writers that crash: 20 writer processes submit 500
screens each, on SQLite (WAL, BEGIN IMMEDIATE) and on PostgreSQL, while the test kills them with
SIGKILL at random moments and starts them again.

Each writer (tests/durability/writer.py) acknowledges a submission (key and reference, fsync'd)
only after its transaction committed, and retries what it had not acknowledged when it was
killed. Afterwards every acknowledged submission must be stored once, intact (a hash of its
answers and result equals the hash of what was sent) under the reference it was acknowledged
with, no writer may have seen "database is locked", and SQLite's integrity check must pass.
The screens are made and scored here, once, and handed to the writers by file.

    .venv/bin/python -m pytest -m durability -s     # -s prints the measured numbers
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.db import dispose_engine, get_engine, read_session
from intake.models import AuditEntry, Screen, ScreenFlag
from scoring import evaluate
from scoring.sample import random_screen

pytestmark = pytest.mark.durability

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")
WRITERS = 20
PER_WRITER = 500
KILLS = 20  # SIGKILLs sent by the test, at random moments
KILL_GAP = (0.2, 1.5)  # seconds between two of them, uniform
# Writers also kill themselves between commit and acknowledgement (about 10 times in a run), so
# the retry of an already committed submission is exercised on every run, not left to luck.
SELF_KILL_RATE = 0.001
RUN_TIMEOUT = 600.0
CONSENT_VERSION = "2026-11-26.1"


def fingerprint(respondent: str, answers: dict, result: dict) -> str:
    canonical = json.dumps([respondent, answers, result], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.fixture(scope="module")
def jobs() -> list[dict]:
    """WRITERS * PER_WRITER random valid screens with their results, each with its key chosen now,
    as the JSON the writers read (a round trip, so the hash is of exactly what they send)."""
    rng = random.Random(20261126)
    consented_at = datetime.now(UTC).isoformat()
    made = []
    for _ in range(WRITERS * PER_WRITER):
        screen = random_screen(rng)
        job = {
            "key": uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            "respondent": screen["respondent"],
            "answers": screen["answers"],
            "result": evaluate(screen),
            "consent_version": CONSENT_VERSION,
            "consented_at": consented_at,
        }
        made.append(json.loads(json.dumps(job)))
    return made


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of its own (not the shared test database: 10,000 rows)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'iop.db'}"
    else:
        url = request.getfixturevalue("pg_database_factory")()
    get_engine(url)  # migrate before the writers start
    dispose_engine(url)
    return url


@dataclass
class Writer:
    folder: Path
    process: subprocess.Popen | None = None
    runs: int = 0
    self_kills: int = 0
    done: bool = False
    acks_at_start: int = 0

    @property
    def acks(self) -> Path:
        return self.folder / "acks.jsonl"

    def start(self, url: str, env: dict[str, str]) -> None:
        self.runs += 1
        self.acks_at_start = self.acks.stat().st_size if self.acks.exists() else 0
        with (self.folder / f"stderr-{self.runs}.txt").open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(WRITER), url, str(self.folder)], cwd=ROOT, env=env, stderr=err
            )

    def working(self) -> bool:
        """Acknowledged something since it (re)started: a kill now lands among submissions."""
        return self.acks.exists() and self.acks.stat().st_size > self.acks_at_start

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stderr(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("stderr-*.txt")))

    def acknowledgements(self) -> list[dict]:
        return [json.loads(line) for line in self.acks.read_text().splitlines()]


@dataclass
class Run:
    seconds: float = 0.0
    kills: int = 0
    writers: list[Writer] = field(default_factory=list)

    @property
    def self_kills(self) -> int:
        return sum(w.self_kills for w in self.writers)

    @property
    def starts(self) -> int:
        return sum(w.runs for w in self.writers)


def prepare_writers(jobs: list[dict], folder: Path) -> list[Writer]:
    writers = []
    for n in range(WRITERS):
        wfolder = folder / f"writer{n:02d}"
        wfolder.mkdir()
        share = jobs[n * PER_WRITER : (n + 1) * PER_WRITER]
        (wfolder / "work.jsonl").write_text("".join(json.dumps(job) + "\n" for job in share))
        writers.append(Writer(wfolder))
    return writers


def check_exits(writers: list[Writer], url: str, env: dict[str, str]) -> None:
    """Mark finished writers done and restart the ones that killed themselves."""
    for w in writers:
        code = None if w.done else w.process.poll()
        if code == 0:
            w.done = True
        elif code == -signal.SIGKILL:
            w.self_kills += 1
            w.start(url, env)
        elif code is not None:
            raise AssertionError(f"{w.folder.name} exited with {code}:\n{w.stderr()[-3000:]}")


def run_writers(writers: list[Writer], url: str, seed: int) -> Run:
    """Start every writer, kill one at random moments (restarting it at once) until all are done."""
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IOP_SELF_KILL_RATE": str(SELF_KILL_RATE)}
    run = Run(writers=writers)
    started = time.monotonic()
    next_kill = started + rng.uniform(*KILL_GAP)
    for w in writers:
        w.start(url, env)
    try:
        while not all(w.done for w in writers):
            check_exits(writers, url, env)
            now = time.monotonic()
            assert now - started < RUN_TIMEOUT, "the writers did not finish in time"
            victims = [w for w in writers if not w.done and w.working()]
            if now >= next_kill and run.kills < KILLS and victims:
                victim = rng.choice(victims)
                victim.kill()
                run.kills += 1
                victim.start(url, env)
                next_kill = now + rng.uniform(*KILL_GAP)
            time.sleep(0.01)
    finally:
        for w in writers:
            if w.process.poll() is None:
                w.kill()
    run.seconds = time.monotonic() - started
    return run


def stored(url: str) -> dict[str, tuple[str, str]]:
    """submission_key -> (reference, fingerprint of what is stored)."""
    with read_session(url) as session:
        rows = session.execute(
            select(Screen.submission_key, Screen.reference, Screen.respondent, Screen.answers, Screen.result)
        )
        return {key: (ref, fingerprint(resp, answers, result)) for key, ref, resp, answers, result in rows}


def counts(url: str) -> dict[str, int]:
    with read_session(url) as session:
        submitted = select(AuditEntry.target).where(AuditEntry.action == "screen_submitted")
        return {
            "screens": session.scalar(select(func.count()).select_from(Screen)),
            "keys": session.scalar(select(func.count(Screen.submission_key.distinct()))),
            "flags": session.scalar(select(func.count()).select_from(ScreenFlag)),
            "audited": session.scalar(select(func.count()).select_from(submitted.subquery())),
            "audited_refs": session.scalar(select(func.count(func.distinct(submitted.subquery().c.target)))),
        }


def sqlite_checks(url: str) -> tuple[str, list]:
    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return integrity, foreign


def summary(backend: str, run: Run, acks: list[dict]) -> str:
    total = [a["total_ms"] for a in acks]
    waits = [a["wait_ms"] for a in acks]
    retries = [a for a in acks if a["retry"]]
    return (
        f"\n[durability {backend}] {len(acks)} submissions by {WRITERS} writers in {run.seconds:.1f} s "
        f"= {len(acks) / run.seconds:.0f} submissions/s; kills: {run.kills} by the test + "
        f"{run.self_kills} between commit and acknowledgement; writer starts: {run.starts}; "
        f"retries: {len(retries)} ({sum(a['was_stored'] for a in retries)} found already committed); "
        f"wait for BEGIN: max {max(waits):.0f} ms; submit transaction: median {statistics.median(total):.1f} ms, "
        f"p99 {statistics.quantiles(total, n=100)[98]:.0f} ms, max {max(total):.0f} ms"
    )


def test_no_submission_is_lost_or_doubled_under_crashes(jobs: list[dict], durable_url: str, tmp_path: Path):
    writers = prepare_writers(jobs, tmp_path)
    run = run_writers(writers, durable_url, seed=20261126)
    acks = [a for w in writers for a in w.acknowledgements()]
    backend = durable_url.split(":", 1)[0]
    print(summary(backend, run, acks))

    errors = "".join(w.stderr() for w in writers)
    assert "database is locked" not in errors
    assert "Traceback" not in errors, errors[-3000:]
    assert run.kills + run.self_kills >= 10, "too few kills to prove anything"
    assert any(a["was_stored"] for a in acks), "no retry of an already committed submission happened"

    sent = {job["key"]: fingerprint(job["respondent"], job["answers"], job["result"]) for job in jobs}
    acked = {a["key"]: a["reference"] for a in acks}
    assert len(acks) == len(acked) == len(sent), "a submission was acknowledged twice, or never"
    rows = stored(durable_url)
    missing = [key for key in acked if key not in rows]
    assert not missing, f"{len(missing)} acknowledged submissions are not stored"
    moved = [key for key, ref in acked.items() if rows[key][0] != ref]
    assert not moved, f"{len(moved)} stored under another reference than acknowledged"
    damaged = [key for key in acked if rows[key][1] != sent[key]]
    assert not damaged, f"{len(damaged)} stored submissions differ from what was sent"
    assert set(rows) == set(sent), "rows stored that nobody sent"

    expected_flags = sum(len(set(job["result"].get("flags", ()))) for job in jobs)
    assert counts(durable_url) == {
        "screens": len(sent),
        "keys": len(sent),
        "flags": expected_flags,
        "audited": len(sent),
        "audited_refs": len(sent),
    }
    if backend == "sqlite":
        dispose_engine(durable_url)
        assert sqlite_checks(durable_url) == ("ok", [])

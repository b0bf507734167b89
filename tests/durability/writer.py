"""One writer process of the durability test: submit this writer's screens, one transaction each.

    python tests/durability/writer.py DATABASE_URL FOLDER

FOLDER holds ``work.jsonl`` (the screens, each with the submission_key chosen for it before any
try), ``acks.jsonl`` (one line per committed submission, written and fsync'd only after the
commit) and ``attempts.txt`` (each key once, before its first try). The test kills this process
with SIGKILL at random and starts it again; on start it skips what was acknowledged and retries
the rest, so a key tried but not acknowledged is a retry after a kill. With IOP_SELF_KILL_RATE
the process also kills itself, at that rate, in the narrowest window: committed, not yet
acknowledged. Imports only intake (no streamlit, no pytest), to start fast.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from intake.db import get_engine, write_session
from intake.models import Screen
from intake.submission import submit_screen


def acknowledged(path: Path) -> set[str]:
    """Keys acknowledged so far; a torn last line (a kill mid-write) is cut off and does not count."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    whole = data[: data.rfind(b"\n") + 1]
    if len(whole) != len(data):
        with path.open("r+b") as f:
            f.truncate(len(whole))
    return {json.loads(line)["key"] for line in whole.splitlines()}


def attempted(path: Path) -> set[str]:
    return set(path.read_text().split()) if path.exists() else set()


def submit(engine, job: dict, *, retry: bool) -> dict:
    """One submit in one write transaction; returns what the acknowledgement records."""
    started = time.monotonic()
    with write_session(engine) as session:
        session.connection()  # BEGIN (IMMEDIATE on SQLite): this is where a writer waits its turn
        locked = time.monotonic()
        # Only for the record: was a retried submission already committed before the kill?
        stored = retry and session.scalar(select(Screen.id).where(Screen.submission_key == job["key"]))
        reference = submit_screen(
            session,
            submission_key=job["key"],
            respondent=job["respondent"],
            answers=job["answers"],
            result=job["result"],
            consent_version=job["consent_version"],
            consented_at=datetime.fromisoformat(job["consented_at"]),
        )
    done = time.monotonic()
    return {
        "key": job["key"],
        "reference": reference,
        "retry": retry,
        "was_stored": bool(stored),
        "wait_ms": round((locked - started) * 1000, 2),
        "total_ms": round((done - started) * 1000, 2),
    }


def main(url: str, folder: Path) -> None:
    jobs = [json.loads(line) for line in (folder / "work.jsonl").read_text().splitlines()]
    acked = acknowledged(folder / "acks.jsonl")
    tried = attempted(folder / "attempts.txt")
    self_kill_rate = float(os.environ.get("IOP_SELF_KILL_RATE", "0"))
    engine = get_engine(url)
    with (folder / "acks.jsonl").open("a") as acks, (folder / "attempts.txt").open("a") as attempts:
        for job in jobs:
            if job["key"] in acked:
                continue
            retry = job["key"] in tried
            if not retry:
                attempts.write(job["key"] + "\n")
                attempts.flush()  # in the kernel now: a SIGKILL cannot lose it
            ack = submit(engine, job, retry=retry)
            if random.random() < self_kill_rate:  # fault injection: the riskiest moment to die
                os.kill(os.getpid(), signal.SIGKILL)
            acks.write(json.dumps(ack) + "\n")
            acks.flush()
            os.fsync(acks.fileno())


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))

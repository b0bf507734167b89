"""Many participants at once: is every submission stored once, and how slow does a step get?

    .venv/bin/python bench/concurrency.py [--participants 200] [--processes 4] [--browsers 5]
                                          [--alone 3] [--backend sqlite|postgresql]

Four scenarios against one fresh database (a SQLite file under bench/out/, or a throwaway
PostgreSQL database on 127.0.0.1:5432 with --backend postgresql, dropped at the end):
  - AppTest, alone:    --alone participants one after another in one process (AppTest: the app
                       script runs in-process, no browser);
  - AppTest, crowd:    --participants AppTest sessions spread over --processes processes, each
                       process interleaving its sessions one click at a time, all processes let go
                       together;
  - Chromium, alone:   --alone participants one after another in Chromium against one
                       ``streamlit run`` server;
  - Chromium, crowd:   --browsers Chromium processes at once against the same server.
Each participant starts, answers every step (the calm answers of the test drivers), sees the
result and sends it. In each "alone" scenario the first participant warms the process or server
up: stored and checked, left out of the latencies.

Measured: stored once (new rows = participants, one per submission key, every reference shown
to a participant is stored); step latency, from a Next click to the next step rendered (AppTest:
the script run the click causes; Chromium: until that run finished on the websocket and the page
is idle), median, 95th percentile and max; the send click until the reference shows (in
Chromium this includes waiting for the button to take the click while the result page's chart
is still being drawn); memory: peak RSS of each AppTest process, and RSS of the streamlit
server process (from /proc) before and at its peak.
Prints a Markdown table and saves it in bench/out/. Times are reported, never asserted; the
exit status is 1 only if a submission was lost or doubled.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest and the app resolve pages/ and questionnaires/ from the checkout

from cryptography.fernet import Fernet  # noqa: E402

# Before anything reads settings (children inherit it): development mode, a throwaway field key.
os.environ["IOP_ENV"] = "development"
os.environ.setdefault("IOP_FIELD_KEY", Fernet.generate_key().decode())
os.environ.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)

PG_ADMIN_URL = os.environ.get("IOP_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RESPONDENTS = ("self", "loved_one")
BARRIER_TIMEOUT = 300  # seconds for every worker to get ready; a broken one fails the run


# --- what one scenario yields ------------------------------------------------------------------


@dataclass
class Outcome:
    """What one worker (or the sum of several) saw."""

    steps: list[float] = field(default_factory=list)  # seconds per Next click
    sends: list[float] = field(default_factory=list)  # seconds per send click
    references: list[str] = field(default_factory=list)
    started: float = float("inf")  # wall clock, time.time()
    ended: float = 0.0
    peak_rss_mb: float = 0.0

    def merge(self, other: Outcome) -> Outcome:
        return Outcome(
            self.steps + other.steps,
            self.sends + other.sends,
            self.references + other.references,
            min(self.started, other.started),
            max(self.ended, other.ended),
            max(self.peak_rss_mb, other.peak_rss_mb),
        )


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- databases ---------------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """A migrated, empty database as a DATABASE_URL; a PostgreSQL one is dropped afterwards."""
    from intake.db import dispose_engine, get_engine

    if backend == "sqlite":
        path = OUT / f"concurrency-{os.getpid()}.db"
        url = f"sqlite:///{path}"
    else:
        name = f"iop_bench_{secrets.token_hex(4)}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    get_engine(url)
    try:
        yield url
    finally:
        dispose_engine(url)
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    engine.dispose()


def stored(url: str) -> dict[str, str]:
    """reference -> submission_key of every stored screen."""
    from sqlalchemy import select

    from intake.db import read_session
    from intake.models import Screen

    with read_session(url) as session:
        return {ref: key for ref, key in session.execute(select(Screen.reference, Screen.submission_key))}


def stored_once(before: dict[str, str], after: dict[str, str], outcome: Outcome, expected: int) -> str:
    """'ok' when the scenario added exactly ``expected`` screens, one per key, all of them shown."""
    new = {ref: key for ref, key in after.items() if ref not in before}
    problems = []
    if len(new) != expected:
        problems.append(f"{len(new)} stored for {expected} participants")
    if len(set(new.values())) != len(new):
        problems.append("a submission key stored twice")
    missing = set(outcome.references) - set(new)
    if missing or len(outcome.references) != expected:
        problems.append(f"{len(missing)} references shown but not stored, {len(outcome.references)} shown")
    return "; ".join(problems) or f"ok ({len(new)} rows, {len(set(new.values()))} keys)"


# --- AppTest participants ----------------------------------------------------------------------


def apptest_walk(wd, respondent: str, outcome: Outcome) -> Iterator[None]:
    """One participant in AppTest, pausing (yield) after every click so others can interleave."""
    at = wd.start(respondent)
    yield
    while wd.stage(at) == "step":
        wd.answer_step(at)
        yield
        if wd.stage(at) == "step":
            outcome.steps.append(timed(lambda: wd.next_step(at)))
            yield
    assert wd.stage(at) == "review", f"stopped at {wd.stage(at)}"
    outcome.steps.append(timed(lambda: wd.click(at, "nav-next")))  # "See my result"
    yield
    outcome.sends.append(timed(lambda: wd.click(at, "nav-submit")))
    assert wd.stage(at) == "sent", f"not sent: {wd.stage(at)}"
    outcome.references.append(wd.wizard(at).reference)


def interleave(walks: list[Iterator[None]]) -> None:
    """Advance every walk one click at a time, round-robin, until all are done."""
    pending = list(walks)
    while pending:
        for walk in list(pending):
            try:
                next(walk)
            except StopIteration:
                pending.remove(walk)


def apptest_worker(url: str, sessions: int, first: int, alone: bool, barrier, results) -> None:
    """A process hosting ``sessions`` AppTest participants, interleaved; or, ``alone``, one after
    another, the first warming the process up (stored, left out of the latencies)."""
    import logging

    os.environ["DATABASE_URL"] = url
    from tests.support import wizard_driver as wd

    # AppTest warns "missing ScriptRunContext" at every session start: harmless, and 200 of them.
    # A filter, not a level: Streamlit resets its loggers' levels when it reloads its config.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )
    outcome = Outcome()
    if alone:
        warm = Outcome()
        interleave([apptest_walk(wd, RESPONDENTS[first % 2], warm)])
        outcome.references += warm.references
    barrier.wait(timeout=BARRIER_TIMEOUT)
    outcome.started = time.time()
    walks = [apptest_walk(wd, RESPONDENTS[(first + n) % 2], outcome) for n in range(int(alone), sessions)]
    for group in [[walk] for walk in walks] if alone else [walks]:
        interleave(group)
    outcome.ended = time.time()
    outcome.peak_rss_mb = peak_rss_mb()
    results.put(outcome)


def run_processes(target, argument_lists: list[tuple]) -> Outcome:
    """Run ``target(*arguments, barrier, results)`` in one spawned process per argument tuple,
    released together through a barrier; the merged outcome."""
    context = mp.get_context("spawn")
    barrier = context.Barrier(len(argument_lists))
    results = context.Queue()
    processes = [context.Process(target=target, args=(*a, barrier, results)) for a in argument_lists]
    for p in processes:
        p.start()
    outcome, pending = Outcome(), len(processes)
    try:
        while pending:
            try:
                outcome = outcome.merge(results.get(timeout=1))
                pending -= 1
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("a worker process failed (its traceback is above)") from None
    finally:
        for p in processes:
            if p.exitcode is None and pending:
                p.kill()
            p.join()
    return outcome


def apptest_alone(url: str, participants: int) -> Outcome:
    return run_processes(apptest_worker, [(url, participants, 0, True)])


def apptest_crowd(url: str, participants: int, processes: int) -> Outcome:
    shares = [participants // processes + (n < participants % processes) for n in range(processes)]
    firsts = [sum(shares[:n]) for n in range(processes)]
    return run_processes(apptest_worker, [(url, s, f, False) for s, f in zip(shares, firsts, strict=True)])


# --- Chromium participants ---------------------------------------------------------------------


def browser_worker(base_url: str, count: int, first: int, alone: bool, barrier, results) -> None:
    """A Chromium process walking ``count`` participants one after another; ``alone``, the first
    warms the server up (stored, left out of the latencies)."""
    from playwright.sync_api import sync_playwright

    from tests.support import browser_driver as driver

    driver.expect.set_options(timeout=60_000)
    outcome = Outcome()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(driver.CHROMIUM), args=driver.LAUNCH_ARGS)
        if alone:
            warm = Outcome()
            browser_walk(driver, browser, base_url, RESPONDENTS[first % 2], warm)
            outcome.references += warm.references
        barrier.wait(timeout=BARRIER_TIMEOUT)
        outcome.started = time.time()
        for n in range(int(alone), count):
            browser_walk(driver, browser, base_url, RESPONDENTS[(first + n) % 2], outcome)
        outcome.ended = time.time()
        browser.close()
    results.put(outcome)


def browser_walk(driver, browser, base_url: str, respondent: str, outcome: Outcome) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    person = driver.Participant(context.new_page(), base_url, respondent)
    plain_next = person.next

    def timed_next() -> None:  # walk_to_review and see_result both click Next through this
        outcome.steps.append(timed(plain_next))

    person.next = timed_next
    person.open()
    person.start()
    person.walk_to_review({})
    person.see_result()
    start = time.perf_counter()
    outcome.references.append(person.send())
    outcome.sends.append(time.perf_counter() - start)
    context.close()


def browsers_alone(base_url: str, participants: int) -> Outcome:
    return run_processes(browser_worker, [(base_url, participants, 0, True)])


def browsers_crowd(base_url: str, browsers: int) -> Outcome:
    return run_processes(browser_worker, [(base_url, 1, n, False) for n in range(browsers)])


# --- the streamlit server and its memory -------------------------------------------------------


def child_pid(word: str) -> int:
    """The pid of this process's child whose command line holds ``word``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and word in command:
            return int(entry.name)
    raise LookupError(f"no child process running {word}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmRSS for {pid}")


class RssWatch:
    """Samples a process's RSS every 0.1 s in a thread; ``before`` and ``peak`` in MB."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = self.peak = rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


# --- the table ---------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    participants: int
    outcome: Outcome
    check: str
    memory: str = ""


def ms(values: list[float], quantile: str) -> str:
    if not values:
        return "–"
    if quantile == "median":
        value = statistics.median(values)
    elif quantile == "p95":
        value = statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    else:
        value = max(values)
    return f"{value * 1000:.0f}"


def table(rows: list[Row], header: str) -> str:
    lines = [
        header,
        "",
        "| scenario | participants | stored once | wall s | Next clicks | Next median ms | Next p95 ms "
        "| Next max ms | send median ms | memory |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        o = r.outcome
        wall = f"{o.ended - o.started:.1f}" if o.ended else "–"
        lines.append(
            f"| {r.scenario} | {r.participants} | {r.check} | {wall} | {len(o.steps)} | "
            f"{ms(o.steps, 'median')} | {ms(o.steps, 'p95')} | {ms(o.steps, 'max')} | "
            f"{ms(o.sends, 'median')} | {r.memory} |"
        )
    return "\n".join(lines)


# --- scenarios ---------------------------------------------------------------------------------


def scenario(url: str, name: str, participants: int, run) -> Row:
    """Run one scenario (``run()`` returns its outcome) and check what it stored."""
    print(f"... {name}", file=sys.stderr, flush=True)
    before = stored(url)
    outcome = run()
    return Row(name, participants, outcome, stored_once(before, stored(url), outcome, participants))


def apptest_rows(url: str, args: argparse.Namespace) -> list[Row]:
    crowd = f"AppTest, {args.participants} at once ({args.processes} processes, interleaved)"
    rows = [
        scenario(url, "AppTest, alone", args.alone, lambda: apptest_alone(url, args.alone)),
        scenario(
            url, crowd, args.participants, lambda: apptest_crowd(url, args.participants, args.processes)
        ),
    ]
    for row in rows:
        row.memory = f"peak RSS per process {row.outcome.peak_rss_mb:.0f} MB"
    return rows


def browser_rows(url: str, args: argparse.Namespace) -> list[Row]:
    from tests.support import browser_driver as driver

    # As deployed: no watching of the checkout (and .venv) for changes, which costs the server
    # CPU whenever anything in it is written.
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    rows = []
    with driver.streamlit_server(url, OUT / "concurrency-server.log") as base_url:
        server = child_pid("streamlit run")
        for name, count, run in (
            ("Chromium, alone", args.alone, lambda: browsers_alone(base_url, args.alone)),
            (
                f"Chromium, {args.browsers} at once",
                args.browsers,
                lambda: browsers_crowd(base_url, args.browsers),
            ),
        ):
            with RssWatch(server) as watch:
                row = scenario(url, name, count, run)
            row.memory = f"server RSS {watch.before:.0f} → peak {watch.peak:.0f} MB"
            rows.append(row)
    return rows


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--participants", type=int, default=200, help="AppTest participants at once (0: no AppTest)"
    )
    parser.add_argument("--processes", type=int, default=4, help="processes the AppTest crowd is spread over")
    parser.add_argument("--browsers", type=int, default=5, help="Chromium participants at once (0: none)")
    parser.add_argument(
        "--alone", type=int, default=3, help="participants one after another, first a warm-up"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    if args.alone < 2:
        parser.error("--alone: at least 2 (the first one only warms up)")
    return args


def main() -> int:
    args = parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with fresh_database(args.backend) as url:
        rows = apptest_rows(url, args) if args.participants else []
        if args.browsers:
            rows += browser_rows(url, args)
    import streamlit

    header = (
        f"Concurrency, backend **{args.backend}**, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Streamlit {streamlit.__version__}"
    )
    report = table(rows, header)
    print(report)
    (OUT / f"concurrency-{args.backend}.md").write_text(report + "\n")
    return 0 if all(r.check.startswith("ok") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Capacity (issue 13): how many participants at once, per replica and through two, beside a bare
Streamlit app with the same widgets measured in the same run.

    .venv/bin/python bench/capacity.py [--quick] [--loads 10 50 100 200] [--window 90]
                                       [--think 3] [--skip-cluster] [--skip-saturation]
                                       [--skip-gc-comparison]

Virtual participants (bench/loadgen/: Locust users speaking Streamlit's WebSocket protocol, no
browser) each open the site, say who is answering and consent, start, answer every step one
question at a time with a think time (default 3 s) before every answer and button press, press
Next, see the result and send it, then start over in a new session. Scenarios, each at every load:
  app, 1 replica:    `streamlit run app.py` on a fresh PostgreSQL database;
  app, 2 replicas:   scripts/run-cluster.sh (2 replicas, nginx with TLS and sticky sessions, the
                     alert worker) on a fresh PostgreSQL database;
  floor, 1 replica:  bench/bare_app/ (the same pages and, step by step, the same widgets with the
                     same keys and labels; no database, scoring, drafts or styling).
Every server reads the project's .streamlit/config.toml, which turns Streamlit's runner.postScriptGC
off (a full gc.collect() after every script run: most of a run's CPU here, see docs/benchmarks.md).
Saturation also runs the app and the floor with it back on (Streamlit's default), to show its cost.
Each load gets fresh servers (and database), one warm-up walk, then Locust ramps the users up
over --ramp seconds, waits --settle seconds, and measures a --window of seconds. Measured: Next
(a step's Next, from sending the click to the run's final script_finished), an answer's rerun
and "See my result" (the result page: chart, PDF) the same way, errors (failed walks and requests), server CPU
(cores used, from /proc) and RSS (the replicas together, idle after warm-up and peak in the
window; nginx, PostgreSQL and the alert worker left out), and the load generator's own CPU.
Then saturation with no think time: users double from 1 until requests a second stop rising
(under 5% more) or the p95 Next passes 1 s, for the app on one replica and the floor, each as
configured and with Streamlit's default post-run GC.
Every server runs in production mode (a cookie secret and a field key made for the run).
Prints Markdown tables and saves them in bench/out/. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from cryptography.fernet import Fernet  # noqa: E402

os.environ["IOP_ENV"] = "development"  # this process only migrates databases; servers get their own
os.environ.setdefault("IOP_FIELD_KEY", Fernet.generate_key().decode())

import streamlit  # noqa: E402

from bench.loadgen.plan import bare_data, plan_for  # noqa: E402
from bench.loadgen.servers import Target, cluster, cpu_seconds, fresh_postgres, replica, rss_mib  # noqa: E402
from bench.loadgen.streamlit_client import StreamlitSession  # noqa: E402
from bench.loadgen.walk import walk  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "loadgen" / "locustfile.py"
ENGINE = "locust"  # or "threads" (bench/loadgen/threaded.py); set from --engine
BARE_DATA = OUT / "bare_app.json"
P95_AIM_MS = 1000.0
FLOOR_AIM = 1.5
AIM_LOAD = 100
APP1, APP2, FLOOR = "app, 1 replica", "app, 2 replicas", "floor, 1 replica"
APP1_GC, FLOOR_GC = "app, 1 replica, with post-run GC", "floor, 1 replica, with post-run GC"
SCENARIOS = (APP1, APP2, FLOOR, APP1_GC, FLOOR_GC)
TAGS = dict(zip(SCENARIOS, ("app1", "app2", "floor1", "app1-gc", "floor1-gc"), strict=True))  # file names
LOAD_SCENARIOS = (APP1, APP2, FLOOR)
SATURATION_SCENARIOS = (APP1, FLOOR, APP1_GC, FLOOR_GC)
WITH_POST_RUN_GC = (APP1_GC, FLOOR_GC)


@dataclass
class Measured:
    scenario: str
    users: int
    next_ms: list[float]
    answer_ms: list[float]
    result_ms: list[float]
    requests: int  # every timed request but whole walks: opens, answers, starts, Nexts, sends
    errors: int
    walks: int
    window: float
    server_cores: float
    loadgen_cores: float
    rss_idle: float
    rss_peak: float

    @property
    def nexts_per_s(self) -> float:
        return len(self.next_ms) / self.window

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.window

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request: what one core's worth of replica can serve, inverted."""
        return self.server_cores * 1000 / self.requests_per_s if self.requests else float("nan")

    def median(self, field: str = "next_ms") -> float:
        values = getattr(self, field)
        return statistics.median(values) if values else float("nan")

    def p95(self, field: str = "next_ms") -> float:
        values = sorted(getattr(self, field))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


# --- servers ----------------------------------------------------------------------------------


def server_env(database_url: str | None, *, post_run_gc: bool = False) -> dict[str, str]:
    env = {
        **os.environ,
        "IOP_ENV": "production",
        "IOP_FIELD_KEY": Fernet.generate_key().decode(),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        "BARE_APP_DATA": str(BARE_DATA),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    if post_run_gc:
        # Streamlit's default, which .streamlit/config.toml turns off: a full gc.collect() after
        # every script run. Back on here only, to show what it costs.
        env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "true"
    return env


@contextmanager
def scenario_target(scenario: str, tag: str) -> Iterator[Target]:
    log = OUT / f"capacity-{tag}.log"
    gc = scenario in WITH_POST_RUN_GC
    if scenario.startswith("floor"):
        with replica("bench/bare_app/app.py", server_env(None, post_run_gc=gc), log) as target:
            yield target
        return
    with fresh_postgres() as url:
        server: AbstractContextManager[Target]
        if scenario == APP2:
            server = cluster(server_env(url), log)
        else:
            server = replica("app.py", server_env(url, post_run_gc=gc), log)
        with server as target:
            yield target


def warm_up(target: Target, walks: int) -> None:
    """Imports, caches, first connections: paid before measuring, as a server that has been up."""
    for _ in range(walks):
        session = StreamlitSession(target.url, ca_file=target.ca_file)
        try:
            walk(session, plan_for("self"))
        finally:
            session.close()


# --- one Locust run ---------------------------------------------------------------------------


def sample_processes(target: Target, locust_pid: int, stop: threading.Event, into: list) -> None:
    while not stop.is_set():
        into.append((time.time(), rss_mib(target.pids), cpu_seconds(target.pids), cpu_seconds([locust_pid])))
        stop.wait(1.0)


def load(
    target: Target,
    scenario: str,
    users: int,
    *,
    think: float,
    ramp: float,
    settle: float,
    window: float,
    tag: str,
) -> Measured:
    samples_path = OUT / f"capacity-{tag}.jsonl"
    samples_path.unlink(missing_ok=True)
    rss_idle = rss_mib(target.pids)
    run_time = ramp + settle + window
    env = {**os.environ, "LOADGEN_THINK": str(think), "LOADGEN_SAMPLES": str(samples_path)}
    if target.ca_file:
        env["LOADGEN_CA_FILE"] = target.ca_file
    if ENGINE == "locust":
        command = [str(Path(sys.executable).with_name("locust")), "--headless", "-f", str(LOCUSTFILE)]
        command += [
            "--host",
            target.url,
            "--users",
            str(users),
            "--spawn-rate",
            f"{max(users / ramp, 1):.3f}",
        ]
        command += ["--run-time", f"{run_time:.0f}s", "--stop-timeout", "0", "--only-summary"]
        command += ["--loglevel", "WARNING", "--skip-log-setup"]
    else:
        command = [
            sys.executable,
            "-m",
            "bench.loadgen.threaded",
            "--host",
            target.url,
            "--users",
            str(users),
        ]
        command += ["--ramp", str(ramp), "--run-time", str(run_time), "--think", str(think)]
        command += ["--samples", str(samples_path)] + (
            ["--ca-file", target.ca_file] if target.ca_file else []
        )
    processes: list[tuple[float, float, float, float]] = []
    stop = threading.Event()
    with (OUT / f"capacity-{tag}-locust.log").open("wb") as log:
        locust = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        sampler = threading.Thread(target=sample_processes, args=(target, locust.pid, stop, processes))
        sampler.start()
        try:
            locust.wait(timeout=run_time + 120)
        finally:
            stop.set()
            sampler.join()
            if locust.poll() is None:
                locust.kill()
    rows = (
        [json.loads(line) for line in samples_path.read_text().splitlines()] if samples_path.exists() else []
    )
    if not rows:
        raise RuntimeError(f"Locust recorded nothing; see bench/out/capacity-{tag}-locust.log")
    # Spawning starts when the first "open" request was sent; the window follows ramp and settle.
    began = min(end - ms / 1000 for end, name, ms, _error in rows if name == "open")
    start, end = began + ramp + settle, began + ramp + settle + window
    inside = [row for row in rows if start <= row[0] < end]
    during = [p for p in processes if start <= p[0] <= end] or processes[-2:]
    span = (during[-1][0] - during[0][0]) or 1.0
    return Measured(
        scenario=scenario,
        users=users,
        next_ms=[ms for _t, name, ms, error in inside if name == "next" and error is None],
        answer_ms=[ms for _t, name, ms, error in inside if name == "answer" and error is None],
        result_ms=[ms for _t, name, ms, error in inside if name == "result" and error is None],
        requests=sum(1 for row in inside if row[1] != "walk" and row[3] is None),
        errors=sum(1 for row in inside if row[3] is not None),
        walks=sum(1 for row in inside if row[1] == "walk" and row[3] is None),
        window=window,
        server_cores=(during[-1][2] - during[0][2]) / span,
        loadgen_cores=(during[-1][3] - during[0][3]) / span,
        rss_idle=rss_idle,
        rss_peak=max(p[1] for p in during),
    )


# --- the benchmark ----------------------------------------------------------------------------


def capacity(
    scenarios: list[str], loads: list[int], args: argparse.Namespace, say: Callable[[str], None]
) -> list[Measured]:
    results = []
    for users in loads:
        window = args.window * 1.6 if users == min(loads) and not args.quick else args.window
        for scenario in scenarios:  # interleaved by load, so drift on a shared machine hits all alike
            tag = f"{TAGS[scenario]}-{users}"
            with scenario_target(scenario, tag) as target:
                warm_up(target, 2 if scenario == APP2 else 1)
                measured = load(
                    target,
                    scenario,
                    users,
                    think=args.think,
                    ramp=args.ramp,
                    settle=args.settle,
                    window=window,
                    tag=tag,
                )
            results.append(measured)
            say(
                f"  {scenario}, {users} users: {len(measured.next_ms)} Nexts, p95 {measured.p95():.0f} ms, "
                f"{measured.errors} errors, {measured.server_cores:.2f} cores, load average {os.getloadavg()[0]:.1f}"
            )
    return results


def saturation(scenario: str, args: argparse.Namespace, say: Callable[[str], None]) -> list[Measured]:
    """No think time; users double until requests a second stop rising or p95 passes the aim."""
    rows: list[Measured] = []
    tag = f"sat-{TAGS[scenario]}"
    with scenario_target(scenario, tag) as target:
        warm_up(target, 1)
        users = 1
        while users <= args.max_saturation_users:
            measured = load(
                target,
                scenario,
                users,
                think=0.0,
                ramp=2.0,
                settle=3.0,
                window=args.saturation_window,
                tag=f"{tag}-{users}",
            )
            rows.append(measured)
            say(
                f"  saturation, {scenario}, {users} users: {measured.requests_per_s:.1f} requests/s, "
                f"{measured.nexts_per_s:.1f} Nexts/s, p95 {measured.p95():.0f} ms"
            )
            # Requests a second (answers and Nexts, in the walk's fixed proportion) count more
            # samples than Nexts alone, so they tell "stopped rising" sooner and surer.
            best = max(r.requests_per_s for r in rows[:-1]) if len(rows) > 1 else 0.0
            if measured.p95() > P95_AIM_MS or (len(rows) > 1 and measured.requests_per_s < best * 1.05):
                break
            users *= 2
    return rows


def fmt(value: float, digits: int = 0) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"  # NaN: no sample


def print_tables(
    results: list[Measured], sat: list[Measured], args: argparse.Namespace, out: Callable[[str], None]
) -> None:
    out(
        f"Think time {args.think:g} s before every answer and button press; ramp {args.ramp:g} s, settle "
        f"{args.settle:g} s, measured window {args.window:g} s ({args.window * 1.6:g} s at the smallest load)."
    )
    out("")
    out(
        "| scenario | users | Next n | Next median ms | Next p95 ms | answer median ms | answer p95 ms | "
        "See my result n | median ms | p95 ms | "
        "errors | walks sent | Nexts/s | requests/s | server CPU cores | server CPU ms per request | "
        "server RSS idle → peak MiB | MiB per user | load generator CPU cores |"
    )
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for m in sorted(results, key=lambda r: (SCENARIOS.index(r.scenario), r.users)):
        per_user = (m.rss_peak - m.rss_idle) / m.users
        out(
            f"| {m.scenario} | {m.users} | {len(m.next_ms)} | {fmt(m.median())} | {fmt(m.p95())} | "
            f"{fmt(m.median('answer_ms'))} | {fmt(m.p95('answer_ms'))} | {len(m.result_ms)} | "
            f"{fmt(m.median('result_ms'))} | {fmt(m.p95('result_ms'))} | {m.errors} | {m.walks} | "
            f"{m.nexts_per_s:.2f} | {m.requests_per_s:.1f} | {m.server_cores:.2f} | {fmt(m.cpu_ms_per_request)} | "
            f"{m.rss_idle:.0f} → {m.rss_peak:.0f} | {per_user:.2f} | "
            f"{m.loadgen_cores:.2f} |"
        )
    out("")
    out(
        f"Against the floor (aims: p95 Next under {P95_AIM_MS:.0f} ms with {AIM_LOAD} users on one replica; "
        f"within {FLOOR_AIM}× of the floor at each load):"
    )
    out("")
    out(
        "| users | app 1 replica ÷ floor, median | ÷ floor, p95 | app 2 replicas ÷ floor, median | ÷ floor, p95 | "
        f"p95 under {P95_AIM_MS:.0f} ms (1 replica) | within {FLOOR_AIM}× (1 replica, p95) |"
    )
    out("|---:|---:|---:|---:|---:|---|---|")
    by = {(m.scenario, m.users): m for m in results}
    for users in sorted({m.users for m in results}):
        one, two, floor = (by.get((s, users)) for s in LOAD_SCENARIOS)
        if floor is None or one is None:
            continue

        def ratio(m: Measured | None, field: Callable[[Measured], float], floor: Measured = floor) -> str:
            return "–" if m is None else f"{field(m) / field(floor):.2f}"

        met = "yes" if one.p95() < P95_AIM_MS else "no"
        within = "yes" if one.p95() / floor.p95() <= FLOOR_AIM else "no"
        out(
            f"| {users} | {ratio(one, Measured.median)} | {ratio(one, Measured.p95)} | {ratio(two, Measured.median)} | "
            f"{ratio(two, Measured.p95)} | {met} ({fmt(one.p95())} ms) | {within} |"
        )
    if sat:
        out("")
        out(
            f"Saturation, no think time (users double until requests a second stop rising by 5% or p95 Next passes "
            f"{P95_AIM_MS:.0f} ms; window {args.saturation_window:g} s each):"
        )
        out("")
        out(
            "| scenario | users | requests/s | Nexts/s | Next median ms | Next p95 ms | answer p95 ms | errors | "
            "server CPU cores | server CPU ms per request | load generator CPU cores |"
        )
        out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for m in sat:
            out(
                f"| {m.scenario} | {m.users} | {m.requests_per_s:.1f} | {m.nexts_per_s:.2f} | {fmt(m.median())} | "
                f"{fmt(m.p95())} | {fmt(m.p95('answer_ms'))} | {m.errors} | {m.server_cores:.2f} | "
                f"{fmt(m.cpu_ms_per_request)} | {m.loadgen_cores:.2f} |"
            )
        for scenario in dict.fromkeys(m.scenario for m in sat):
            rows = [m for m in sat if m.scenario == scenario and m.p95() <= P95_AIM_MS] or [
                m for m in sat if m.scenario == scenario
            ]
            best = max(rows, key=lambda m: m.requests_per_s)
            out(
                f"\nSaturation point, {scenario}: {best.users} users, {best.requests_per_s:.1f} requests/s, "
                f"{best.nexts_per_s:.2f} Nexts/s (p95 Next {fmt(best.p95())} ms)."
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 and 5 users, short windows")
    parser.add_argument("--loads", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--window", type=float, default=60.0, help="measured seconds per load")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds to start all users")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds between ramp and window")
    parser.add_argument("--think", type=float, default=3.0)
    parser.add_argument("--saturation-window", type=float, default=25.0)
    parser.add_argument("--max-saturation-users", type=int, default=64)
    parser.add_argument(
        "--engine",
        choices=("threads", "locust"),
        default="threads",
        help="load generator: OS threads (default; see bench/loadgen/threaded.py for why) or Locust",
    )
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-saturation", action="store_true")
    parser.add_argument(
        "--skip-gc-comparison", action="store_true", help="saturation as shipped only, no post-run GC rows"
    )
    args = parser.parse_args()
    global ENGINE
    ENGINE = args.engine
    if args.quick:
        args.loads, args.window, args.ramp, args.settle, args.think = [2, 5], 15.0, 3.0, 2.0, 0.5
        args.saturation_window, args.max_saturation_users = 8.0, 4

    OUT.mkdir(parents=True, exist_ok=True)
    BARE_DATA.write_text(json.dumps(bare_data("self")))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = OUT / f"capacity-{stamp}.md"
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    began = datetime.now(UTC)
    out(
        f"Capacity, {began:%Y-%m-%d %H:%M} UTC: Streamlit {streamlit.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; "
        f"load generator: {args.engine}"
    )
    scenarios = [s for s in LOAD_SCENARIOS if not (args.skip_cluster and s == APP2)]
    results = capacity(scenarios, args.loads, args, say)
    sat: list[Measured] = []
    if not args.skip_saturation:
        for scenario in SATURATION_SCENARIOS:
            if args.skip_gc_comparison and scenario in WITH_POST_RUN_GC:
                continue
            sat += saturation(scenario, args, say)
    out(f"Finished {datetime.now(UTC):%H:%M} UTC, load average {os.getloadavg()[0]:.1f} at the end.")
    out("")
    print_tables(results, sat, args, out)
    report.write_text("\n".join(lines) + "\n")
    print(f"\nSaved in {report.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

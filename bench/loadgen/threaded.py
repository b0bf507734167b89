"""The load generator bench/capacity.py runs: virtual participants as OS threads, each walking the
screen over the protocol client again and again, a new session each time.

    python -m bench.loadgen.threaded --host URL --users N --ramp S --run-time S \
                                     [--think 3] [--samples FILE] [--ca-file CERT]

The same users as bench/loadgen/locustfile.py, without Locust's runner. Why: under Locust
(2.47, gevent) every request here took 4-5× as long as the same client's from plain threads or
from plain gevent greenlets against the same server, with the Locust process and the server both
mostly idle (10 users, 3 s think time: answer median 440-720 ms under Locust, 120-160 ms
otherwise; docs/benchmarks.md, "Capacity"). A load generator that adds its own delay cannot
measure a p95 of 1 s, so the measurements use this one, which stays a separate process.

Samples are written as Locust's are (one JSON line per request: [unix time at the end, name,
milliseconds, error type or null]), names as bench/loadgen/walk.py records them, plus "walk".
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.loadgen.plan import plan_for  # noqa: E402
from bench.loadgen.streamlit_client import StreamlitSession  # noqa: E402
from bench.loadgen.walk import walk  # noqa: E402


class Stop(Exception):
    """The run's time is up: the walk ends at its next pause."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which users start")
    parser.add_argument("--run-time", type=float, required=True, help="seconds from the first start")
    parser.add_argument("--think", type=float, default=3.0)
    parser.add_argument("--samples")
    parser.add_argument("--ca-file")
    args = parser.parse_args()

    plan = plan_for("self")
    samples: list[tuple[float, str, float, str | None]] = []
    lock = threading.Lock()
    began = time.monotonic()
    deadline = began + args.run_time

    def note(name: str, seconds: float, error: str | None = None) -> None:
        with lock:
            samples.append((time.time(), name, seconds * 1000, error))

    def pause(seconds: float) -> None:
        if time.monotonic() + seconds >= deadline:
            raise Stop
        time.sleep(seconds)

    def user(number: int) -> None:
        time.sleep(args.ramp * number / max(args.users, 1))
        while time.monotonic() < deadline:
            session = StreamlitSession(args.host, ca_file=args.ca_file)
            start = time.perf_counter()
            try:
                walk(session, plan, think=args.think, record=note, sleep=pause)
            except Stop:
                return
            except Exception as exc:  # counted as the walk's failure; the user starts over
                note("walk", time.perf_counter() - start, type(exc).__name__)
                if time.monotonic() + args.think + 1 >= deadline:
                    return
                time.sleep(args.think + 1)  # a failing server is not hammered in a tight loop
            else:
                note("walk", time.perf_counter() - start)
            finally:
                session.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(args.users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0) + 5)
    with lock:
        rows = list(samples)  # a request in flight past the deadline is left out
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in rows))


if __name__ == "__main__":
    main()

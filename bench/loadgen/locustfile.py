"""Locust users for bench/capacity.py: each a virtual participant walking the screen over
Streamlit's WebSocket protocol (bench/loadgen/walk.py), again and again, a new session each time.

Run by bench/capacity.py in a process of its own (Locust monkey-patches the standard library
with gevent, which must never reach pytest or the benchmark's own process):

    locust --headless -f bench/loadgen/locustfile.py --host URL --users N --spawn-rate R \
           --run-time T --only-summary

Settings come from the environment:
  LOADGEN_THINK     seconds before every answer and button press (default 3)
  LOADGEN_SAMPLES   a file to write every timed request to, one JSON line each, when the run
                    stops: [unix time at the end, name, milliseconds, error or null]. Locust's
                    own statistics round times into buckets; the benchmark wants exact ones
                    and only those inside its measured window.
  LOADGEN_CA_FILE   a certificate to trust for an https host (the cluster's self-signed one)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from locust import User, constant, events, task

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.loadgen.plan import plan_for  # noqa: E402
from bench.loadgen.streamlit_client import StreamlitSession  # noqa: E402
from bench.loadgen.walk import walk  # noqa: E402

THINK = float(os.environ.get("LOADGEN_THINK", "3"))
CA_FILE = os.environ.get("LOADGEN_CA_FILE") or None
PLAN = plan_for("self")
_samples: list[tuple[float, str, float, str | None]] = []


@events.request.add_listener
def _keep(request_type, name, response_time, response_length, exception=None, **_kwargs) -> None:
    _samples.append(
        (time.time(), name, response_time, None if exception is None else type(exception).__name__)
    )


@events.test_stop.add_listener
def _write(**_kwargs) -> None:
    path = os.environ.get("LOADGEN_SAMPLES")
    if path:
        with open(path, "w") as out:
            for sample in _samples:
                out.write(json.dumps(sample) + "\n")


class VirtualParticipant(User):
    """Opens the site, answers every step as a reader would (THINK seconds per answer), sends
    the screen, and starts over in a new session."""

    wait_time = constant(0)  # the think time is inside the walk, before every action

    @task
    def screen(self) -> None:
        session = StreamlitSession(self.host or "", ca_file=CA_FILE)
        start = time.perf_counter()
        try:
            walk(session, PLAN, think=THINK, record=self._record)
        except Exception as exc:  # any failure is counted as the walk's, and the user goes on
            self._fire("walk", time.perf_counter() - start, exc)
        else:
            self._fire("walk", time.perf_counter() - start, None)
        finally:
            session.close()

    def _record(self, name: str, seconds: float) -> None:
        self._fire(name, seconds, None)

    def _fire(self, name: str, seconds: float, exc: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="ws",
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=exc,
            context={},
        )

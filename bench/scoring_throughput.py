"""Screens per second through the rules module, beside the cost of only parsing the JSON.

    python bench/scoring_throughput.py [--count 100000] [--seed 7]

Generates COUNT random valid screens (scoring.sample), writes them as JSON lines, and times:
  - parse only:            json.loads of every line (the floor any JSON caller pays)
  - API, evaluate():       scoring.evaluate on already-parsed screens
  - API, parse + evaluate: both, as a caller holding JSON text would do
  - CLI --jsonl:           python -m scoring evaluate --jsonl FILE > /dev/null, whole process
Prints a table (Markdown) to paste into docs/benchmarks.md. Single process, single thread.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import evaluate  # noqa: E402
from scoring.sample import random_screen  # noqa: E402


def consume(results) -> None:
    for _ in results:
        pass


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    screens = [random_screen(rng) for _ in range(args.count)]
    lines = [json.dumps(screen) for screen in screens]
    dispositions = Counter(evaluate(screen)["disposition"] for screen in screens[:10_000])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "screens.jsonl"
        path.write_text("\n".join(lines) + "\n")

        # Each result is dropped as soon as it is made, as a caller handling one screen at a time
        # (the CLI, the app) does: kept in a list, 100,000 results make the garbage collector
        # rescan an ever larger heap, and that, not scoring, would be what the table shows.
        rows = []
        parse = timed(lambda: consume(json.loads(line) for line in lines))
        rows.append(("parse only (json.loads), the floor", parse))
        rows.append(
            ("API: evaluate() on parsed screens", timed(lambda: consume(evaluate(s) for s in screens)))
        )
        rows.append(
            (
                "API: json.loads + evaluate()",
                timed(lambda: consume(evaluate(json.loads(line)) for line in lines)),
            )
        )
        with open(os.devnull, "w") as devnull:
            cli = timed(
                lambda: subprocess.run(
                    [sys.executable, "-m", "scoring", "evaluate", "--jsonl", str(path)],
                    cwd=ROOT,
                    stdout=devnull,
                    check=True,
                )
            )
        rows.append(("CLI: python -m scoring evaluate --jsonl (whole process)", cli))

    print(
        f"{args.count:,} random valid screens; Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores; one process, one thread"
    )
    print("dispositions in the first 10,000:", dict(sorted(dispositions.items())))
    print()
    print("| path | seconds | screens per second | µs per screen | × parse-only |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds in rows:
        print(
            f"| {name} | {seconds:.2f} | {args.count / seconds:,.0f} | "
            f"{seconds / args.count * 1e6:.1f} | {seconds / parse:.1f} |"
        )


if __name__ == "__main__":
    main()

"""Screens per second through the rules module, as a ratio to only parsing the same screens' JSON.

    python bench/scoring_throughput.py [--count 100000] [--seed 7] [--repeat 3]

Generates COUNT random valid revision-2 screens (scoring.sample: family members sometimes answer
"unknown", some people used no drugs in the past 3 months, and the BAM is left out for those
with no drinking, drug use or history of a problem), writes them as JSON lines, and times:
  - parse only:            json.loads of every line (the floor any JSON caller pays)
  - API, validate():       the check alone, on parsed screens
  - API, score():          scoring alone, on screens validate() already returned
  - API, evaluate():       both, on parsed screens (the aim: within 2x of parse only)
  - API, parse + evaluate: both, as a caller holding JSON text would do
  - CLI --jsonl:           python -m scoring evaluate --jsonl FILE > /dev/null, whole process
The ratio column ("x parse-only") is the figure to compare across machines; seconds are not.
Each path runs REPEAT times, interleaved, and the median is shown. A second table splits
evaluate() into its phases, timing the engine's own phase functions one after another on the
first 20,000 screens. Prints Markdown to paste into docs/benchmarks.md. One process, one thread.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import evaluate, score, validate  # noqa: E402
from scoring.answers import reader  # noqa: E402
from scoring.contract import UNKNOWN  # noqa: E402
from scoring.engine import build_result, domain_levels, raised_flags, score_instruments  # noqa: E402
from scoring.sample import random_screen  # noqa: E402
from scoring.suggestion import suggest  # noqa: E402

PHASE_SCREENS = 20_000


def consume(results) -> None:
    for _ in results:
        pass


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def revision_2_mix(screens: list[dict]) -> str:
    """What makes these revision-2 screens, counted, so the table shows they are."""
    unknown = sum(UNKNOWN in screen["answers"].values() for screen in screens)
    none_3m = sum(screen["answers"].get("drugs.substances") == ["none_3m"] for screen in screens)
    no_bam = sum("bam.1" not in screen["answers"] for screen in screens)
    loved_one = sum(screen["respondent"] == "loved_one" for screen in screens)
    return (
        f"revision-2 answers: {loved_one:,} by a family member, {unknown:,} of them with an "
        f'"unknown"; none_3m in {none_3m:,}; BAM not asked in {no_bam:,}'
    )


def path_rows(screens: list[dict], lines: list[str], path: Path, repeat: int) -> list[tuple[str, float]]:
    # Each result is dropped as soon as it is made, as a caller handling one screen at a time
    # (the CLI, the app) does: kept in a list, 100,000 results make the garbage collector
    # rescan an ever larger heap, and that, not scoring, would be what the table shows.
    valid = [validate(screen) for screen in screens]

    def cli() -> None:
        with open(os.devnull, "w") as devnull:
            subprocess.run(
                [sys.executable, "-m", "scoring", "evaluate", "--jsonl", str(path)],
                cwd=ROOT,
                stdout=devnull,
                check=True,
            )

    paths = {
        "parse only (json.loads), the floor": lambda: consume(json.loads(line) for line in lines),
        "API: validate() on parsed screens": lambda: consume(validate(s) for s in screens),
        "API: score() on validated screens": lambda: consume(score(v) for v in valid),
        "API: evaluate() on parsed screens": lambda: consume(evaluate(s) for s in screens),
        "API: json.loads + evaluate()": lambda: consume(evaluate(json.loads(line)) for line in lines),
        "CLI: python -m scoring evaluate --jsonl (whole process)": cli,
    }
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeat):  # interleaved, so a burst of load elsewhere hits every path alike
        for name, run in paths.items():
            seconds[name].append(timed(run))
    return [(name, statistics.median(runs)) for name, runs in seconds.items()]


def phase_rows(screens: list[dict], repeat: int) -> list[tuple[str, float]]:
    """Seconds per phase of evaluate(), each fed the outputs of the one before (worked out
    beforehand, then frozen out of the garbage collector's sight so keeping them costs nothing)."""
    valid = [validate(s) for s in screens]
    gets = [reader(v.answers, v.unanswered) for v in valid]
    instruments = [score_instruments(get) for get in gets]
    levels = [domain_levels(get, ins) for get, ins in zip(gets, instruments, strict=True)]
    flags = [raised_flags(get, lv, v.respondent) for get, lv, v in zip(gets, levels, valid, strict=True)]
    every = list(zip(gets, valid, instruments, levels, flags, strict=True))
    suggestions = [suggest(get, ins, lv, v.respondent, tuple(fl)) for get, v, ins, lv, fl in every]
    gc.freeze()
    phases = {
        "validation (validate)": lambda: consume(validate(s) for s in screens),
        "instruments (8 scores)": lambda: consume(score_instruments(get) for get in gets),
        "domains (9 levels)": lambda: consume(
            domain_levels(get, ins) for get, ins in zip(gets, instruments, strict=True)
        ),
        "flags (12 rules)": lambda: consume(
            raised_flags(get, lv, v.respondent) for get, lv, v in zip(gets, levels, valid, strict=True)
        ),
        "suggestion and reasons (suggest)": lambda: consume(
            suggest(get, ins, lv, v.respondent, tuple(fl)) for get, v, ins, lv, fl in every
        ),
        "result building": lambda: consume(
            build_result(get, v, ins, lv, fl, sg)
            for (get, v, ins, lv, fl), sg in zip(every, suggestions, strict=True)
        ),
        "evaluate(), whole": lambda: consume(evaluate(s) for s in screens),
    }
    seconds: dict[str, list[float]] = {name: [] for name in phases}
    for _ in range(repeat):
        for name, run in phases.items():
            seconds[name].append(timed(run))
    gc.unfreeze()
    return [(name, statistics.median(runs)) for name, runs in seconds.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    rng = random.Random(args.seed)
    screens = [random_screen(rng) for _ in range(args.count)]
    lines = [json.dumps(screen) for screen in screens]
    dispositions = Counter(evaluate(screen)["disposition"] for screen in screens[:10_000])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "screens.jsonl"
        path.write_text("\n".join(lines) + "\n")
        rows = path_rows(screens, lines, path, args.repeat)
    phase_count = min(args.count, PHASE_SCREENS)
    phases = phase_rows(screens[:phase_count], args.repeat)

    print(
        f"{args.count:,} random valid screens; Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores; one process, one thread; median of {args.repeat} interleaved runs; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print("dispositions in the first 10,000:", dict(sorted(dispositions.items())))
    print(revision_2_mix(screens))
    print()
    parse = rows[0][1]
    print("| path | seconds | screens per second | µs per screen | × parse-only |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds in rows:
        print(
            f"| {name} | {seconds:.2f} | {args.count / seconds:,.0f} | "
            f"{seconds / args.count * 1e6:.1f} | {seconds / parse:.2f} |"
        )
    print()
    whole = phases[-1][1]
    print(f"Where evaluate() spends its time (first {phase_count:,} screens):")
    print()
    print("| phase | µs per screen | share of evaluate() |")
    print("|---|---:|---:|")
    for name, seconds in phases[:-1]:
        print(f"| {name} | {seconds / phase_count * 1e6:.1f} | {seconds / whole:.0%} |")
    parts = sum(seconds for _, seconds in phases[:-1])
    print(f"| sum of the phases | {parts / phase_count * 1e6:.1f} | {parts / whole:.0%} |")
    print(f"| evaluate(), whole | {whole / phase_count * 1e6:.1f} | 100% |")


if __name__ == "__main__":
    main()

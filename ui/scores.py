"""One instrument's score in words, for the result page, the PDF and the staff review alike.

The ranges ("of N") come from ``scoring.instruments.score_ranges()``, so no page restates them.
"""

from __future__ import annotations

import functools

from scoring.instruments import score_ranges
from ui import texts

# The keys each instrument's score needs; a stored result missing one (an old or hand-made
# result) is shown as its raw keys rather than failing the page.
NEEDS = {
    "taps1": ("tobacco", "drugs", "rx"),
    "cssrs": ("risk",),
    "bam": ("use", "risk", "protective"),
    "mspss": ("mean", "band"),
}


@functools.cache
def _ranges() -> dict[str, tuple[int, int]]:
    return score_ranges()


def _band(value: object) -> str:
    return texts.BAND_WORDS.get(str(value), str(value))


def _scale(name: str) -> str:
    if name not in _ranges():  # an instrument scoring does not give a range for
        return ""
    low, high = _ranges()[name]
    return f" on a scale of {low} to {high}"


def _of(score: dict, key: str, label: str) -> str:
    return f"{label} {score[key]} of {_ranges()[f'bam.{key}'][1]}"


def score_text(name: str, score: dict) -> str:
    """The score, its band in words, and the scale it is on ("12 (moderate) on a scale of LOW to HIGH")."""
    if any(key not in score for key in NEEDS.get(name, ("score", "band"))):
        return ", ".join(f"{key} {value}" for key, value in score.items())
    if name == "taps1":
        never, daily = _ranges()["taps1"]
        counts = f"tobacco {score['tobacco']}, drugs {score['drugs']}, pills {score['rx']}"
        return f"{counts} ({never} = never, {daily} = daily)"
    if name == "cssrs":
        return _band(score["risk"])
    if name == "bam":
        return ", ".join(
            (_of(score, "use", "use"), _of(score, "risk", "risk"), _of(score, "protective", "protection"))
        )
    if name == "mspss":
        return f"{score['mean']} ({_band(score['band'])}){_scale('mspss')}"
    return f"{score['score']} ({_band(score['band'])}){_scale(name)}"

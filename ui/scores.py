"""One instrument's score in words, for the result page, the PDF and the staff review alike.

The ranges ("of N") come from ``scoring.instruments.score_ranges()``, so no page restates them.
"""

from __future__ import annotations

import functools

from scoring.instruments import score_ranges
from scoring.languages import SOURCE, translate
from ui import texts
from ui.i18n import localize

# The keys each instrument's score needs; a stored result missing one (an old or hand-made
# result) is shown as its raw keys rather than failing the page.
NEEDS = {
    "taps1": ("tobacco", "drugs", "rx"),
    "cssrs": ("risk",),
    "bam": ("use", "risk", "protective"),
    "mspss": ("mean", "band"),
}


# The BAM's three scores, each with its word.
BAM_PARTS = (("use", "use"), ("risk", "risk"), ("protective", "protection"))


@functools.cache
def _ranges() -> dict[str, tuple[int, int]]:
    return score_ranges()


def _band(value: object, lang: str) -> str:
    return localize(texts.BAND_WORDS, lang).get(str(value), str(value))


def _scale(name: str, lang: str) -> str:
    if name not in _ranges():  # an instrument scoring does not give a range for
        return ""
    low, high = _ranges()[name]
    return translate(texts.SCORE_WORDS["scale"], lang).format(low=low, high=high)


def _of(score: dict, key: str, label: str, lang: str) -> str:
    return translate(texts.SCORE_WORDS["part"], lang).format(
        label=translate(texts.SCORE_WORDS[label], lang), value=score[key], top=_ranges()[f"bam.{key}"][1]
    )


def score_text(name: str, score: dict, lang: str = SOURCE) -> str:
    """The score, its band in words, and the scale it is on ("12 (moderate) on a scale of LOW
    to HIGH"), in ``lang`` (staff pages: English)."""
    if any(key not in score for key in NEEDS.get(name, ("score", "band"))):
        return ", ".join(f"{key} {value}" for key, value in score.items())
    if name == "taps1":
        never, daily = _ranges()["taps1"]
        return translate(texts.SCORE_WORDS["taps1"], lang).format(
            tobacco=score["tobacco"], drugs=score["drugs"], rx=score["rx"], never=never, daily=daily
        )
    if name == "cssrs":
        return _band(score["risk"], lang)
    if name == "bam":
        return ", ".join(_of(score, key, label, lang) for key, label in BAM_PARTS)
    if name == "mspss":
        return f"{score['mean']} ({_band(score['band'], lang)}){_scale('mspss', lang)}"
    return f"{score['score']} ({_band(score['band'], lang)}){_scale(name, lang)}"
